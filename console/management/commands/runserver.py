"""runserver, plus the local admin account in local mode (see accounts/local_admin.py)."""

from __future__ import annotations

import os
import socket

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

from accounts.local_admin import LOCAL_ADMIN_USERNAME, ensure_local_admin
from console.aws.errors import StoreUnavailable


class Command(StaticfilesRunserver):
    def run(self, **options) -> None:
        # run() happens once per start in the process that owns the embedded endpoint (manage.py's own
        # process; with the autoreloader, its parent). The reloaded children have RUN_MAIN=true.
        if os.environ.get("RUN_MAIN") != "true" and os.environ.get("NOTES_EMBEDDED_DYNAMODB") == "1":
            # The password is printed once: a start that is about to fail on a busy port must not use it up.
            problem = self._port_problem()
            if problem:
                self.stderr.write(
                    f"Cannot serve on {self.addr}:{self.port}: {problem}. Stop the other server, or run `make run PORT=8001`."
                )
                raise SystemExit(1)
            self._announce_local_admin()
        super().run(**options)

    def _port_problem(self) -> str | None:
        family = socket.AF_INET6 if self.use_ipv6 else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Django's server binds it
            try:
                probe.bind((self.addr.strip("[]"), int(self.port)))
            except OSError as exc:
                return exc.strerror or str(exc)
        return None

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
