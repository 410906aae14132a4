"""Export: its two formats, the plan of parts under Lambda's response limit, and a part that stops early."""

from __future__ import annotations

import base64
import io
import json
import random
import string
import zipfile

import pytest
import yaml

from notes import export_files, exports
from notes.domain import CONTENT_MAX_BYTES, Note, new_note_id, now_iso
from notes.exports import (
    export_json_chunks,
    export_markdown_chunks,
    note_markdown,
    notes_export_part,
    notes_export_plan,
)

ALICE = "alice-id"


def add(repo, **fields) -> Note:
    stamp = now_iso()
    values = {"title": "A note", "content": "", "category": "general", "important": False, "completed": False}
    values.update(fields)
    return repo.add(Note(id=new_note_id(), user_id=ALICE, created_at=stamp, updated_at=stamp, **values))


def json_part(repo, part=None, **kwargs) -> dict:
    after, until = (part.after, part.until) if part else (None, None)
    notes = notes_export_part(user_id=ALICE, after=after, until=until, repo=repo)
    return json.loads(
        b"".join(export_json_chunks(notes=notes, after=after, rest_url=lambda last: f"rest:{last}", **kwargs))
    )


def zip_part(repo, part=None, **kwargs) -> bytes:
    after, until = (part.after, part.until) if part else (None, None)
    notes = notes_export_part(user_id=ALICE, after=after, until=until, repo=repo)
    return b"".join(export_markdown_chunks(notes=notes, after=after, rest_url=lambda last: f"rest:{last}", **kwargs))


def as_lambda_sends_it(body: bytes, *, binary: bool) -> int:
    """The body's bytes in the payload Lambda's runtime writes: base64, or a JSON string (ensure_ascii)."""
    return len(base64.b64encode(body)) if binary else len(json.dumps(body.decode())) - 2


def front_matter(text: str) -> dict[str, object]:
    head, _, _ = text.removeprefix("---\n").partition("\n---\n")
    return yaml.safe_load(head)


def test_the_json_export_holds_every_field_of_every_live_note(repo):
    kept = add(repo, title='Quotes " and \\ and ünïcode', content="two\nlines\u2028", category="work", important=True)
    gone = add(repo, title="trashed")
    repo.delete(user_id=ALICE, note_id=gone.id, expected_version=1)

    document = json_part(repo)

    assert document["format"] == "notes-console" and document["complete"] is True and document["rest"] is None
    assert document["notes"] == [exports.note_export_json(kept)]


def test_the_markdown_zip_has_a_file_per_note_with_its_fields_in_front_matter(repo):
    digits = repo.add(
        Note(id="1234e5" + "0" * 26, user_id=ALICE, title="yes", created_at=now_iso(), updated_at=now_iso())
    )
    assert (
        front_matter(note_markdown(digits))["id"] == digits.id and front_matter(note_markdown(digits))["title"] == "yes"
    )
    repo.delete(user_id=ALICE, note_id=digits.id, expected_version=1)
    note = add(repo, title='Ünïcode: "quoted" / slashes', content="# Heading\n\n- item", completed=True)
    empty = add(repo, title="Empty")

    archive = zipfile.ZipFile(io.BytesIO(zip_part(repo)))

    assert archive.testzip() is None
    names = archive.namelist()
    assert sorted(names) == sorted([f"ünïcode-quoted-slashes-{note.id[:8]}.md", f"empty-{empty.id[:8]}.md"])
    text = archive.read(f"ünïcode-quoted-slashes-{note.id[:8]}.md").decode()
    assert front_matter(text) == {
        "id": note.id,
        "title": note.title,
        "labels": ["general"],  # a stored category reads as its label
        "category": "general",
        "important": False,
        "completed": True,
        "pinned": False,
        "archived": False,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "version": 1,
    }
    assert text.endswith("---\n# Heading\n\n- item\n")
    assert note_markdown(empty).endswith("version: 1\n---\n")


