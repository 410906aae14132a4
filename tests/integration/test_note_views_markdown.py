"""Notes in Markdown: rendered (CommonMark) and sanitized (an allow-list) on the pages; plain text reads as
before; the editor's preview is rendered by the server, so it works without JavaScript."""

from __future__ import annotations

import pytest

from notes import services
from notes.formatting import plain_text, render_markdown
from tests.integration.note_views_support import form, htmx, make_note, text


def test_markdown_is_rendered_on_the_note_page(alice, client_for):
    note = make_note(
        alice,
        title="Plans",
        content="# Trip\n\n**Book** the *hotel*\n\n- tram 28\n- [Sintra](https://example.com/sintra)",
    )
    page = text(client_for(alice).get(f"/notes/{note.id}/"))
    assert "<h3>Trip</h3>" in page and "<strong>Book</strong> the <em>hotel</em>" in page
    assert "<li>tram 28</li>" in page
    assert '<a href="https://example.com/sintra" rel="noopener nofollow ugc">Sintra</a>' in page


def test_plain_text_reads_as_before(alice, client_for):
    note = make_note(alice, title="List", content="Oat milk\neggs & <bread>\n\nsecond paragraph")
    page = text(client_for(alice).get(f"/notes/{note.id}/"))
    assert "<p>Oat milk<br>\neggs &amp; &lt;bread&gt;</p>\n<p>second paragraph</p>" in page
    assert (
        services.note_get(user_id=alice.id, note_id=note.id).content == "Oat milk\neggs & <bread>\n\nsecond paragraph"
    )


def test_the_list_shows_the_words_without_the_marks(alice, client_for):
    make_note(alice, title="Fmt", content="**Bold** move, see [the docs](https://example.com) & `code`")
    page = text(client_for(alice).get("/notes/"))
    assert '<p class="note-snippet">Bold move, see the docs &amp; code</p>' in page


@pytest.mark.parametrize("headers", [{}, htmx("editor")], ids=["page", "htmx"])
def test_the_preview_renders_the_text_and_saves_nothing(alice, client_for, headers):
    client = client_for(alice)
    response = client.post("/notes/new", {**form(title="Draft", content="**hi** there"), "preview": "1"}, **headers)
    assert response.status_code == 200
    page = text(response)
    assert '<div class="preview-body"><p><strong>hi</strong> there</p>' in page
    assert "**hi** there</textarea>" in page  # the text stays in the editor as typed
    assert services.note_list(user_id=alice.id).notes == []


def test_the_preview_of_an_edit_keeps_the_version_and_is_404_for_another_user(alice, bob, client_for):
    note = make_note(alice, title="Mine", content="old")
    response = client_for(alice).post(f"/notes/{note.id}/edit", {**form(note, content="_new_"), "preview": "1"})
    assert response.status_code == 200 and "<em>new</em>" in text(response)
    assert f'name="version" value="{note.version}"' in text(response)
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "old"
    assert client_for(bob).post(f"/notes/{note.id}/edit", {**form(note), "preview": "1"}).status_code == 404


def test_headings_start_below_the_pages_own():
    assert render_markdown("# a\n\n###### f") == "<h3>a</h3>\n<h6>f</h6>\n"


def test_plain_text_of_markdown():
    assert plain_text("# Title\n\n- one\n- two") == "Title one two"
    assert plain_text("") == ""


GFM = "| Day | Stop |\n|---|---|\n| Mon | ~~Belém~~ |\n\n- [ ] tram\n- [x] pastel\n\nsee www.example.com/a and https://example.org/b."


def test_github_flavoured_markdown_on_the_note_page(alice, client_for):
    note = make_note(alice, title="GFM", content=GFM)
    page = text(client_for(alice).get(f"/notes/{note.id}/"))
    assert '<div class="table-scroll" role="region" aria-label="Table 1" tabindex="0"><table>' in page
    assert "<th>Day</th>" in page and "<td><s>Belém</s></td>" in page and "|---|" not in page
    assert 'role="checkbox" aria-checked="false" aria-label="tram"' in page
    assert 'role="checkbox" aria-checked="true" aria-label="pastel"' in page and "[x]" not in page
    assert '<a href="http://www.example.com/a" rel="noopener nofollow ugc">www.example.com/a</a>' in page
    assert '<a href="https://example.org/b" rel="noopener nofollow ugc">https://example.org/b</a>.' in page


def test_github_flavoured_markdown_in_the_preview_and_the_snippet(alice, client_for):
    client = client_for(alice)
    preview = text(client.post("/notes/new", {**form(title="Draft", content=GFM), "preview": "1"}))
    body = preview[preview.index('<div class="preview-body">') : preview.index("</section>")]
    assert "<table>" in body and "<s>Belém</s>" in body and 'href="http://www.example.com/a"' in body
    assert '<span class="task-mark" aria-hidden="true">☐</span><span class="visually-hidden">(not done)</span>' in body
    assert "<form" not in body  # the preview's boxes are not clickable: nothing is saved yet
    make_note(alice, title="GFM", content=GFM)
    listing = text(client.get("/notes/"))
    assert (
        '<p class="note-snippet">Day Stop Mon Belém tram pastel see www.example.com/a and https://example.org/b.</p>'
        in listing
    )


def test_a_wide_table_scrolls_inside_its_region():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n|---|\n| 3 |")
    assert html.count('role="region"') == 2 and 'aria-label="Table 2"' in html
