#!/usr/bin/env python
"""Django's command-line utility for Notes Console."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    # Local mode with no AWS settings: start (or reuse) the embedded DynamoDB endpoint before
    # settings are read, so runserver's reloaded children inherit its URL and its data.
    if os.environ.get("RUN_MAIN") != "true":
        from console.aws.local_endpoint import start_for_command

        data_dir = Path(os.environ.get("LOCAL_DATA_DIR", Path(__file__).resolve().parent / ".local"))
        start_for_command(sys.argv, data_dir=data_dir)

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
