"""Every item the app writes is bounded before DynamoDB sees it, and a full store is a clear error, not a 500.

Per item kind (note, note update, history, idempotency record, API token, session, user), an item over its
bound is refused in the client (nothing is sent: the `ddb_calls` hook sees no write) and surfaces as
StorageFull; the largest item the fields' own limits allow still fits every bound. DynamoDB's
ItemCollectionSizeLimitExceededException (the user's partition at 10 GB; moto never raises it) is a 507 page
that keeps the typed text, and a 507 JSON error.
"""

from __future__ import annotations

import html

import pytest

from console.aws import dynamodb, item_size
from console.aws.errors import ItemTooLarge, StorageFull
from notes import services
from notes.domain import CONTENT_MAX_BYTES, TITLE_MAX_CHARS, Note
from tests.reliability.support import COLLECTION_FULL, WRITES, make_user, send_json, session_client, text, token_client

HUGE = "x" * 200_000
WRITE_OPERATIONS = {"PutItem", "UpdateItem", "TransactWriteItems", "BatchWriteItem"}


def _note(user_id: str, **fields) -> Note:
    return Note(
        **{
            "id": "n" * 26,
            "user_id": user_id,
            "title": "t",
            "created_at": "2026-12-01T00:00:00Z",
            "updated_at": "2026-12-01T00:00:00Z",
            **fields,
        }
    )


# --- DynamoDB's size rules (Developer Guide, "Item sizes and formats") ------------------------------------
@pytest.mark.parametrize(
    ("item", "size"),
    [
        ({"pk": {"S": "abc"}}, 2 + 3),
        ({"t": {"S": "é"}}, 1 + 2),  # UTF-8 bytes, not characters
        ({"n": {"N": "12345"}}, 1 + 3 + 1),  # 1 byte per two significant digits, plus 1
        ({"n": {"N": "-0.00100"}}, 1 + 1 + 1),  # leading and trailing zeroes trimmed
        ({"ok": {"BOOL": True}, "no": {"NULL": True}}, 2 + 1 + 2 + 1),
        ({"m": {"M": {"a": {"S": "xy"}}}}, 1 + 3 + 1 + 1 + 2),  # 3 per map, 1 per element
        ({"l": {"L": [{"S": "a"}, {"S": "b"}]}}, 1 + 3 + 2 * (1 + 1)),
        ({"ss": {"SS": ["ab", "cd"]}}, 2 + 4),
    ],
)
def test_sizes_are_counted_as_dynamodb_counts_them(item, size):
    assert item_size.item_size(item) == size


@pytest.mark.parametrize("kind", sorted(item_size.BOUNDS))
def test_every_kind_has_a_bound_under_dynamodbs_item_limit(kind):
    assert 0 < item_size.bound_for(kind) < item_size.DYNAMODB_MAX_ITEM_BYTES


# --- each kind the app writes ------------------------------------------------------------------------------
def _assert_refused_unsent(call, ddb_calls, *kinds: str) -> None:
    before = list(ddb_calls)
    with pytest.raises(StorageFull) as raised:
        call()
    assert raised.value.code == "ItemTooLarge" and any(f"The {kind} item" in str(raised.value) for kind in kinds)
    assert not WRITE_OPERATIONS & set(ddb_calls[len(before) :])  # nothing was sent


def test_a_note_over_its_bound_is_refused_before_dynamodb(alice, ddb_calls):
    from notes.dynamodb_repository import DynamoDBNoteRepository

    _assert_refused_unsent(lambda: DynamoDBNoteRepository().add(_note(alice.id, content=HUGE)), ddb_calls, "note")


def test_a_note_update_over_its_bound_is_refused_before_dynamodb(alice, ddb_calls):
    from notes.dynamodb_repository import DynamoDBNoteRepository

    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "small"}, repo=repo)
    _assert_refused_unsent(
        lambda: repo.update(user_id=alice.id, note_id=note.id, expected_version=1, changes={"content": HUGE}),
        ddb_calls,
        "note",
    )
    assert repo.get(user_id=alice.id, note_id=note.id).version == 1


def test_a_history_version_over_its_bound_is_refused_before_dynamodb(alice, ddb_calls):
    from notes.dynamodb_repository import DynamoDBNoteRepository

    _assert_refused_unsent(
        lambda: DynamoDBNoteRepository().add_history(_note(alice.id, content=HUGE)), ddb_calls, "history"
    )


def test_an_idempotency_record_over_its_bound_is_refused_before_dynamodb(alice, ddb_calls):
    from notes.dynamodb_repository import DynamoDBNoteRepository

    # The record carries the note it made, so the transaction is refused as a whole (the note's own Put
    # is checked first); either way nothing is sent.
    _assert_refused_unsent(
        lambda: DynamoDBNoteRepository().add_idempotent(
            _note(alice.id, content=HUGE), key="k" * 20, fingerprint="f", expires_at=2_000_000_000, now=1
        ),
        ddb_calls,
        "note",
        "idempotency",
    )
    record = {"pk": {"S": "IDEMPOTENCY#u#k"}, "sk": {"S": "IDEMPOTENCY"}, "note": {"M": {"content": {"S": HUGE}}}}
    with pytest.raises(ItemTooLarge, match="The idempotency item"):
        item_size.check(record)


