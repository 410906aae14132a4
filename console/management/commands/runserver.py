"""runserver, plus the local admin account in local mode (see accounts/local_admin.py)."""

from __future__ import annotations

import os

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

from accounts.local_admin import LOCAL_ADMIN_USERNAME, ensure_local_admin
from console.aws.errors import StoreUnavailable


class Command(StaticfilesRunserver):
    def run(self, **options) -> None:
        # run() happens once per start in the process that owns the embedded endpoint (manage.py's own
        # process; with the autoreloader, its parent). The reloaded children have RUN_MAIN=true.
        if os.environ.get("RUN_MAIN") != "true" and os.environ.get("NOTES_EMBEDDED_DYNAMODB") == "1":
            self._announce_local_admin()
        super().run(**options)

    def _announce_local_admin(self) -> None:
        try:
            password = ensure_local_admin()
        except StoreUnavailable as exc:
            self.stderr.write(f"Could not check the local admin account: {exc}")
            return
        if password:
            self.stdout.write(
                f"Local admin: {LOCAL_ADMIN_USERNAME} / {password}\n"
                "  (shown only now; make another admin with `python manage.py createuser NAME --admin`)"
            )
            self.stdout.flush()
