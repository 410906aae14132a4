"""Which shipped distributions carry compiled extension modules (the arm64 check's facts).

The shipped set is requirements.txt's packages and what they require, transitively (installed metadata),
less what the Lambda runtime provides and the stage's `exclude` drops (boto3, botocore, ...). On Lambda,
where requirements.txt is not packaged, every distribution on the path is the package.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata as md
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

COMPILED_SUFFIXES = (".so", ".pyd")
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six"})
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        match = _NAME.match(line.split("#", 1)[0])
        if match:
            names.append(match.group(1))
    return names


def _requires(dist: md.Distribution) -> Iterable[str]:
    for req in dist.requires or ():
        if "extra ==" in req:
            continue
        match = _NAME.match(req)
        if match:
            yield match.group(1)


def shipped(roots: Iterable[str]) -> dict[str, md.Distribution]:
    seen: dict[str, md.Distribution] = {}
    todo = [_norm(n) for n in roots]
    while todo:
        name = todo.pop()
        if name in seen or name in RUNTIME_PROVIDED:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen[name] = dist
        todo.extend(_norm(n) for n in _requires(dist))
    return seen


def compiled_distributions(requirements: Path | None, exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Normalized names of the shipped distributions that hold a compiled extension module; a module under
    a top-level name the stage's `exclude` drops is not shipped. Worked out once per process and arguments: it
    reads every shipped distribution's metadata and file list (most of the Checks page's CPU, ~60 ms a view,
    bench/bench_app_time.py), and what is installed does not change under a running process."""
    return _compiled_distributions(requirements, tuple(exclude))


@lru_cache(maxsize=8)
def _compiled_distributions(requirements: Path | None, exclude: tuple[str, ...]) -> tuple[str, ...]:
    if requirements is not None and requirements.exists():
        dists = shipped(requirement_names(requirements)).values()
    else:
        dists = [d for d in md.distributions() if _norm(d.metadata["Name"] or "") not in RUNTIME_PROVIDED]
    patterns = list(exclude)

    def ships(file: str) -> bool:
        top = file.split("/", 1)[0]
        return file.endswith(COMPILED_SUFFIXES) and not any(fnmatch.fnmatch(top, p) for p in patterns)

    return tuple(sorted({_norm(d.metadata["Name"] or "") for d in dists if any(ships(str(f)) for f in d.files or ())}))
