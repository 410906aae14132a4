"""What the history page shows as changed between two versions."""

from __future__ import annotations

from notes.domain import Note
from notes.version_diff import MAX_DIFF_LINES, MAX_LINE_CHARS, changes_between

BASE = Note(id="n", user_id="u", title="Trip", content="a\nb\nc", category="travel", version=1)


def test_it_names_changed_fields_with_before_and_after():
    newer = BASE.replace(title="Trip to Lisbon", important=True, version=2)
    changes = changes_between(BASE, newer)
    assert [(c.label, c.before, c.after) for c in changes.fields] == [
        ("Title", "Trip", "Trip to Lisbon"),
        ("Important", "off", "on"),
    ]
    assert changes.content == [] and not changes.empty


def test_it_shows_only_changed_lines_with_a_gap_between_regions():
    older = BASE.replace(content="\n".join(f"line {i}" for i in range(10)))
    newer = older.replace(content=older.content.replace("line 1", "line one").replace("line 8", "line eight"))
    lines = [(line.sign, line.text) for line in changes_between(older, newer).content]
    assert lines == [("-", "line 1"), ("+", "line one"), ("…", ""), ("-", "line 8"), ("+", "line eight")]


def test_a_long_diff_is_cut_and_counts_the_rest():
    newer = BASE.replace(content="\n".join(f"new {i} " + "x" * 300 for i in range(20)))
    changes = changes_between(BASE, newer)
    assert len(changes.content) == MAX_DIFF_LINES
    assert changes.more_lines == 23 - MAX_DIFF_LINES  # 3 removed and 20 added lines
    assert all(len(line.text) <= MAX_LINE_CHARS for line in changes.content)


def test_an_unchanged_note_and_a_line_break_only_change():
    assert changes_between(BASE, BASE.replace(version=2)).empty
    changes = changes_between(BASE, BASE.replace(content="a\nb\nc\n"))
    assert changes.line_breaks_only and not changes.empty
