"""Local mode with no AWS settings: manage.py starts an embedded DynamoDB endpoint whose data persists."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def local_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DYNAMODB_ENDPOINT_URL", "DYNAMODB_TABLE", "RUN_MAIN"}}
    env["LOCAL_DATA_DIR"] = str(data_dir)
    return env


def manage(data_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=local_env(data_dir), capture_output=True, text=True, timeout=timeout, check=False,
    )


CREATE = """
from notes import services
from django.conf import settings
n = services.note_create(user_id="dev", data={"title": "kept across restarts", "content": "ü"})
print("ENDPOINT", settings.DYNAMODB_ENDPOINT_URL)
print("CREATED", n.id)
"""

READ = """
from notes import services
print("TITLES", [n.title for n in services.note_list(user_id="dev").notes])
"""


def test_local_data_survives_a_restart_of_the_embedded_endpoint(tmp_path):
    first = manage(tmp_path, "shell", "-c", CREATE)
    assert first.returncode == 0, first.stderr
    assert "ENDPOINT http://127.0.0.1:" in first.stdout
    assert (tmp_path / "dynamodb-notes-console-local.json").exists()
    assert not (tmp_path / "endpoint.json").exists()  # the endpoint stopped with its process

    second = manage(tmp_path, "shell", "-c", READ)
    assert second.returncode == 0, second.stderr
    assert "TITLES ['kept across restarts']" in second.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_runserver_serves_the_home_page_with_no_aws_settings(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT, env=local_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:  # noqa: S310
                    status = resp.status
            except OSError:
                time.sleep(0.3)
        assert status == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert "Local DynamoDB: embedded endpoint at http://127.0.0.1:" in output
    assert str(tmp_path) in output


HISTORY = """
import time
from notes import services
n = services.note_create(user_id="dev", data={"title": "first"})
services.note_update(user_id="dev", note_id=n.id, expected_version=1, data={"title": "second"})
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    versions = [(h.version, h.title) for h in services.note_history(user_id="dev", note_id=n.id)]
    if len(versions) == 2:
        break
    time.sleep(0.2)
print("HISTORY", versions)
"""


def test_local_mode_feeds_the_table_stream_to_the_history_handler(tmp_path):
    result = manage(tmp_path, "shell", "-c", HISTORY)
    assert result.returncode == 0, result.stderr
    assert "HISTORY [(2, 'second'), (1, 'first')]" in result.stdout
