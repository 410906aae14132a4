"""The notes domain: the Note, its validation rules and the errors services raise."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

# A note id's pattern (URLs, the API, the OpenAPI document) lives in notes.ids, which the URLconf and the tag
# libraries import without loading this module; it is re-exported here as part of the domain.
from notes.ids import NOTE_ID_PATTERN  # noqa: F401

TITLE_MAX_CHARS = 200
CONTENT_MAX_BYTES = 100 * 1024
CATEGORY_MAX_CHARS = 40  # the deprecated single category (a label now); kept for old clients' limits
DEFAULT_CATEGORY = "general"  # what a deprecated `category` reads as on a note without labels
LABELS_MAX = 20
LABEL_MAX_CHARS = 50
LABELS_RULE = (
    f"at most {LABELS_MAX} labels, each 1-{LABEL_MAX_CHARS} characters of any script "
    "(letters, digits, spaces and punctuation; no control characters)"
)

# These expressions go into the OpenAPI document too; they mean the same in ECMA-262 and Python.
# Whitespace is what Python's str.strip() removes, so "has a non-space character" is exactly "not blank".
_SPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TITLE_PATTERN = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"
# ASCII only, so the API's JSON Schema pattern says exactly the same thing in every client's regex dialect.
CATEGORY_PATTERN = r"^[A-Za-z0-9_ -]*$"
# Compiled on first use (re caches it): a list page validates nothing, and these cost ~5 M instructions to compile.
_FORBIDDEN_CHARS = "[\x00\ud800-\udfff]"
# A label's characters: not C0/C1 controls, invisible format characters, line/paragraph separators or lone
# surrogates; and not only spaces. Written for the OpenAPI document too (the same in ECMA-262 and Python).
_CONTROL = r"\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff"
LABEL_PATTERN = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
NO_CONTROL_PATTERN = rf"^[^{_CONTROL}]*$"
_CONTROL_CHAR = f"[{_CONTROL}]"


class FieldSpec(NamedTuple):
    """One editable field of a note: the single statement of its type, limits and default, from which the
    pages' and the API's validation, the OpenAPI schema and the DynamoDB item mapping are derived. A named tuple,
    as the records below (immutable; no dataclass compiled at import on every cold start)."""

    name: str
    type: type
    default: object
    required: bool = False
    max_chars: int | None = None
    max_bytes: int | None = None  # of UTF-8
    pattern: str | None = None
    rule: str = ""  # what the pattern means, in the words every error message uses
    strip: bool = False  # stored without surrounding spaces

    @property
    def label(self) -> str:
        return self.name.capitalize()

    def problem(self, value: object) -> str | None:
        """Why `value` can't be this field's value, in the one wording pages and API share; None if it can."""
        if self.type is tuple:
            return labels_problem(value)
        if self.type is bool:
            return None if isinstance(value, bool) else f"{self.label} must be true or false."
        if not isinstance(value, str):
            return f"{self.label} must be a string."
        if re.search(_FORBIDDEN_CHARS, value):
            return f"{self.label} contains characters that cannot be stored (NUL or lone surrogates)."
        # Limits apply to what was sent (as the OpenAPI document states them); stripping happens on storing.
        if self.required and not value.strip():
            return f"{self.label} is required ({self.rule})."
        if self.max_chars is not None and len(value) > self.max_chars:
            return f"{self.label} must be at most {self.max_chars} characters (it has {len(value)})."
        if self.max_bytes is not None:
            size = len(value.encode("utf-8"))
            if size > self.max_bytes:
                return f"{self.label} must be at most {self.max_bytes // 1024} KB of UTF-8 (it has {size:,} bytes)."
        if self.pattern and not re.fullmatch(self.pattern.removeprefix("^").removesuffix("$"), value):
            return f"{self.label} may contain only {self.rule}."
        return None

    def clean(self, value: object) -> object:
        """The value as stored: checked, stripped where the field is, blank optional text as the default."""
        if value is None and not self.required and self.type is str:
            return self.default
        problem = self.problem(value)
        if problem:
            raise ValidationError({self.name: problem})
        if self.type is tuple:
            return clean_labels(value)  # type: ignore[arg-type]
        if self.type is str:
            text = value.strip() if self.strip else value  # type: ignore[union-attr]
            return text if text or self.required else self.default
        return value


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "title",
        str,
        "",
        required=True,
        max_chars=TITLE_MAX_CHARS,
        pattern=TITLE_PATTERN,
        rule=f"1-{TITLE_MAX_CHARS} characters, not only spaces",
        strip=True,
    ),
    FieldSpec("content", str, "", max_bytes=CONTENT_MAX_BYTES, pattern=NO_NUL_PATTERN),
    FieldSpec("labels", tuple, (), rule=LABELS_RULE),
    FieldSpec("important", bool, False),
    FieldSpec("completed", bool, False),
    FieldSpec("pinned", bool, False),
    FieldSpec("archived", bool, False),
)
FIELD = {spec.name: spec for spec in FIELDS}
EDITABLE_FIELDS = tuple(FIELD)
# Deprecated: the single category of old clients and old exports. Sent alone it becomes the note's only label
# (any label is a valid category now); read back, it is the first label.
CATEGORY_ALIAS = "category"


def label_key(label: str) -> str:
    """What two labels are compared by: the search index's normalization (case and accents ignored)."""
    from notes.text import normalize

    return normalize(label.strip())


