"""The XSS catalogue, Markdown edition: every payload of a public Markdown XSS list (its source is in the
data file's header) and the issue's own cases, rendered as a note's content on the pages that show it,
must stay inert: only the allow-listed tags, no event handler or style attribute, no image loaded, no
link but http(s), mailto or a relative one. Checked on the HTML the pages send (a parser, not a regex)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from notes import services
from notes.formatting import render_markdown

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "markdown_xss_payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    # GitHub-flavoured Markdown: strikethrough, tables in their scroll region, task marks; and on the note
    # page each task item's form (the app's own markup, put in after sanitizing).
    "s",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "span",
    "form",
    "input",
    "button",
}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "src", "srcset", "formaction", "xlink:href"):
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            if name == "href":
                # The parser decoded the attribute once, as a browser does; then, as a browser does before it
                # reads the scheme, control characters and spaces go.
                href = "".join(ch for ch in (value or "") if ord(ch) > 32).lower()
                if urlsplit(href).scheme not in SAFE_SCHEMES:
                    self.problems.append(f"href {value!r}")
            if tag == "a" and name == "rel" and value != "noopener nofollow ugc":
                self.problems.append(f"rel {value!r}")


def inspect(fragment: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(fragment)
    return inspector.problems


def content_of(page: str) -> str:
    start = page.index('<div class="note-content">') + len('<div class="note-content">')
    return page[start : page.index("</div>\n  <footer", start)]


GFM_PAYLOADS = [
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
    "- [ ] <script>alert(1)</script>\n- [x] [t](javascript:alert(1)) <input type=checkbox onclick=alert(1)>",
    'www.example.com"onmouseover="alert(1) and javascript:alert(1) and data:text/html,<script>x</script>',
    "~~<svg onload=alert(1)>~~ http://example.com/<script>",
    "- [ ] <form action=https://evil.example><button>go</button></form>",
]


@pytest.mark.parametrize("payload", GFM_PAYLOADS)
def test_github_flavoured_payloads_render_inert(payload, alice, client_for):
    rendered = render_markdown(payload)
    assert inspect(rendered) == [] and "<input" not in rendered and "<form" not in rendered
    note = services.note_create(user_id=alice.id, data={"title": "gfm", "content": payload})
    detail = client_for(alice).get(f"/notes/{note.id}/").content.decode()
    content = content_of(detail)
    assert inspect(content) == []
    # The only forms are the app's task forms, posting to the note's own task URL.
    assert set(re.findall(r'<form[^>]*action="([^"]*)"', content)) <= {f"/notes/{note.id}/task"}


def test_the_catalogue_is_loaded():
    assert len(PAYLOADS) >= 40 and any("onerror" in p for p in PAYLOADS) and any("data:" in p for p in PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_inert(payload):
    assert inspect(render_markdown(payload)) == []


def test_every_payload_is_inert_on_the_note_page_and_in_the_preview(alice, client_for):
    client = client_for(alice)
    content = "\n\n".join(PAYLOADS)
    note = services.note_create(user_id=alice.id, data={"title": "payloads", "content": content})
    detail = client.get(f"/notes/{note.id}/").content.decode()
    assert inspect(content_of(detail)) == []
    assert services.note_get(user_id=alice.id, note_id=note.id).content == content  # stored as typed
    preview = client.post("/notes/new", {"title": "p", "content": content, "preview": "1"}).content.decode()
    start = preview.index('<div class="preview-body">') + len('<div class="preview-body">')
    assert inspect(preview[start : preview.index("</section>", start)]) == []
    listing = client.get("/notes/").content.decode()
    snippet = listing[
        listing.index('<p class="note-snippet">') : listing.index("</p>", listing.index('<p class="note-snippet">'))
    ]
    assert inspect(snippet + "</p>") == []
