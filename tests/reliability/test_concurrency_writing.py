"""Two writers racing on one note through the pages, against moto's server made as linearizable as DynamoDB
(serialized_store): a checklist tick or an autosave lands, the other racer gets the conflict answer, and
nothing is lost (the stored text is exactly the winner's change on the version both started from)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from notes import services
from notes.checklists import toggle_task
from tests.reliability.support import make_user, session_client

pytestmark = pytest.mark.usefixtures("serialized_store")

SHOPPING = "- [ ] milk\n- [ ] eggs\n- [x] bread"


def race(*posts: Callable[[], int]) -> list[int]:
    """Each post runs in its own thread, all released at once; their statuses in the posts' order."""
    barrier = threading.Barrier(len(posts), timeout=30)
    statuses: list[int | BaseException] = [0] * len(posts)

    def run(i: int) -> None:
        try:
            barrier.wait()
            statuses[i] = posts[i]()
        except BaseException as exc:  # noqa: BLE001 - reported below
            statuses[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for status in statuses:
        if isinstance(status, BaseException):
            raise status
    return statuses  # type: ignore[return-value]


@pytest.mark.parametrize("attempt", range(3))
def test_two_ticks_from_the_same_version_one_lands_the_other_conflicts(served, attempt):
    alice = make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Shopping", "content": SHOPPING})
    first, second = session_client(alice), session_client(alice)

    def tick(client, index):
        return lambda: client.post(f"/notes/{note.id}/task", {"version": 1, "index": index, "done": "1"}).status_code

    statuses = race(tick(first, 0), tick(second, 1))
    assert sorted(statuses) == [302, 409]
    winner = statuses.index(302)
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert stored.version == 2
    assert stored.content == toggle_task(SHOPPING, index=winner, done=True)


@pytest.mark.parametrize("attempt", range(3))
def test_autosaves_from_two_tabs_one_lands_the_other_gets_the_conflict(served, attempt):
    alice = make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip", "content": "v1"})
    laptop, phone = session_client(alice), session_client(alice)

    def autosave(client, content, visit):
        data = {"title": "Trip", "content": content, "category": "", "version": 1, "visit": visit}
        return lambda: client.post(f"/notes/{note.id}/autosave", data).status_code

    statuses = race(autosave(laptop, "from the laptop", "a" * 32), autosave(phone, "from the phone", "b" * 32))
    assert sorted(statuses) == [200, 409]
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert stored.version == 2
    assert stored.content == ("from the laptop", "from the phone")[statuses.index(200)]
