from __future__ import annotations

import pytest

from notes.domain import CONTENT_MAX_BYTES, ValidationError, clean_fields


def errors_of(**values) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        clean_fields(values)
    return info.value.errors


def test_it_trims_the_title_and_fills_defaults():
    assert clean_fields({"title": "  Hello  "}) == {
        "title": "Hello",
        "content": "",
        "category": "general",
        "important": False,
        "completed": False,
    }


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_it_requires_a_title(title):
    assert "required" in errors_of(title=title)["title"]


def test_it_limits_the_title_to_200_characters():
    assert clean_fields({"title": "é" * 200})["title"] == "é" * 200
    assert "at most 200" in errors_of(title="x" * 201)["title"]


def test_it_limits_content_to_100_kb_of_utf8():
    assert clean_fields({"title": "t", "content": "a" * CONTENT_MAX_BYTES})["content"]
    message = errors_of(title="t", content="é" * (CONTENT_MAX_BYTES // 2 + 1))["content"]
    assert "100 KB" in message


@pytest.mark.parametrize("category", ["work/home", "a" * 41, "<script>", "tab\there", "Küche"])
def test_it_checks_the_category(category):
    assert "category" in errors_of(title="t", category=category)


def test_it_accepts_categories_of_letters_digits_space_dash_underscore():
    assert clean_fields({"title": "t", "category": " Home-Office_2 "})["category"] == "Home-Office_2"


@pytest.mark.parametrize("field", ["title", "content"])
@pytest.mark.parametrize("bad", ["nul\x00byte", "lone \ud800 surrogate"])
def test_it_refuses_characters_that_cannot_be_stored(field, bad):
    values = {"title": "t", field: bad}
    assert "cannot be stored" in errors_of(**values)[field]


def test_it_reports_every_bad_field_at_once():
    errors = errors_of(title="", category="no/slash", important="yes")
    assert set(errors) == {"title", "category", "important"}


def test_partial_changes_keep_only_given_fields():
    assert clean_fields({"completed": True}, partial=True) == {"completed": True}
