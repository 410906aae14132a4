"""Check a Lambda package: size, what must and must not be inside, and valid bytecode.

Usage: python bench/check_package.py dist/notes-console-dev.zip   (run by `make package`)
Exits 1 with the reasons when the package fails a check.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

MAX_BYTES = 25 * 1024 * 1024

REQUIRED = (
    "handler.py",
    "zappa_settings.py",
    "django_zappa_app.py",
    "console/settings.py",
    "console/urls.py",
    "templates/base.html",
    "static/css/app.css",
    "django/__init__.py",
    "django/contrib/staticfiles/__init__.py",
    "django/contrib/sessions/backends/base.py",
    "django/contrib/auth/hashers.py",
    "django/contrib/auth/password_validation.py",
    "whitenoise/__init__.py",
    "django_htmx/__init__.py",
    "markdown_it/__init__.py",
    "mdit_py_plugins/tasklists/__init__.py",
    "linkify_it/__init__.py",
    "nh3/__init__.py",
    "zappa/handler.py",
    "werkzeug/__init__.py",
    "PIL/Image.py",  # the S3 handler's image checks (notes/file_check.py)
    "pi_heif/__init__.py",  # and its HEIC reader
)
# Top-level names that must not ship: tests and benchmarks, local data, dev tools, what the runtime
# provides (boto3 and its dependencies), and Zappa's build-time dependencies.
FORBIDDEN_TOP = {
    "tests",
    "bench",
    ".venv",
    ".venv-package",
    ".local",
    ".git",
    ".ci",
    "dist",
    "staticfiles",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "pytest",
    "_pytest",
    "pluggy",
    "moto",
    "ruff",
    "playwright",
    "hypothesis",
    "schemathesis",
    "pip",
    "setuptools",
    "pkg_resources",
    "wheel",
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "urllib3",
    "six.py",
    "troposphere",
    "cfn_flip",
    "yaml",
    "requests",
    "tqdm",
    "slugify",
    "text_unidecode",
    "placebo",
}
FORBIDDEN_PATHS = ("console/deploy/", "zappa/cli.py", "zappa/core.py")
FORBIDDEN_SUFFIXES = (".po",)
# PEP 552 flags word: 0b01 = hash-based, unchecked (bit 2 clear).
UNCHECKED_HASH_FLAGS = 0b01


@dataclass
class Report:
    size: int = 0
    entries: int = 0
    sources: int = 0
    valid_pyc: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _pyc_for(source: str) -> str:
    path = PurePosixPath(source)
    tag = f"cpython-{sys.version_info.major}{sys.version_info.minor}"
    return str(path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc")


def check_zip(path: str, *, max_bytes: int = MAX_BYTES, required: Iterable[str] = REQUIRED) -> Report:
    report = Report()
    with open(path, "rb") as f:
        report.size = f.seek(0, 2)
    if report.size > max_bytes:
        report.problems.append(f"{report.size / 2**20:.1f} MiB is over the {max_bytes / 2**20:.0f} MiB limit")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        report.entries = len(names)
        present = set(names)
        for name in required:
            if name not in present:
                report.problems.append(f"missing {name}")
        bad_top = sorted({n.split("/", 1)[0] for n in names} & FORBIDDEN_TOP)
        if bad_top:
            report.problems.append(f"must not ship: {', '.join(bad_top)}")
        bad_paths = sorted(n for n in names if n.startswith(FORBIDDEN_PATHS) or n.endswith(FORBIDDEN_SUFFIXES))
        if bad_paths:
            report.problems.append(f"must not ship: {', '.join(bad_paths[:5])}{' ...' if len(bad_paths) > 5 else ''}")
        sources = [n for n in names if n.endswith(".py")]
        report.sources = len(sources)
        stale = []
        for source in sources:
            pyc = _pyc_for(source)
            if pyc not in present:
                stale.append(f"{source} (no .pyc)")
                continue
            flags = int.from_bytes(zf.read(pyc)[4:8], "little")
            if flags != UNCHECKED_HASH_FLAGS:
                stale.append(f"{pyc} (flags {flags:#04b}, not unchecked-hash)")
            else:
                report.valid_pyc += 1
        if stale:
            report.problems.append(f"{len(stale)} modules without valid bytecode, e.g. {stale[0]}")
    return report


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    report = check_zip(argv[0])
    print(f"{argv[0]}: {report.size / 2**20:.1f} MiB (limit {MAX_BYTES / 2**20:.0f} MiB), {report.entries} entries")
    print(f"bytecode: {report.valid_pyc} of {report.sources} modules have unchecked-hash .pyc files")
    for problem in report.problems:
        print(f"FAIL: {problem}")
    if report.ok:
        print("OK: no tests, benchmarks, dev tools, boto3/botocore or Zappa build tools inside")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
