"""Times in the reader's time zone (the browser's, told in the `tz` cookie), the zone named; UTC without it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from console.web.reader_time_zone import zone_named
from notes.domain import Note, new_note_id
from notes.dynamodb_repository import DynamoDBNoteRepository
from notes.templatetags.notes_tags import friendly_time, local_time
from tests.integration.note_views_support import text


@pytest.fixture
def note(alice):
    note = Note(
        id=new_note_id(),
        user_id=alice.id,
        title="Times",
        content="",
        category="general",
        created_at="2026-01-15T23:30:00.000000Z",
        updated_at="2026-07-01T12:05:00.000000Z",
    )
    return DynamoDBNoteRepository().add(note)


def page(client, note, zone: str | None) -> str:
    if zone is not None:
        client.cookies["tz"] = zone
    return text(client.get(f"/notes/{note.id}/"))


def test_the_note_page_shows_updated_and_created_in_the_readers_zone(alice, client_for, note):
    shown = page(client_for(alice), note, "America/New_York")
    assert 'Updated <time datetime="2026-07-01T12:05:00.000000Z">1 Jul 2026, 08:05 EDT</time>' in shown
    assert 'Created <time datetime="2026-01-15T23:30:00.000000Z">15 Jan 2026, 18:30 EST</time>' in shown


def test_a_zone_with_no_abbreviation_shows_its_offset(alice, client_for, note):
    assert "1 Jul 2026, 17:35 IST" in page(client_for(alice), note, "Asia/Kolkata")
    assert "1 Jul 2026, 17:50 UTC+05:45" in page(client_for(alice), note, "Asia/Kathmandu")


@pytest.mark.parametrize("cookie", [None, "", "Mars/Olympus", "../../etc/passwd", "x" * 100])
def test_without_a_usable_zone_times_are_utc_and_say_so(alice, client_for, note, cookie):
    assert "1 Jul 2026, 12:05 UTC" in page(client_for(alice), note, cookie)


def test_the_list_and_history_use_the_zone_too(alice, client_for, note):
    client = client_for(alice)
    client.cookies["tz"] = "Europe/Lisbon"
    assert 'title="Updated 1 Jul 2026, 13:05 WEST"' in text(client.get("/notes/"))


def test_days_are_the_readers_days():
    timezone.activate(zone_named("Pacific/Auckland"))
    try:
        assert local_time("2026-01-15T23:30:00.000000Z") == "16 Jan 2026, 12:30 NZDT"
        assert local_time("2026-01-15T23:30:00.000000Z", "date") == "16 Jan 2026"
        assert friendly_time("2020-03-12T23:00:00.000000Z") == "13 Mar 2020"
    finally:
        timezone.deactivate()
    assert friendly_time("2020-03-12T23:00:00.000000Z") == "12 Mar 2020"


def test_only_iana_names_are_zones():
    assert zone_named("Europe/Lisbon") is not None
    assert zone_named("/etc/localtime") is None and zone_named("Europe/../../x") is None
