"""One editing visit's autosaves are one version in the history (the history keeps 20; autosave must not
push real versions out): on the repository contract (fake and DynamoDB), and end to end through the
autosave page endpoint and the table's stream."""

from __future__ import annotations

import pytest

from notes import events, services
from notes.domain import HISTORY_KEEP, Note
from notes.dynamodb_repository import DynamoDBNoteRepository
from tests.fakes import InMemoryNoteRepository
from tests.integration.note_views_support import feed_stream, form, make_note, stream_records

ALICE = "alice-id"
VISIT = "a" * 32
OTHER_VISIT = "b" * 32


@pytest.fixture(params=["memory", "dynamodb"])
def repo(request):
    if request.param == "memory":
        return InMemoryNoteRepository()
    request.getfixturevalue("aws")
    return DynamoDBNoteRepository()


def version(n: int, title: str = "") -> Note:
    return Note(id="f" * 32, user_id=ALICE, title=title or f"v{n}", version=n, created_at="t", updated_at="t")


def versions(repo) -> list[int]:
    return [n.version for n in repo.list_history(user_id=ALICE, note_id="f" * 32)]


def test_a_visits_autosaves_replace_each_other(repo):
    repo.add_history(version(1))
    for n in range(2, 7):
        assert repo.add_history(version(n), visit=VISIT) is True
    assert versions(repo) == [6, 1]
    repo.add_history(version(7))  # a save outside the visit is a version of its own
    repo.add_history(version(8), visit=OTHER_VISIT)
    repo.add_history(version(9), visit=OTHER_VISIT)
    assert versions(repo) == [9, 7, 6, 1]


def test_a_redelivered_replaced_autosave_is_not_recorded_again(repo):
    repo.add_history(version(1), visit=VISIT)
    repo.add_history(version(2), visit=VISIT)
    assert repo.add_history(version(1), visit=VISIT) is False
    assert repo.add_history(version(2), visit=VISIT) is False
    assert versions(repo) == [2]


def test_autosaves_do_not_push_real_versions_out(repo):
    for n in range(1, 4):
        repo.add_history(version(n))
    for n in range(4, 4 + 3 * HISTORY_KEEP):
        repo.add_history(version(n), visit=VISIT)
    last = 3 + 3 * HISTORY_KEEP
    assert versions(repo) == [last, 3, 2, 1]
    for n in range(last + 1, last + HISTORY_KEEP + 1):  # then 20 real versions: the oldest go, by count
        repo.add_history(version(n))
    assert versions(repo) == list(range(last + HISTORY_KEEP, last, -1))


def test_a_burst_of_autosaves_through_the_page_is_one_version(alice, client_for):
    note = make_note(alice, title="Trip", content="")
    client = client_for(alice)
    current = note.version
    for i in range(1, 8):
        response = client.post(
            f"/notes/{note.id}/autosave", {**form(note, content=f"draft {i}"), "version": current, "visit": VISIT}
        )
        assert response.status_code == 200, response.content
        current = response.json()["version"]
    # The Save button at the end of the visit carries the visit too: still one version.
    saved = client.post(f"/notes/{note.id}/edit", {**form(note, content="final"), "version": current, "visit": VISIT})
    assert saved.status_code == 302
    feed_stream()
    feed_stream()  # a redelivery of every record changes nothing
    history = services.note_with_history(user_id=alice.id, note_id=note.id)[1]
    assert [(n.version, n.content) for n in history] == [(9, "final"), (1, "")]
    # A later plain edit (no visit) is a version of its own.
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=9, data={"content": "later"})
    assert events.handle_stream({"Records": stream_records()}) == {"batchItemFailures": []}
    history = services.note_with_history(user_id=alice.id, note_id=note.id)[1]
    assert [n.version for n in history] == [10, 9, 1]


def test_a_restore_from_the_trash_is_a_version_of_its_own(alice, client_for):
    note = make_note(alice, title="Trip", content="")
    client = client_for(alice)
    for i, current in enumerate((1, 2), start=1):
        data = {**form(note, content=f"draft {i}"), "version": current, "visit": VISIT}
        assert client.post(f"/notes/{note.id}/autosave", data).status_code == 200
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=3)
    services.note_restore(user_id=alice.id, note_id=note.id)
    feed_stream()
    history = services.note_with_history(user_id=alice.id, note_id=note.id)[1]
    assert [(n.version, n.content) for n in history] == [(4, "draft 2"), (3, "draft 2"), (1, "")]
