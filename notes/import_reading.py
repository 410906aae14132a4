"""What the import's readers share (notes/import_formats.py reads each format, notes/imports.py the upload
and the storing): the candidate note, the reading's record of problems and of what could not be kept, and
the checks every format's fields go through.

Two kinds of findings, kept apart:
- a problem refuses the whole upload (nothing is stored): a field of the wrong type, a note the note rules
  refuse, a file that is not an export;
- what could not be kept is reported per file and the note is imported without it: a Keep colour, the
  labels beyond LABELS_MAX, a label this app cannot store, a field this importer does not know.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from console.web.integers import json_int
from notes.domain import LABELS_MAX, TITLE_MAX_CHARS, ValidationError, clean_fields, label_key, label_problem
from notes.stamps import StampProblem

MAX_PROBLEMS_SHOWN = 20
UNTITLED = "Untitled"


class ImportRejected(Exception):
    """The upload cannot be imported; `problems` says what and where. Nothing was stored. `of_the_form`: the
    form itself is wrong (no file, too large), not what the files hold."""

    def __init__(self, problems: list[str], *, total: int | None = None, of_the_form: bool = False) -> None:
        self.problems = problems[:MAX_PROBLEMS_SHOWN]
        self.total = total if total is not None else len(problems)
        self.of_the_form = of_the_form
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class AttachmentRef:
    """A file a note refers to, as its export names it: the path of the file in the upload, its type."""

    path: str
    content_type: str
    name: str


@dataclass(frozen=True)
class ImportCandidate:
    source: str  # where it is, for messages: "notes.json, note 3"
    token: str
    fields: dict[str, object]
    created_at: str
    updated_at: str
    original_id: str | None = None  # this app's own id, when the file is our export
    trashed: bool = False  # in the other app's trash: it goes to this app's trash
    attachments: tuple[AttachmentRef, ...] = ()


@dataclass
class Reading:
    candidates: list[ImportCandidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    not_kept: list[tuple[str, str]] = field(default_factory=list)  # (where, what could not be kept and why)
    files: dict[str, bytes] = field(default_factory=dict)  # the upload's other files (attachments), by path

    def found(self, name: str) -> None:
        if name not in self.formats:
            self.formats.append(name)

    def cannot_keep(self, where: str, what: str) -> None:
        self.not_kept.append((where, what))


class NoteProblem(Exception):
    """One field of one note cannot be imported; the message names the field."""


class TooDeep(ValueError):
    pass


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str) -> object:
    """Every value in a file is hostile until checked: numbers longer than MAX_DIGITS digits (Python refuses
    to convert 4,300) and NaN/Infinity are refused by the parser, nesting beyond the parser's depth too."""
    try:
        return json.loads(text, parse_int=json_int, parse_constant=_reject_constant)
    except RecursionError:
        raise TooDeep("it is nested too deeply") from None


def token(kind: str, source_id: str, title: object, content: object) -> str:
    raw = json.dumps([kind, source_id, title, content], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_LINE_BREAKS_RE = re.compile(r"\s*[\n\r\u2028\u2029]\s*")


def one_line(title: str) -> str:
    """A title's line breaks (Keep allows them; a page's title field does not) as spaces, so its words stay
    apart: "Multiline title note\\nSecond line" is "Multiline title note Second line"."""
    return _LINE_BREAKS_RE.sub(" ", title)


def add_candidate(  # noqa: PLR0913 - a candidate's parts
    reading: Reading,
    where: str,
    kind: str,
    source_id: str,
    values: dict[str, object],
    created: str,
    updated: str,
    *,
    original_id: str | None = None,
    trashed: bool = False,
    attachments: tuple[AttachmentRef, ...] = (),
) -> None:
    try:
        cleaned = clean_fields(values)
    except ValidationError as exc:
        reading.problems.extend(f"{where}: {message}" for message in exc.errors.values())
        return
    candidate = ImportCandidate(
        where,
        token(kind, source_id, cleaned["title"], cleaned["content"]),
        cleaned,
        created,
        updated,
        original_id,
        trashed,
        attachments,
    )
    reading.candidates.append(candidate)


def labels_kept(reading: Reading, where: str, names: list[str]) -> list[str]:
    """Another app's tags or labels as this app's: each once (compared as labels are), blank ones dropped;
    one this app cannot store, and those beyond the first LABELS_MAX, are reported as not kept."""
    kept: dict[str, str] = {}
    for name in names:
        if not name.strip():
            continue
        problem = label_problem(name)
        if problem:
            reading.cannot_keep(where, f"the label {name[:60]!r}: {problem}")
            continue
        kept.setdefault(label_key(name), name.strip())
    labels = list(kept.values())
    if len(labels) > LABELS_MAX:
        rest = labels[LABELS_MAX:]
        shown = ", ".join(rest[:10]) + (f" and {len(rest) - 10} more" if len(rest) > 10 else "")
        reading.cannot_keep(
            where,
            f"{len(rest)} label{'s' if len(rest) > 1 else ''} beyond the first {LABELS_MAX} (a note has at most {LABELS_MAX}): {shown}",
        )
    return labels[:LABELS_MAX]


def stamp(note: dict, key: str, convert: Callable[[object], str], *, required: bool = False) -> str | None:
    """The note's date `key` as a stored stamp; None when it is absent (and may be); NoteProblem otherwise."""
    value = note.get(key)
    if value is None and not required:
        return None
    try:
        return convert(value)
    except StampProblem as exc:
        raise NoteProblem(f'"{key}" {exc}.') from None


def text_list(note: dict, key: str) -> list[str]:
    value = note.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NoteProblem(f'"{key}" must be a list of text.')
    return value


def flag(note: dict, key: str) -> bool:
    value = note.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise NoteProblem(f'"{key}" must be true or false.')
    return value


def split_title(text: str) -> tuple[str, str]:
    """Simplenote's and Keep's untitled notes: the first non-blank line is the title, the rest the content.
    A first line too long for a title is cut in the title and kept whole in the content."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            if len(title) > TITLE_MAX_CHARS:
                return title[: TITLE_MAX_CHARS - 1] + "…", text
            return title, "\n".join(lines[i + 1 :]).lstrip("\n")
    return UNTITLED, text


def clean_text(value: object) -> str | None:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else None
