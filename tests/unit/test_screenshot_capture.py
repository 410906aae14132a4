"""Screenshots survive a busy machine, and the ones tests write are not tracked by git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser import screenshots

ROOT = Path(__file__).resolve().parents[2]


class FlakyPage:
    def __init__(self, failures: int, message: str = "Unable to capture screenshot") -> None:
        self.failures, self.message, self.calls = failures, message, 0

    def screenshot(self, *, path: str, **options) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise PlaywrightError(self.message)
        Path(path).write_bytes(b"png")

    def wait_for_load_state(self, state: str) -> None:
        pass


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(screenshots, "PAUSE_SECONDS", 0)


def test_it_retries_a_capture_the_compositor_could_not_take(tmp_path):
    page = FlakyPage(failures=2)
    path = screenshots.capture(page, tmp_path / "shots" / "a.png", full_page=True)
    assert path.read_bytes() == b"png" and page.calls == 3


def test_it_gives_up_after_a_few_tries_and_never_hides_other_errors(tmp_path):
    with pytest.raises(PlaywrightError):
        screenshots.capture(FlakyPage(failures=99), tmp_path / "a.png")
    other = FlakyPage(failures=1, message="Target page, context or browser has been closed")
    with pytest.raises(PlaywrightError):
        screenshots.capture(other, tmp_path / "b.png")
    assert other.calls == 1


def test_the_screenshots_tests_write_are_not_tracked():
    """`make test` rewrote six PNGs git tracked although .gitignore lists artifacts/."""
    tracked = subprocess.run(
        ["git", "ls-files", "artifacts"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == []
    ignored = subprocess.run(["git", "check-ignore", "artifacts/console-overview-1280.png"], cwd=ROOT, check=False)
    assert ignored.returncode == 0
