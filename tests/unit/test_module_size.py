"""Every Python module of the app (accounts/, console/, notes/) stays at or under 600 lines: one a newcomer can
read through, doing one thing its name says. A module that grows past it is split by responsibility, as
notes/api/openapi*.py and notes/*_views.py are. Tests, benchmarks and tools are not held to it; console/health/
has a tighter rule of its own (test_health_shape.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("accounts", "console", "notes")
MAX_MODULE_LINES = 600


def line_counts() -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in APP_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def test_every_app_module_is_at_most_600_lines():
    over = {name: lines for name, lines in line_counts().items() if lines > MAX_MODULE_LINES}
    assert over == {}, f"split these by responsibility (at most {MAX_MODULE_LINES} lines each): {over}"


def test_it_reads_every_package_of_the_app():
    counted = line_counts()
    assert {name.split("/", 1)[0] for name in counted} == set(APP_PACKAGES)
    assert {"notes/views.py", "console/observability.py", "notes/api/openapi.py", "accounts/services.py"} <= set(
        counted
    )
