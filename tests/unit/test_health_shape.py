"""console/health/ keeps its shape: no module over 400 lines, no function over 60 lines, no block worse than
radon's grade C (cyclomatic complexity above 20).

The complexity is counted as radon counts it (1, plus one per if/elif, loop, except, boolean operator's extra
operand, conditional expression, comprehension clause, assert and match case), from `ast`, so the limit needs
no tool the project does not already have.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOM = Path(__file__).resolve().parents[2] / "console" / "health"
MODULES = sorted(ROOM.glob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 20  # radon: A 1-5, B 6-10, C 11-20, D 21-30, E 31-40, F 41+

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def complexity(node: ast.AST) -> int:
    """Cyclomatic complexity of one function, not counting the functions nested in it (radon grades those
    as blocks of their own)."""
    score = 1
    for child in _walk_own(node):
        if isinstance(child, (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.Assert)):
            score += 1
            if isinstance(child, (ast.For, ast.AsyncFor, ast.While)) and child.orelse:
                score += 1
        elif isinstance(child, ast.ExceptHandler):
            score += 1
        elif isinstance(child, ast.Try):
            score += bool(child.orelse)
        elif isinstance(child, ast.BoolOp):
            score += len(child.values) - 1
        elif isinstance(child, ast.comprehension):
            score += 1 + len(child.ifs)
        elif isinstance(child, ast.match_case):
            score += 1
    return score


def _walk_own(node: ast.AST):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (*_FUNCTIONS, ast.ClassDef, ast.Lambda)):
            continue
        yield child
        yield from _walk_own(child)


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, _FUNCTIONS):
            yield node


def _name(path: Path) -> str:
    return str(path.relative_to(ROOM.parents[1]))


def test_the_counter_counts_like_radon():
    source = (
        "def f(a, b):\n"
        "    if a and b:\n"
        "        return [x for x in a if x]\n"
        "    elif b:\n"
        "        try:\n"
        "            pass\n"
        "        except ValueError:\n"
        "            pass\n"
        "    for _ in a:\n"
        "        pass\n"
        "    return 1 if a else 2\n"
    )
    function = next(_functions(ast.parse(source)))
    # 1 + if + and + comprehension + its if + elif + except + for + conditional expression
    assert complexity(function) == 9


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_over_60_lines(path):
    tree = ast.parse(path.read_text())
    long = {f"{f.name}:{f.lineno}": f.end_lineno - f.lineno + 1 for f in _functions(tree)}
    assert {name: n for name, n in long.items() if n > MAX_FUNCTION_LINES} == {}


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_block_is_worse_than_radon_c(path):
    tree = ast.parse(path.read_text())
    scores = {f"{f.name}:{f.lineno}": complexity(f) for f in _functions(tree)}
    assert {name: n for name, n in scores.items() if n > MAX_COMPLEXITY} == {}
