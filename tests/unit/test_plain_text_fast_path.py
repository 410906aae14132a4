"""A list row's snippet skips the Markdown parser for text that has none of Markdown's marks, and reads exactly
as the parsed text would: checked on real notes (the import samples, tests/data/imports/SOURCES.md) and on
generated text full of marks, line starts and control characters. A first page of plain notes then loads
neither markdown-it nor nh3 (a signed-in cold start, bench/bench_cold_start.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from notes import formatting

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "imports"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _sample_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix == ".json":
            try:
                texts += _strings(json.loads(path.read_text(encoding="utf-8")))
            except ValueError:
                continue  # the broken-JSON sample
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    if name.endswith((".json", ".txt")):
                        raw = zf.read(name).decode("utf-8", errors="replace")
                        try:
                            texts += _strings(json.loads(raw))
                        except ValueError:
                            texts.append(raw)
    return [t for t in texts if t.strip()]


def test_it_reads_real_notes_as_the_parser_does():
    texts = _sample_texts()
    assert len(texts) > 50
    fast = [t for t in texts if not formatting.needs_parser(t)]
    assert fast and len(fast) < len(texts)  # both paths are exercised by real notes
    for text in texts:
        assert formatting.plain_text(text) == formatting.parsed_plain_text(text), text


MARKS = list("\\`*_[]()<>&~|#!=+-.:;'\"0123456789") + ["\n", "\r\n", "\t", "    ", "\x00", "\x0c", "\x85", "\u00a0"]
TEXT = st.lists(st.one_of(st.sampled_from(MARKS), st.sampled_from(["a", "é", "Б", " ", "1.", "- ", "# ", "> "])))


@settings(max_examples=150, deadline=None)
@given(TEXT.map("".join))
def test_plain_text_is_the_parsers_for_any_text(text):
    assert formatting.plain_text(text) == formatting.parsed_plain_text(text)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_plain_text_is_the_parsers_for_any_characters(text):
    assert formatting.plain_text(text) == formatting.parsed_plain_text(text)


PROBE = """
import sys
from notes.formatting import plain_text
assert plain_text("Oat milk, eggs\\nand a plan: 3 things (today)") == "Oat milk, eggs and a plan: 3 things (today)"
print(sorted(m for m in ("markdown_it", "mdit_py_plugins", "nh3") if m in sys.modules))
"""


def test_a_plain_snippet_loads_neither_the_parser_nor_the_sanitizer():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
