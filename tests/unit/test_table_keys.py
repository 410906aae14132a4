"""The table's key prefixes are spelled in one module (console/aws/table_keys.py), beside the table definition,
and described there once (console/aws/dynamodb.py's KEY_PREFIXES and SORT_KEY_PREFIXES)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from console.aws import dynamodb, table_keys

ROOT = Path(__file__).resolve().parents[2]
THE_PLACE = ROOT / "console" / "aws" / "table_keys.py"
PACKAGES = ("accounts", "notes", "console", "bench")
# A key's text: a prefix, then more key characters (a description or message has spaces or "<...>").
KEY_TEXT = re.compile(r"[\w#$%-]*")


def prefixes() -> set[str]:
    return {
        value
        for name, value in vars(table_keys).items()
        if name.isupper() and isinstance(value, str) and value.endswith(("#", "$"))
    }


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (text about keys may name a prefix)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def spelled_prefixes(source: str, known: set[str]) -> list[tuple[int, str]]:
    """(line, text) of every string literal (f-string parts included) that spells a key prefix."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    found = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and KEY_TEXT.fullmatch(node.value)
        and any(node.value.startswith(p) for p in known)
    ]
    return sorted(found)


def test_it_finds_a_prefix_spelled_as_a_literal_or_in_an_f_string():
    known = prefixes()
    source = 'A = "USER#"\ndef f(x):\n    """pk = USER#<id>"""\n    return f"NOTE#{x}", "T#", "USER# is a prefix"\n'
    assert spelled_prefixes(source, known) == [(1, "USER#"), (4, "NOTE#"), (4, "T#")]


def test_no_module_but_table_keys_spells_a_key_prefix():
    known = prefixes()
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == THE_PLACE:
                continue
            spelled = spelled_prefixes(path.read_text(), known)
            if spelled:
                found[str(path.relative_to(ROOT))] = spelled
    assert found == {}, "build keys with console/aws/table_keys.py's names and builders"


def test_every_prefix_of_table_keys_is_described_beside_the_table_definition():
    described = set(dynamodb.KEY_PREFIXES) | set(dynamodb.SORT_KEY_PREFIXES)
    assert prefixes() - {table_keys.NOTE_END} == described
    assert set(dynamodb.USER_PARTITIONS) <= set(dynamodb.KEY_PREFIXES)
