"""The export and import endpoints of the JSON API, with an API token, on real export files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from accounts.services import token_create
from notes import exports, imports, wiring
from tests.integration.note_views_support import make_note

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def api(alice):
    _, secret = token_create(user=alice, name="transfer")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def titles(user) -> list[str]:
    return sorted(n.title for n in wiring.note_repository().iter_notes(user_id=user.id))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_plan_lists_parts_and_each_part_downloads(api, alice, bob, monkeypatch):
    monkeypatch.setattr(exports, "PART_TARGET_BYTES", 20_000)
    made = sorted(make_note(alice, title=f"n{i}", content="y" * 3000).id for i in range(12))
    make_note(bob, title="bob's")

    plan = api.get("/api/export").json()

    assert plan["notes"] == 12 and len(plan["json"]) > 1 and len(plan["markdown"]) > 1
    ids = [n["id"] for part in plan["json"] for n in json.loads(body(api.get(part["url"])))["notes"]]
    names = [
        name for part in plan["markdown"] for name in zipfile.ZipFile(io.BytesIO(body(api.get(part["url"])))).namelist()
    ]
    assert ids == made and [n[-11:-3] for n in names] == [i[:8] for i in made]


def test_a_part_answers_head_and_refuses_a_malformed_range(api, alice):
    make_note(alice, title="one")
    head = api.head("/api/export/notes.json?part=1")
    assert head.status_code == 200 and body(head) == b""
    bad = api.get("/api/export/notes.zip?until=xyz")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_parameter"


def test_import_takes_a_zip_and_json_and_the_same_file_twice_adds_nothing(api, alice):
    zipped = (DATA / "keep/notesnook-takeout2-json-only.zip").read_bytes()
    first = api.post("/api/import", zipped, content_type="application/zip")
    again = api.post("/api/import", zipped, content_type="application/zip")
    simplenote = api.post(
        "/api/import", (DATA / "simplenote/standardnotes-notes.json").read_bytes(), content_type="application/json"
    )

    assert first.status_code == 200
    assert {k: first.json()[k] for k in ("formats", "found", "created", "attachments")} == {
        "formats": ["Keep"],
        "found": 8,
        "created": 8,
        "attachments": 0,  # this sample's images were taken out of the zip: each is listed in not_kept
    }
    assert (again.json()["created"], again.json()["already"]) == (0, 8)
    assert (simplenote.json()["created"], simplenote.json()["trashed"], simplenote.json()["left_out"]) == (3, 1, 0)
    assert len(titles(alice)) == 10  # the trashed one is in the trash
    assert {
        "source": "upload.zip: Takeout/Keep/draw.json",
        "what": [
            "the attachment 1629964295873.139657380.png (image/png): its file is not in the upload (import the whole zip)"
        ],
    } in first.json()["not_kept"]


def test_the_api_export_imports_back_into_another_account(api, alice, bob):
    make_note(alice, title="Round trip", content="every field", category="work", important=True)
    exported = body(api.get("/api/export/notes.json"))
    _, secret = token_create(user=bob, name="transfer")

    result = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/import", exported, content_type="application/json"
    )

    assert result.json()["created"] == 1
    (copy,) = wiring.note_repository().iter_notes(user_id=bob.id)
    assert (copy.title, copy.content, copy.category, copy.important) == ("Round trip", "every field", "work", True)


def test_the_api_markdown_export_imports_back_into_another_account(api, alice, bob):
    make_note(alice, title="Markdown trip", content="# every field\n", category="work", important=True)
    exported = body(api.get("/api/export/notes.zip"))
    _, secret = token_create(user=bob, name="transfer")

    result = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post("/api/import", exported, content_type="application/zip")

    assert (result.status_code, result.json()["created"], result.json()["formats"]) == (200, 1, ["Notes Console"])
    (copy,) = wiring.note_repository().iter_notes(user_id=bob.id)
    assert (copy.title, copy.content, copy.category, copy.important) == (
        "Markdown trip",
        "# every field\n",
        "work",
        True,
    )


def test_a_bad_file_is_a_422_with_its_problems_and_stores_nothing(api, alice):
    response = api.post(
        "/api/import", (DATA / "keep/obsidian-broken-json-note.json").read_bytes(), content_type="application/json"
    )

    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "import_rejected"
    assert error["problems"] == ["upload.json: not valid JSON (line 8, column 5: Expecting ',' delimiter)."]
    assert error["problems_total"] == 1 and error["reference"]
    assert titles(alice) == []


def test_import_refuses_another_media_type_and_a_too_large_body(api, alice):
    assert api.post("/api/import", b"x", content_type="text/plain").status_code == 415
    big = api.post("/api/import", b" " * (imports.IMPORT_MAX_BYTES + 1), content_type="application/json")
    assert big.status_code == 413 and big.json()["error"]["code"] == "body_too_large"
    assert titles(alice) == []


def test_a_browser_session_needs_csrf_to_import(alice, client_for):
    client = client_for(alice)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/import", b"{}", content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"


def test_without_a_token_it_is_a_401(aws):
    assert Client().get("/api/export").status_code == 401
    assert Client().post("/api/import", b"{}", content_type="application/json").status_code == 401


def test_an_empty_range_parameter_is_refused_not_read_as_absent(api, alice):
    for query in ("until=", "after=", "part="):
        response = api.get(f"/api/export/notes.json?{query}")
        assert response.status_code == 400, query
