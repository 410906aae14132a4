"""console/health/ keeps its shape: no module over 400 lines, no function over 60 lines, no block worse than
radon's grade C (cyclomatic complexity above 20).

The complexity is counted as radon counts it (1, plus one per if/elif, loop, except, boolean operator's extra
operand, conditional expression, comprehension clause, assert and match case), from `ast`, so the limit needs
no tool the project does not already have.
"""

from __future__ import annotations

import ast
import types
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


# --- the gateway protocol: every member the console uses is declared, and both gateways have it ---------

GATEWAY_MODULES = {"aws.py", "aws_logs.py", "aws_setup.py", "aws_async.py", "local.py", "deploy_reads.py"}
_GATEWAY_NAMES = {"gw", "gateway"}  # how the questions and views name the gateway they were given


def _declared() -> set[str]:
    tree = ast.parse((ROOM / "gateway.py").read_text())
    protocol = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "HealthGateway")
    names = set()
    for node in protocol.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, _FUNCTIONS):
            names.add(node.name)
    return names


def _gateway_uses(tree: ast.AST) -> dict[str, int]:
    """`gw.x` / `gateway.x` / `reads.gateway.x`: the members a module reads off a gateway, with a line each."""
    used = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id in _GATEWAY_NAMES) or (
            isinstance(owner, ast.Attribute) and owner.attr == "gateway"
        ):
            used.setdefault(node.attr, node.lineno)
    return used


QUESTION_MODULES = [path for path in MODULES if path.name not in GATEWAY_MODULES]


@pytest.mark.parametrize("path", QUESTION_MODULES, ids=_name)
def test_every_gateway_member_a_module_uses_is_declared(path):
    used = _gateway_uses(ast.parse(path.read_text()))
    assert {name: line for name, line in used.items() if name not in _declared()} == {}


@pytest.mark.parametrize("path", QUESTION_MODULES, ids=_name)
def test_no_module_probes_a_gateway_with_getattr(path):
    probes = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"getattr", "hasattr"}
        and node.args
        and _gateway_uses(ast.Module(body=[ast.Expr(ast.Attribute(node.args[0], "x"))], type_ignores=[]))
    ]
    assert probes == []


def test_both_gateways_have_every_declared_member(settings, tmp_path):
    from console.health.aws import AwsGateway
    from console.health.local import LocalGateway

    settings.HEALTH_ZAPPA_SETTINGS = tmp_path / "none.json"
    for gateway in (AwsGateway("notes-console-dev"), LocalGateway()):
        assert {name for name in _declared() if not hasattr(gateway, name)} == set(), gateway.kind


def test_the_gateways_hold_no_interpretation():
    """What the gateways used to build from the facts now lives in the question modules."""
    from console.health.aws import AwsGateway
    from console.health.gateway import EventSourceMapping
    from console.health.local import LocalGateway

    moved = {"metrics", "recent_invocations", "logs", "tail", "request_detail", "invocations_of", "metric_queries"}
    assert {name for name in moved if hasattr(AwsGateway, name) or hasattr(LocalGateway, name)} == set()
    assert not hasattr(EventSourceMapping, "risks")  # streams.mapping_risks judges a mapping's settings


# --- what a trigger means is the triggers question's: the gateways return what AWS and the status files hold --

_ZAPPA_MEANING = {  # console.health.stage's helpers that say what Zappa runs and name a source
    "routes_for",
    "packaged_routes",
    "rule_runs",
    "zappa_rule_name",
    "stage_rules",
    "stage_mappings",
    "stage_routes",
    "describe_source",
    "stage_name",
}
_WORDED_STATE = ("PROBLEM", "failing:", "Failing", "Stopped", "Not running", "no status written")


def _names(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name)
    return found


def _strings(tree: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@pytest.mark.parametrize("name", sorted(GATEWAY_MODULES | {"local_notifier.py"}))
def test_no_gateway_works_out_what_a_trigger_runs_or_words_a_stand_in_s_state(name):
    """aws.py used to name sources and route rules and ARNs; local.py and local_notifier.py worded the stream
    poller's and the S3 notifier's status ("PROBLEM: ...", "Failing"): console.health.triggers and
    console.health.local_triggers do."""
    tree = ast.parse((ROOM / name).read_text())
    assert _names(tree) & _ZAPPA_MEANING == set()
    assert [s for s in _strings(tree) if s.lstrip().startswith(_WORDED_STATE)] == []


def test_the_gateways_answer_trigger_facts_and_the_question_words_them(settings, tmp_path, monkeypatch):
    from typing import get_type_hints

    from console.health.gateway import HealthGateway, LocalRunner, TriggerFacts
    from console.health.local import LocalGateway
    from console.health.local_triggers import notifier_mapping, poller_mapping

    assert get_type_hints(HealthGateway.triggers)["return"] is TriggerFacts
    settings.HEALTH_ZAPPA_SETTINGS = tmp_path / "none.json"
    monkeypatch.delenv("NOTES_EMBEDDED_DYNAMODB", raising=False)
    facts = LocalGateway().triggers()
    assert isinstance(facts, TriggerFacts) and facts.mappings == [] and facts.rules == []
    runners = LocalGateway().local_runners()
    assert [(r.kind, r.runs_here, r.status) for r in runners] == [
        ("stream poller", False, None),
        ("S3 notifier", False, None),
    ]
    # The same raw status, worded by the question alike for both stand-ins.
    status = types.SimpleNamespace(
        healthy=False, problem="the last poll failed: boom", batches=2, records=5, delivered=1, retried=0, dropped=0
    )
    poller = poller_mapping(LocalRunner("stream poller", True, target="notes", status=status))
    notifier = notifier_mapping(LocalRunner("S3 notifier", True, target="uploads", status=status))
    assert (poller.state, poller.last_result) == (
        "Failing",
        "PROBLEM: the last poll failed: boom; version history is not being recorded",
    )
    assert (notifier.state, notifier.last_result) == (
        "Failing",
        "failing: the last poll failed: boom; uploads stay pending",
    )
    assert (poller.batches_handled, poller.records_handled, notifier.records_handled) == (2, 5, 1)
