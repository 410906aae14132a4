"""An export larger than Lambda's response limit, through Zappa's real handler: every part's payload (the
proxy response as the runtime writes it) stays under 6,291,556 bytes, and the parts hold every note."""

from __future__ import annotations

import io
import json
import random
import re
import string
import zipfile

import pytest

from notes import services
from notes.domain import CONTENT_MAX_BYTES
from notes.exports import LAMBDA_RESPONSE_LIMIT


def payload_bytes(response) -> int:
    # The Python runtime serializes the handler's return value with json.dumps (ASCII-escaped, the worst case).
    return len(json.dumps(response.raw).encode())


@pytest.mark.slow
def test_a_large_export_comes_in_parts_each_under_lambdas_response_limit(lambda_app, alice):
    from tests.conftest import PASSWORD

    rng = random.Random(6)
    # Quotes are escaped twice on the way out (the JSON, then Lambda's JSON string): 4 bytes each as sent.
    quoted = [
        services.note_create(user_id=alice.id, data={"title": f"Quotes {i}", "content": '"' * CONTENT_MAX_BYTES})
        for i in range(16)
    ]
    # Random letters compress to about 3/4 (52 symbols), then base64 adds a third.
    letters = [
        services.note_create(
            user_id=alice.id,
            data={"title": f"Letters {i}", "content": "".join(rng.choices(string.ascii_letters, k=CONTENT_MAX_BYTES))},
        )
        for i in range(72)
    ]
    everything = sorted(n.id for n in quoted + letters)
    lambda_app.sign_in("alice", PASSWORD)

    page = lambda_app.get("/dev/notes/export/")
    links = [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(/dev/notes/export/notes\.(?:json|zip)\?[^"]*)"', page.text)
    ]
    json_links = [link for link in links if "/notes.json?" in link]
    zip_links = [link for link in links if "/notes.zip?" in link]

    assert len(json_links) >= 3 and len(zip_links) >= 2, links
    json_sizes, zip_sizes, ids, names = [], [], [], []
    for link in json_links:
        part = lambda_app.get(link)
        assert part.status == 200 and not part.raw.get("isBase64Encoded")
        json_sizes.append(payload_bytes(part))
        document = json.loads(part.body)
        assert document["complete"] is True
        ids += [n["id"] for n in document["notes"]]
        if any(n["title"] == "Quotes 0" for n in document["notes"]):
            assert next(n for n in document["notes"] if n["title"] == "Quotes 0")["content"] == '"' * CONTENT_MAX_BYTES
    for link in zip_links:
        part = lambda_app.get(link)
        assert part.status == 200 and part.raw["isBase64Encoded"] is True
        zip_sizes.append(payload_bytes(part))
        names += zipfile.ZipFile(io.BytesIO(part.body)).namelist()
    print(f"\nJSON parts as Lambda sends them: {json_sizes}; zip parts: {zip_sizes} (limit {LAMBDA_RESPONSE_LIMIT:,})")
    assert max(json_sizes + zip_sizes) < LAMBDA_RESPONSE_LIMIT
    assert sum(json_sizes) > LAMBDA_RESPONSE_LIMIT and sum(zip_sizes) > LAMBDA_RESPONSE_LIMIT  # one file would not fit
    assert ids == everything
    assert sorted(name[-11:-3] for name in names) == sorted(i[:8] for i in everything)


def test_a_zip_part_that_fails_part_way_is_logged_as_a_500_through_zappas_handler(lambda_app, alice, monkeypatch):
    from console import observability
    from notes import exports
    from tests.conftest import PASSWORD

    services.note_create(user_id=alice.id, data={"title": "Fine"})
    services.note_create(user_id=alice.id, data={"title": "Boom"})
    real = exports.note_markdown

    def breaks_on_boom(note, files=()):
        if note.title == "Boom":
            raise RuntimeError("cannot write this note")
        return real(note, files)

    monkeypatch.setattr(exports, "note_markdown", breaks_on_boom)
    lambda_app.sign_in("alice", PASSWORD)

    part = lambda_app.get("/dev/notes/export/notes.zip")

    assert part.status == 500  # Zappa buffers the body: the failure reaches it, and it answers its own 500
    record = observability.recent_requests()[-1]  # the app's request log says the same, not the headers' 200
    assert (record.path, record.status, record.exc_type) == ("/dev/notes/export/notes.zip", 500, "RuntimeError")
