"""On Lambda the garbage collector waits for the end of the cold start (console/web/start_up_gc.py): the young
generation's threshold is raised from the console package's import to the first response, then what the start-up
made is frozen and the thresholds are restored. Elsewhere nothing changes."""

from __future__ import annotations

import gc
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from console.web import start_up_gc

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
before = gc.get_threshold()
import console  # the app's first code in a cold start (Zappa's handler loads console.settings)
paused = gc.get_threshold()
import django
django.setup()
from django.test import Client
status = Client().get("/healthz", HTTP_HOST="a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", secure=True).status_code
print(json.dumps({"before": before, "paused": paused, "after": gc.get_threshold(), "status": status,
                  "frozen": gc.get_freeze_count()}))
"""


def _cold_start(**env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_FUNCTION_NAME"}
    environ.update(DJANGO_SETTINGS_MODULE="console.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_on_lambda_the_collector_waits_for_the_first_response():
    start = _cold_start(AWS_LAMBDA_FUNCTION_NAME="notes-console-dev", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert start["status"] == 200
    assert start["paused"] == [start_up_gc.PAUSED_THRESHOLD, *start["before"][1:]]
    assert start["after"] == start["before"]
    assert start["frozen"] > 10_000  # the start-up's objects: in the permanent generation, never traversed again


def test_elsewhere_nothing_changes():
    start = _cold_start()
    assert start["paused"] == start["before"] == start["after"]
    assert start["frozen"] == 0


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)
    gc.unfreeze()
    start_up_gc._saved = None


def test_resume_restores_the_thresholds_once_and_pause_is_done_once(thresholds):
    from django.core.signals import request_finished

    start_up_gc.pause()
    start_up_gc.pause()
    assert gc.get_threshold() == (start_up_gc.PAUSED_THRESHOLD, *thresholds[1:])
    request_finished.send(sender=None)
    assert gc.get_threshold() == thresholds
    gc.set_threshold(1234, 5, 6)
    request_finished.send(sender=None)  # disconnected: a later response changes nothing
    assert gc.get_threshold() == (1234, 5, 6)
