"""Every function that reads `request.htmx` takes an HtmxHttpRequest (console/web/htmx_request.py), as django-htmx's
documentation types such views, so the reader (and a type checker) knows the attribute is there."""

from __future__ import annotations

import ast
from pathlib import Path

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from console.web.htmx_request import HtmxHttpRequest

ROOT = Path(__file__).resolve().parents[2]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _reads_htmx(function: ast.AST) -> bool:
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, _FUNCTIONS):
            continue  # a nested function is checked on its own
        if isinstance(node, ast.Attribute) and node.attr == "htmx" and ast.unparse(node.value) == "request":
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def untyped_readers(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, _FUNCTIONS) and _reads_htmx(node):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            request = next((a for a in arguments if a.arg == "request"), None)
            if request is None or request.annotation is None or ast.unparse(request.annotation) != "HtmxHttpRequest":
                found.append(node.name)
    return found


def test_every_function_reading_request_htmx_takes_an_htmx_request():
    found = {}
    readers = 0
    for package in ("accounts", "console", "notes"):
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text()
            if "request.htmx" in source:
                readers += source.count("request.htmx")
                if untyped := untyped_readers(source):
                    found[str(path.relative_to(ROOT))] = untyped
    assert found == {}
    assert readers >= 31  # the reads there were when this rule was written


def test_it_finds_a_view_reading_htmx_on_a_plain_request():
    source = "def view(request: HttpRequest):\n    return request.htmx.target\n"
    assert untyped_readers(source) == ["view"]
    assert untyped_readers(source.replace("HttpRequest", "HtmxHttpRequest")) == []


def test_the_type_is_djangos_request_with_django_htmxs_details():
    assert issubclass(HtmxHttpRequest, HttpRequest)
    assert HtmxHttpRequest.__annotations__["htmx"] in (HtmxDetails, "HtmxDetails")