def test_an_account_with_no_notes_exports_one_empty_part(repo):
    plan = notes_export_plan(user_id=ALICE, repo=repo)

    assert plan.notes == 0 and len(plan.json_parts) == len(plan.markdown_parts) == 1
    assert json_part(repo)["notes"] == []
    assert zipfile.ZipFile(io.BytesIO(zip_part(repo))).namelist() == []


def _worst_case_notes(repo, count: int) -> list[Note]:
    # Quotes and backslashes double twice (our JSON, then Lambda's); random letters do not compress.
    rng = random.Random(14)
    notes = []
    for i in range(count):
        text = "".join(rng.choice(string.ascii_letters + '"\\') for _ in range(CONTENT_MAX_BYTES))
        notes.append(add(repo, title=f"Big {i}", content=text))
    return notes


def test_the_plan_cuts_a_large_export_into_parts_each_under_the_target_as_lambda_sends_it(repo):
    notes = _worst_case_notes(repo, 30)  # 3 MB stored, 3.4 MB as Lambda would send it as JSON

    plan = notes_export_plan(user_id=ALICE, repo=repo, target=1_500_000)

    assert plan.notes == 30 and len(plan.json_parts) > 2 and len(plan.markdown_parts) > 2
    seen_json, seen_zip = [], []
    for part in plan.json_parts:
        body = b"".join(
            export_json_chunks(
                notes=notes_export_part(user_id=ALICE, after=part.after, until=part.until, repo=repo), rest_url=str
            )
        )
        assert as_lambda_sends_it(body, binary=False) <= part.size <= 1_500_000
        document = json.loads(body)
        assert document["complete"] is True
        seen_json += [n["id"] for n in document["notes"]]
    for part in plan.markdown_parts:
        body = zip_part(repo, part)
        assert as_lambda_sends_it(body, binary=True) <= part.size <= 1_500_000
        seen_zip += [name[-11:-3] for name in zipfile.ZipFile(io.BytesIO(body)).namelist()]
    assert seen_json == sorted(n.id for n in notes)  # every note once, in id order
    assert seen_zip == [i[:8] for i in seen_json]
    assert plan.json_parts[-1].until is None and plan.json_parts[0].after is None


def test_a_part_grown_since_the_plan_stops_at_the_limit_and_says_where_the_rest_is(repo):
    notes = sorted(_worst_case_notes(repo, 6), key=lambda n: n.id)

    document = json_part(repo, limit=400_000)

    assert 0 < len(document["notes"]) < 6
    last = document["notes"][-1]["id"]
    assert document["complete"] is False and document["rest"] == f"rest:{last}"
    rest = json.loads(
        b"".join(
            export_json_chunks(notes=notes_export_part(user_id=ALICE, after=last, until=None, repo=repo), rest_url=str)
        )
    )
    assert [n["id"] for n in document["notes"] + rest["notes"]] == [n.id for n in notes]


def test_a_zip_part_grown_since_the_plan_stops_at_the_limit_with_a_rest_file(repo):
    _worst_case_notes(repo, 6)

    body = zip_part(repo, limit=500_000)

    assert as_lambda_sends_it(body, binary=True) <= 500_000
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    assert "REST.txt" in archive.namelist() and 1 < len(archive.namelist()) < 7
    assert archive.read("REST.txt").decode().startswith("This part stopped early. The rest of it: rest:")


def test_a_part_is_produced_a_note_at_a_time(repo):
    for i in range(5):
        add(repo, title=f"n{i}", content="x" * 1000)

    chunks = list(export_json_chunks(notes=repo.iter_notes(user_id=ALICE), rest_url=str))
    zip_chunks = [c for c in export_markdown_chunks(notes=repo.iter_notes(user_id=ALICE), rest_url=str) if c]

    assert len(chunks) == 7  # head, a chunk per note, tail
    assert len(zip_chunks) == 6  # a chunk per file, then the central directory
    assert max(len(c) for c in chunks) < 1500  # one note and its fields


