"""Screenshots for review, taken so that a loaded machine doesn't fail a test over one.

Chromium sometimes answers "Unable to capture screenshot" when the machine is busy (1 of 1,653 tests in a
clean-clone `make test`): the page is fine, the capture timed out in the compositor. A capture is retried a few
times, after the page has settled, before that counts as a failure.
"""

from __future__ import annotations

import time
from pathlib import Path

ATTEMPTS = 4
PAUSE_SECONDS = 0.5


def capture(page, path: Path, **options) -> Path:
    """page.screenshot(path=path, **options), retried on Playwright's capture failures."""
    from playwright.sync_api import Error as PlaywrightError

    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            page.screenshot(path=str(path), **options)
            return path
        except PlaywrightError as exc:
            if "screenshot" not in str(exc).lower() or attempt == ATTEMPTS:
                raise
            time.sleep(PAUSE_SECONDS * attempt)
            page.wait_for_load_state("load")
    return path
