"""The search box's operators (notes/query.py): what each token asks for, and the messages for bad ones."""

from __future__ import annotations

import pytest

from notes.domain import Note, NoteFilters, ValidationError
from notes.query import HELP, Criteria, criteria, parse


def test_words_phrases_exclusions_labels_flags_and_scopes():
    got = parse('Café "Quarterly  Report" -draft label:Fête label:"Two Words" is:pinned -is:completed in:archive')
    assert got.words == ("cafe",)
    assert got.phrases == (("quarterly", "report"),)
    assert got.excluded == ("draft",)
    assert got.labels == ("fete", "two words")
    assert (got.pinned, got.completed, got.important, got.scope) == (True, False, None, "archive")


def test_a_quoted_single_word_is_a_word_and_a_negated_phrase_excludes_its_words():
    assert parse('"milk"').words == ("milk",)
    assert parse('-"old draft"').excluded == ("old", "draft")


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ('"never closed', "is not closed"),
        ("colour:red", 'Unknown operator "colour:"'),
        ("is:blue", "is: takes is:pinned"),
        ("in:garden", "in: takes in:archive"),
        ("label:", "needs something after the colon"),
    ],
)
def test_bad_queries_say_what_is_wrong_and_what_is_allowed(q, says):
    with pytest.raises(ValidationError) as info:
        parse(q)
    assert says in info.value.errors["q"] and HELP in info.value.errors["q"]


def test_a_query_without_any_word_finds_nothing_and_no_query_lists_everything():
    assert parse("!!!").nothing is True
    assert parse("").nothing is False and parse(None) == Criteria()


def test_filters_and_q_combine_into_one_criteria():
    got = criteria(NoteFilters(q="label:a milk", labels=("B",), category="c", pinned=True, archived=True))
    assert got.labels == ("a", "b", "c") and got.pinned is True and got.scope == "archive"


def test_wanted_checks_every_criterion_on_the_note():
    note = Note(id="n", user_id="u", title="Quarterly report", content="late again", labels=("Work",), pinned=True)
    assert parse('"quarterly report" label:work is:pinned -draft').wanted(note)
    assert not parse('"report quarterly"').wanted(note)
    assert not parse("-late").wanted(note)
    assert not parse("in:archive").wanted(note)
    assert not parse("label:home").wanted(note)
