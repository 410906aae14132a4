"""The table's key prefixes and key builders: the one module that spells them.

console/aws/dynamodb.py lists each prefix with what it holds (KEY_PREFIXES, SORT_KEY_PREFIXES) from these
names; every other module builds its keys here, and tests/unit/test_table_keys.py fails when one spells a
prefix itself. Plain strings only: domain modules may import this (it imports nothing).
"""

from __future__ import annotations

# Partition-key prefixes.
USER = "USER#"
WORDS = "WORDS#"
USERNAME = "USERNAME#"
TOKEN = "TOKEN#"
SESSION = "SESSION#"
IDEMPOTENCY = "IDEMPOTENCY#"
RESET = "RESET#"
EMAIL = "EMAIL#"
EMAILCHECK = "EMAILCHECK#"
THROTTLE = "THROTTLE#"
DEPLOY = "DEPLOY#"

# Sort-key prefixes (TOKEN#, RESET# and EMAILCHECK# are also sort keys, in the user's partition).
NOTE = "NOTE#"
NOTE_END = "NOTE$"  # sorts after every NOTE#... key: the high end of a BETWEEN over a user's notes
HIST = "HIST#"
IDEMP = "IDEMP#"
ATT = "ATT#"
UNDO = "UNDO#"
TERM = "T#"
MANIFEST = "N#"
LABEL = "L#"
FLAG = "F#"
WINDOW = "WINDOW#"
ADDRESS = "ADDRESS#"
CODE = "CODE#"

# The throttle's partition of the addresses a user signed in from (THROTTLE#known#<subject>).
KNOWN_SCOPE = "known"


# --- partition keys ---------------------------------------------------------------------------------


def user_pk(user_id: str) -> str:
    return f"{USER}{user_id}"


def words_pk(user_id: str) -> str:
    return f"{WORDS}{user_id}"


def username_pk(name_key: str) -> str:
    return f"{USERNAME}{name_key}"


def token_pk(token_hash: str) -> str:
    return f"{TOKEN}{token_hash}"


def session_pk(session_key: str) -> str:
    return f"{SESSION}{session_key}"


def idempotency_pk(user_id: str, key: str) -> str:
    return f"{IDEMPOTENCY}{user_id}#{key}"


def reset_pk(secret_hash: str) -> str:
    return f"{RESET}{secret_hash}"


def email_pk(address_key: str) -> str:
    return f"{EMAIL}{address_key}"


def emailcheck_pk(secret_hash: str) -> str:
    return f"{EMAILCHECK}{secret_hash}"


def throttle_pk(scope: str, subject: str) -> str:
    return f"{THROTTLE}{scope}#{subject}"


def deploy_pk(function_name: str) -> str:
    return f"{DEPLOY}{function_name}"


# --- sort keys --------------------------------------------------------------------------------------


def note_sk(note_id: str) -> str:
    return f"{NOTE}{note_id}"


def history_prefix(note_id: str) -> str:
    """The sort keys of every recorded version of one note."""
    return f"{HIST}{note_id}#"


def history_sk(note_id: str, version: int) -> str:
    return f"{history_prefix(note_id)}{version:010d}"


def idemp_sk(key: str) -> str:
    return f"{IDEMP}{key}"


def token_sk(token_id: str) -> str:
    return f"{TOKEN}{token_id}"


def reset_sk(secret_hash: str) -> str:
    return f"{RESET}{secret_hash}"


def emailcheck_sk(secret_hash: str) -> str:
    return f"{EMAILCHECK}{secret_hash}"


def undo_sk(undo_id: str) -> str:
    return f"{UNDO}{undo_id}"


def attachment_sk(rest: str) -> str:
    return f"{ATT}{rest}"


def term_sk(term: str) -> str:
    return f"{TERM}{term}"


def manifest_sk(note_id: str) -> str:
    return f"{MANIFEST}{note_id}"


def label_prefix(escaped_key: str) -> str:
    return f"{LABEL}{escaped_key}#"


def flag_prefix(flag: str) -> str:
    return f"{FLAG}{flag}#"


def window_sk(number: int | str) -> str:
    return f"{WINDOW}{number}"


def address_sk(address: str) -> str:
    return f"{ADDRESS}{address}"


def code_sk(code_hash: str, settings_digest: str) -> str:
    return f"{CODE}{code_hash}#{settings_digest}"
