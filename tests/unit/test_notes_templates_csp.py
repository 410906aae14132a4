"""The notes pages must work under a strict CSP: no inline scripts, styles or event handlers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates" / "notes").glob("*.html")) + [ROOT / "templates" / "console" / "home.html"]

INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "an inline event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "an hx-on handler": re.compile(r"\shx-on", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "js: in hx-vals": re.compile(r"hx-vals\s*=\s*['\"]\s*js:", re.I),
    "an unescaped value": re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off"),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_it_has_nothing_inline(template):
    source = template.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(source)]
    assert not found, f"{template.name} has {', '.join(found)}"


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 10
