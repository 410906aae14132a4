"""manage.py createuser USERNAME [--admin] [--password-stdin | --password-parameter NAME]: add a user.

--password-parameter reads the password from an SSM SecureString, so the first admin can be made through
the function itself (`zappa manage dev "createuser NAME --admin --password-parameter ..."`), where there is
no terminal and a password in the command would land in the invocation's log.
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.services import user_create
from accounts.users import AccountValidationError, UsernameTaken
from console.aws.errors import SecretUnavailable, StoreUnavailable


class Command(BaseCommand):
    help = (
        "Create a user. The password is asked twice at a prompt, read from stdin with --password-stdin, "
        "or read from an SSM SecureString with --password-parameter."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--admin", action="store_true", help="the user may open the admin console")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of stdin (for scripts; never put it on the command line)",
        )
        parser.add_argument(
            "--password-parameter",
            metavar="NAME",
            help="read the password from this SSM parameter (SecureString), e.g. /notes-console/dev/first-admin-password",
        )

    def handle(self, *args, username: str, admin: bool, password_stdin: bool, **options) -> None:
        stdin = options.get("stdin") or sys.stdin
        parameter = options.get("password_parameter")
        if parameter and password_stdin:
            raise CommandError("Give the password one way: --password-stdin or --password-parameter.")
        if parameter:
            password = self._read_parameter(parameter)
        else:
            password = self._read_stdin(stdin) if password_stdin else self._prompt(stdin)
        try:
            user = user_create(username=username, password=password, is_admin=admin)
        except UsernameTaken as exc:
            raise CommandError(str(exc)) from None
        except AccountValidationError as exc:
            raise CommandError(" ".join(exc.errors.values())) from None
        except StoreUnavailable as exc:
            raise CommandError(f"{exc}. Is DYNAMODB_ENDPOINT_URL / the table right?") from None
        kind = "admin" if user.is_admin else "user"
        self.stdout.write(self.style.SUCCESS(f"Created {kind} {user.username!r}."))

    @staticmethod
    def _read_parameter(name: str) -> str:
        from console.aws.secrets import read_parameter

        try:
            password = read_parameter(name)
        except SecretUnavailable as exc:
            raise CommandError(f"Could not read the password: {exc}") from None
        if not password:
            raise CommandError(f"SSM parameter {name} is empty.")
        return password

    @staticmethod
    def _read_stdin(stdin) -> str:
        line = stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CommandError("No password on stdin.")
        return password

    @staticmethod
    def _prompt(stdin) -> str:
        if not (hasattr(stdin, "isatty") and stdin.isatty()):
            raise CommandError("No terminal to ask for the password: pass it on stdin with --password-stdin.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password is empty.")
        return password
