"""Local mode: the first runserver creates the admin account and prints its password once, never again."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.integration.test_local_mode import ROOT, _free_port, local_env

CREDENTIALS = re.compile(r"Local admin: admin / (\S+)")


class Runserver:
    """`manage.py runserver` with its autoreloader, as `make run` starts it; output collected as it comes."""

    def __init__(self, data_dir: Path, *options: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", *options, f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=local_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True)
        self._reader.start()

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "".join(self.lines)
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("runserver did not start:\n" + "".join(self.lines))

    def stop(self) -> str:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self._reader.join(timeout=5)
        return "".join(self.lines)


def sign_in(base: str, username: str, password: str) -> str:
    """Sign in through the real form (CSRF cookie and token included); returns the page it lands on."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"{base}/accounts/signin/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    with opener.open(f"{base}/accounts/signin/", data.encode(), timeout=10) as landed:
        return landed.read().decode()


@pytest.mark.slow
def test_the_first_runserver_prints_working_admin_credentials_once_and_never_again(tmp_path):
    first = Runserver(tmp_path)
    try:
        first.wait_until_serving()
    finally:
        output = first.stop()
    printed = CREDENTIALS.findall(output)
    assert len(printed) == 1, output  # the reloaded child doesn't print it again
    password = printed[0]
    kept = [p for p in tmp_path.rglob("*") if p.is_file() and password in p.read_text(errors="replace")]
    assert not kept  # not kept on disk (the local data folder holds files and, since attachments, an s3/ folder)

    second = Runserver(tmp_path, "--noreload")  # the same start-up path, minus the child's start-up time
    try:
        second.wait_until_serving()
        landed = sign_in(second.base, "admin", password)
    finally:
        output = second.stop()
    assert "Local admin" not in output
    assert '<span class="muted">admin</span>' in landed


@pytest.mark.slow
def test_a_start_on_a_busy_port_stops_before_the_one_time_password_is_used_up(tmp_path):
    """It used to create the admin, print the password, then fail to bind: the next start printed nothing."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = subprocess.run(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=local_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert refused.returncode != 0
    assert "Local admin" not in refused.stdout + refused.stderr
    assert f"Cannot serve on 127.0.0.1:{port}" in refused.stderr
    assert "PORT=" in refused.stderr

    second = Runserver(tmp_path, "--noreload")
    try:
        second.wait_until_serving()
    finally:
        output = second.stop()
    assert len(CREDENTIALS.findall(output)) == 1, output
