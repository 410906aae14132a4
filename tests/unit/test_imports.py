"""Import of real export files (tests/data/imports/, sources in SOURCES.md) into the in-memory repository."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from notes import imports
from notes.domain import CONTENT_MAX_BYTES, Note, now_iso
from notes.exports import export_json_chunks
from notes.imports import ImportRejected, notes_import, read_upload
from tests.fakes import InMemoryNoteRepository

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
ALICE, BOB = "alice-id", "bob-id"


def upload(*names: str) -> list[tuple[str, bytes]]:
    return [(Path(name).name, (DATA / name).read_bytes()) for name in names]


def notes_of(repo: InMemoryNoteRepository, user_id: str = ALICE) -> dict[str, Note]:
    return {n.title: n for n in repo.iter_notes(user_id=user_id)}


# --- Simplenote -----------------------------------------------------------------------------------


def trash_of(repo: InMemoryNoteRepository, user_id: str = ALICE) -> dict[str, Note]:
    return {t.note.title: t.note for t in repo.list_trash(user_id=user_id)}


def test_it_imports_simplenotes_zip_with_tags_pins_times_and_its_trash(repo):
    result = notes_import(user_id=ALICE, files=upload("simplenote/notesnook-simplenote.zip"), repo=repo)

    assert (result.formats, result.found, result.created, result.trashed) == (["Simplenote"], 3, 3, 1)
    notes = notes_of(repo)
    assert set(notes) == {"KEYWORDS LIST OF MINT PLAYER", "List of Pages"}
    keywords, pages = notes["KEYWORDS LIST OF MINT PLAYER"], notes["List of Pages"]
    assert (keywords.pinned, keywords.important) == (True, False)  # "pinned": true
    assert keywords.content.startswith("video player hd\nvideo player\n")  # CRLF read as line ends
    assert "\r" not in keywords.content and "フルHDビデオプレーヤー" in keywords.content
    assert (keywords.created_at, keywords.updated_at) == ("2019-09-25T19:12:04.794000Z", "2021-08-26T05:52:53.666000Z")
    # tags ["cow", "hello"]: both are labels, the text is the note's own
    assert pages.labels == ("cow", "hello") and "Tags:" not in pages.content
    assert pages.content.startswith("1. We Create\n2. We Contribute\n")
    assert len(trash_of(repo)) == 1  # trashedNotes: in the trash, not left out


def test_it_imports_simplenotes_notes_json_with_its_trash_in_the_trash(repo):
    result = notes_import(user_id=ALICE, files=upload("simplenote/standardnotes-notes.json"), repo=repo)

    assert (result.created, result.trashed) == (3, 1)
    notes = notes_of(repo)
    assert notes["Testing 2"].content == "This is the 2nd note's content."
    assert notes["Testing 1"].created_at == "2020-06-08T21:28:38.241000Z"
    assert "Welcome to Simplenote!" not in notes and "Welcome to Simplenote!" in trash_of(repo)


# --- Google Keep ----------------------------------------------------------------------------------


def test_it_imports_a_takeout_zip_of_keep_notes(repo):
    result = notes_import(user_id=ALICE, files=upload("keep/notesnook-takeout2-json-only.zip"), repo=repo)

    # 8 JSON notes (the zip's .html, Labels.txt are not notes); two files of one note differ in text.
    assert (result.formats, result.found, result.created, result.attachments) == (["Keep"], 8, 8, 0)
    stored = list(repo.iter_notes(user_id=ALICE))
    by_title: dict[str, list[Note]] = {}
    for note in stored:
        by_title.setdefault(note.title, []).append(note)
    assert sorted(n.content for n in by_title["#theySay"]) == ["", "There is some text!"]
    assert all(n.labels == ("theySay",) for n in by_title["#theySay"])
    # An untitled note: its first line; an untitled list: its first item, the list kept whole.
    assert by_title["hello world"][0].content == ""
    checklist = by_title["note"][0]
    assert checklist.content == "- [ ] note\n- [ ] bing\n- [ ] run\n- [ ] fast"
    assert checklist.labels == ("cats", "run")
    # Any script is a label now (Cyrillic included).
    assert by_title["Screenshot (09:48PM, Nov 25, 2020)"][0].labels == ("Ответы",)
    # No createdTimestampUsec: the edit time stands for both.
    good = by_title["good place"][0]
    assert good.created_at == good.updated_at == "2021-08-26T07:52:26.280000Z"
    # The images the notes refer to are not in this zip: each is listed as not kept, under its note's file.
    listed = {item["source"]: item["what"] for item in result.not_kept}
    assert listed["notesnook-takeout2-json-only.zip: Takeout/Keep/draw.json"] == [
        "the attachment 1629964295873.139657380.png (image/png): its file is not in the upload (import the whole zip)"
    ]


def test_it_imports_keep_checklists_labels_and_puts_trashed_notes_in_the_trash(repo):
    names = [
        "keep/obsidian-rich-checklist-note.json",
        "keep/obsidian-labelled-note.json",
        "keep/obsidian-deleted-note.json",
        "keep/obsidian-missing-user-edited-timestamp.json",
        "keep/obsidian-image-label-and-body-text-note.json",
        "keep/notesnook-takeout-note.zip",
    ]
    result = notes_import(user_id=ALICE, files=upload(*names), repo=repo)

    assert (result.created, result.trashed, result.attachments) == (6, 1, 0)
    notes = notes_of(repo)
    assert notes["Rich checklist note"].content == "- [ ] rich item\n- [x] done item"
    assert notes["Rich checklist note"].labels == ("Rich",)
    labelled = notes["Labelled note"]
    assert labelled.labels == (
        "label with !'@:$\" Symbols",
        "Underscored_Label",
        "hyphenated-label",
        "label with spaces",
        "label",
        "camelCaseLabel",
    )
    assert labelled.content.endswith("camelCaseLabel, label with !'@:$\" Symbols")  # the note's own text, no more
    assert notes["_Text note"].updated_at == notes["_Text note"].created_at == "2023-07-27T02:51:47.496000Z"
    assert notes["note"].content == "hello\nworld\n\nnew para\n\nmore text"
    deleted = trash_of(repo)["Deleted note"]
    assert (deleted.created_at, deleted.content) == (
        "2023-08-11T01:47:19.970000Z",
        "This note was deleted in Google Keep before export.",
    )


def test_keep_pinned_and_archived_are_kept_as_pinned_and_archived(repo):
    files = upload("keep/obsidian-pinned-text-note.json", "keep/obsidian-archived-note.json")

    notes_import(user_id=ALICE, files=files, repo=repo)

    notes = notes_of(repo)
    pinned, archived = notes["Pinned text note"], notes["Archived note"]
    assert (pinned.pinned, pinned.archived, pinned.important) == (True, False, False)
    assert (archived.pinned, archived.archived, archived.completed) == (False, True, False)
    assert (archived.created_at, archived.updated_at) == ("2023-07-28T03:27:38.197000Z", "2023-08-01T05:05:17.287000Z")


def test_a_keep_title_with_a_line_break_keeps_its_words_apart(repo):
    notes_import(user_id=ALICE, files=upload("keep/obsidian-multiline-title-note.json"), repo=repo)

    (note,) = repo.iter_notes(user_id=ALICE)
    assert note.title == "Multiline title note Second line"
    assert note.content == "This note has a forced new line in its title."


def test_every_keep_label_is_kept_with_its_punctuation(repo):
    notes_import(user_id=ALICE, files=upload("keep/obsidian-hashtags-and-labels-note.json"), repo=repo)

    (note,) = repo.iter_notes(user_id=ALICE)
    assert note.labels == (
        "!'@:$\"LabelStartingWithSymbols",
        "92labelStartingWithNumber",
        "hyphenated-label",
        "label with spaces",
        "labelWith!'@:$\"Symbols",
        "camelCaseLabel",
        "LabelWith#Inside",
        "label with !'@:$\" Symbols and spaces",
    )


def test_what_keep_holds_that_cannot_be_kept_is_listed_per_file(repo):
    files = upload(
        "keep/obsidian-background-colour-note.json",
        "keep/obsidian-annotated-note.json",
        "keep/obsidian-rich-checklist-note.json",
        "keep/obsidian-voice-recording.json",
    )

    result = notes_import(user_id=ALICE, files=files, repo=repo)

    assert result.created == 4
    assert {item["source"]: item["what"] for item in result.not_kept} == {
        "obsidian-background-colour-note.json": ["its colour (RED): notes here have no colours"],
        # "tasks" is not in any Keep documentation or other importer: reported, not guessed at.
        "obsidian-annotated-note.json": ['field "tasks": not a Keep field this importer knows'],
        "obsidian-rich-checklist-note.json": [
            "its rich-text formatting (bold, italics, headings): the text is kept as plain text"
        ],
        "obsidian-voice-recording.json": [
            "the attachment 1690859067849.259766.1353747803.3gp (audio/3gp): its file is not in the upload "
            "(import the whole zip)"
        ],
    }
    assert result.not_kept_total == 4
    # Keep's web-link previews become Markdown links in the text; the note was pinned.
    annotated = notes_of(repo)["Annotated note"]
    assert annotated.pinned is True
    assert annotated.content == (
        "Links I saved from Keep.\n\n"
        "- [Submitting a Complaint to ICANN Contractual Compliance - ICANN](https://www.icann.org/compliance/complaint)\n"
        "- [Cloudflare - The Web Performance & Security Company](https://www.cloudflare.com/)"
    )


def test_labels_beyond_twenty_are_left_out_and_reported(repo):
    note = json.loads((DATA / "keep/obsidian-labelled-note.json").read_text())
    note["labels"] = [{"name": f"label {i}"} for i in range(1, 24)] + [{"name": "bell\x07"}, {"name": "LABEL 1"}]

    result = notes_import(user_id=ALICE, files=[("Labelled note.json", json.dumps(note).encode())], repo=repo)

    (stored,) = repo.iter_notes(user_id=ALICE)
    assert stored.labels == tuple(f"label {i}" for i in range(1, 21))
    (item,) = result.not_kept
    assert item["source"] == "Labelled note.json"
    assert item["what"][0].startswith("the label 'bell\\x07': Label 'bell?' contains a control")
    assert item["what"][1] == ("3 labels beyond the first 20 (a note has at most 20): label 21, label 22, label 23")


def test_a_keep_file_with_a_field_of_the_wrong_kind_stores_nothing_and_says_which(repo):
    bad = json.loads((DATA / "keep/obsidian-pinned-text-note.json").read_text())
    bad["isTrashed"] = "no"
    files = [*upload("keep/obsidian-archived-note.json"), ("Pinned text note.json", json.dumps(bad).encode())]

    with pytest.raises(ImportRejected) as refused:
        notes_import(user_id=ALICE, files=files, repo=repo)

    assert refused.value.problems == ['Pinned text note.json: "isTrashed" must be true or false.']
    assert list(repo.iter_notes(user_id=ALICE)) == []


# --- this app's own export -----------------------------------------------------------------------


def _export(repo, user_id: str) -> bytes:
    return b"".join(export_json_chunks(notes=repo.iter_notes(user_id=user_id), rest_url=str))


def test_its_own_export_imports_into_another_account_with_every_field(repo):
    stamp = now_iso()
    original = repo.add(
        Note(
            id="a" * 32,
            user_id=BOB,
            title='Ünïcode "quoted"',
            content="line\nline 2\u2028",
            category="work",
            important=True,
            completed=True,
            created_at="2020-01-02T03:04:05.000006Z",
            updated_at=stamp,
            version=7,
        )
    )

    result = notes_import(user_id=ALICE, files=[("notes-part-1.json", _export(repo, BOB))], repo=repo)

    assert (result.formats, result.created) == (["Notes Console"], 1)
    (copy,) = repo.iter_notes(user_id=ALICE)
    fields = ("title", "content", "category", "important", "completed", "created_at", "updated_at")
    assert {f: getattr(copy, f) for f in fields} == {f: getattr(original, f) for f in fields}
    assert copy.version == 1


def test_its_own_export_imported_into_the_same_account_adds_nothing(repo):
    for i in range(3):
        repo.add(Note(id=f"{i:032x}", user_id=ALICE, title=f"n{i}", created_at=now_iso(), updated_at=now_iso()))

    result = notes_import(user_id=ALICE, files=[("backup.json", _export(repo, ALICE))], repo=repo)

    assert (result.created, result.already) == (0, 3)
    assert len(list(repo.iter_notes(user_id=ALICE))) == 3


# --- idempotency ---------------------------------------------------------------------------------


def test_importing_the_same_files_twice_creates_nothing_new(repo):
    files = upload("simplenote/notesnook-simplenote.zip", "keep/notesnook-takeout2-json-only.zip")
    first = notes_import(user_id=ALICE, files=files, repo=repo)
    before = {n.id: n for n in repo.iter_notes(user_id=ALICE)}

    again = notes_import(user_id=ALICE, files=files, repo=repo)

    assert (first.created, again.created, again.already) == (11, 0, 11)
    assert {n.id: n for n in repo.iter_notes(user_id=ALICE)} == before


def test_a_note_imported_then_trashed_is_not_imported_again(repo):
    files = upload("simplenote/standardnotes-notes.json")
    first = notes_import(user_id=ALICE, files=files, repo=repo)
    repo.delete(user_id=ALICE, note_id=first.created_ids[0], expected_version=1)

    again = notes_import(user_id=ALICE, files=files, repo=repo)

    assert (again.created, again.already) == (0, 3)


def test_a_note_changed_in_the_other_app_since_comes_as_a_new_note(repo):
    document = json.loads((DATA / "simplenote/standardnotes-notes.json").read_text())
    notes_import(user_id=ALICE, files=[("notes.json", json.dumps(document).encode())], repo=repo)
    document["activeNotes"][0]["content"] += "\r\nAdded later."

    again = notes_import(user_id=ALICE, files=[("notes.json", json.dumps(document).encode())], repo=repo)

    assert (again.created, again.already) == (1, 2)
    assert len(list(repo.iter_notes(user_id=ALICE))) == 3  # the old text is not lost


def test_the_same_note_twice_in_one_upload_is_one_note(repo):
    files = upload("keep/obsidian-labelled-note.json") * 2

    result = notes_import(user_id=ALICE, files=files, repo=repo)

    assert (result.found, result.created) == (1, 1)


def test_two_users_importing_one_file_each_get_their_own_notes(repo):
    files = upload("simplenote/standardnotes-notes.json")
    notes_import(user_id=ALICE, files=files, repo=repo)

    result = notes_import(user_id=BOB, files=files, repo=repo)

    assert result.created == 3


def test_an_import_out_of_time_stops_and_the_same_file_again_finishes_it(repo):
    ticks = iter(range(100))
    files = upload("keep/notesnook-takeout2-json-only.zip")

    partial = notes_import(user_id=ALICE, files=files, repo=repo, time_budget=2.5, clock=lambda: next(ticks))
    rest = notes_import(user_id=ALICE, files=files, repo=repo)

    assert (partial.created, partial.remaining) == (3, 5)
    assert (rest.created, rest.already, rest.remaining) == (5, 3, 0)
    assert len(list(repo.iter_notes(user_id=ALICE))) == 8


# --- bad files store nothing -----------------------------------------------------------------------


def test_a_broken_json_file_is_refused_with_where_it_breaks(repo):
    with pytest.raises(ImportRejected) as refused:
        notes_import(user_id=ALICE, files=upload("keep/obsidian-broken-json-note.json"), repo=repo)

    assert refused.value.problems == [
        "obsidian-broken-json-note.json: not valid JSON (line 8, column 5: Expecting ',' delimiter)."
    ]


def test_one_bad_note_refuses_the_whole_upload_and_stores_nothing(repo):
    document = json.loads((DATA / "simplenote/standardnotes-notes.json").read_text())
    document["activeNotes"].append({"id": "x", "content": "Too long\n" + "é" * (CONTENT_MAX_BYTES // 2 + 1)})
    document["activeNotes"].append({"id": "y", "content": "Has a NUL\x00"})
    files = [*upload("keep/obsidian-labelled-note.json"), ("notes.json", json.dumps(document).encode())]

    with pytest.raises(ImportRejected) as refused:
        notes_import(user_id=ALICE, files=files, repo=repo)

    assert list(repo.iter_notes(user_id=ALICE)) == []
    assert refused.value.problems == [
        "notes.json, note 3: Content must be at most 100 KB of UTF-8 (it has 102,402 bytes).",
        "notes.json, note 4: Title contains characters that cannot be stored (NUL or lone surrogates).",
    ]


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        (
            "x.json",
            b'{"hello": "world"}',
            "x.json: not a Notes Console export, a Simplenote notes.json or a Google Keep (Takeout) note.",
        ),
        ("x.json", b"\xff\xfe", "x.json: not UTF-8 text."),
        ("x.zip", b"PK\x03\x04 not really", "x.zip: not a zip file that can be read (File is not a zip file)."),
        (
            "own.json",
            b'{"format": "notes-console", "notes": [{"id": "nope"}]}',
            "own.json, note 1: id must be 32 lowercase hex characters.",
        ),
        (
            "sn.json",
            b'{"activeNotes": [{"id": "a", "content": 5}]}',
            'sn.json, note 1: "id" and "content" must be text.',
        ),
        ("k.json", b'{"textContent": "x", "labels": "work"}', 'k.json: "labels" must be a list of {"name": ...}.'),
        ("sn.json", b'{"activeNotes": []}', "The upload holds no notes."),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_clearly(repo, name, data, problem):
    with pytest.raises(ImportRejected) as refused:
        notes_import(user_id=ALICE, files=[(name, data)], repo=repo)

    assert refused.value.problems == [problem]
    assert list(repo.iter_notes(user_id=ALICE)) == []


def test_a_zip_without_json_files_is_refused(repo):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Takeout/Keep/note.html", "<p>only html</p>")

    with pytest.raises(ImportRejected, match="the zip holds no .json or .md file"):
        notes_import(user_id=ALICE, files=[("takeout.zip", buffer.getvalue())], repo=repo)


def test_a_zip_that_expands_too_far_is_refused_before_it_is_read(repo, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_MAX_UNZIPPED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.json", b" " * 100_000)

    with pytest.raises(ImportRejected, match="expand to 100,000 bytes; at most 1,000"):
        read_upload([("bomb.zip", buffer.getvalue())])


def test_problems_are_capped_but_counted():
    document = {"activeNotes": [{"id": str(i), "content": 1} for i in range(50)]}

    with pytest.raises(ImportRejected) as refused:
        read_upload([("notes.json", json.dumps(document).encode())])

    assert (len(refused.value.problems), refused.value.total) == (imports.MAX_PROBLEMS_SHOWN, 50)


def test_an_export_of_before_labels_with_a_category_still_imports(repo):
    old = {
        "format": "notes-console",
        "version": 1,
        "notes": [
            {
                "id": "b" * 32,
                "title": "Old",
                "content": "x",
                "category": "work",
                "important": True,
                "completed": False,
                "created_at": "2026-01-02T03:04:05.000000Z",
                "updated_at": "2026-01-02T03:04:05.000000Z",
                "version": 3,
            }
        ],
    }

    notes_import(user_id=ALICE, files=[("old.json", json.dumps(old).encode())], repo=repo)

    (note,) = repo.iter_notes(user_id=ALICE)
    assert (note.labels, note.category, note.important) == (("work",), "work", True)


def test_a_trashed_note_the_store_could_not_trash_is_reported_among_the_notes(repo, monkeypatch):
    from console.aws.errors import StoreUnavailable

    def outage(**kwargs):
        raise StoreUnavailable("DynamoDB did not answer")

    monkeypatch.setattr(repo, "delete", outage)

    result = notes_import(user_id=ALICE, files=upload("keep/obsidian-deleted-note.json"), repo=repo)

    assert (result.created, result.trashed, result.remaining) == (1, 0, 0)
    assert result.not_kept == [
        {
            "source": "obsidian-deleted-note.json",
            "what": ["its place in the trash: the store stopped answering, so it is among your notes"],
        }
    ]
    assert "Deleted note" in notes_of(repo)


def test_files_left_when_the_imports_time_is_up_are_reported_not_attached():
    from notes.import_attachments import attach_imported
    from notes.import_reading import AttachmentRef

    reported: list[str] = []
    refs = (AttachmentRef(path="t.zip: Keep/a.png", content_type="image/png", name="a.png"),)
    files = {"t.zip: Keep/a.png": b"\x89PNG"}

    attached = attach_imported(
        user_id=ALICE, note_id="n" * 32, refs=refs, files=files, report=reported.append, stop=lambda: True
    )

    assert attached == 0
    assert reported == ["the attachment a.png: not attached, the import ran out of time (attach it to the note)"]


def test_a_shared_keep_note_says_its_sharing_is_not_kept(repo):
    # No public Takeout sample with people in "sharees" was found; the entries are shaped as other importers' tests
    # write them (email, isOwner): only their number is used.
    note = json.loads((DATA / "keep/obsidian-pinned-text-note.json").read_text())
    note["sharees"] = [{"isOwner": True, "type": "WRITER", "email": "a@example.com"}, {"email": "b@example.com"}]

    result = notes_import(user_id=ALICE, files=[("Shared.json", json.dumps(note).encode())], repo=repo)

    assert result.not_kept == [{"source": "Shared.json", "what": ["its sharing (2 people): notes here are private"]}]
