"""Twenty writers on one note, through the app against moto's server: every update lands exactly once or
gets a conflict, and none is silently lost.

Each of 20 threads (a signed-in browser tab, or an API client) makes 10 attempts. An attempt reads the note
(the edit form, or GET with its ETag), waits until every thread has read, then writes with the version it
read. So each round all 20 writers race from the same version: exactly one may land, 19 must conflict,
and after 10 rounds the note is at version 11 holding the last winner's text. A lost update (a write not
conditional on the version) would let several land per round; a doubled one would skip versions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from notes import services
from tests.reliability.support import make_user, send_json, session_client, text, token_client

WRITERS = 20
ROUNDS = 10
BARRIER_TIMEOUT = 60  # seconds; only reached if a thread died, and then the test fails with its error

pytestmark = pytest.mark.usefixtures("serialized_store")


@dataclass(frozen=True)
class Attempt:
    writer: int
    round: int
    read_version: int
    outcome: str  # "landed" | "conflict" | "unexpected <status>"
    title: str
    stored_version_shown: int | None = None  # what a conflict answer says is stored now


def run_writers(attempt: Callable[[int, int, threading.Barrier], Attempt]) -> list[Attempt]:
    """Runs WRITERS threads of ROUNDS attempts each; an attempt calls barrier.wait() between read and write."""
    barrier = threading.Barrier(WRITERS, timeout=BARRIER_TIMEOUT)
    results: list[Attempt] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        try:
            for round_ in range(ROUNDS):
                result = attempt(number, round_, barrier)
                with lock:
                    results.append(result)
                barrier.wait()  # the round is over for everyone before anyone reads again
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(n,), name=f"writer-{n}") for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first_error = next((e for e in errors if not isinstance(e, threading.BrokenBarrierError)), None)
    if first_error is not None:
        raise first_error
    assert not errors, errors
    return results


def assert_no_lost_or_doubled_update(results: list[Attempt], *, user_id: str, note_id: str) -> None:
    unexpected = [r for r in results if r.outcome not in ("landed", "conflict")]
    assert not unexpected, unexpected[:5]
    landed = [r for r in results if r.outcome == "landed"]
    conflicts = [r for r in results if r.outcome == "conflict"]
    assert len(results) == WRITERS * ROUNDS
    stored = services.note_get(user_id=user_id, note_id=note_id)
    # The final version is the number of successes (the note was created at version 1) ...
    assert stored.version == 1 + len(landed)
    # ... each version step was taken by exactly one writer: none twice, none skipped ...
    assert sorted(r.read_version for r in landed) == list(range(1, stored.version))
    # ... and with everyone racing from the same version, exactly one per round.
    assert sorted(r.round for r in landed) == list(range(ROUNDS))
    assert len(conflicts) == ROUNDS * (WRITERS - 1)
    # The stored text is the last winner's, and every loser was told what is stored now.
    assert stored.title == max(landed, key=lambda r: r.read_version).title
    assert all(r.stored_version_shown == r.read_version + 1 for r in conflicts), conflicts[:3]


def test_page_edits_from_twenty_tabs_land_once_or_conflict(served):
    alice = make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "shared", "content": "v1"})
    clients = [session_client(alice) for _ in range(WRITERS)]
    version_input = re.compile(r'<input type="hidden" name="version" value="(\d+)">')
    edit_url = f"/notes/{note.id}/edit"

    def attempt(writer: int, round_: int, barrier: threading.Barrier) -> Attempt:
        client = clients[writer]
        form = client.get(edit_url)
        assert form.status_code == 200, form.status_code
        version = int(version_input.search(text(form)).group(1))
        barrier.wait()
        title = f"writer {writer} round {round_}"
        response = client.post(edit_url, {"title": title, "content": f"from {writer}", "version": version})
        if response.status_code == 302:
            return Attempt(writer, round_, version, "landed", title)
        if response.status_code == 409:
            shown = int(version_input.search(text(response)).group(1))  # the conflict form saves against it
            assert title in text(response)  # the user's own text is still there to keep
            return Attempt(writer, round_, version, "conflict", title, stored_version_shown=shown)
        return Attempt(writer, round_, version, f"unexpected {response.status_code}", title)

    results = run_writers(attempt)
    assert_no_lost_or_doubled_update(results, user_id=alice.id, note_id=note.id)


def test_api_patches_from_twenty_clients_land_once_or_conflict(served):
    alice = make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "shared", "content": "v1"})
    token = token_client(alice).defaults["HTTP_AUTHORIZATION"]
    from django.test import Client

    clients = [Client(HTTP_AUTHORIZATION=token) for _ in range(WRITERS)]
    url = f"/api/notes/{note.id}"

    def attempt(writer: int, round_: int, barrier: threading.Barrier) -> Attempt:
        client = clients[writer]
        read = client.get(url)
        assert read.status_code == 200, read.content
        version = read.json()["version"]
        assert read["ETag"] == f'"{version}"'
        barrier.wait()
        title = f"writer {writer} round {round_}"
        # Half the writers name the version in If-Match (a loser gets 412), half in the body (409).
        if writer % 2:
            response = send_json(client, "PATCH", url, {"title": title}, HTTP_IF_MATCH=read["ETag"])
        else:
            response = send_json(client, "PATCH", url, {"title": title, "version": version})
        if response.status_code == 200:
            assert response.json()["version"] == version + 1 and response.json()["title"] == title
            return Attempt(writer, round_, version, "landed", title)
        if response.status_code in (409, 412):
            expected_code = "precondition_failed" if writer % 2 else "version_conflict"
            error = response.json()["error"]
            assert error["code"] == expected_code, error
            return Attempt(writer, round_, version, "conflict", title, stored_version_shown=error["current"]["version"])
        return Attempt(writer, round_, version, f"unexpected {response.status_code}", title)

    results = run_writers(attempt)
    assert_no_lost_or_doubled_update(results, user_id=alice.id, note_id=note.id)
