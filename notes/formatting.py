"""A note's content as HTML: Markdown (CommonMark, through markdown-it-py), then an allow-list sanitizer (nh3).

What is stored is always the text as typed; this runs when a page shows it. Plain text reads as before:
raw HTML is not Markdown here (shown as typed, never markup) and a line break stays a line break. Links
open with rel="noopener nofollow ugc" and only to http(s) and mailto; images are not loaded (a note would
otherwise fetch any URL its author put in it, or carry a data: URL), they become links to the image; only the
note's own attachments (the app's /notes/<note>/attachments/<id> path, checked for the reader when loaded) show
inline.
Headings start at h3, below the page's own h1 and h2.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

LINK_REL = "noopener nofollow ugc"
_TAGS = {
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
    "img",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "img": {"src", "alt"}}
# An attachment of a note, as its page links it (with the stage's prefix on an execute-api host).
_ATTACHMENT_SRC = re.compile(r"(?:/[A-Za-z0-9_-]+)?/notes/[0-9a-f]{32}/attachments/[0-9a-f]{32}")
_URL_SCHEMES = {"http", "https", "mailto"}
_HEADING_SHIFT = 2
_BLOCK_END = re.compile(r"<br />|</(?:p|li|h\d|blockquote|pre)>")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # ~100 ms of imports: paid by the first page that shows a note

    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    md.enable("strikethrough")

    def heading_open(renderer, tokens, idx, options, env):
        tokens[idx].tag = f"h{min(int(tokens[idx].tag[1]) + _HEADING_SHIFT, 6)}"
        return md.renderer.renderToken(tokens, idx, options, env)

    def heading_close(renderer, tokens, idx, options, env):
        tokens[idx].tag = f"h{min(int(tokens[idx].tag[1]) + _HEADING_SHIFT, 6)}"
        return md.renderer.renderToken(tokens, idx, options, env)

    def image(renderer, tokens, idx, options, env):
        token = tokens[idx]
        alt = md.renderer.renderInlineAsText(token.children or [], options, env) or "image"
        raw = token.attrGet("src") or ""
        src = html.escape(raw, quote=True)
        if _ATTACHMENT_SRC.fullmatch(raw):
            return f'<img src="{src}" alt="{html.escape(alt, quote=True)}">'
        return f'<a href="{src}">{html.escape(alt)}</a>'

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    md.add_render_rule("image", image)
    return md


def render_markdown(text: str) -> str:
    """Safe HTML for a note's content (to be marked safe by the template filter, nowhere else)."""
    if not text:
        return ""
    return nh3.clean(
        _parser().render(text),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """The content's words without Markdown's marks (for a list row's snippet and search results)."""
    if not text:
        return ""
    rendered = _BLOCK_END.sub(" ", _parser().render(text))
    return " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())
