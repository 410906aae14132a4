"""A password change (or reset) cut off at any step never leaves access alive.

The fault comes after DynamoDB call k of the change, for every k: a deadline (DeadlineExceeded), an outage
(the endpoint unreachable) or a crash (any other exception). Whenever the new password is then stored, no
session signed in before the change and no API token made before it works any more, on a page (a GET,
which does not read the profile) or through the API; and the user's next request finishes the clean-up."""

from __future__ import annotations

import itertools
import uuid

import pytest
from botocore.exceptions import EndpointConnectionError
from django.contrib.auth.hashers import check_password
from django.test import Client

from accounts import reset_links
from accounts.services import password_reset_complete, token_create, token_list, user_create
from accounts.wiring import user_repository
from console.aws import dynamodb
from console.aws.errors import DeadlineExceeded, StoreUnavailable
from tests.conftest import PASSWORD, session_client
from tests.integration.accounts_support import replay, session_item, session_key

NEW = "a brand new passphrase 42"


class Crash(Exception):
    pass


FAULTS = {
    "deadline": lambda: DeadlineExceeded(detail="injected"),
    "outage": lambda: EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
    "crash": lambda: Crash("injected"),
}


class FaultAfter:
    """Counts the app's DynamoDB calls; raises `fault` instead of making call number `after + 1`."""

    def __init__(self, after: int | None, fault: str = "outage") -> None:
        self.after, self.fault, self.calls = after, fault, 0

    def __call__(self, **_: object) -> None:
        self.calls += 1
        if self.after is not None and self.calls > self.after:
            self.after = None  # once: the next request runs normally
            raise FAULTS[self.fault]()

    def __enter__(self) -> FaultAfter:
        dynamodb.client().meta.events.register("before-call.dynamodb.*", self)
        return self

    def __exit__(self, *_: object) -> None:
        dynamodb.client().meta.events.unregister("before-call.dynamodb.*", self)


def a_user_with_credentials():
    user = user_create(username=f"u{uuid.uuid4().hex[:10]}", password=PASSWORD)
    tokens = [token_create(user=user, name=f"t{i}")[1] for i in range(2)]
    browser, others = session_client(user), [session_client(user)]
    browser.raise_request_exception = False  # a crash is a 500, as in production
    return user, tokens, browser, others


def api_works(secret: str) -> bool:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/notes").status_code == 200


def page_works(client: Client) -> bool:
    return client.get("/notes/").status_code == 200


def new_password_active(user) -> bool:
    return check_password(NEW, user_repository().get(user_id=user.id).password_hash)


def change(browser: Client):
    return browser.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})


def assert_nothing_old_works(user, tokens, old_keys) -> None:
    assert not any(api_works(t) for t in tokens)
    assert not any(page_works(replay(k)) for k in old_keys)


def assert_the_next_request_finishes_it(user, old_keys) -> None:
    signin = Client().post("/accounts/signin/", {"username": user.username, "password": NEW})
    assert signin.status_code == 302
    assert token_list(user_id=user.id) == []
    assert all(session_item(k) is None for k in old_keys)
    assert not user_repository().get(user_id=user.id).revoke_pending


def test_a_whole_change_revokes_every_other_session_and_token(aws):
    user, tokens, browser, others = a_user_with_credentials()
    old_keys = [session_key(c) for c in (browser, *others)]
    with FaultAfter(None) as counter:
        assert change(browser).status_code == 302
    assert counter.calls > 10
    assert page_works(browser)  # this browser carries on, under a new key
    assert_nothing_old_works(user, tokens, old_keys)
    assert not user_repository().get(user_id=user.id).revoke_pending


def _calls_of_a_whole_change() -> int:
    user, _, browser, _ = a_user_with_credentials()
    with FaultAfter(None) as counter:
        assert change(browser).status_code == 302
    return counter.calls


def test_a_change_cut_off_after_any_call_leaves_no_old_credential_working(aws):
    total = _calls_of_a_whole_change()
    kinds = itertools.cycle(FAULTS)
    activated = 0
    for k, kind in zip(range(total), kinds, strict=False):
        user, tokens, browser, others = a_user_with_credentials()
        old_keys = [session_key(c) for c in (browser, *others)]
        with FaultAfter(k, kind):
            response = change(browser)
        assert response.status_code in (302, 500, 503), (k, kind, response.status_code)
        if response.status_code == 302:  # a failed profile check is tolerated (the write after it insists)
            assert new_password_active(user)
        if not new_password_active(user):
            continue  # nothing changed: the old password and what it made still hold, as the answer says
        activated += 1
        assert_nothing_old_works(user, tokens, old_keys)
        assert_the_next_request_finishes_it(user, old_keys)
    assert activated >= 3  # faults after the new password's write were exercised


