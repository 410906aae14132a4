"""The list row built by notes/templatetags/row_tags.py is, byte for byte, the HTML its Django template gave
(tests/unit/row_reference/notes/_note_row_before.html, the template as it was, kept to compare against), for
rows of every kind: real Google Keep labels with symbols, pinned, archived, important, completed, a checklist,
a thumbnail, a long title with markup in it, a chosen row, a refused toggle's notice, and the bare context a
toggle's answer renders the row with (no csrf token, no bulk selection)."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory

from notes.domain import Note

HERE = Path(__file__).parent
KEEP_NOTE = HERE.parent / "data" / "imports" / "keep" / "obsidian-hashtags-and-labels-note.json"  # SOURCES.md
NOTE_ID = "0123456789abcdef0123456789abcdef"


def _keep_note() -> Note:
    keep = json.loads(KEEP_NOTE.read_text())
    return Note(
        id=NOTE_ID,
        user_id="u1",
        title=keep["title"],
        content=keep["textContent"],
        labels=tuple(label["name"] for label in keep["labels"]),
        pinned=True,
        updated_at="2023-08-01T05:04:13.292000Z",
        version=7,
    )


CHECKLIST = 'Shopping:\n\n- [x] milk & <b>eggs</b>\n- [ ] bread\n- [x] "tea"\n- [ ] a\n- [ ] b\n- [ ] c\n'
ROWS = {
    "keep labels with symbols, pinned": _keep_note(),
    "archived, important, completed, long title with markup": Note(
        id="fedcba9876543210fedcba9876543210",
        user_id="u1",
        title="<script>alert('x')</script> & " + "a very long title " * 10,
        content="# Heading\n\n" + "Words with **marks** and a [link](https://example.com). " * 12,
        labels=("work",),
        important=True,
        completed=True,
        archived=True,
        updated_at="2020-03-12T10:00:00.000000Z",
        version=3,
    ),
    "checklist": Note(id="00000000000000000000000000000001", user_id="u1", title="List", content=CHECKLIST),
    "thumbnail, no content": Note(
        id="00000000000000000000000000000002",
        user_id="u1",
        title="Photo",
        thumbnail_id="11111111111111111111111111111111",
        updated_at="not a stamp",
    ),
}
CONTEXTS = {
    "list page": {"csrf_token": "tok<en>", "next_url": '/notes/?q=a&label="x"', "bulk_selected": frozenset()},
    "chosen, with a notice": {
        "csrf_token": "tok",
        "next_url": "/notes/",
        "bulk_selected": frozenset({NOTE_ID, "00000000000000000000000000000001"}),
        "notice": "This note changed elsewhere, so nothing was changed.",
    },
    "a toggle's answer": {"next_url": "/notes/archive/"},
    "no csrf": {"csrf_token": "NOTPROVIDED"},
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    django = engines["django"].engine
    return Engine(dirs=[HERE / "row_reference", *django.dirs], libraries=django.libraries)


@pytest.mark.parametrize("context_name", CONTEXTS)
@pytest.mark.parametrize("row_name", ROWS)
def test_it_renders_the_row_as_the_template_did(engine, row_name, context_name):
    request = RequestFactory().get("/notes/")
    values = {"request": request, "note": ROWS[row_name], **CONTEXTS[context_name]}
    with mock.patch("notes.templatetags.writing_tags.get_token", return_value="task-token"):
        before = engine.get_template("notes/_note_row_before.html").render(Context(values))
        after = engine.get_template("notes/_note_row.html").render(Context(values))
    assert after == before


def test_the_rows_cover_what_a_row_can_show(engine):
    request = RequestFactory().get("/notes/")
    html = "".join(
        engine.get_template("notes/_note_row.html").render(
            Context({"request": request, "note": note, **CONTEXTS["chosen, with a notice"]})
        )
        for note in ROWS.values()
    )
    for part in ("is-pinned", "is-important", "is-completed", "chip archived", "row-thumb", "row-tasks", " checked"):
        assert part in html
    assert "LabelWith#Inside" in html and "label=%21%27%40%3A%24%22LabelStartingWithSymbols" in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_it_renders_the_row_as_the_template_did_under_a_stage_prefix(engine):
    from django.urls import set_script_prefix

    values = {"request": RequestFactory().get("/dev/notes/"), "note": ROWS["keep labels with symbols, pinned"]}
    set_script_prefix("/dev/")
    try:
        with mock.patch("notes.templatetags.writing_tags.get_token", return_value="task-token"):
            before = engine.get_template("notes/_note_row_before.html").render(Context(values))
            after = engine.get_template("notes/_note_row.html").render(Context(values))
    finally:
        set_script_prefix("/")
    assert after == before and 'href="/dev/notes/?label=' in after
