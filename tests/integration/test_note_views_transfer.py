"""The export and import pages: the plan and its downloads, uploads of real exports, with and without htmx."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notes import exports, imports, wiring
from tests.integration.note_views_support import dynamodb_outage, htmx, make_note, text

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(Path(name).name, (DATA / name).read_bytes())


def titles(user) -> list[str]:
    return sorted(n.title for n in wiring.note_repository().iter_notes(user_id=user.id))


def part_links(page: str, kind: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(rf'href="(/notes/export/notes\.{kind}\?[^"]*)"', page)]


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content)


def test_the_list_links_export_and_import(alice, client_for):
    assert 'href="/notes/export/"' in text(client_for(alice).get("/notes/"))


def test_the_export_page_offers_one_part_of_each_format(alice, client_for):
    make_note(alice, title="One")
    make_note(alice, title="Two")

    page = text(client_for(alice).get("/notes/export/"))

    assert "You have 2 notes" in page
    assert part_links(page, "json") == ["/notes/export/notes.json?part=1"]
    assert part_links(page, "zip") == ["/notes/export/notes.zip?part=1"]
    assert 'enctype="multipart/form-data"' in page and 'hx-encoding="multipart/form-data"' in page


def test_the_downloads_hold_the_users_notes_and_no_one_elses(alice, bob, client_for):
    mine = make_note(alice, title="Mine", content="only hers", category="work")
    make_note(bob, title="Bob's", content="only his")
    client = client_for(alice)

    response = client.get("/notes/export/notes.json?part=1")
    document = json.loads(b"".join(response.streaming_content))
    archive = zipfile.ZipFile(io.BytesIO(download(client, "/notes/export/notes.zip?part=1")))

    assert response["Content-Disposition"] == 'attachment; filename="notes-part-1.json"'
    assert response["Cache-Control"] == "private, no-store"
    assert [n["id"] for n in document["notes"]] == [mine.id]
    assert archive.namelist() == [f"mine-{mine.id[:8]}.md"]
    assert "only his" not in archive.read(archive.namelist()[0]).decode()


def test_a_large_export_is_offered_in_parts_that_together_hold_every_note(alice, client_for, monkeypatch):
    monkeypatch.setattr(exports, "PART_TARGET_BYTES", 30_000)
    made = sorted(make_note(alice, title=f"Note {i}", content="x" * 4000).id for i in range(20))
    client = client_for(alice)

    page = text(client.get("/notes/export/"))
    json_links, zip_links = part_links(page, "json"), part_links(page, "zip")

    assert len(json_links) > 2 and len(zip_links) > 2
    assert "part 1 of" in page and "download every part" in page
    got = [n["id"] for link in json_links for n in json.loads(download(client, link))["notes"]]
    names = [name for link in zip_links for name in zipfile.ZipFile(io.BytesIO(download(client, link))).namelist()]
    assert got == made
    assert [name[-11:-3] for name in names] == [i[:8] for i in made]


def test_a_malformed_part_link_is_a_404(alice, client_for):
    client = client_for(alice)
    assert client.get("/notes/export/notes.json?after=nope").status_code == 404
    assert client.get("/notes/export/notes.zip?part=0").status_code == 404


def test_head_on_a_download_sends_no_body(alice, client_for):
    make_note(alice, title="One")
    response = client_for(alice).head("/notes/export/notes.json?part=1")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b""


def test_importing_a_file_redirects_to_a_summary_and_refreshing_adds_nothing(alice, client_for):
    client = client_for(alice)

    response = client.post("/notes/import/", {"file": sample("simplenote/notesnook-simplenote.zip")})

    assert response.status_code == 302 and response["Location"].startswith("/notes/export/?result=")
    page = text(client.get(response["Location"]))
    assert "Import done" in page and "3 notes imported from Simplenote" in page
    assert '1 of them was in the other app\'s trash, so it is in <a href="/notes/trash/">your trash</a>' in page
    assert titles(alice) == ["KEYWORDS LIST OF MINT PLAYER", "List of Pages"]
    again = client.post("/notes/import/", {"file": sample("simplenote/notesnook-simplenote.zip")})
    assert "0 notes imported" in text(client.get(again["Location"]))
    assert "3 were imported before" in text(client.get(again["Location"]))
    assert len(titles(alice)) == 2


def test_several_keep_files_import_in_one_upload(alice, client_for):
    files = [sample("keep/obsidian-rich-checklist-note.json"), sample("keep/obsidian-labelled-note.json")]
    response = client_for(alice).post("/notes/import/", {"file": files})
    assert response.status_code == 302
    assert titles(alice) == ["Labelled note", "Rich checklist note"]


def test_with_htmx_the_summary_replaces_the_result_region(alice, client_for):
    response = client_for(alice).post(
        "/notes/import/", {"file": sample("keep/notesnook-takeout2-json-only.zip")}, **htmx(target="import-result")
    )

    page = text(response)
    assert response.status_code == 200 and "<html" not in page
    assert "8 notes imported from Keep" in page and "What could not be kept" in page
    assert "Takeout/Keep/draw.json" in page and "the attachment 1629964295873.139657380.png (image/png)" in page


def test_the_summary_page_lists_per_file_what_could_not_be_kept(alice, client_for):
    client = client_for(alice)
    files = [sample("keep/obsidian-background-colour-note.json"), sample("keep/obsidian-pinned-text-note.json")]

    page = text(client.get(client.post("/notes/import/", {"file": files})["Location"]))

    assert "2 notes imported from Keep" in page
    assert "obsidian-background-colour-note.json" in page and "its colour (RED): notes here have no colours" in page
    assert "obsidian-pinned-text-note.json" not in page  # nothing of it was lost


def test_a_bad_file_is_refused_with_what_is_wrong_and_stores_nothing(alice, client_for):
    make_note(alice, title="Already here")
    files = [sample("keep/obsidian-labelled-note.json"), sample("keep/obsidian-broken-json-note.json")]

    response = client_for(alice).post("/notes/import/", {"file": files})

    page = text(response)
    assert response.status_code == 422
    assert "Nothing was imported" in page
    assert (
        "obsidian-broken-json-note.json: not valid JSON (line 8, column 5: Expecting &#x27;,&#x27; delimiter)." in page
    )
    assert "Choose the file again" in page and "You have 1 note" in page  # the whole page, export included
    assert titles(alice) == ["Already here"]


def test_with_htmx_a_bad_file_is_a_422_fragment(alice, client_for):
    response = client_for(alice).post(
        "/notes/import/", {"file": SimpleUploadedFile("x.json", b"[1, 2]")}, **htmx(target="import-result")
    )
    assert response.status_code == 422 and "<html" not in text(response)
    assert "x.json: not a Notes Console export" in text(response)
    assert "Choose the file again" not in text(response)  # the browser keeps the chosen file with htmx


def test_no_file_and_a_too_large_upload_are_refused(alice, client_for, monkeypatch):
    client = client_for(alice)
    assert "Choose a file to import." in text(client.post("/notes/import/", {}))
    monkeypatch.setattr(imports, "IMPORT_MAX_BYTES", 100)
    response = client.post("/notes/import/", {"file": sample("keep/obsidian-labelled-note.json")})
    assert response.status_code == 400 and "The upload is 552 bytes; at most 100 at a time." in text(response)
    assert titles(alice) == []


def test_a_forged_summary_is_ignored(alice, client_for):
    page = text(client_for(alice).get("/notes/export/?result=eyJjcmVhdGVkIjo5OTl9:forged"))
    # (a word of its own: the page's random tokens and ids may hold the digits 999 by chance)
    assert "Import done" not in page and not re.search(r"\b999\b", page)


def test_get_on_the_import_url_goes_to_the_page(alice, client_for):
    response = client_for(alice).get("/notes/import/")
    assert response.status_code == 302 and response["Location"] == "/notes/export/#import"


def test_an_outage_is_a_503_with_a_reference(alice, client_for):
    client = client_for(alice)
    with dynamodb_outage():
        page = client.get("/notes/export/")
        download_ = client.get("/notes/export/notes.json?part=1")
        upload = client.post("/notes/import/", {"file": sample("keep/obsidian-labelled-note.json")})
    assert page.status_code == download_.status_code == 503  # before any byte of the download was sent
    assert upload.status_code == 503 and "import the same file again in a moment" in text(upload)


@pytest.mark.parametrize("url", ["/notes/export/", "/notes/export/notes.json", "/notes/export/notes.zip"])
def test_signed_out_visitors_are_sent_to_sign_in(url, client):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")


def test_a_note_dated_2200_downloads_as_a_whole_zip_from_the_page_and_the_api(alice, client_for):
    from notes.domain import Note, new_note_id
    from tests.reliability.support import token_client

    make_note(alice, title="First")
    wiring.note_repository().add(
        Note(
            id=new_note_id(),
            user_id=alice.id,
            title="Far future",
            created_at="2200-01-01T00:00:00.000000Z",
            updated_at="2200-01-01T00:00:00.000000Z",
        )
    )
    for body in (
        download(client_for(alice), "/notes/export/notes.zip"),
        download(token_client(alice), "/api/export/notes.zip"),
    ):
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert archive.testzip() is None and len(archive.namelist()) == 2
        assert any(b'updated_at: "2200-01-01T00:00:00.000000Z"' in archive.read(n) for n in archive.namelist())


def test_a_download_that_fails_part_way_is_logged_as_a_500_not_a_200(alice, client_for, monkeypatch):
    from console import observability

    make_note(alice, title="Fine")
    make_note(alice, title="Boom")
    real = exports.note_markdown

    def breaks_on_boom(note, files=()):
        if note.title == "Boom":
            raise RuntimeError("cannot write this note")
        return real(note, files)

    monkeypatch.setattr(exports, "note_markdown", breaks_on_boom)
    response = client_for(alice).get("/notes/export/notes.zip")
    assert response.status_code == 200  # the headers went out before the body failed
    with pytest.raises(RuntimeError):
        b"".join(response.streaming_content)

    record = observability.recent_requests()[-1]
    assert (record.path, record.status, record.exc_type) == ("/notes/export/notes.zip", 500, "RuntimeError")
    assert record.exc_frame == "tests/integration/test_note_views_transfer.py:breaks_on_boom"
