"""A store failure is answered in one place (console/errors.py): no module catches StoreUnavailable to answer it
itself, except to show again what the user typed, and then through `store_failure_keeping_input`.

Read from the source (ast), like a linter: an `except` naming StoreUnavailable or StorageFull may log, fall back
to less (no label suggestions), re-raise as another error, or end a command; if it builds or returns an answer,
it returns `store_failure_keeping_input(...)` and builds nothing else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "console", "notes")
THE_ONE_PLACE = Path("console/errors.py")
STORE_ERRORS = {"StoreUnavailable", "StorageFull"}
KEEPING_INPUT = "store_failure_keeping_input"
# What building an answer looks like: Django's responses and shortcuts, django-htmx's, the API's error.
ANSWERS = {"render", "redirect", "json_error", "problem_response", "error_response", "store_failure_response"}


def _names(node: ast.AST | None) -> set[str]:
    found: set[str] = set()
    for child in ast.walk(node) if node is not None else ():
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _own_nodes(statements: list[ast.stmt]):
    """The handler's nodes, not those of functions defined inside it."""
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _answers_itself(handler: ast.ExceptHandler) -> bool:
    """It returns a call other than the helper, or builds an answer some other way."""
    for node in _own_nodes(handler.body):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and _called(node.value) != KEEPING_INPUT:
            return True
        if isinstance(node, ast.Call):
            name = _called(node)
            if name in ANSWERS or name.endswith("Response"):
                return True
    return False


def violations(source: str, path: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler) and _names(node.type) & STORE_ERRORS:
            if _answers_itself(node):
                found.append(f"{path}:{node.lineno}")
    return found


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_no_module_but_console_errors_answers_a_store_failure():
    found = []
    for path in modules():
        relative = path.relative_to(ROOT)
        if relative != THE_ONE_PLACE:
            found += violations(path.read_text(), str(relative))
    assert not found, "answer a store failure in console/errors.py, or keep input with store_failure_keeping_input"


def test_views_that_keep_input_are_found_and_use_the_helper():
    users = [p for p in modules() if KEEPING_INPUT in p.read_text() and p.relative_to(ROOT) != THE_ONE_PLACE]
    assert {str(p.relative_to(ROOT)) for p in users} >= {"accounts/views.py", "notes/views.py"}


@pytest.mark.parametrize(
    "body",
    [
        "return render(request, 'x.html', status=503)",
        "return _unavailable_response(request, exc)",
        "response = JsonResponse({}, status=503)\n        return response",
        "store_failure_keeping_input(request, exc)\n        return redirect('/')",
    ],
)
def test_it_finds_a_view_answering_an_outage_itself(body):
    source = f"def view(request):\n    try:\n        pass\n    except (ValueError, StoreUnavailable) as exc:\n        {body}\n"
    assert violations(source, "v.py") == ["v.py:4"]


@pytest.mark.parametrize(
    "body",
    [
        "return store_failure_keeping_input(request, exc, template='t.html', context=context)",
        "context = {'interrupted': True}\n        return store_failure_keeping_input(request, exc, form=lambda f, s: render(f))",
        "log.warning('suggestions skipped')\n        options = []",
        "raise CommandError(str(exc)) from exc",
        "return user",
        "return {'batchItemFailures': [{'itemIdentifier': sequence}]}",
    ],
)
def test_it_lets_degrading_and_keeping_input_through(body):
    source = f"def view(request):\n    try:\n        pass\n    except StoreUnavailable as exc:\n        {body}\n"
    assert violations(source, "v.py") == []
