"""In-memory fake of notes/attachments.py's AttachmentRepository (same contract as the DynamoDB adapter)."""

from __future__ import annotations

import threading
from dataclasses import replace


class InMemoryAttachmentRepository:
    """notes/attachments.py's AttachmentRepository, in memory (same contract as the DynamoDB adapter)."""

    def __init__(self) -> None:
        from notes.attachments import Attachment

        self._items: dict[tuple[str, str, str], Attachment] = {}
        self._usage: dict[str, int] = {}
        self.list_thumbnails: dict[tuple[str, str], str] = {}  # (user, note) -> attachment id (the note item's)
        self._lock = threading.Lock()

    def set_list_thumbnail(self, *, user_id, note_id, attachment_id, replacing=None):
        with self._lock:
            held = self.list_thumbnails.get((user_id, note_id))
            if (held != replacing) if replacing else (held is not None):
                return False
            if attachment_id:
                self.list_thumbnails[(user_id, note_id)] = attachment_id
            else:
                self.list_thumbnails.pop((user_id, note_id), None)
            return True

    def add_pending(self, attachment, *, expires_at: int):
        with self._lock:
            key = (attachment.user_id, attachment.note_id, attachment.id)
            if key in self._items:
                raise RuntimeError(f"attachment id collision: {attachment.id}")
            self._items[key] = attachment
            return attachment

    def get(self, *, user_id: str, note_id: str, attachment_id: str):
        from notes.attachments import AttachmentNotFound

        with self._lock:
            try:
                return self._items[(user_id, note_id, attachment_id)]
            except KeyError:
                raise AttachmentNotFound(attachment_id) from None

    def list(self, *, user_id: str, note_id: str):
        with self._lock:
            found = [a for (u, n, _), a in self._items.items() if u == user_id and n == note_id]
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def list_for_user(self, *, user_id: str):
        with self._lock:
            found = [a for (u, _, _), a in self._items.items() if u == user_id]
        return sorted(found, key=lambda a: (a.note_id, a.created_at, a.id))

    def confirm(self, *, user_id, note_id, attachment_id, size, content_type, thumbnail, quota):
        from notes.attachments import PENDING, READY, QuotaExceeded

        with self._lock:
            key = (user_id, note_id, attachment_id)
            current = self._items.get(key)
            if current is None:
                from notes.attachments import AttachmentNotFound

                raise AttachmentNotFound(attachment_id)
            if current.status != PENDING:
                return current
            used = self._usage.get(user_id, 0)
            if used > quota - size:
                raise QuotaExceeded(used=used, quota=quota, size=size)
            self._usage[user_id] = used + size
            self._items[key] = replace(current, status=READY, size=size, content_type=content_type, thumbnail=thumbnail)
            return self._items[key]

    def reject(self, *, user_id, note_id, attachment_id, reason):
        from notes.attachments import PENDING, REJECTED

        current = self.get(user_id=user_id, note_id=note_id, attachment_id=attachment_id)
        with self._lock:
            if current.status != PENDING:
                return current
            self._items[(user_id, note_id, attachment_id)] = replace(current, status=REJECTED, reason=reason)
            return self._items[(user_id, note_id, attachment_id)]

    def delete(self, *, user_id, note_id, attachment_id):
        from notes.attachments import READY

        with self._lock:
            current = self._items.pop((user_id, note_id, attachment_id), None)
            if current is not None and current.status == READY:
                self._usage[user_id] = self._usage.get(user_id, 0) - current.size
            return current

    def usage(self, *, user_id: str) -> int:
        with self._lock:
            return max(0, self._usage.get(user_id, 0))
