"""The pages' cold start does not load what attachments need only when used: Pillow and pi-heif (the S3
handler's), the S3 plumbing and the handler itself. A fresh process, as Lambda's: Django set up, the URLconf and
every template tag library loaded (the engine loads each on its first {% load %}; here all of them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import django
django.setup()
from django.template import engines
from django.urls import get_resolver
get_resolver().url_patterns
libraries = engines["django"].engine.template_libraries
[libraries[name] for name in list(libraries)]
print(sorted(m for m in ("PIL", "pi_heif", "console.aws.s3", "notes.upload_events", "notes.file_check",
                         "notes.attachment_services")
             if m in sys.modules))
"""


def test_a_cold_start_loads_neither_pillow_nor_the_s3_plumbing():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
