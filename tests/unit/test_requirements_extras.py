"""requirements-dev.txt asks only for extras the pinned packages provide (pip warned about moto's `lambda`)."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)\[([^\]]+)\]")


def provided_extras(package: str) -> set[str]:
    metadata = importlib.metadata.metadata(package)
    return {re.sub(r"[-_.]+", "-", extra).lower() for extra in metadata.get_all("Provides-Extra") or []}


def test_every_extra_asked_for_exists():
    asked = []
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            found = _REQUIREMENT.match(line.strip())
            if found:
                asked += [(found.group(1), extra.strip()) for extra in found.group(2).split(",")]
    assert ("moto", "awslambda") in asked
    missing = [(package, extra) for package, extra in asked if extra.lower() not in provided_extras(package)]
    assert missing == []
