"""The console package's root stays small enough to read at a glance: what serves every request and the site's
settings; everything else lives in a sub-package named for what it does (aws/, web/, health/, deploy/)."""

from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def test_the_console_root_holds_at_most_twelve_modules():
    modules = sorted(p.name for p in CONSOLE.glob("*.py"))
    assert len(modules) <= 12, modules
