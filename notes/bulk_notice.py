"""What the page says after a bulk action or its Undo: the words, and how they travel through the redirect
(signed and bound to the user, so a link cannot put other words on someone's page, and short-lived)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing

from notes.bulk_actions import CONFLICT, DONE, DONE_WORDS, MISSING, UNCHANGED

if TYPE_CHECKING:
    from notes.bulk import BulkResult

PARAM = "bulk"
_SALT = "notes.bulk.done"
_MAX_AGE = 600
NAMES_SHOWN = 10  # titles of refused notes named on the page; the rest are counted


def _notes(n: int) -> str:
    return f"{n} note{'s' if n != 1 else ''}"


def _already(action: str, n: int) -> str:
    """Notes the action left as they were since they were so already."""
    if action == "add_label":
        return f"{_notes(n)} had it already."
    if action == "remove_label":
        return f"{_notes(n)} did not have it."
    return f"{_notes(n)} {'was' if n == 1 else 'were'} so already."


def message(result: BulkResult) -> dict[str, object]:
    """{"text": what happened, "refused": [titles], "more": refused beyond those, "undo": id or ""}."""
    done, unchanged = result.count(DONE), result.count(UNCHANGED)
    if result.undone:
        text = f"Undone: {_notes(done)} put back as {'it was' if done == 1 else 'they were'}."
    else:
        words = DONE_WORDS[result.action]
        if result.action in ("add_label", "remove_label"):
            words = f"{words} “{result.label}”"
        text = f"{_notes(done)} {words}."
        if unchanged:
            text += f" {_already(result.action, unchanged)}"
        if done and not result.undo_id:
            text += " It cannot be undone: the notes store did not keep the undo."
    refused = [o for o in result.outcomes if o.status in (CONFLICT, MISSING)]
    titles = [o.title or "A note that is no longer there" for o in refused]
    return {
        "text": text,
        "refused": titles[:NAMES_SHOWN],
        "more": max(0, len(titles) - NAMES_SHOWN),
        "undo": result.undo_id or "",
    }


def encode(user_id: str, result: BulkResult) -> str:
    return signing.dumps(message(result), salt=f"{_SALT}:{user_id}", compress=True)


def decode(user_id: str, raw: str) -> dict[str, object] | None:
    if not raw:
        return None
    try:
        found = signing.loads(raw, salt=f"{_SALT}:{user_id}", max_age=_MAX_AGE)
    except signing.BadSignature:
        return None
    return found if isinstance(found, dict) else None
