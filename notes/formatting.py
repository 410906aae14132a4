"""A note's content as HTML: GitHub-flavoured Markdown (markdown-it-py: CommonMark plus tables,
strikethrough, task lists from mdit-py-plugins, bare URLs and www. addresses made links by linkify-it-py),
then an allow-list sanitizer (nh3).

What is stored is always the text as typed; this runs when a page shows it. Plain text reads as before:
raw HTML is not Markdown here (shown as typed, never markup) and a line break stays a line break. Links
open with rel="noopener nofollow ugc" and only to http(s) and mailto; images are not loaded (a note would
otherwise fetch any URL its author put in it, or carry a data: URL), they become links to the image; only the
note's own attachments (the app's /notes/<note>/attachments/<id> path, checked for the reader when loaded) show
inline.
Headings start at h3, below the page's own h1 and h2. A table sits in a focusable, named region that scrolls
sideways (a phone never widens the page). A task item's box is put in after sanitizing, where the sanitized
HTML holds a marker that only the task-list rule can produce (raw HTML is off): by default a mark read as
"done"/"not done", or what the page's `task_box` builds (the note page's forms, notes/checklists.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

LINK_REL = "noopener nofollow ugc"
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
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
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "input",
    "img",
}
# div and input come only from this module's own rules (raw HTML is off): the table's scroll region, and
# the task marker that is replaced after sanitizing; img only for the note's own attachments (_ATTACHMENT_SRC).
_ATTRIBUTES = {
    "a": {"href", "title"},
    "div": {"class", "role", "aria-label", "tabindex"},
    "input": {"type", "checked"},
    "li": {"class"},
    "ul": {"class"},
    "ol": {"start", "class"},
    "img": {"src", "alt"},
}
# An attachment of a note, as its page links it (with the stage's prefix on an execute-api host).
# These three are compiled on first use (re caches them): a list of plain notes uses none of them.
_ATTACHMENT_SRC = r"(?:/[A-Za-z0-9_-]+)?/notes/[0-9a-f]{32}/attachments/[0-9a-f]{32}"
_URL_SCHEMES = {"http", "https", "mailto"}
_HEADING_SHIFT = 2
_BLOCK_END = r"<br />|</(?:p|li|h\d|blockquote|pre|th|td)>"
_TASK_MARKER = r"<input[^>]*>"
_TASK_CHECKBOX_PREFIX = '<input class="task-list-item-checkbox"'


class TaskItem(NamedTuple):
    """One task-list item: its place among the note's tasks, the source line of its box, ticked or not. A named
    tuple: a list page imports this module, and a dataclass costs ~6 M instructions to build at import."""

    index: int
    line: int
    done: bool
    label: str


TaskBox = Callable[[TaskItem], str]


@lru_cache(maxsize=2)
def _parser(*, linkify: bool = True) -> MarkdownIt:
    """`linkify=False` for what only reads the words or the task items (a list row's snippet, a checklist
    tick): finding bare URLs is about a third of the parse, and a link's text is its URL anyway."""
    from markdown_it import MarkdownIt  # ~100 ms of imports: paid by the first page that shows a note
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": linkify})
    md.enable(["strikethrough", "table", *(["linkify"] if linkify else [])])
    md.use(tasklists_plugin)
    md.core.ruler.after("github-tasklists", "note-tasks", _collect_tasks)

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
        if re.fullmatch(_ATTACHMENT_SRC, raw):
            return f'<img src="{src}" alt="{html.escape(alt, quote=True)}">'
        return f'<a href="{src}">{html.escape(alt)}</a>'

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)

    def table_open(renderer, tokens, idx, options, env):
        env["tables"] = env.get("tables", 0) + 1
        region = f'<div class="table-scroll" role="region" aria-label="Table {env["tables"]}" tabindex="0">'
        return region + md.renderer.renderToken(tokens, idx, options, env)

    def table_close(renderer, tokens, idx, options, env):
        return md.renderer.renderToken(tokens, idx, options, env) + "</div>\n"

    md.add_render_rule("image", image)
    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    return md


