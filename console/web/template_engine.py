"""Django's template engine, loading each tag library when a template first `{% load %}`s it.

Django's backend imports every `templatetags` module of every installed app when the engine is built, to
find the libraries' names: on a cold start that is the console's, the notes', django-htmx's (which imports
its Jinja helpers) and Django's own cache, l10n and tz libraries, for a page that loads only `static`
(10 M instructions of the anonymous `GET /` cold start, bench/bench_cold_start.py under callgrind). This
backend finds the same names by listing the packages, and imports a library on its first `{% load %}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pkgutil import walk_packages
from typing import Any

from django.apps import apps
from django.template.backends import django as django_backend
from django.template.library import Library, import_library


def installed_library_paths() -> dict[str, str]:
    """{name: module path} of the installed apps' tag libraries, as Django names them, without importing them."""
    found: dict[str, str] = {}
    packages = ["django.templatetags", *(f"{config.name}.templatetags" for config in apps.get_app_configs())]
    for package_name in packages:
        try:
            package = import_module(package_name)
        except ImportError:
            continue
        for entry in walk_packages(getattr(package, "__path__", []), package_name + "."):
            if not entry.ispkg:
                found[entry.name.removeprefix(package_name).lstrip(".")] = entry.name
    return found


class LazyLibraries(dict):
    """The engine's `template_libraries`: a library is imported the first time a template asks for it."""

    def __init__(self, paths: dict[str, str]) -> None:
        super().__init__()
        self.paths = paths

    def __missing__(self, name: str) -> Library:
        library = import_library(self.paths[name])  # KeyError for an unknown name, as Django's dict gives
        self[name] = library
        return library

    def __contains__(self, name: object) -> bool:
        return name in self.paths

    def __iter__(self) -> Iterator[str]:  # the names {% load %} lists when one is unknown
        return iter(self.paths)

    def __len__(self) -> int:  # the template parser takes `libraries or {}`: never falsy while names exist
        return len(self.paths)


class DjangoTemplates(django_backend.DjangoTemplates):
    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.engine.libraries = self.library_paths
        self.engine.template_libraries = LazyLibraries(self.library_paths)

    def get_templatetag_libraries(self, custom_libraries: dict[str, str]) -> dict[str, str]:
        self.library_paths = {**installed_library_paths(), **custom_libraries}
        return {}  # the engine imports nothing at start; LazyLibraries does on first use
