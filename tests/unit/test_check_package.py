"""bench/check_package.py: what `make package` refuses to ship."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bench.check_package import check_zip, main
from console.deploy.lambda_zip import recompile_zip

GOOD = {"handler.py": b"", "console/settings.py": b"X = 1\n", "static/css/app.css": b"body {}"}


def package(tmp_path: Path, files: dict[str, bytes], *, compile_it: bool = True) -> str:
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    if compile_it:
        recompile_zip(path)
    return str(path)


def test_it_accepts_a_lean_package_with_valid_bytecode(tmp_path):
    report = check_zip(package(tmp_path, GOOD), required=GOOD)

    assert report.ok, report.problems
    assert (report.sources, report.valid_pyc) == (2, 2)


def test_it_refuses_boto3_tests_and_dev_tools(tmp_path):
    files = {
        **GOOD,
        "boto3/__init__.py": b"",
        "tests/test_x.py": b"",
        "pytest/__init__.py": b"",
        "moto/__init__.py": b"",
    }

    report = check_zip(package(tmp_path, files), required=GOOD)

    assert report.problems == ["must not ship: boto3, moto, pytest, tests"]


def test_it_refuses_stale_bytecode(tmp_path):
    report = check_zip(package(tmp_path, GOOD, compile_it=False), required=GOOD)

    assert report.problems == ["2 modules without valid bytecode, e.g. handler.py (no .pyc)"]


def test_it_refuses_a_package_over_the_limit_or_missing_files(tmp_path):
    report = check_zip(package(tmp_path, GOOD), max_bytes=100, required=[*GOOD, "templates/base.html"])

    assert any("over the 0 MiB limit" in p for p in report.problems)
    assert "missing templates/base.html" in report.problems


def test_its_command_line_fails_a_bad_package(tmp_path, capsys):
    assert main([package(tmp_path, {"boto3/__init__.py": b""})]) == 1
    assert "FAIL: must not ship: boto3" in capsys.readouterr().out
