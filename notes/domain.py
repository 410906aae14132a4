"""The notes domain: the Note, its validation rules and the errors services raise."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

TITLE_MAX_CHARS = 200
CONTENT_MAX_BYTES = 100 * 1024
CATEGORY_MAX_CHARS = 40
DEFAULT_CATEGORY = "general"
_CATEGORY_RE = re.compile(r"^[\w \-]+$")  # letters, digits, underscore (\w), space and hyphen
_FORBIDDEN_CHARS_RE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Note:
    id: str
    user_id: str
    title: str
    content: str = ""
    category: str = DEFAULT_CATEGORY
    important: bool = False
    completed: bool = False
    created_at: str = ""
    updated_at: str = ""
    version: int = 1


TRASH_DAYS = 30
HISTORY_KEEP = 20


@dataclass(frozen=True)
class TrashedNote:
    note: Note
    deleted_at: str
    purge_at: str  # after this the daily purge deletes it for good


@dataclass(frozen=True)
class NoteFilters:
    category: str | None = None
    important: bool | None = None
    completed: bool | None = None
    q: str | None = None

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for v in (self.category, self.important, self.completed, self.q))


@dataclass(frozen=True)
class NotePage:
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


@dataclass
class ValidationError(NoteError):
    """Maps each offending field to a message that names the rule."""

    errors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, "; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_after(stamp: str, *, days: int) -> str:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (moment + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_note_id() -> str:
    return uuid.uuid4().hex


def _bad_chars(value: str) -> bool:
    return bool(_FORBIDDEN_CHARS_RE.search(value))


def clean_title(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError({"title": "Title must be text."})
    title = value.strip()
    if not title:
        raise ValidationError({"title": "Title is required (1-200 characters)."})
    if len(title) > TITLE_MAX_CHARS:
        raise ValidationError({"title": f"Title must be at most {TITLE_MAX_CHARS} characters (it has {len(title)})."})
    if _bad_chars(title):
        raise ValidationError({"title": "Title contains characters that cannot be stored (NUL or lone surrogates)."})
    return title


def clean_content(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({"content": "Content must be text."})
    if _bad_chars(value):
        raise ValidationError({"content": "Content contains characters that cannot be stored (NUL or lone surrogates)."})
    size = len(value.encode("utf-8"))
    if size > CONTENT_MAX_BYTES:
        raise ValidationError(
            {"content": f"Content must be at most {CONTENT_MAX_BYTES // 1024} KB of UTF-8 (it has {size:,} bytes)."}
        )
    return value


def clean_category(value: object) -> str:
    if value is None:
        return DEFAULT_CATEGORY
    if not isinstance(value, str):
        raise ValidationError({"category": "Category must be text."})
    category = value.strip()
    if not category:
        return DEFAULT_CATEGORY
    if len(category) > CATEGORY_MAX_CHARS:
        raise ValidationError({"category": f"Category must be at most {CATEGORY_MAX_CHARS} characters."})
    if _bad_chars(category) or not _CATEGORY_RE.match(category):
        raise ValidationError({"category": "Category may contain only letters, digits, spaces, '-' and '_'."})
    return category


def clean_flag(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValidationError({name: f"{name.capitalize()} must be true or false."})


_CLEANERS = {
    "title": clean_title,
    "content": clean_content,
    "category": clean_category,
    "important": lambda v: clean_flag("important", v),
    "completed": lambda v: clean_flag("completed", v),
}
EDITABLE_FIELDS = tuple(_CLEANERS)


def clean_fields(values: dict[str, object], *, partial: bool = False) -> dict[str, object]:
    """Validate the editable fields, collecting every error. With partial=False, title is required
    and missing optional fields get their defaults."""
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, cleaner in _CLEANERS.items():
        if name not in values:
            if partial:
                continue
            if name == "title":
                errors["title"] = "Title is required (1-200 characters)."
                continue
            cleaned[name] = {"content": "", "category": DEFAULT_CATEGORY}.get(name, False)
            continue
        try:
            cleaned[name] = cleaner(values[name])
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return cleaned
