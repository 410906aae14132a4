"""console/aws/deadline.py on the app's DynamoDB client (moto in process): what a deadline changes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from accounts.services import user_create
from console.aws import deadline, dynamodb
from notes import services


@pytest.fixture
def sent(aws):
    """The read timeout each attempt was sent with (None: the client's own)."""
    timeouts: list[float | None] = []

    def record(request, **_: object) -> None:
        timeouts.append(request.context.get("read_timeout"))

    events = dynamodb.client().meta.events
    events.register_last("before-send", record)  # after the deadline hook (same event)
    yield timeouts
    events.unregister("before-send", record)


def test_outside_a_deadline_calls_are_unchanged(sent):
    user_create(username="carol", password="correct horse battery staple")
    assert sent and set(sent) == {None}
    assert deadline.seconds_left() is None


def test_an_attempt_gets_only_the_time_that_is_left(sent, settings):
    with deadline.deadline_within(4.0, reserve=1.0):
        user_create(username="carol", password="correct horse battery staple")
    connect = settings.AWS_CONNECT_TIMEOUT
    assert sent and all(t is not None and t <= 3.0 - connect for t in sent)


def test_a_long_deadline_leaves_the_clients_read_timeout(sent):
    with deadline.deadline_within(60.0, reserve=1.0):
        user_create(username="carol", password="correct horse battery staple")
    assert set(sent) == {None}


def test_no_call_starts_when_the_time_is_up(sent, alice):
    before = len(sent)
    with deadline.deadline_within(2.0, reserve=1.5), pytest.raises(dynamodb.StoreUnavailable) as raised:
        services.note_list(user_id=alice.id)
    assert raised.value.code == "DeadlineExceeded"
    assert len(sent) == before  # the refused attempt never reached the wire
    services.note_list(user_id=alice.id)  # and the deadline ended with its block


def test_a_final_answer_is_not_turned_into_a_deadline_error(aws):
    ddb = dynamodb.client()
    with deadline.deadline_within(2.6, reserve=0.0), pytest.raises(ClientError) as raised:
        ddb.put_item(
            TableName=dynamodb.table_name(),
            Item={"pk": {"S": "x"}, "sk": {"S": "y"}},
            ConditionExpression="attribute_exists(pk)",
        )
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_an_inner_deadline_never_extends_an_outer_one():
    with deadline.deadline_within(5.0, reserve=0.0):
        with deadline.deadline_within(50.0, reserve=0.0):
            assert deadline.seconds_left() <= 5.0
        with deadline.deadline_within(1.0, reserve=0.0):
            assert deadline.seconds_left() <= 1.0
    assert deadline.seconds_left() is None


def test_the_budget_comes_from_lambdas_context_else_the_default():
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 12_345

    assert deadline.budget_from(Context(), default_seconds=28.0) == 12.345
    assert deadline.budget_from(None, default_seconds=28.0) == 28.0
    assert deadline.budget_from(object(), default_seconds=None) is None
