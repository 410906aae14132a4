"""What changed from one recorded version of a note to the next, short enough for the history page."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from notes.domain import Note

MAX_DIFF_LINES = 12
MAX_LINE_CHARS = 160


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del" or "gap" (lines left out between two changed regions)
    text: str

    @property
    def sign(self) -> str:
        return {"add": "+", "del": "-"}.get(self.kind, "…")


@dataclass(frozen=True)
class VersionChanges:
    fields: list[FieldChange] = field(default_factory=list)
    content: list[DiffLine] = field(default_factory=list)
    more_lines: int = 0  # changed lines not shown
    line_breaks_only: bool = False  # the text differs only where splitting it into lines cannot show

    @property
    def empty(self) -> bool:
        return not self.fields and not self.content and not self.line_breaks_only


def _flag(value: bool) -> str:
    return "on" if value else "off"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"


def changes_between(older: Note, newer: Note) -> VersionChanges:
    fields = [
        FieldChange(label, before, after)
        for label, before, after in (
            ("Title", older.title, newer.title),
            ("Category", older.category, newer.category),
            ("Important", _flag(older.important), _flag(newer.important)),
            ("Done", _flag(older.completed), _flag(newer.completed)),
        )
        if before != after
    ]
    lines: list[DiffLine] = []
    hunks = 0
    for raw in difflib.unified_diff(older.content.splitlines(), newer.content.splitlines(), lineterm="", n=0):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            hunks += 1
            if hunks > 1:
                lines.append(DiffLine("gap", ""))
            continue
        lines.append(DiffLine("add" if raw.startswith("+") else "del", _clip(raw[1:])))
    shown = lines[:MAX_DIFF_LINES]
    more = sum(1 for line in lines[MAX_DIFF_LINES:] if line.kind != "gap")
    line_breaks_only = not lines and older.content != newer.content
    return VersionChanges(fields=fields, content=shown, more_lines=more, line_breaks_only=line_breaks_only)
