"""Every in-memory buffer of the app is bounded: a warm Lambda process (or `make run`) serves requests for
hours, and anything that grows per request is a leak (bench/bench_app_time.py measures RSS over 2,000).

The records the local console reads are checked by behaviour; the rest by reading the source: a deque
needs a maxlen, an lru_cache a finite maxsize, and a container created at module level must not be added
to by a function unless it is listed below with the reason it stays small.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from console import observability as obs

pytestmark = pytest.mark.usefixtures("fresh_buffers")

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("console", "accounts", "notes")
# (module, name): why it cannot grow without bound.
ALLOWED_MODULE_CONTAINERS: dict[tuple[str, str], str] = {
    ("console.aws.clients", "_clients"): "one client per AWS service the console reads: five names, fixed in code",
    (
        "console.health.aws",
        "_log_formats",
    ): "keyed by function name: the one function the console shows (HEALTH_FUNCTION_NAME)",
    (
        "console.health.aws",
        "_deploys_seen",
    ): "keyed by function name, as _log_formats; each entry holds the versions of one GetFunction/ListVersionsByFunction page",
    (
        "console.aws.local_endpoint",
        "_serving_endpoints",
    ): "keyed by table name: the embedded endpoints this process serves (one per local table), removed at stop",
    (
        "console.health.overview_reads",
        "_kept",
    ): "keyed by (gateway kind, function, range key): one function, two kinds, the fixed RANGES (Window.for_range)",
    (
        "console.health.deploy_reads",
        "_cache",
    ): "keyed by function name, as _log_formats; each entry holds one Query's deploys (Limit MAX_LISTED)",
}
_GROWING_METHODS = {"append", "appendleft", "add", "update", "setdefault", "extend", "insert", "__setitem__"}


def test_the_local_consoles_request_records_and_log_lines_are_bounded(settings):
    settings.HEALTH_LOCAL_MAX_REQUESTS = 5
    settings.HEALTH_LOCAL_MAX_LOG_LINES = 7
    obs.reset_buffers()
    handler = obs.MemoryLogHandler()
    logger = logging.getLogger("test.bounded")
    logger.addHandler(handler)
    try:

        def view(request):
            logger.warning("a line")
            logger.warning("another")
            return HttpResponse("ok")

        for i in range(50):
            obs.RequestLogMiddleware(view)(RequestFactory().get(f"/{i}"))
    finally:
        logger.removeHandler(handler)
    assert [r.path for r in obs.recent_requests()] == [f"/{i}" for i in range(45, 50)]
    assert len(obs.recent_log_lines()) == 7


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append((module, ast.parse(path.read_text(), filename=str(path))))
    return found


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return ""


def test_every_deque_has_a_maxlen_and_every_cache_a_finite_size():
    problems = []
    for module, tree in _sources():
        for node in ast.walk(tree):
            name = _call_name(node)
            keywords = {k.arg: k.value for k in getattr(node, "keywords", [])}
            if name == "deque" and "maxlen" not in keywords and len(node.args) < 2:
                problems.append(f"{module}:{node.lineno} deque without maxlen")
            if name == "lru_cache":
                size = keywords.get("maxsize", node.args[0] if node.args else None)
                if not (isinstance(size, ast.Constant) and isinstance(size.value, int)):
                    problems.append(f"{module}:{node.lineno} lru_cache without a finite maxsize")
            if isinstance(node, ast.Attribute | ast.Name) and getattr(node, "attr", getattr(node, "id", "")) == "cache":
                if isinstance(getattr(node, "ctx", None), ast.Load) and module and _is_functools_cache(tree, node):
                    problems.append(f"{module}:{node.lineno} functools.cache is unbounded")
    assert problems == []


def _is_functools_cache(tree: ast.Module, node: ast.AST) -> bool:
    imported = any(
        isinstance(n, ast.ImportFrom) and n.module == "functools" and any(a.name == "cache" for a in n.names)
        for n in tree.body
    )
    if isinstance(node, ast.Attribute):
        return getattr(node.value, "id", "") == "functools"
    return imported


def test_no_function_adds_to_a_module_level_container():
    problems = []
    for module, tree in _sources():
        containers = set()
        for stmt in tree.body:
            targets = (
                stmt.targets
                if isinstance(stmt, ast.Assign)
                else [stmt.target]
                if isinstance(stmt, ast.AnnAssign)
                else []
            )
            value = getattr(stmt, "value", None)
            is_container = isinstance(value, ast.List | ast.Dict | ast.Set) or _call_name(value) in {
                "list",
                "dict",
                "set",
                "defaultdict",
                "OrderedDict",
                "Counter",
            }
            if is_container:
                containers.update(t.id for t in targets if isinstance(t, ast.Name))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                grows = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _GROWING_METHODS
                    and getattr(node.func.value, "id", None) in containers
                ) or (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.ctx, ast.Store)
                    and getattr(node.value, "id", None) in containers
                )
                if grows:
                    name = node.func.value.id if isinstance(node, ast.Call) else node.value.id
                    if (module, name) not in ALLOWED_MODULE_CONTAINERS:
                        problems.append(f"{module}:{node.lineno} {func.name}() adds to module-level {name}")
    assert problems == []
