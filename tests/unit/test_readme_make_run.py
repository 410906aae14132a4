"""The README tells how to move `make run` to another port or address."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_documents_make_runs_host_and_port_with_the_makefiles_defaults():
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in ("HOST", "PORT"):
        default = re.search(rf"^{name} \?= (\S+)$", makefile, re.MULTILINE).group(1)
        assert re.search(rf"`{name}`.*`{re.escape(default)}`", readme.replace("\n", " ")), name
    assert "make run PORT=" in readme