def test_a_reset_cut_off_after_any_call_leaves_no_old_credential_working(aws):
    user, _, _, _ = a_user_with_credentials()
    secret, _ = reset_links.reset_link_store(user_id=user.id, password_hash=user.password_hash)
    with FaultAfter(None) as counter:
        password_reset_complete(secret=secret, new_password=NEW)
    activated = 0
    for k, kind in zip(range(counter.calls), itertools.cycle(FAULTS), strict=False):
        user, tokens, browser, others = a_user_with_credentials()
        old_keys = [session_key(c) for c in (browser, *others)]
        secret, _ = reset_links.reset_link_store(user_id=user.id, password_hash=user.password_hash)
        with FaultAfter(k, kind), pytest.raises((StoreUnavailable, Crash)):
            password_reset_complete(secret=secret, new_password=NEW)
        if not new_password_active(user):
            continue
        activated += 1
        assert_nothing_old_works(user, tokens, old_keys)
        assert_the_next_request_finishes_it(user, old_keys)
    assert activated >= 2


def test_a_session_or_token_older_than_the_stamp_is_refused_even_while_its_item_exists(aws):
    """What the profile's stamp alone does, before any clean-up: a write with an older session and any use of an
    older token are refused; the request that sees the pending mark finishes the clean-up."""
    from accounts.tokens import now_iso

    user, tokens, browser, _ = a_user_with_credentials()
    key = session_key(browser)
    user_repository().set_password_hash(user_id=user.id, password_hash="x", credentials_since=now_iso())
    assert session_item(key) is not None

    assert not api_works(tokens[0])  # refused, and its request finished the revocation
    assert token_list(user_id=user.id) == [] and session_item(key) is None
    assert not user_repository().get(user_id=user.id).revoke_pending


def test_a_write_with_a_session_older_than_the_stamp_signs_it_out(aws):
    from accounts.tokens import now_iso

    user, _, browser, _ = a_user_with_credentials()
    browser.raise_request_exception = True
    user_repository().set_password_hash(user_id=user.id, password_hash="x", credentials_since=now_iso())
    user_repository().revocation_done(
        user_id=user.id, credentials_since=user_repository().get(user_id=user.id).credentials_since
    )

    response = browser.post("/notes/new", {"title": "after the change"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")
    assert session_item(session_key(browser)) is None


def test_a_sign_in_that_checked_the_old_password_while_it_changed_gets_no_session(alice, monkeypatch):
    """The race: the password is checked, the change lands, then the session is saved. It must not survive."""
    from accounts import services
    from accounts.tokens import now_iso

    real = services.user_authenticate

    def then_the_change_lands(**kwargs):
        user = real(**kwargs)
        user_repository().set_password_hash(user_id=user.id, password_hash="x", credentials_since=now_iso())
        return user

    monkeypatch.setattr("accounts.views.user_authenticate", then_the_change_lands)
    client = Client()
    response = client.post("/accounts/signin/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/notes/").status_code == 302


def test_a_late_clean_up_spares_what_was_made_under_the_new_password(aws):
    """The clean-up a cut-off change left may run late (the user's next request): it ends the old generation's
    sessions and tokens only, not a session signed in or a token made under the new password."""
    from django.conf import settings

    from accounts.auth import store_user_in_session
    from accounts.services import credentials_revoke_finish
    from accounts.sessions import CREDENTIALS_KEY, SessionStore, remember_user_session

    user, old_tokens, browser, others = a_user_with_credentials()
    old_keys = [session_key(c) for c in (browser, *others)]
    changed = user_repository().set_password_hash(user_id=user.id, password_hash="x", credentials_since="G2")
    session = SessionStore()
    store_user_in_session(session, changed)
    session[CREDENTIALS_KEY] = "G2"
    session.save()
    remember_user_session(user_id=user.id, session_key=session.session_key)
    new_browser = Client()
    new_browser.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    _, new_token = token_create(user=changed, name="made after the change")

    credentials_revoke_finish(user=changed)

    assert not any(api_works(t) for t in old_tokens)
    assert all(session_item(k) is None for k in old_keys)
    assert api_works(new_token)
    assert page_works(new_browser)
    created = new_browser.post("/notes/new", {"title": "still signed in"})
    assert created.status_code == 302 and not created["Location"].startswith("/accounts/signin/")
    assert [t.name for t in token_list(user_id=user.id)] == ["made after the change"]
    assert not user_repository().get(user_id=user.id).revoke_pending
