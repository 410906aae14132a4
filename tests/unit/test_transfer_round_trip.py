"""Every export imports back, and every date a note can hold survives each format."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notes.domain import FIELD, Note, clean_labels, label_problem, new_note_id
from notes.exports import export_json_chunks, export_markdown_chunks, note_markdown
from notes.imports import ImportRejected, notes_import
from notes.stamps import EARLIEST, LATEST, format_stamp
from tests.fakes import InMemoryNoteRepository

ALICE, BOB = "alice-id", "bob-id"
FIELDS = ("title", "content", "labels", "important", "completed", "pinned", "archived", "created_at", "updated_at")


def note(user_id: str = ALICE, **fields) -> Note:
    values = {
        "title": "A note",
        "created_at": "2020-01-01T00:00:00.000000Z",
        "updated_at": "2020-01-01T00:00:00.000000Z",
    }
    values.update(fields)
    return Note(id=new_note_id(), user_id=user_id, **values)


def json_export(repo, user_id: str = ALICE) -> bytes:
    return b"".join(export_json_chunks(notes=repo.iter_notes(user_id=user_id), rest_url=str))


def zip_export(repo, user_id: str = ALICE) -> bytes:
    return b"".join(export_markdown_chunks(notes=repo.iter_notes(user_id=user_id), rest_url=str))


def as_fields(repo, user_id: str) -> list[tuple]:
    return sorted(tuple(getattr(n, f) for f in FIELDS) for n in repo.iter_notes(user_id=user_id))


def test_a_note_dated_2200_or_year_1_makes_a_whole_zip_with_its_real_dates_in_front_matter():
    repo = InMemoryNoteRepository()
    first = repo.add(note(title="Now", updated_at="2024-05-01T12:00:00.000000Z"))
    future = repo.add(
        note(title="Future", created_at="2200-01-01T00:00:00.000000Z", updated_at="2200-06-01T10:00:00.000000Z")
    )
    past = repo.add(
        note(title="Past", created_at="0001-01-02T00:00:00.000000Z", updated_at="0001-01-02T00:00:00.000000Z")
    )

    archive = zipfile.ZipFile(io.BytesIO(zip_export(repo)))

    assert archive.testzip() is None and len(archive.namelist()) == 3
    dates = {info.filename.split("-")[0]: info.date_time for info in archive.infolist()}
    assert dates == {"now": (2024, 5, 1, 12, 0, 0), "future": (2107, 12, 31, 23, 59, 58), "past": (1980, 1, 1, 0, 0, 0)}
    for kept in (first, future, past):
        text = next(archive.read(n).decode() for n in archive.namelist() if kept.id[:8] in n)
        assert f'updated_at: "{kept.updated_at}"' in text and f'created_at: "{kept.created_at}"' in text


def test_a_year_is_written_in_four_digits_even_for_a_note_stored_without_them():
    legacy = note(created_at="1-01-02T00:00:00.000000Z", updated_at="999-03-04T05:06:07.000000Z")
    repo = InMemoryNoteRepository()
    repo.add(legacy)

    (exported,) = json.loads(json_export(repo))["notes"]

    assert (exported["created_at"], exported["updated_at"]) == (
        "0001-01-02T00:00:00.000000Z",
        "0999-03-04T05:06:07.000000Z",
    )
    assert 'created_at: "0001-01-02T00:00:00.000000Z"' in note_markdown(legacy)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("0001-01-02T00:00:00Z", "0001-01-02T00:00:00.000000Z"),
        ("0999-12-31T23:00:00-02:00", "1000-01-01T01:00:00.000000Z"),
        ("9999-12-30T23:59:59.999999Z", "9999-12-30T23:59:59.999999Z"),
    ],
)
def test_an_imported_date_is_stored_with_a_four_digit_year(sent, stored):
    repo = InMemoryNoteRepository()
    document = {
        "format": "notes-console",
        "version": 1,
        "notes": [{"id": "b" * 32, "title": "t", "created_at": sent, "updated_at": sent}],
    }

    notes_import(user_id=ALICE, files=[("n.json", json.dumps(document).encode())], repo=repo)

    (copy,) = repo.iter_notes(user_id=ALICE)
    assert copy.created_at == copy.updated_at == stored


@pytest.mark.parametrize("sent", ["0001-01-01T23:59:59Z", "9999-12-31T00:00:00Z"])
def test_the_first_and_last_day_of_the_calendar_are_refused_so_every_time_zone_can_show_a_note(sent):
    document = {
        "format": "notes-console",
        "notes": [{"id": "b" * 32, "title": "t", "created_at": sent, "updated_at": sent}],
    }
    with pytest.raises(ImportRejected, match="outside the dates a note can hold"):
        notes_import(user_id=ALICE, files=[("n.json", json.dumps(document).encode())], repo=InMemoryNoteRepository())


def test_the_markdown_export_imports_back_with_every_field():
    repo = InMemoryNoteRepository()
    for content in ("", "\n", "no newline", "one newline\n", "two\n\n", "---\nnot front matter\n---\n", "crlf\r\n"):
        labels = ("work", "Reise ✈") if content else ()
        repo.add(
            note(BOB, title=f"t {content!r}", content=content, labels=labels, important=True, pinned=bool(content))
        )
    repo.add(note(BOB, title="archived", labels=("old",), archived=True))

    result = notes_import(user_id=ALICE, files=[("notes-markdown-part-1.zip", zip_export(repo, BOB))], repo=repo)

    assert (result.formats, result.created) == (["Notes Console"], 8)
    assert as_fields(repo, ALICE) == as_fields(repo, BOB)


def test_the_markdown_and_json_exports_of_one_account_import_as_one_set_of_notes():
    repo = InMemoryNoteRepository()
    repo.add(note(BOB, title="once", content="body"))
    files = [("a.json", json_export(repo, BOB)), ("b.zip", zip_export(repo, BOB))]

    result = notes_import(user_id=ALICE, files=files, repo=repo)

    assert (result.found, result.created) == (1, 1)


# --- the property: any note a user can hold comes back the same from either export --------------------

_TEXT = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_titles = st.text(_TEXT, min_size=1, max_size=200).map(str.strip).filter(lambda t: FIELD["title"].problem(t) is None)
_labels = st.lists(
    st.text(_TEXT, min_size=1, max_size=50).filter(lambda label: label_problem(label) is None), max_size=4
).map(clean_labels)
_stamps = st.datetimes(
    min_value=EARLIEST.replace(tzinfo=None), max_value=LATEST.replace(tzinfo=None), timezones=st.just(UTC)
).map(format_stamp)
_notes = st.builds(
    lambda title, content, labels, important, completed, pinned, archived, created, updated: note(
        BOB,
        title=title,
        content=content,
        labels=labels,
        important=important,
        completed=completed,
        pinned=pinned,
        archived=archived,
        created_at=created,
        updated_at=updated,
    ),
    _titles,
    st.text(_TEXT, max_size=300),
    _labels,
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    _stamps,
    _stamps,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=st.lists(_notes, min_size=1, max_size=6), export=st.sampled_from(["json", "markdown"]))
def test_any_notes_exported_then_imported_into_a_fresh_account_are_the_same_notes(notes, export):
    repo = InMemoryNoteRepository()
    for made in notes:
        repo.add(made)
    data = json_export(repo, BOB) if export == "json" else zip_export(repo, BOB)

    result = notes_import(user_id=ALICE, files=[(f"export.{'json' if export == 'json' else 'zip'}", data)], repo=repo)

    assert result.created == len(notes) and result.remaining == 0
    assert as_fields(repo, ALICE) == as_fields(repo, BOB)


def _md(front: str, body: str = "text\n") -> bytes:
    return f"---\n{front}\n---\n{body}".encode()


GOOD_FRONT = f'id: "{"c" * 32}"\ntitle: "t"\ncreated_at: "2020-01-01T00:00:00.000000Z"\nupdated_at: "2020-01-01T00:00:00.000000Z"'


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"# just markdown\n", "n.md: not a note of a Notes Console Markdown export (no front matter)"),
        (_md(GOOD_FRONT + "\nversion: " + "9" * 5000), "n.md: front matter line 6 (version): a number in it has more"),
        (_md(GOOD_FRONT + "\nlabels: " + "[" * 100_000), "n.md: front matter line 6 (labels): it is nested too deeply"),
        (_md(GOOD_FRONT + "\njust words"), 'n.md: front matter line 6 is not "key: value"'),
        (_md(GOOD_FRONT.replace("2020-01-01T00:00:00.000000Z", "12020-01-01T00:00:00Z", 1)), '"created_at" outside'),
        (_md(GOOD_FRONT.replace('title: "t"', "title: 5")), "n.md: Title must be a string"),
        (b"---\n" + "é".encode("latin-1") + b"\n---\n", "n.md: not UTF-8 text"),
    ],
)
def test_a_markdown_file_that_is_not_what_the_export_writes_is_refused_with_where(data, says):
    with pytest.raises(ImportRejected) as refused:
        notes_import(user_id=ALICE, files=[("n.md", data)], repo=InMemoryNoteRepository())
    assert any(says in problem for problem in refused.value.problems), refused.value.problems