def label_problem(label: object) -> str | None:
    """Limits apply to what was sent (as the OpenAPI document states them); stripping happens on storing."""
    if not isinstance(label, str):
        return "Each label must be a string."
    if not label.strip():
        return "A label cannot be empty or only spaces."
    if len(label) > LABEL_MAX_CHARS:
        return f"Label {label[:20]!r}... must be at most {LABEL_MAX_CHARS} characters (it has {len(label)})."
    # Surrounding whitespace (a trailing new line included) is dropped on storing, so only what stays counts; the
    # document's pattern agrees, as Python's `$` also matches before a final new line.
    bad = re.search(_CONTROL_CHAR, label.strip())
    if bad is not None:
        shown = re.sub(_CONTROL_CHAR, "?", label)
        return (
            f"Label {shown!r} contains a control or invisible character (U+{ord(bad.group()):04X}); use visible text."
        )
    return None


def labels_problem(value: object) -> str | None:
    if not isinstance(value, (list, tuple)):
        return "Labels must be a list of strings."
    for label in value:
        problem = label_problem(label)
        if problem:
            return problem
    if len(value) > LABELS_MAX:
        return f"A note can have at most {LABELS_MAX} labels (it has {len(value)})."
    return None


def clean_labels(labels: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Stripped, each once (the first spelling kept, compared by label_key), in the order given."""
    kept: dict[str, str] = {}
    for label in labels:
        kept.setdefault(label_key(label), label.strip())
    return tuple(kept.values())


def parse_labels_text(text: str) -> list[str]:
    """Labels as a form field holds them: separated by commas or new lines."""
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


_NOTE_FIELDS = (
    "id",
    "user_id",
    "title",
    "content",
    "labels",
    "important",
    "completed",
    "pinned",
    "archived",
    "created_at",
    "updated_at",
    "version",
    "thumbnail_id",
)


class Note:
    """A note: immutable, compared and hashed by value, copied with changes by `replace()`. A plain class with
    slots, not a frozen dataclass: it is built at import on every notes page's cold start, where a dataclass
    compiles its methods (~4-5 M instructions; bench/bench_cold_start.py)."""

    __slots__ = _NOTE_FIELDS
    # The attachment whose thumbnail the list row shows (its first ready image), kept on the note item by the S3
    # handler so the list needs no read of its own; not part of the note's content (nor of its comparisons).
    _COMPARED = _NOTE_FIELDS[:-1]

    id: str
    user_id: str
    title: str
    content: str
    labels: tuple[str, ...]
    important: bool
    completed: bool
    pinned: bool
    archived: bool
    created_at: str
    updated_at: str
    version: int
    thumbnail_id: str

    def __init__(  # noqa: PLR0913 - the fields, plus the deprecated category
        self,
        id: str,  # noqa: A002 - the field's name
        user_id: str,
        title: str,
        content: str = "",
        labels: tuple[str, ...] | list[str] = (),
        important: bool = False,
        completed: bool = False,
        pinned: bool = False,
        archived: bool = False,
        created_at: str = "",
        updated_at: str = "",
        version: int = 1,
        thumbnail_id: str = "",
        *,
        category: str | None = None,
    ) -> None:
        # Deprecated `category`: code and files of before labels still make notes with one; it is the label.
        if category and not labels:
            labels = (category,)
        values = dict(locals())
        values["labels"] = tuple(labels)
        for name in _NOTE_FIELDS:
            object.__setattr__(self, name, values[name])

    def replace(self, **changes: object) -> Note:
        """A copy with these fields changed (what dataclasses.replace does for a dataclass)."""
        return Note(**{**{name: getattr(self, name) for name in _NOTE_FIELDS}, **changes})  # type: ignore[arg-type]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Note is immutable (use replace())")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Note is immutable")

    def _compared(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._COMPARED)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _NOTE_FIELDS)
        return f"Note({shown})"

    def __reduce__(self) -> tuple[type[Note], tuple[object, ...]]:
        """Pickled and copied as its fields (slots and a refusing __setattr__ need it said)."""
        return Note, tuple(getattr(self, name) for name in _NOTE_FIELDS)

    @property
    def category(self) -> str:
        """Deprecated: the first label (old clients and pages read one category)."""
        return self.labels[0] if self.labels else DEFAULT_CATEGORY

    @property
    def label_keys(self) -> frozenset[str]:
        return frozenset(label_key(label) for label in self.labels)


TRASH_DAYS = 30
HISTORY_KEEP = 20


# The records below are named tuples, not frozen dataclasses: as immutable and read the same way, and built at
# import for a fraction of the cost (a dataclass compiles its methods: ~6 M instructions each, on every cold start
# of a notes page; bench/bench_cold_start.py).
class TrashedNote(NamedTuple):
    note: Note
    deleted_at: str
    purge_at: str  # after this the daily purge deletes it for good


class NoteFilters(NamedTuple):
    category: str | None = None  # deprecated: one label
    important: bool | None = None
    completed: bool | None = None
    q: str | None = None
    labels: tuple[str, ...] = ()  # every one must match
    pinned: bool | None = None
    archived: bool | None = None  # None and False: the main list (archived notes are left out); True: the archive

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (*self.labels, self.category) if self.category else self.labels

    @property
    def active(self) -> bool:
        values = (self.category, self.important, self.completed, self.q, self.pinned, self.archived)
        return bool(self.labels) or any(v not in (None, "") for v in values)


class NotePage(NamedTuple):
    notes: list[Note]
    cursor: str | None = None  # opaque; None when there is nothing after this page


class NoteError(Exception):
    pass


class NoteNotFound(NoteError):
    def __init__(self, note_id: str = "") -> None:
        super().__init__(f"Note {note_id!r} was not found.")
        self.note_id = note_id


class VersionConflict(NoteError):
    """A write named a version that is no longer the stored one. `current` is what is stored now."""

    def __init__(self, *, expected: int, current: Note) -> None:
        super().__init__(
            f"The note changed since you loaded it (you had version {expected}, it is now version {current.version})."
        )
        self.expected = expected
        self.current = current


class InvalidCursor(NoteError):
    def __init__(self, reason: str = "") -> None:
        super().__init__("The page cursor is invalid or belongs to another listing; start again from the first page.")
        self.reason = reason


class ValidationError(NoteError):
    """Maps each offending field to a message that names the rule."""

    def __init__(self, errors: dict[str, str] | None = None) -> None:
        self.errors: dict[str, str] = {} if errors is None else errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_after(stamp: str, *, days: int) -> str:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (moment + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_note_id() -> str:
    return uuid.uuid4().hex


def clean_fields(values: dict[str, object], *, partial: bool = False) -> dict[str, object]:
    """Validate the editable fields, collecting every error. With partial=False, required fields must be
    there and missing optional fields get their defaults."""
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}
    if CATEGORY_ALIAS in values:
        values = _category_as_labels(values, errors)
    for spec in FIELDS:
        if spec.name not in values:
            if partial:
                continue
            if spec.required:
                errors[spec.name] = f"{spec.label} is required ({spec.rule})."
            else:
                cleaned[spec.name] = spec.default
            continue
        try:
            cleaned[spec.name] = spec.clean(values[spec.name])
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _category_as_labels(values: dict[str, object], errors: dict[str, str]) -> dict[str, object]:
    """The deprecated `category`: the only label when `labels` is not given too (blank means none)."""
    values = dict(values)
    category = values.pop(CATEGORY_ALIAS)
    if "labels" in values:
        return values
    if category is None or (isinstance(category, str) and not category.strip()):
        values["labels"] = []
        return values
    problem = label_problem(category)
    if problem:
        errors[CATEGORY_ALIAS] = problem.replace("Label", "Category", 1)
        return values
    values["labels"] = [category]
    return values