def test_an_api_token_over_its_bound_is_refused_before_dynamodb(alice, ddb_calls):
    from accounts.tokens import ApiToken
    from accounts.tokens_dynamodb import DynamoDBTokenRepository

    token = ApiToken(id="t" * 26, user_id=alice.id, name="n" * 5000, created_at="2026-12-01T00:00:00Z", hint="abcd")
    _assert_refused_unsent(
        lambda: DynamoDBTokenRepository().add(token, token_hash="h" * 64, owner=alice), ddb_calls, "token"
    )


def test_a_session_over_its_bound_is_refused_before_dynamodb(aws, ddb_calls):
    import secrets

    from accounts.sessions import SessionStore

    session = SessionStore()
    session["blob"] = secrets.token_urlsafe(30_000)  # session data is compressed: this does not shrink
    _assert_refused_unsent(session.save, ddb_calls, "session")


def test_a_user_over_its_bound_is_refused_before_dynamodb(aws, ddb_calls):
    from accounts.users import User
    from accounts.users_dynamodb import DynamoDBUserRepository

    user = User(id="u" * 32, username="v" * 5000, password_hash="md5$x$y", created_at="2026-12-01T00:00:00Z")
    _assert_refused_unsent(lambda: DynamoDBUserRepository().add(user), ddb_calls, "user")


def test_the_largest_note_the_fields_allow_fits_every_bound(alice):
    """4-byte characters everywhere: the most bytes a valid note can hold."""
    from notes.dynamodb_repository import DynamoDBNoteRepository

    data = {"title": "😀" * TITLE_MAX_CHARS, "content": "😀" * (CONTENT_MAX_BYTES // 4), "category": "c" * 40}
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data=data, repo=repo)
    updated = services.note_update(
        user_id=alice.id,
        note_id=note.id,
        expected_version=1,
        data={**data, "content": "😁" * (CONTENT_MAX_BYTES // 4)},
        repo=repo,
    )
    assert repo.add_history(updated)
    made = DynamoDBNoteRepository().add_idempotent(
        _note(alice.id, **{k: v for k, v in data.items()}),
        key="k" * 40,
        fingerprint="f" * 64,
        expires_at=2_000_000_000,
        now=1,
    )
    assert not made.replayed
    from notes.dynamodb_repository import to_item

    largest = item_size.item_size(to_item(updated))
    print(f"largest valid note item: {largest:,} bytes (bound {item_size.bound_for('note'):,})")
    assert largest <= item_size.bound_for("note")


# --- the user's item collection at 10 GB -----------------------------------------------------------------
TYPED = {"title": "My <typed> title", "content": "Words I typed\nand must not lose", "category": "work"}


def test_a_full_item_collection_is_a_507_page_that_keeps_the_typed_text(served, faults):
    user = make_user("full")
    page = session_client(user)
    before = served.user_data()
    faults.inject(COLLECTION_FULL, operations=WRITES)

    response = page.post("/notes/new", {**TYPED, "client_token": "d" * 32})

    body = text(response)
    assert response.status_code == 507
    assert "10 GB" in body and "Your note was not saved" in body
    assert html.escape(TYPED["title"]) in body and html.escape(TYPED["content"]) in body
    assert 'value="' + "d" * 32 + '"' in body
    assert not response.has_header("Retry-After")  # retrying will not help
    assert served.user_data() == before


def test_a_full_item_collection_on_an_edit_is_a_507_that_keeps_the_text(served, faults):
    user = make_user("full")
    note = services.note_create(user_id=user.id, data={"title": "Stored"})
    faults.inject(COLLECTION_FULL, operations=WRITES)

    response = session_client(user).post(f"/notes/{note.id}/edit", {**TYPED, "version": "1"})

    assert response.status_code == 507 and html.escape(TYPED["content"]) in text(response)


def test_a_full_item_collection_is_a_507_json_error_for_the_api(served, faults):
    user = make_user("full")
    api = token_client(user)
    assert api.get("/api/notes?limit=1").status_code == 200
    faults.inject(COLLECTION_FULL, operations=WRITES)

    response = send_json(api, "POST", "/api/notes", {"title": "from a script"})

    assert response.status_code == 507
    error = response.json()["error"]
    assert error["code"] == "storage_full" and "10 GB" in error["message"] and error["reference"]


def test_a_transaction_cancelled_for_a_full_collection_is_storage_full():
    from botocore.exceptions import ClientError

    exc = ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": "ItemCollectionSizeLimitExceeded"}, {"Code": "None"}],
        },
        "TransactWriteItems",
    )

    class Refusing:
        def transact_write_items(self, **_):
            raise exc

    with pytest.raises(StorageFull):
        dynamodb.call("transact_write_items", ddb=Refusing(), TransactItems=[])