@pytest.mark.parametrize(
    ("title", "start"),
    [
        ("Straße", "straße-"),
        ("日本語のメモ", "日本語のメモ-"),
        ("Ελληνικά: σημειώσεις", "ελληνικά-σημειώσεις-"),
        ("Cafe\u0301 <b>/\\?*", "café-b-"),  # NFC; nothing a file system refuses
        ("!!!", "note-"),
    ],
)
def test_a_markdown_file_name_keeps_the_titles_letters_in_any_script(repo, title, start):
    note = add(repo, title=title)
    archive = zipfile.ZipFile(io.BytesIO(zip_part(repo)))
    assert archive.namelist() == [f"{start}{note.id[:8]}.md"]
    assert archive.getinfo(archive.namelist()[0]).flag_bits & 0x800 or start.isascii()  # marked UTF-8


# --- attachments ----------------------------------------------------------------------------------------


def _attachment(note: Note, *, size: int, name: str = "photo.jpg", status: str = "ready"):
    from notes.attachments import Attachment, new_attachment_id

    return Attachment(new_attachment_id(), ALICE, note.id, name, "image/jpeg", size, status, now_iso())


def test_files_are_counted_in_the_plan_and_each_part_stays_under_it_with_them(repo):
    notes = [add(repo, title=f"n{i}", content="x") for i in range(4)]
    files = {n.id: [_attachment(n, size=1_000_000)] for n in notes}  # random bytes: deflate cannot shrink them
    data = {a.id: random.Random(a.id).randbytes(a.size) for found in files.values() for a in found}

    plan = notes_export_plan(user_id=ALICE, repo=repo, target=3_000_000, attachments=files)

    assert len(plan.markdown_parts) == 2 and len(plan.json_parts) == 1  # the JSON lists files, holds no bytes
    for part in plan.markdown_parts:
        body = zip_part(repo, part, attachments=files, read_file=lambda a: data[a.id])
        assert as_lambda_sends_it(body, binary=True) <= part.size <= 3_000_000
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert len([n for n in names if n.startswith("attachments/")]) == part.notes


def test_a_file_too_big_for_a_part_is_listed_not_included_and_only_ready_files_go_in(repo):
    note = add(repo, title="Big", content="text")
    big = _attachment(note, size=export_files.ZIP_FILE_MAX_BYTES + 1, name="video.jpg")
    pending = _attachment(note, size=10, name="later.jpg", status="pending")
    small = _attachment(note, size=3, name="small.jpg")
    read = {small.id: b"abc"}

    body = zip_part(repo, attachments={note.id: [big, pending, small]}, read_file=lambda a: read[a.id])

    archive = zipfile.ZipFile(io.BytesIO(body))
    (md,) = [n for n in archive.namelist() if n.endswith(".md")]
    folder = md.removesuffix(".md")
    assert sorted(archive.namelist()) == sorted([md, f"attachments/{folder}/small.jpg"])
    listed = front_matter(archive.read(md).decode())["attachments"]
    assert [(a["name"], a["path"]) for a in listed] == [
        ("video.jpg", None),
        ("small.jpg", f"attachments/{folder}/small.jpg"),
    ]
    assert json_part(repo, attachments={note.id: [big, pending, small]})["notes"][0]["attachments"][1]["status"] == (
        "pending"
    )


def test_a_zip_part_grown_with_files_stops_before_the_imports_upload_limit(repo):
    from notes.imports import IMPORT_MAX_BYTES

    notes = [add(repo, title=f"n{i}") for i in range(5)]
    files = {n.id: [_attachment(n, size=1_080_000)] for n in notes}  # planned before: now 5.4 MB in one part

    body = zip_part(repo, attachments=files, read_file=lambda a: random.Random(a.id).randbytes(a.size))

    assert len(body) <= IMPORT_MAX_BYTES  # the Lambda limit alone would allow 4.4 MB
    assert "REST.txt" in zipfile.ZipFile(io.BytesIO(body)).namelist()
