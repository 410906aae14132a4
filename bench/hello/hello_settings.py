"""A bare Django app: the cold-start benchmark's baseline, packaged and run exactly like Notes Console."""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "hello-benchmark-only")
DEBUG = False
ALLOWED_HOSTS = [".amazonaws.com"]
ROOT_URLCONF = "hello_urls"
INSTALLED_APPS: list = []
MIDDLEWARE: list = []
DATABASES: dict = {}
USE_TZ = True
