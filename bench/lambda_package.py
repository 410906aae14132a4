"""Build Lambda packages the way `make package` does: Zappa's CLI run from the runtime-only venv.

`.venv-package/` holds requirements.txt only (no test or dev tools), made by `make package-venv`.
Zappa's own PyPI lookups are off (`use_precompiled_packages: false`), so nothing here waits on the
network; the "zip" callback (console/deploy/lambda_zip.py) writes valid bytecode into the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_VENV = Path(os.environ.get("PACKAGE_VENV", REPO_ROOT / ".venv-package")).resolve()
HELLO_DIR = Path(__file__).resolve().parent / "hello"
# What Lambda's Python runtime provides beside the package (it is excluded from the zip).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")


class PackageVenvMissing(Exception):
    pass


def site_packages(venv: Path = PACKAGE_VENV) -> Path:
    found = sorted(venv.glob("lib/python3.*/site-packages"))
    if not found or not (venv / "bin" / "zappa").exists():
        raise PackageVenvMissing(f"{venv} has no Zappa: run `make package-venv` first")
    return found[0]


def stage_config(stage: str, settings_path: Path = REPO_ROOT / "zappa_settings.json") -> dict[str, Any]:
    """A stage of zappa_settings.json with `extends` resolved as Zappa does (one level, shallow)."""
    stages = json.loads(settings_path.read_text())
    config = dict(stages[stage])
    parent = config.pop("extends", None)
    return {**stages[parent], **config} if parent else config


def zappa_package(project_dir: Path, stage: str, output: Path) -> Path:
    """`zappa package STAGE -o OUTPUT --json` in project_dir with the package venv; returns the zip's path."""
    site_packages()
    output.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(PACKAGE_VENV),
        "PATH": f"{PACKAGE_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        # The callback (console.deploy.lambda_zip) is imported from the repository for other projects too.
        "PYTHONPATH": str(REPO_ROOT),
    }
    env.pop("PYTHONHOME", None)
    result = subprocess.run(
        # --json: no new-version lookup on PyPI.
        [str(PACKAGE_VENV / "bin" / "zappa"), "package", stage, "-o", str(output), "--json"],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"zappa package failed:\n{result.stdout}\n{result.stderr}")
    return output


def hello_project(target: Path) -> Path:
    """The bare hello app as a project folder with the dev stage's settings (same excludes and callback)."""
    target.mkdir(parents=True, exist_ok=True)
    for source in HELLO_DIR.glob("*.py"):
        shutil.copy2(source, target / source.name)
    config = stage_config("dev")
    config.pop("attach_policy", None)
    config.update(project_name="hello", django_settings="hello_settings", environment_variables={})
    (target / "zappa_settings.json").write_text(json.dumps({"dev": config}, indent=2))
    return target


def runtime_folder(target: Path) -> Path:
    """A stand-in for /var/runtime: boto3 and its dependencies with their own valid bytecode."""
    source = site_packages()
    target.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PROVIDED:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, copy_function=shutil.copy2)
        elif path.exists():
            shutil.copy2(path, target / name)
    return target
