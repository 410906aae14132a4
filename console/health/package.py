"""What the running package holds: the distributions with compiled code (an arm64 function needs their
arm64 builds). On Lambda this process runs the deployed package, so it reads that package's own metadata."""

from __future__ import annotations

import functools
from importlib import metadata

_COMPILED = (".so", ".pyd")


@functools.lru_cache(maxsize=1)  # no arguments: one entry, read once a process
def compiled_distributions() -> tuple[str, ...]:
    """Names of the installed distributions that ship compiled extension modules, sorted."""
    found = set()
    for dist in metadata.distributions():
        if any(str(f).endswith(_COMPILED) or ".so." in str(f) for f in dist.files or ()):
            found.add(dist.metadata["Name"] or "")
    return tuple(sorted(name for name in found if name))
