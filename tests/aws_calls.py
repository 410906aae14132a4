"""Records the AWS calls the project's own code makes while the suite runs, as the IAM requests they are.

A botocore handler (every session, every client: registered in tests/conftest.py before any exists) and a
wrapper around console/aws/secrets.py's signed request see each call with its parameters. The caller decides
whose call it is, from the stack:
- a test's own call (setting moto up: create_table in a fixture, put_metric_data, iam.create_role, ...),
  even through the app's clients: not recorded;
- the app's code (console/, notes/, accounts/): the **function**'s call, or the **operator**'s when it runs
  under one of the operator's entry points (the create_table and wire_stream commands, console/deploy,
  console.aws.dynamodb.create_table);
- Zappa's CLI and core (the deploy rehearsal): the operator's;
- local mode's stand-ins (the embedded endpoint, the stream poller) never run on Lambda: not recorded.

Each call becomes (who, "service.Operation", IAM action, resource template) through console/deploy/iam.py.
tests/aws_calls.json is the committed catalogue of them, each with one test that makes it ("made_by"), so
tests/unit/test_iam_policy.py can judge the policies in any run, even a single file. At the end of every
session this module checks the catalogue against what was recorded, which works for any subset too:
- a recorded call missing from the catalogue fails the session (add the printed entry);
- an entry whose made_by test passed in this session without making that call fails it (stale entry).
`AWS_CALLS_UPDATE=1 pytest ...` rewrites the catalogue instead (new entries added, stale ones dropped).
Calls made in subprocesses (tests/lambda/lambda_process.py, manage.py runs) are not seen.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).with_name("aws_calls.json")
APP_PACKAGES = {"console", "notes", "accounts"}
LOCAL_ONLY = {
    "console/aws/local_endpoint.py",
    "console/aws/local_s3.py",
    "notes/stream_poller.py",
    "notes/s3_notifier.py",
}
OPERATOR_FILES = (
    "console/management/commands/create_table.py",
    "console/management/commands/wire_stream.py",
    "console/management/commands/create_alarms.py",
    "console/management/commands/create_bucket.py",
    "console/management/commands/wire_async.py",
    "notes/management/commands/rebuild_search_index.py",
    "console/deploy/",
)
OPERATOR_FUNCTIONS = {
    ("dynamodb.py", "create_table"),
    ("alarms.py", "alarms_apply"),
    ("search_dynamodb.py", "rebuild"),
    ("s3.py", "create_bucket"),
}
_SKIPPED_LIBRARIES = ("/botocore/", "/boto3/", "/s3transfer/")

_lock = threading.Lock()
_recorded: dict[tuple[str, str, str, str], set[str]] = {}
_passed: set[str] = set()
_unknown: dict[str, str] = {}


@functools.cache
def _relative(filename: str) -> str | None:
    try:
        rel = Path(filename).resolve().relative_to(REPO).as_posix()
    except ValueError:
        return None
    return None if rel.startswith(".venv") else rel


def caller(frame) -> str | None:
    """Whose call it is, from the stack above the botocore call: function, operator, or None (not recorded)."""
    who = None
    in_transfer_thread = False
    while frame is not None:
        filename = frame.f_code.co_filename
        in_transfer_thread = in_transfer_thread or "/s3transfer/" in filename
        if who is None:
            if filename == __file__ or any(lib in filename for lib in _SKIPPED_LIBRARIES):
                frame = frame.f_back
                continue
            if "/zappa/" in filename and not filename.endswith("/zappa/handler.py"):
                return "operator"
            rel = _relative(filename)
            if rel is not None:
                top = rel.split("/", 1)[0]
                if top == "tests":
                    return None
                if top in APP_PACKAGES:
                    who = "function"
        if who is not None:
            rel = _relative(filename) or ""
            if rel in LOCAL_ONLY:
                return None
            if rel.startswith(OPERATOR_FILES) or (Path(rel).name, frame.f_code.co_name) in OPERATOR_FUNCTIONS:
                return "operator"
        frame = frame.f_back
    if who is None and in_transfer_thread:
        # S3 uploads run in s3transfer's worker threads, whose stacks hold no caller: only Zappa's deploy
        # uploads (the app itself never does).
        return "operator"
    return who


def _current_test() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    return current.rsplit(" (", 1)[0] if current else "(session)"


def record(service: str, operation: str, params: dict[str, Any], frame) -> None:
    from console.deploy import iam

    who = caller(frame)
    if who is None:
        return
    try:
        wanted = iam.permissions(service, operation, params)
    except iam.UnknownCall as exc:
        with _lock:
            _unknown.setdefault(f"{service}.{operation}", f"{exc} (first made by {_current_test()})")
        return
    test = _current_test()
    with _lock:
        for permission in wanted:
            _recorded.setdefault((who, f"{service}.{operation}", permission.action, permission.resource), set()).add(
                test
            )


def botocore_handler(params: dict[str, Any], model, **_: object) -> None:
    """botocore's before-parameter-build: the operation and the caller's own parameters. A presigned POST is
    no call, but botocore builds it as a CreateBucket; what it asks of IAM is the PutObject it signs."""
    frame = sys._getframe(1)
    signer = frame
    while signer is not None and signer.f_code.co_name != "generate_presigned_post":
        signer = signer.f_back
    if signer is not None and signer.f_code.co_filename.endswith("/botocore/signers.py"):
        params = {"Bucket": signer.f_locals.get("Bucket"), "Key": signer.f_locals.get("Key")}
        record("s3", "PutObject", params, frame)
        return
    record(model.service_model.service_name, model.name, params, frame)


def wrap_secret_reads() -> None:
    """console/aws/secrets.py signs its one request itself (no botocore client): record it there."""
    from console.aws import secrets as aws_secrets

    original = aws_secrets._call

    def _call(service: str, target: str, payload: dict[str, Any], *, what: str) -> dict[str, Any]:
        record(service, target.rsplit(".", 1)[-1], payload, sys._getframe(1))
        return original(service, target, payload, what=what)

    aws_secrets._call = _call


# -- the catalogue --------------------------------------------------------------------------------
def load_catalogue() -> list[dict[str, str]]:
    return json.loads(CATALOGUE.read_text())["calls"]


def _key(entry: dict[str, str]) -> tuple[str, str, str, str]:
    return entry["who"], entry["call"], entry["action"], entry["resource"]


def _entry(key: tuple[str, str, str, str], made_by: str) -> dict[str, str]:
    who, call, action, resource = key
    return {"who": who, "call": call, "action": action, "resource": resource, "made_by": made_by}


def check(*, update: bool) -> list[str]:
    """Problems between this session's calls and the catalogue (after rewriting it when `update`)."""
    catalogue = load_catalogue() if CATALOGUE.exists() else []
    known = {_key(e): e for e in catalogue}
    problems = [f"{call}: {why}" for call, why in sorted(_unknown.items())]
    new = {key: sorted(tests)[0] for key, tests in _recorded.items() if key not in known}
    stale = [e for e in catalogue if e["made_by"] in _passed and e["made_by"] not in _recorded.get(_key(e), ())]
    if update:
        kept = [e for e in catalogue if e not in stale]
        # An entry gone stale but still made by another test keeps its call, under that test.
        for e in stale:
            if _key(e) in _recorded:
                kept.append(_entry(_key(e), sorted(_recorded[_key(e)])[0]))
        kept += [_entry(key, test) for key, test in new.items()]
        kept.sort(key=lambda e: (e["who"], e["call"], e["action"], e["resource"]))
        CATALOGUE.write_text(json.dumps({"calls": kept}, indent=1) + "\n")
        return problems
    for key, test in sorted(new.items()):
        problems.append(
            f"not in tests/aws_calls.json (add it, or run with AWS_CALLS_UPDATE=1): {json.dumps(_entry(key, test))}"
        )
    for e in stale:
        problems.append(f"tests/aws_calls.json lists a call its made_by test no longer makes: {json.dumps(e)}")
    return problems


def _is_worker(config: pytest.Config) -> bool:
    """A pytest-xdist worker: it hands what it recorded to the controller, which checks the whole run once."""
    return hasattr(config, "workerinput")


class Plugin:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and report.passed:
            _passed.add(report.nodeid)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """xdist's controller: fold in what a worker recorded (sent in its workeroutput)."""
        sent = getattr(node, "workeroutput", {}).get("aws_calls")
        if not sent:
            return
        with _lock:
            for key, tests in sent["recorded"]:
                _recorded.setdefault(tuple(key), set()).update(tests)
            _unknown.update(sent["unknown"])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if _is_worker(session.config):
            session.config.workeroutput["aws_calls"] = {
                "recorded": [[list(key), sorted(tests)] for key, tests in _recorded.items()],
                "unknown": dict(_unknown),
            }
            return
        self.problems = check(update=os.environ.get("AWS_CALLS_UPDATE") == "1")
        if self.problems and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.problems:
            terminalreporter.section("AWS calls (tests/aws_calls.py)", red=True)
            for problem in self.problems:
                terminalreporter.line(problem)
