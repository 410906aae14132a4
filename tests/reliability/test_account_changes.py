"""Deleted and demoted users: the stored profile decides on admin pages, writes and token use, not the session
or the token's copy of the user (which would otherwise keep working for up to 14 days)."""

from __future__ import annotations

import pytest

from accounts.wiring import user_repository
from console.aws import dynamodb
from notes import services
from tests.reliability.support import send_json, token_client


def _delete_profile(user) -> None:
    """As an operator removing an account would: the profile and the username claim go, sessions stay."""
    for key in (
        {"pk": {"S": f"USER#{user.id}"}, "sk": {"S": "PROFILE"}},
        {"pk": {"S": f"USERNAME#{user.username.lower()}"}, "sk": {"S": "USERNAME"}},
    ):
        dynamodb.client().delete_item(TableName=dynamodb.table_name(), Key=key)


def _set_admin(user, is_admin: bool) -> None:
    dynamodb.client().update_item(
        TableName=dynamodb.table_name(),
        Key={"pk": {"S": f"USER#{user.id}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET is_admin = :a",
        ExpressionAttributeValues={":a": {"BOOL": is_admin}},
    )


def test_a_demoted_admin_loses_the_console_at_once(admin, client_for):
    client = client_for(admin)
    assert client.get("/console/").status_code == 200
    _set_admin(admin, False)
    assert user_repository().get(user_id=admin.id).is_admin is False

    assert client.get("/console/").status_code == 403
    assert client.get("/console/logs/").status_code == 403  # the session now says so too


def test_a_deleted_admin_is_signed_out_of_the_console(admin, client_for):
    client = client_for(admin)
    _delete_profile(admin)

    response = client.get("/console/")
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]
    assert client.get("/notes/").status_code == 302  # the session itself was ended


def test_a_deleted_users_session_cannot_write(alice, client_for):
    client = client_for(alice)
    note = services.note_create(user_id=alice.id, data={"title": "Mine"})
    _delete_profile(alice)

    response = client.post("/notes/new", {"title": "after deletion", "client_token": "e" * 32})
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]
    response = client.post(f"/notes/{note.id}/delete", {"version": "1"})
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == ["Mine"]


def test_a_deleted_users_token_stops_working(alice):
    api = token_client(alice)
    assert api.get("/api/notes").status_code == 200
    _delete_profile(alice)

    for response in (api.get("/api/notes"), send_json(api, "POST", "/api/notes", {"title": "after deletion"})):
        assert response.status_code == 401
        assert "no longer exists" in response.json()["error"]["message"]
    assert services.note_list(user_id=alice.id).notes == []


def test_a_check_is_one_read_per_request(alice, client_for, ddb_calls):
    client = client_for(alice)
    ddb_calls.clear()
    client.post("/notes/new", {"title": "one check", "client_token": "f" * 32})
    profile_reads = [c for c in ddb_calls if c == "GetItem"]
    # the session's own read, then the profile's: never one per use of request.user
    assert len(profile_reads) <= 2, ddb_calls


@pytest.mark.parametrize("path", ["/notes/", "/notes/trash/"])
def test_reading_pages_costs_no_profile_read(alice, client_for, ddb_calls, path):
    client = client_for(alice)
    ddb_calls.clear()
    assert client.get(path).status_code == 200
    assert ddb_calls.count("GetItem") == 1  # the session only
