"""One contract, two attachment repositories: the in-memory fake behaves like the DynamoDB adapter."""

from __future__ import annotations

import pytest

from notes.attachments import (
    PENDING,
    READY,
    REJECTED,
    Attachment,
    AttachmentNotFound,
    QuotaExceeded,
    new_attachment_id,
)
from notes.attachments_dynamodb import DynamoDBAttachmentRepository
from notes.domain import new_note_id, now_iso
from tests.fakes import InMemoryAttachmentRepository

ALICE, BOB = "alice-id", "bob-id"
NOTE = new_note_id()


@pytest.fixture(params=["memory", "dynamodb"])
def repo(request):
    if request.param == "memory":
        return InMemoryAttachmentRepository()
    request.getfixturevalue("aws")
    return DynamoDBAttachmentRepository()


def pending(repo, user_id: str = ALICE, note_id: str = NOTE, size: int = 100, name: str = "a.png") -> Attachment:
    a = Attachment(
        id=new_attachment_id(),
        user_id=user_id,
        note_id=note_id,
        name=name,
        content_type="image/png",
        size=size,
        status=PENDING,
        created_at=now_iso(),
    )
    return repo.add_pending(a, expires_at=2_000_000_000)


def confirm(repo, a: Attachment, *, size: int | None = None, quota: int = 1000) -> Attachment:
    return repo.confirm(
        user_id=a.user_id,
        note_id=a.note_id,
        attachment_id=a.id,
        size=a.size if size is None else size,
        content_type="image/png",
        thumbnail=True,
        quota=quota,
    )


def test_it_records_a_pending_upload_and_reads_it_back(repo):
    a = pending(repo, name='../"q" <b>.png')
    assert repo.get(user_id=ALICE, note_id=NOTE, attachment_id=a.id) == a
    assert repo.list(user_id=ALICE, note_id=NOTE) == [a]
    assert repo.usage(user_id=ALICE) == 0


def test_another_users_attachment_is_not_found(repo):
    a = pending(repo)
    with pytest.raises(AttachmentNotFound):
        repo.get(user_id=BOB, note_id=NOTE, attachment_id=a.id)
    assert repo.list(user_id=BOB, note_id=NOTE) == []


def test_confirming_counts_the_size_once_even_when_redelivered(repo):
    a = pending(repo, size=300)
    first = confirm(repo, a, size=280)
    assert (first.status, first.size, first.thumbnail) == (READY, 280, True)
    assert confirm(repo, a, size=280) == first
    assert repo.usage(user_id=ALICE) == 280


def test_the_quota_is_a_conditional_write_nothing_half_counted(repo):
    kept = confirm(repo, pending(repo, size=600))
    over = pending(repo, size=500)
    with pytest.raises(QuotaExceeded):
        confirm(repo, over)
    assert repo.get(user_id=ALICE, note_id=NOTE, attachment_id=over.id).status == PENDING
    assert repo.usage(user_id=ALICE) == kept.size
    exact = pending(repo, size=400)
    assert confirm(repo, exact).status == READY
    assert repo.usage(user_id=ALICE) == 1000


def test_a_first_file_bigger_than_the_whole_quota_is_refused(repo):
    with pytest.raises(QuotaExceeded):
        confirm(repo, pending(repo, size=1001))
    assert repo.usage(user_id=ALICE) == 0


def test_a_rejected_upload_keeps_its_reason_and_cannot_be_confirmed(repo):
    a = pending(repo)
    rejected = repo.reject(user_id=ALICE, note_id=NOTE, attachment_id=a.id, reason="not what it says")
    assert (rejected.status, rejected.reason) == (REJECTED, "not what it says")
    assert repo.reject(user_id=ALICE, note_id=NOTE, attachment_id=a.id, reason="other") == rejected
    assert confirm(repo, a).status == REJECTED
    assert repo.usage(user_id=ALICE) == 0


def test_confirming_or_rejecting_nothing_is_not_found(repo):
    with pytest.raises(AttachmentNotFound):
        repo.confirm(
            user_id=ALICE,
            note_id=NOTE,
            attachment_id="0" * 32,
            size=1,
            content_type="image/png",
            thumbnail=False,
            quota=9,
        )
    with pytest.raises(AttachmentNotFound):
        repo.reject(user_id=ALICE, note_id=NOTE, attachment_id="0" * 32, reason="x")


def test_deleting_a_ready_attachment_gives_its_bytes_back_and_twice_is_fine(repo):
    a = confirm(repo, pending(repo, size=250))
    b = pending(repo, size=50)
    assert repo.delete(user_id=ALICE, note_id=NOTE, attachment_id=a.id) == a
    assert repo.delete(user_id=ALICE, note_id=NOTE, attachment_id=a.id) is None
    assert repo.delete(user_id=ALICE, note_id=NOTE, attachment_id=b.id).status == PENDING
    assert repo.usage(user_id=ALICE) == 0
    assert repo.list(user_id=ALICE, note_id=NOTE) == []


def test_it_lists_every_attachment_of_a_user_across_notes(repo):
    other_note = new_note_id()
    a, b = pending(repo), pending(repo, note_id=other_note)
    pending(repo, user_id=BOB)
    assert {x.id for x in repo.list_for_user(user_id=ALICE)} == {a.id, b.id}
    assert repo.list(user_id=ALICE, note_id=other_note) == [b]
