"""Sign-ins at once: the throttle counts failures, not attempts in flight, and a session item
that vanishes before its save means a new session, not a 500."""

from __future__ import annotations

import threading
import time

from django.test import Client

from accounts import services
from accounts.sessions import SessionStore
from tests.conftest import PASSWORD

URL = "/accounts/signin/"
PARALLEL = 50


def test_fifty_parallel_sign_ins_with_the_right_password_all_succeed(alice, monkeypatch, steady_clock):
    real_check = services._check_password

    def slow_check(password: str, encoded: str) -> bool:
        time.sleep(0.2)  # as long as a production hash takes, so the sign-ins overlap
        return real_check(password, encoded)

    monkeypatch.setattr(services, "_check_password", slow_check)
    start = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    lock = threading.Lock()

    def sign_in() -> None:
        client = Client(raise_request_exception=False)
        start.wait()
        response = client.post(URL, {"username": "alice", "password": PASSWORD})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=sign_in) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [302] * PARALLEL, sorted(statuses)


def test_failures_still_throttle_after_parallel_successes(alice, steady_clock):
    client = Client()
    for _ in range(5):
        assert client.post(URL, {"username": "alice", "password": "wrong"}).status_code == 400
    refused = client.post(URL, {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 429 and b"Too many failed sign-ins" in refused.content


def test_a_session_item_that_vanished_before_its_save_gets_a_new_session(alice, monkeypatch):
    real_save = SessionStore.save
    vanished: list[str] = []

    def save(self, must_create: bool = False) -> None:
        if not must_create and self.session_key and not vanished:
            vanished.append(self.session_key)
            self.delete(self.session_key)  # ended by another request between its creation and this save
        return real_save(self, must_create=must_create)

    monkeypatch.setattr(SessionStore, "save", save)
    client = Client(raise_request_exception=False)

    response = client.post(URL, {"username": "alice", "password": PASSWORD})

    assert vanished, "the fault was not injected"
    assert response.status_code == 302
    assert client.get("/notes/").status_code == 200
