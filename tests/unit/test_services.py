from __future__ import annotations

import pytest

from notes import services
from notes.domain import ValidationError, VersionConflict


def test_note_create_validates_before_storing(repo):
    with pytest.raises(ValidationError):
        services.note_create(user_id="alice", data={"title": " "}, repo=repo)
    assert repo.calls == 0


def test_note_create_then_update_bumps_the_version(repo):
    note = services.note_create(user_id="alice", data={"title": "a", "category": "work"}, repo=repo)
    updated = services.note_update(
        user_id="alice", note_id=note.id, expected_version=note.version, data={"important": True}, repo=repo
    )
    assert updated.version == 2 and updated.important and updated.category == "work"
    with pytest.raises(VersionConflict):
        services.note_update(user_id="alice", note_id=note.id, expected_version=1, data={"title": "b"}, repo=repo)


@pytest.mark.parametrize("limit", [0, -1, 101, 10**9])
def test_note_list_rejects_bad_limits(repo, limit):
    with pytest.raises(ValidationError) as info:
        services.note_list(user_id="alice", limit=limit, repo=repo)
    assert "limit" in info.value.errors
