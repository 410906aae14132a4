"""An anonymous first page (a fresh process, as a Lambda cold start: Django set up, logging configured, the
middleware, URLconf and template engine loaded, GET / served) builds none of the project's dataclasses and loads
neither the user and token models nor the Markdown parser. A dataclass is compiled when its module is imported
(~6 M instructions each, bench/bench_cold_start.py's callgrind counts); what a first page needs is a plain class
or a named tuple, and the rest loads where it is used."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each probe runs in a fresh process, as a cold start: it counts the dataclasses built while it runs.
COUNTING = """
import dataclasses, json
built = []
_process_class = dataclasses._process_class
def counting(cls, *args, **kwargs):
    built.append(f"{cls.__module__}.{cls.__qualname__}")
    return _process_class(cls, *args, **kwargs)
dataclasses._process_class = counting
import django
django.setup()
"""

PROBE = (
    COUNTING
    + """
import sys
from django.test import Client
response = Client().get("/")
own = sorted(b for b in built if b.split(".")[0] in ("console", "accounts", "notes"))
loaded = sorted(m for m in ("accounts.tokens", "notes.domain", "markdown_it", "nh3") if m in sys.modules)
unused = ("whitenoise.base", "console.templatetags.health_tags", "notes.templatetags.writing_tags", "django_htmx.jinja",
          "accounts.sessions", "console.aws.dynamodb")
print(json.dumps({"status": response.status_code, "dataclasses": own, "modules": loaded,
                  "unused": sorted(m for m in unused if m in sys.modules)}))
"""
)


@functools.cache
def _run(probe: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _first_page() -> dict:
    return _run(PROBE)


def test_an_anonymous_first_page_builds_no_dataclass_and_loads_no_token_model_or_markdown():
    page = _first_page()
    assert page["status"] == 200
    assert page["dataclasses"] == []
    assert page["modules"] == []


def test_an_anonymous_first_page_builds_no_static_file_index_and_loads_no_tag_library_or_session_store():
    """WhiteNoise is built on the first request for a static file, a tag library on its first {% load %}, and the
    session store (with the DynamoDB plumbing) when a request first uses its session (console/web/static_files.py,
    console/web/template_engine.py, accounts/session_middleware.py): Django would load all three at every cold
    start, though a visitor without a session cookie needs none."""
    page = _first_page()
    assert page["status"] == 200
    assert page["unused"] == []


LIST_PAGE_PROBE = (
    COUNTING
    + """
import sys
import notes.list_pages  # the notes list's module, loaded by a signed-in person's first page
own = sorted(m for m in sys.modules if m.split(".")[0] in ("console", "accounts", "notes"))
import notes.checklists, notes.search  # what a list's rows and its lookup load when the page renders
import re
patterns = sorted(f"{name}.{key}" for name, module in list(sys.modules.items()) if name.split(".")[0] == "notes"
                  for key, value in vars(module).items() if isinstance(value, re.Pattern))
import notes.views  # and the other notes pages' (one note's: view, edit, delete)
dataclasses_built = sorted(b for b in built if b.split(".")[0] in ("console", "accounts", "notes"))
print(json.dumps({"dataclasses": dataclasses_built, "list_page_modules": own, "patterns": patterns}))
"""
)

# The notes pages' view modules besides the list's: the first signed-in page loads none of them.
OTHER_PAGES = {
    "notes.views",
    "notes.trash_views",
    "notes.history_views",
    "notes.label_views",
    "notes.writing_views",
    "notes.bulk_views",
    "notes.transfer_views",
    "notes.attachment_views",
}


def _notes_pages() -> dict:
    return _run(LIST_PAGE_PROBE)


def test_the_notes_pages_build_no_dataclass():
    """The records these modules define (Note, FieldSpec, Criteria, ...) are named tuples or plain classes
    (cheaper to build at import; test_first_page_light's first test says why), and the attachments' module
    (notes/attachments.py) loads with a note's attachments only."""
    assert _notes_pages()["dataclasses"] == []


def test_the_notes_list_loads_no_other_pages_views():
    """The list is the hot path of the signed-in cold start (bench/bench_cold_start.py): its module
    (notes/list_pages.py) holds what every notes page shares, so it never needs another page's module."""
    loaded = set(_notes_pages()["list_page_modules"])
    assert "notes.list_pages" in loaded
    assert not loaded & OTHER_PAGES


def test_the_notes_list_loads_no_attachment_module():
    """notes/wiring.py names the attachments' repository for type checkers only: its module (rules, reasons,
    the Attachment record) loads with the first attachment read, not with every list page (-15 M instructions)."""
    loaded = set(_notes_pages()["list_page_modules"])
    assert not {"notes.attachments", "notes.attachments_dynamodb"} & loaded


def test_the_notes_list_compiles_only_the_regexes_it_uses():
    """A regex compiled at import costs every cold start (~0.2-3.5 M instructions each: the domain's two for
    labels and text took ~5 M): the ones a list page does not use are compiled on first use (re caches them)."""
    assert _notes_pages()["patterns"] == ["notes.formatting._MAYBE_MARKUP", "notes.search._WORD_RE"]
