"""Every path and module the documentation names exists.

Reads README.md and docs/*.md, and checks:
- relative links (`[text](docs/deploy.md)`, anchors dropped) point at files of the repository;
- a code span that looks like a repository path (`notes/imports.py`, `console/deploy/policy-<stage>.json`,
  `tests/data/`) names a file or folder that exists (`<...>` placeholders and `*` match anything in one segment);
- a dotted name in a code span that starts with one of the project's packages (`console.security.PageCacheMiddleware`)
  names a module that exists (the attribute after it is not checked).
Run as `python -m tools.check_docs` (part of `make lint`); prints each stale pointer with its file and line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("console", "notes", "accounts", "bench", "tests", "tools")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH_LIKE = re.compile(r"^\.?[\w.<>*-]+(/[\w.<>*-]*)+$|^[\w-]+\.(py|json|md|toml|txt|cfg|ini|yml|yaml)$")
FILE_NAME = re.compile(r"\.(zip|json|md|txt|csv|png|jpe?g)$")
DOTTED = re.compile(r"^(" + "|".join(PACKAGES) + r")(\.\w+)+(\(\))?$")
# Paths that are made at run time, never committed (git-ignored), named in the docs on purpose.
MADE_AT_RUN_TIME = (".local", ".venv", ".venv-package", "artifacts", "dist", "/")


def documents(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def _exists(path: str, root: Path) -> bool:
    pattern = re.sub(r"<[^>]*>", "*", path.rstrip("/"))
    if "*" in pattern:
        return any(root.glob(pattern))
    return (root / pattern).exists()


def _module_exists(dotted: str, root: Path) -> bool:
    parts = dotted.removesuffix("()").split(".")
    for end in range(len(parts), 1, -1):
        base = root.joinpath(*parts[:end])
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return True
    return False


def _first_segment_is_ours(path: str, root: Path) -> bool:
    first = path.lstrip("./").split("/", 1)[0]
    return bool(first) and (root / first).exists()


def stale_pointers(doc: Path, root: Path = ROOT) -> list[str]:
    problems = []
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{doc.relative_to(root)}:{number}"
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith(("#", "/")):
                continue
            path = (doc.parent / target.split("#", 1)[0]).resolve()
            if not path.exists():
                problems.append(f"{where}: link to {target}, which does not exist")
        for span in CODE_SPAN.findall(line):
            token = span.strip()
            if token.startswith(MADE_AT_RUN_TIME) or " " in token:
                continue
            if PATH_LIKE.match(token) and _first_segment_is_ours(token, root) and not _exists(token, root):
                problems.append(f"{where}: `{token}` does not exist")
            elif DOTTED.match(token) and not FILE_NAME.search(token) and not _module_exists(token, root):
                problems.append(f"{where}: `{token}` names no module of the project")
    return problems


def main(root: Path = ROOT) -> int:
    problems = [p for doc in documents(root) for p in stale_pointers(doc, root)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
