"""What the API accepts, checked without DynamoDB: note bodies, query strings, precondition headers."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from notes.api.input import (
    IfMatch,
    RequestProblem,
    if_match,
    if_none_match,
    list_query,
    note_input,
)
from notes.domain import TITLE_PATTERN

rf = RequestFactory()


def problem(call) -> RequestProblem:
    with pytest.raises(RequestProblem) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("title", ["a", " a ", "x" * 200, "\u3000é\u3000", "\x1c€"])
def test_titles_that_are_valid(title):
    assert note_input({"title": title}, required=("title",), allow_version=False).data == {"title": title}


@pytest.mark.parametrize(
    "title", ["", " ", "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u2000\u3000", "a\x00", "x" * 201, 3]
)
def test_titles_that_are_not(title):
    assert "title" in problem(lambda: note_input({"title": title}, required=("title",), allow_version=False)).fields


def test_the_title_pattern_means_not_blank_as_python_strips():
    pattern = re.compile(TITLE_PATTERN)
    for code in range(0x3100):
        char = chr(code)
        assert bool(pattern.search(f" {char} ")) == (char != "\x00" and bool(char.strip())), hex(code)


def test_a_category_is_any_label_now_and_a_bad_one_names_the_category():
    assert note_input({"category": "Fête"}, required=(), allow_version=False).data == {"category": "Fête"}
    assert "category" in problem(lambda: note_input({"category": "a\x07"}, required=(), allow_version=False)).fields
    assert "labels" in problem(lambda: note_input({"labels": ["x" * 51]}, required=(), allow_version=False)).fields


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (1, True),
        (1.0, True),
        (2**53 - 1, True),
        (0, False),
        (True, False),
        (1.5, False),
        ("1", False),
        (2**53, False),
        (None, False),
    ],
)
def test_a_version_is_a_json_integer_of_at_least_one(value, ok):
    call = lambda: note_input({"version": value}, required=(), allow_version=True)  # noqa: E731
    if ok:
        assert call().version == int(value)
    else:
        assert set(problem(call).fields) == {"version"}


def test_version_is_an_unknown_field_where_it_is_not_taken():
    assert problem(lambda: note_input({"title": "t", "version": 1}, required=(), allow_version=False)).fields == {
        "version": "Unknown field."
    }


def test_every_problem_is_reported_at_once():
    fields = problem(lambda: note_input({"important": 1, "x": 1}, required=("title",), allow_version=False)).fields
    assert set(fields) == {"title", "important", "x"}


def test_the_list_query_defaults_and_filters(settings):
    query = list_query(rf.get("/api/notes", {"q": "  milk ", "category": "", "important": "false"}))
    assert query.limit == settings.NOTES_PAGE_SIZE and query.cursor is None
    assert (query.filters.q, query.filters.category, query.filters.important, query.filters.completed) == (
        "milk",
        None,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"3"', IfMatch(versions=frozenset({3}))),
        (' "3" , W/"4", "abc" ', IfMatch(versions=frozenset({3}))),
        ('"1", "2"', IfMatch(versions=frozenset({1, 2}))),
        ("*", IfMatch(any=True)),
        ("3", IfMatch()),
        ('"3', IfMatch()),
        ('"0"', IfMatch()),
        ('"²"', IfMatch()),
        ('"99999999999999999999"', IfMatch()),
    ],
)
def test_if_match_is_parsed_as_rfc_9110_says(header, expected):
    assert if_match(rf.get("/", HTTP_IF_MATCH=header)) == expected


def test_if_match_absent_is_none():
    assert if_match(rf.get("/")) is None


def test_if_none_match_compares_weakly():
    assert if_none_match(rf.get("/", HTTP_IF_NONE_MATCH='"1", W/"2"'), 2)
    assert if_none_match(rf.get("/", HTTP_IF_NONE_MATCH="*"), 5)
    assert not if_none_match(rf.get("/", HTTP_IF_NONE_MATCH='"1"'), 2)
    assert not if_none_match(rf.get("/"), 2)
