"""console/deploy/lambda_zip.py: the package gets bytecode that Lambda uses as it is."""

from __future__ import annotations

import importlib
import py_compile
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from console.deploy.lambda_zip import PackageError, check_runtime, finish, recompile_zip

TAG = sys.implementation.cache_tag


def make_zip(path: Path, files: dict[str, bytes], tmp: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # as Zappa dates them
            info.external_attr = 0o755 << 16
            zf.writestr(info, data)
    return path


def timestamp_pyc(source: bytes, tmp: Path) -> bytes:
    src = tmp / "stale_src.py"
    src.write_bytes(source)
    return Path(py_compile.compile(str(src), cfile=str(tmp / "stale.pyc"))).read_bytes()


def flags(pyc: bytes) -> int:
    return int.from_bytes(pyc[4:8], "little")


def test_it_replaces_every_pyc_with_an_unchecked_hash_one(tmp_path):
    package = make_zip(
        tmp_path / "package.zip",
        {
            "app/__init__.py": b"",
            "app/mod.py": b"VALUE = 1\n",
            f"app/__pycache__/mod.{TAG}.pyc": timestamp_pyc(b"VALUE = 1\n", tmp_path),
            "templates/page.html": b"<p>hi</p>",
        },
        tmp_path,
    )

    stats = recompile_zip(package)

    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        assert flags(zf.read(f"app/__pycache__/mod.{TAG}.pyc")) == 0b01  # hash-based, unchecked
        assert flags(zf.read(f"app/__pycache__/__init__.{TAG}.pyc")) == 0b01
        assert zf.getinfo("templates/page.html").external_attr == 0o755 << 16
        assert zf.read("templates/page.html") == b"<p>hi</p>"
    assert {"app/mod.py", "app/__init__.py", "templates/page.html"} <= names
    assert stats == {"compiled": 2, "failed": 0}


def test_the_bytecode_is_used_whatever_the_source_files_dates(tmp_path, monkeypatch):
    package = make_zip(tmp_path / "package.zip", {"zipped_mod.py": b"VALUE = 1\n"}, tmp_path)
    recompile_zip(package)
    task = tmp_path / "task"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(task)
    # Unchecked-hash bytecode is trusted without reading the source: proof that no import recompiles.
    (task / "zipped_mod.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(task))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    module = importlib.import_module("zipped_mod")

    assert module.VALUE == 1
    assert module.__spec__.cached.endswith(f"zipped_mod.{TAG}.pyc")
    monkeypatch.delitem(sys.modules, "zipped_mod")


def test_it_names_lambda_paths_in_tracebacks(tmp_path):
    package = make_zip(tmp_path / "package.zip", {"app/boom.py": b"def f():\n    raise ValueError\n"}, tmp_path)
    recompile_zip(package)

    with zipfile.ZipFile(package) as zf:
        pyc = zf.read(f"app/__pycache__/boom.{TAG}.pyc")

    assert b"/var/task/app/boom.py" in pyc


def test_it_keeps_the_source_of_a_file_that_does_not_compile(tmp_path):
    package = make_zip(tmp_path / "package.zip", {"broken.py": b"def (:\n", "ok.py": b"X = 1\n"}, tmp_path)

    stats = recompile_zip(package)

    with zipfile.ZipFile(package) as zf:
        assert "broken.py" in zf.namelist()
    assert stats == {"compiled": 1, "failed": 1}


def test_it_refuses_a_runtime_other_than_the_packaging_python():
    check_runtime("python3.11", (3, 11))
    with pytest.raises(PackageError, match="python3.12"):
        check_runtime("python3.12", (3, 11))


def test_zappa_calls_it_with_the_cli_after_writing_the_zip(tmp_path, capsys):
    package = make_zip(tmp_path / "package.zip", {"m.py": b"X = 1\n"}, tmp_path)
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    cli = SimpleNamespace(stage_config={}, runtime=runtime, zip_path=str(package))

    finish(cli)

    assert "Recompiled 1 modules" in capsys.readouterr().out
    with zipfile.ZipFile(package) as zf:
        assert f"__pycache__/m.{TAG}.pyc" in zf.namelist()


def test_it_refuses_slim_handler_packages(tmp_path):
    with pytest.raises(PackageError, match="slim_handler"):
        finish(SimpleNamespace(stage_config={"slim_handler": True}, runtime="python3.11", zip_path="x.zip"))
