"""The namespaced includes (console, API, notes pages) build their reverse lookups on first use only, so a cold
start that reverses none of their names skips them; every URL of the site still reverses and resolves as before."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, path, resolve, reverse

import console.urls
from console.web.deferred_urls import DeferredURLResolver, LazyRegex, deferred_include

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = ("health", "api", "notes")
NOTE_ID = "0123456789abcdef0123456789abcdef"  # 32 hex digits (notes/ids.py)
SAMPLES = ("x1", "3", NOTE_ID)  # for each converter, the first one it accepts


@pytest.fixture
def fresh_resolver():
    """The site's URLconf as a cold start has it: module-level resolvers that nothing has reversed through."""
    clear_url_caches()
    importlib.reload(console.urls)
    yield get_resolver()
    clear_url_caches()


def included(resolver: URLResolver) -> dict[str, URLResolver]:
    return {p.namespace: p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace}


def test_it_builds_no_namespaced_table_to_reverse_a_root_name(fresh_resolver):
    assert reverse("home") == "/"
    assert reverse("signin") == "/accounts/signin/"

    assert fresh_resolver._reverse_dict  # the root's own table is built
    namespaced = included(fresh_resolver)
    assert set(namespaced) == set(NAMESPACES)
    assert {ns: r._reverse_dict for ns, r in namespaced.items()} == {"health": {}, "api": {}, "notes": {}}


def test_it_reverses_namespaced_names_afterwards(fresh_resolver):
    reverse("home")
    assert reverse("health:overview") == "/console/"
    assert reverse("health:request", args=["abc-1"]) == "/console/requests/abc-1/"
    assert reverse("api:note", args=["n1"]) == "/api/notes/n1"
    assert reverse("notes:detail", args=[NOTE_ID]) == f"/notes/{NOTE_ID}/"


def test_it_builds_its_own_tables_when_read(fresh_resolver):
    health = included(fresh_resolver)["health"]
    assert isinstance(health, DeferredURLResolver)
    assert "overview" in health.reverse_dict
    assert health.namespace_dict == {} and health.app_dict == {}
    assert health._is_callback(health.url_patterns[0].lookup_str)


def test_it_resolves_paths_as_before_without_building_tables(fresh_resolver):
    match = resolve("/console/")
    assert (match.view_name, match.func.lazy_target) == ("health:overview", ("console.health.views", "overview"))
    match = resolve("/api/notes")
    assert (match.view_name, match.func.lazy_target) == ("api:notes", ("notes.api.views", "notes_collection"))
    match = resolve("/api/notes/n1")
    assert (match.view_name, match.kwargs) == ("api:note", {"note_id": "n1"})
    assert resolve("/api/nothing/here").func.lazy_target == ("notes.api.views", "not_found")
    assert resolve(f"/notes/{NOTE_ID}/").view_name == "notes:detail"

    assert all(r._reverse_dict == {} for r in included(fresh_resolver).values())


def named_patterns(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from named_patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def test_every_url_name_reverses_to_a_path_that_resolves_to_it(fresh_resolver):
    names = dict(named_patterns(fresh_resolver))
    assert len(names) >= 16 + 20 + 29  # the console's, the API's and the notes pages', beside the root's
    for view_name, pattern in names.items():
        converters = pattern.pattern.converters.items()
        kwargs = {key: next(s for s in SAMPLES if re.fullmatch(c.regex, s)) for key, c in converters}
        url = reverse(view_name, kwargs=kwargs)
        assert resolve(url).view_name == view_name, (view_name, url)


def test_an_include_without_its_namespace_cannot_be_deferred():
    with pytest.raises(ImproperlyConfigured, match="app_name"):
        deferred_include("accounts/", "accounts.urls", app_name="accounts").url_patterns  # noqa: B018
    with pytest.raises(ImproperlyConfigured, match="app_name = 'wrong'"):
        deferred_include("notes/", "notes.urls", app_name="wrong").url_patterns  # noqa: B018


def _in_a_fresh_process(probe: str) -> object:
    """What `probe` prints last (as JSON), run in a new interpreter with the site's settings, as a cold start."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_cold_start_imports_only_the_includes_it_resolves_into():
    """Resolving /notes/ imports notes/urls.py only: the console's and the API's URL modules load with their
    first path or reversed name (~2.7 M instructions of a cold start, callgrind)."""
    probe = (
        "import django, json, sys; django.setup(); from django.urls import resolve, reverse; resolve('/notes/');"
        "reverse('notes:list'); resolve('/'); reverse('home');"
        "print(json.dumps(sorted(m for m in ('notes.urls', 'notes.api.urls', 'console.health.urls') if m in sys.modules)))"
    )
    assert _in_a_fresh_process(probe) == ["notes.urls"]


def test_reversing_compiles_none_of_its_patterns_and_resolving_only_those_it_tries():
    """Building a namespace's tables reads each pattern's source only; a pattern's regex is compiled when a
    path is matched against it (the first reverse of "notes:..." compiled all 30 of notes/urls.py's)."""

    def view(request):
        return HttpResponse()

    sample = types.ModuleType("sample_urls")
    sample.app_name = "sample"
    sample.urlpatterns = [path("", view, name="list"), path("<int:pk>/", view, name="detail"), path("x", view)]
    root = types.ModuleType("root_urls")
    root.urlpatterns = [deferred_include("sample/", sample, app_name="sample")]
    regexes = [p.pattern.regex for p in sample.urlpatterns]
    assert all(isinstance(r, LazyRegex) for r in regexes)

    assert reverse("sample:detail", kwargs={"pk": 3}, urlconf=root) == "/sample/3/"
    assert reverse("sample:list", urlconf=root) == "/sample/"
    assert [r._compiled for r in regexes] == [None, None, None]

    match = resolve("/sample/3/", urlconf=root)
    assert (match.view_name, match.kwargs) == ("sample:detail", {"pk": 3})
    assert [r._compiled is not None for r in regexes] == [True, True, False]
    assert regexes[1].pattern == regexes[1]._compiled.pattern == "^(?P<pk>[0-9]+)/\\Z"


def test_an_anonymous_home_page_imports_none_of_the_namespaced_urlconfs():
    """A fresh process serving the home page to a visitor: none of the three URL modules loads."""
    probe = (
        "import django, json, sys; django.setup(); from django.test import Client; "
        "assert Client().get('/').status_code == 200; "
        "print(json.dumps(sorted(m for m in ('console.health.urls', 'notes.urls', 'notes.api.urls') if m in sys.modules)))"
    )
    assert _in_a_fresh_process(probe) == []
