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
        cwd=ROOT,
        env=local_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
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


def _start_runserver(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=local_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait_for_home_page(base: str) -> int | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=2) as resp:  # noqa: S310
                return resp.status
        except OSError:
            time.sleep(0.3)
    return None


@pytest.mark.slow
def test_runserver_serves_the_home_page_with_no_aws_settings(tmp_path):
    proc, base = _start_runserver(tmp_path)
    try:
        assert _wait_for_home_page(base) == 200
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
    versions = [(h.version, h.title) for h in services.note_with_history(user_id="dev", note_id=n.id)[1]]
    if len(versions) == 2:
        break
    time.sleep(0.2)
print("HISTORY", versions)
from notes import wiring
while time.monotonic() < deadline:
    terms = wiring.note_repository().indexed_terms(user_id="dev", note_id=n.id)
    if terms == ["second"]:
        break
    time.sleep(0.2)
print("INDEXED", terms)
"""


def test_local_mode_feeds_the_table_stream_to_the_history_and_search_handler(tmp_path):
    result = manage(tmp_path, "shell", "-c", HISTORY)
    assert result.returncode == 0, result.stderr
    assert "HISTORY [(2, 'second'), (1, 'first')]" in result.stdout
    assert (
        "INDEXED ['second']" in result.stdout
    )  # the same handler keeps the search index (no default category since labels)


class _Browser:
    """Forms over HTTP as a browser without JavaScript posts them: a cookie jar, the CSRF token from each
    form, and redirects reported rather than followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str) -> None:
        import http.cookiejar

        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base}{path}", timeout=10) as resp:
            return resp.read().decode()

    def submit(self, path: str, fields: dict[str, str]) -> str:
        """GET the form's page, POST the fields with its hidden inputs; returns the redirect's Location."""
        import re
        import urllib.error
        from urllib.parse import urlencode

        page = self.get(path)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        data = urlencode({**hidden, **fields}).encode()
        try:
            self.opener.open(f"{self.base}{path}", data=data, timeout=10)
        except urllib.error.HTTPError as exc:
            if exc.code in (302, 303):
                return exc.headers["Location"]
            raise AssertionError(f"POST {path}: {exc.code} {exc.read()[:500]!r}") from None
        raise AssertionError(f"POST {path} did not redirect")


@pytest.mark.slow
def test_under_runserver_an_edit_through_the_pages_shows_up_in_the_history(tmp_path):
    import re

    from tests.conftest import PASSWORD

    proc, base = _start_runserver(tmp_path)
    try:
        assert _wait_for_home_page(base) == 200
        browser = _Browser(base)
        browser.submit("/accounts/signup/", {"username": "dora", "password": PASSWORD, "password2": PASSWORD})
        location = browser.submit("/notes/new", {"title": "first words", "content": "draft"})
        note_id = re.fullmatch(r"/notes/#note-([0-9a-f]{32})", location).group(1)
        browser.submit(f"/notes/{note_id}/edit", {"title": "second thoughts", "content": "final"})

        deadline = time.monotonic() + 20
        while True:
            page = browser.get(f"/notes/{note_id}/history/")
            versions = re.findall(r'data-version="(\d+)"', page)
            if versions == ["2", "1"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert versions == ["2", "1"], output[-2000:]
    assert "<del>first words</del>" in page and "<ins>second thoughts</ins>" in page
