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
