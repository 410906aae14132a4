"""The short, phone-friendly times shown on note rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notes.templatetags.notes_tags import friendly_time, iso_datetime


def stamp(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=7, seconds=3), "7 min ago"),
        (timedelta(hours=3, minutes=5), "3 h ago"),
    ],
)
def test_recent_times_are_relative(ago, expected):
    assert friendly_time(stamp(ago)) == expected


def test_older_times_are_days_then_dates():
    assert friendly_time(stamp(timedelta(days=3, hours=1))) in {"3 days ago", "4 days ago"}
    assert friendly_time("2020-03-12T10:00:00.000000Z") == "12 Mar 2020"


def test_unreadable_stamps_show_nothing():
    assert friendly_time("") == "" and friendly_time("yesterday-ish") == ""
    assert iso_datetime("2026-01-02T03:04:05.000000Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "field"), [("detail", ""), ("edit", ""), ("delete", ""), ("toggle", "important"), ("toggle", "completed")]
)
@pytest.mark.parametrize("prefix", ["/", "/dev/"])
def test_note_url_is_what_the_url_tag_reverses_under_any_script_prefix(name, field, prefix):
    from django.urls import reverse, set_script_prefix

    from notes.templatetags.notes_tags import note_url

    note_id = "0123456789abcdef0123456789abcdef"
    set_script_prefix(prefix)
    try:
        expected = reverse(f"notes:{name}", kwargs={"note_id": note_id, **({"field": field} if field else {})})
        assert note_url(note_id, name, field) == expected
        assert expected.startswith(prefix)
    finally:
        set_script_prefix("/")


def test_note_url_of_an_id_that_is_not_a_note_id_fails_as_reverse_does():
    from django.urls import NoReverseMatch

    from notes.templatetags.notes_tags import note_url

    with pytest.raises(NoReverseMatch):
        note_url("../../admin", "detail")


def test_snippet_keeps_short_text_and_truncates_long_text_like_truncatechars():
    from django.template.defaultfilters import truncatechars

    from notes.templatetags.notes_tags import snippet

    assert snippet("short", 260) == "short"
    long = "é" * 300
    assert snippet(long, 260) == truncatechars(long, 260) and len(snippet(long, 260)) == 260
