"""Task lists in a note's content (`- [ ] milk`, `- [x] eggs`): ticking one item changes that item's box in
the stored text and nothing else, and a row's progress ("3/5"). The content is the truth: no other field
holds the ticks, so the API's ordinary content update is the API's way to tick.

Items are numbered in document order, as the Markdown renderer (notes/formatting.py) finds them, so the
n-th box on a page is the n-th item here for the same text (the version the page was rendered from)."""

from __future__ import annotations

import re

from notes.domain import ValidationError
from notes.formatting import task_items

# Compiled on first use (re caches them): a list page reads the progress only, never ticks.
_LINE_BREAK = r"(\r\n|\r|\n)"  # what markdown-it counts as a line (it normalizes the same)
# The box at the start of the item's first line: after blockquote marks, indentation and the list marker.
_BOX = r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)\[([ xX])\]"
NO_SUCH_TASK = "That checklist item is not in the note any more; nothing was changed."


def task_progress(text: str) -> tuple[int, int]:
    """(ticked, total) of the content's task items; (0, 0) when it has none."""
    tasks = task_items(text)
    return sum(1 for t in tasks if t.done), len(tasks)


def toggle_task(text: str, *, index: int, done: bool) -> str:
    """The text with task item `index` ticked (`done`) or unticked; every other character unchanged.
    ValidationError if there is no such item."""
    tasks = task_items(text)
    if not 0 <= index < len(tasks) or tasks[index].line < 0:
        raise ValidationError({"task": NO_SUCH_TASK})
    parts = re.split(_LINE_BREAK, text)  # lines at even positions, their breaks at odd ones
    position = 2 * tasks[index].line
    if position >= len(parts):
        raise ValidationError({"task": NO_SUCH_TASK})
    line, replaced = re.subn(_BOX, lambda m: f"{m.group(1)}[{'x' if done else ' '}]", parts[position], count=1)
    if not replaced:
        raise ValidationError({"task": NO_SUCH_TASK})
    parts[position] = line
    return "".join(parts)
