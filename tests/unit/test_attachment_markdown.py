"""Markdown images: only a note's own attachments (the app's path, checked for the reader when loaded) show
inline; any other image stays a link, and raw HTML stays text."""

from __future__ import annotations

from notes.formatting import render_markdown

NOTE, ATT = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
PATH = f"/notes/{NOTE}/attachments/{ATT}"


def test_an_attachment_reference_is_an_image():
    assert render_markdown(f'![a "photo"]({PATH})') == f'<p><img src="{PATH}" alt="a &quot;photo&quot;"></p>\n'


def test_with_the_stage_prefix_too():
    assert f'<img src="/dev{PATH}"' in render_markdown(f"![x](/dev{PATH})")


def test_anything_else_stays_a_link():
    for src in (
        "https://evil.example/x.png",
        f"{PATH}?x=1",
        f"/notes/{NOTE}/attachments/../../x",
        f"//evil.example{PATH}",
        "data:image/png;base64,AAAA",
        f"/a/b{PATH}",
    ):
        html = render_markdown(f"![x]({src})")
        assert "<img" not in html, src


def test_raw_html_img_is_text():
    html = render_markdown(f"<img src={PATH} onerror=alert(1)>")
    assert "<img" not in html and "&lt;img" in html
