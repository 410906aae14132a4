"""The template engine's tag libraries and WhiteNoise load when first needed (console/web/template_engine.py,
console/web/static_files.py), and behave as Django's and WhiteNoise's own."""

from __future__ import annotations

import pytest
from django.template import TemplateSyntaxError, engines
from django.template.backends.django import get_installed_libraries
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from console.web.static_files import StaticFilesMiddleware, static_prefix
from console.web.template_engine import DjangoTemplates, installed_library_paths


def _fresh_backend() -> DjangoTemplates:
    return DjangoTemplates({"NAME": "fresh", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})


def test_the_libraries_are_the_ones_django_finds():
    assert installed_library_paths() == get_installed_libraries()


def test_a_library_is_imported_on_its_first_load_only():
    backend = _fresh_backend()
    assert dict.keys(backend.engine.template_libraries) == set()

    html = backend.from_string("{% load notes_tags %}{{ 3|pluralize }}").render({})

    assert html == "s"
    assert set(dict.keys(backend.engine.template_libraries)) == {"notes_tags"}


def test_an_unknown_library_names_the_ones_there_are():
    with pytest.raises(TemplateSyntaxError) as raised:
        _fresh_backend().from_string("{% load no_such_tags %}")

    message = str(raised.value)
    assert "'no_such_tags' is not a registered tag library" in message
    assert "notes_tags" in message and "static" in message


def test_the_site_engine_is_the_lazy_one():
    assert isinstance(engines["django"], DjangoTemplates)


@pytest.mark.parametrize(
    ("static_url", "script_name"),
    [("/static/", None), ("static/", None), ("/assets/files/", None), ("/dev/static/", "/dev"), ("/", None)],
)
def test_the_static_prefix_is_whitenoises(static_url, script_name):
    with override_settings(STATIC_URL=static_url, FORCE_SCRIPT_NAME=script_name):
        assert static_prefix() == WhiteNoiseMiddleware(lambda request: None).static_prefix


def test_other_paths_pass_on_without_building_whitenoise(rf):
    middleware = StaticFilesMiddleware(lambda request: "page")

    assert middleware(rf.get("/notes/")) == "page"
    assert middleware.whitenoise is None

    response = middleware(rf.get("/static/css/app.css"))

    assert response.status_code == 200
    assert middleware.whitenoise is not None
