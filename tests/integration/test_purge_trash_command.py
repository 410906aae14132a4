"""manage.py purge_trash: deletes for good the trash whose time is up, and says how many."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notes import services


def purge() -> str:
    out = StringIO()
    call_command("purge_trash", stdout=out)
    return out.getvalue()


def test_it_purges_only_expired_trash_and_prints_the_count(alice, monkeypatch):
    kept = services.note_create(user_id=alice.id, data={"title": "kept"})
    old = services.note_create(user_id=alice.id, data={"title": "old"})
    trashed = services.note_delete(user_id=alice.id, note_id=old.id, expected_version=1)
    assert purge() == "Purged 0 notes from the trash.\n"

    monkeypatch.setattr("notes.services.now_iso", lambda: trashed.purge_at)
    assert purge() == "Purged 1 note from the trash.\n"
    assert services.trash_list(user_id=alice.id) == []
    assert services.note_get(user_id=alice.id, note_id=kept.id) == kept


def test_an_unreachable_store_is_an_error_saying_so(alice, dynamodb_outage):
    dynamodb_outage()
    with pytest.raises(CommandError, match="DynamoDB could not be reached"):
        purge()