def _collect_tasks(state: Any) -> None:
    """After the task-list plugin: each item's box becomes a marker the sanitizer keeps, and the item is
    noted in `env["tasks"]` (in document order, as the markers are) with its source line."""
    tasks = state.env.setdefault("tasks", [])
    tokens = state.tokens
    for i, token in enumerate(tokens):
        children = token.children or []
        if token.type != "inline" or not children or children[0].type != "html_inline":
            continue
        if not children[0].content.startswith(_TASK_CHECKBOX_PREFIX):
            continue
        done = 'checked="checked"' in children[0].content
        item = tokens[i - 2]
        line = item.map[0] if item.map else token.map[0] if token.map else -1
        words = (c.content for c in children[1:] if c.type in ("text", "code_inline"))
        label = " ".join(" ".join(words).split())
        tasks.append(TaskItem(index=len(tasks), line=line, done=done, label=label))
        children[0].content = '<input type="checkbox" checked>' if done else '<input type="checkbox">'


def _task_mark(task: TaskItem) -> str:
    mark = "☑" if task.done else "☐"
    state = "done" if task.done else "not done"
    return f'<span class="task-mark" aria-hidden="true">{mark}</span><span class="visually-hidden">({state})</span>'


def render_markdown(text: str, *, task_box: TaskBox | None = None) -> str:
    """Safe HTML for a note's content (to be marked safe by the template filter, nowhere else).
    `task_box` builds each task item's box (its output must be safe HTML); by default a read-only mark."""
    if not text:
        return ""
    import nh3  # here, as markdown-it is: a list of plain notes needs neither (plain_text)

    env: dict[str, Any] = {}
    cleaned = nh3.clean(
        _parser().render(text, env),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    tasks: list[TaskItem] = env.get("tasks", [])
    build = task_box or _task_mark
    boxes = iter(tasks)

    def box(_: re.Match[str]) -> str:
        task = next(boxes, None)
        return build(task) if task is not None else ""

    # Every <input> left is a task marker, in the order the tasks were collected.
    return re.sub(_TASK_MARKER, box, cleaned)


def task_items(text: str) -> tuple[TaskItem, ...]:
    """The content's task-list items, in document order (what the boxes on the page are numbered by)."""
    if "[" not in text:
        return ()  # most notes: no parse
    return _task_items(text)


@lru_cache(maxsize=256)
def _task_items(text: str) -> tuple[TaskItem, ...]:
    env: dict[str, Any] = {}
    _parser(linkify=False).parse(text, env)
    return tuple(env.get("tasks", []))


# Text with none of Markdown's marks reads the same parsed or not, so a list row's snippet skips the parser for
# it (and a first page of plain notes loads neither markdown-it nor nh3: ~100 ms of a signed-in cold start).
# Conservative: any character that can start markup (inline marks, entities, escapes, raw HTML, tables), any line
# that could open a block (a list item, heading, setext underline, quote) and the characters the parser or the
# sanitizer rewrite (controls, noncharacters) send the text through the parser.
_MAYBE_MARKUP = re.compile(
    r"[\\`*_\[\]<>&~|\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    r"|^[ \t]*(?:[-+=#]|\d{1,9}[.)])",
    re.MULTILINE,
)


def needs_parser(text: str) -> bool:
    """Whether the text may hold Markdown: if not, its plain text is its words as typed."""
    return _MAYBE_MARKUP.search(text) is not None


def plain_text(text: str) -> str:
    """The content's words without Markdown's marks (for a list row's snippet and search results)."""
    if not text:
        return ""
    if not needs_parser(text):
        return " ".join(text.split())
    return parsed_plain_text(text)


def parsed_plain_text(text: str) -> str:
    """plain_text through the parser and the sanitizer, whatever the text holds."""
    import nh3

    rendered = re.sub(_BLOCK_END, " ", _parser(linkify=False).render(text))
    return " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())
