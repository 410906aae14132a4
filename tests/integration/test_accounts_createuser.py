"""manage.py createuser: password from a prompt or stdin, clear errors and a non-zero exit."""

from __future__ import annotations

import io

import pytest
from django.core.management import ManagementUtility, call_command

from accounts.services import user_authenticate
from accounts.wiring import user_repository
from tests.conftest import PASSWORD


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def createuser(aws, monkeypatch, capsys):
    """createuser(*args, stdin=...) runs the command as manage.py would (argument parsing, exit status)
    and returns (status, stdout, stderr)."""

    def run(*args: str, stdin: io.StringIO) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", stdin)
        try:
            ManagementUtility(["manage.py", "createuser", *args]).execute()
            status = 0
        except SystemExit as exc:
            status = exc.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_it_creates_an_admin_from_a_password_on_stdin(createuser):
    status, out, err = createuser("dave", "--admin", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    assert (status, err) == (0, "")
    assert "Created admin 'dave'." in out
    assert PASSWORD not in out
    user = user_authenticate(username="dave", password=PASSWORD)
    assert user.is_admin


def test_it_asks_twice_at_a_prompt(aws, monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or next(answers))
    out = io.StringIO()
    call_command("createuser", "erin", stdin=Terminal(), stdout=out)
    assert prompts == ["Password: ", "Password (again): "]
    assert "Created user 'erin'." in out.getvalue()
    assert not user_repository().get_by_username(username="erin").is_admin


def test_it_refuses_differing_prompted_passwords(createuser, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "?"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    status, _, err = createuser("erin", stdin=Terminal())
    assert status == 1
    assert "The two passwords differ." in err


def test_it_refuses_a_taken_username_with_a_non_zero_exit(alice, createuser):
    status, _, err = createuser("ALICE", "--password-stdin", stdin=io.StringIO(PASSWORD))
    assert status == 1
    assert "The username 'ALICE' is taken." in err


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("frank", "12345678", "entirely numeric"),
        ("frank", "password", "too common"),
        ("x", PASSWORD, "That username is too short: use at least 3 characters."),
        ("frank", "", "No password on stdin"),
    ],
)
def test_it_explains_a_refused_username_or_password(createuser, username, password, message):
    status, _, err = createuser(username, "--password-stdin", stdin=io.StringIO(password + "\n"))
    assert status == 1
    assert message in err


def test_the_command_applies_the_sign_up_pages_username_rules(createuser):
    status, out, _ = createuser("Rene\u0301.Dupont", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    assert status == 0 and "René.Dupont" in out  # stored NFKC (composed)
    status, _, err = createuser("RENÉ.DUPONT", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    assert status == 1 and "is taken" in err  # unique regardless of case
    status, _, err = createuser("rené dupont", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    assert status == 1 and "can't contain spaces" in err


def test_it_wont_prompt_without_a_terminal(createuser):
    status, _, err = createuser("frank", stdin=io.StringIO(PASSWORD))
    assert status == 1
    assert "--password-stdin" in err


def test_it_reports_an_unreachable_store(createuser, dynamodb_outage):
    dynamodb_outage()
    status, _, err = createuser("frank", "--password-stdin", stdin=io.StringIO(PASSWORD))
    assert status == 1
    assert "DynamoDB could not be reached" in err
