"""Namespaced includes imported when a path under them is first resolved (or one of their names reversed), and
whose reverse lookups are built when one of their names is first reversed.

Django builds the root resolver's lookup tables on the first reverse() of a process (a cold start's first
`{% url %}`), and the root calls `_populate()` on every included resolver, namespaced or not: each compiles its
patterns' regexes and runs `normalize()` on each. A namespaced include's own tables are not read there (the
root keeps only the resolver), and reversing "health:overview" builds them again anyway, in the resolver that
`get_ns_resolver()` makes for the namespace. So for a namespaced include the eager build is wasted work: the
console's 16 patterns, the API's 21 and the notes pages' 29 were built at every cold start, needed or not
(issue 24: ~37-45 M of the anonymous GET / cold start's ~1,300 M instructions went to that first reverse()).

`DeferredURLResolver` skips the build its parent asks for and builds its tables on first access to
`reverse_dict`, `namespace_dict` or `app_dict` (what Django's own properties do when the tables are missing),
with Django's recursion guard (a thread-local flag in `URLResolver._populate`); threads that race both build
the same tables, as in Django. Resolving a request path never used those tables: it is unchanged.

Its patterns' regexes are compiled when a path is first matched against them (`LazyRegex`): building the
tables reads only their source, so the first reverse of "notes:..." no longer compiles the 30 patterns of
notes/urls.py that the request never matched (~7 M of its ~18 M instructions, callgrind).

One thing a deferred include does not give its parent: the dotted paths of its views (`_callback_strs`),
which only django.contrib.admindocs reads (not installed).
"""

from __future__ import annotations

import re
from importlib import import_module
from types import ModuleType
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern
from django.utils.functional import cached_property
from django.utils.translation import get_language


class LazyRegex:
    """A URL pattern's regular expression, compiled on its first use as one (a match); its source, `pattern`,
    is all Django's reverse lookup tables read (URLResolver._populate)."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return getattr(self._compiled, name)


def _compile_on_first_match(patterns: list[Any]) -> None:
    """Django's pattern classes compile `regex` on first read and keep it in the instance's __dict__ (their
    descriptor has no __set__): a LazyRegex put there first is what they read from then on."""
    for url_pattern in patterns:
        pattern = url_pattern.pattern
        if isinstance(url_pattern, URLPattern) and isinstance(pattern._regex, str) and "regex" not in vars(pattern):
            vars(pattern)["regex"] = LazyRegex(pattern._regex)


class DeferredURLResolver(URLResolver):
    @cached_property
    def urlconf_module(self) -> Any:
        """The included module, imported on first use; its app_name must be the one deferred_include() was given."""
        module = import_module(self.urlconf_name) if isinstance(self.urlconf_name, str) else self.urlconf_name
        if getattr(module, "app_name", None) != self.app_name:
            raise ImproperlyConfigured(
                f"{module.__name__} needs app_name = {self.app_name!r} to be included with deferred_include()"
            )
        _compile_on_first_match(getattr(module, "urlpatterns", module))
        return module

    def _populate(self) -> None:
        """Called by the parent's populate (and by reverse helpers before they read the tables): skipped; the
        tables are built by the properties below when first read."""

    def _table(self, tables: dict[str, Any]) -> Any:
        language_code = get_language()
        if language_code not in tables:
            super()._populate()
        return tables[language_code]

    @property
    def reverse_dict(self) -> Any:
        return self._table(self._reverse_dict)

    @property
    def namespace_dict(self) -> Any:
        return self._table(self._namespace_dict)

    @property
    def app_dict(self) -> Any:
        return self._table(self._app_dict)

    def _is_callback(self, name: str) -> bool:
        if not self._populated:
            super()._populate()
        return name in self._callback_strs


def deferred_include(route: str, urlconf: str | ModuleType, *, app_name: str) -> DeferredURLResolver:
    """`path(route, include(urlconf))` for a urlconf whose `app_name` is `app_name` (its namespace too), imported
    when a path under `route` is first resolved or one of its names first reversed, its lookups built then.

    `app_name` is said here so that the parent's tables need not import the module; the module's own is checked
    against it when it loads. A urlconf without a namespace puts its names in the parent's table, so it cannot
    be deferred."""
    resolver = DeferredURLResolver(
        RoutePattern(route, is_endpoint=False), urlconf, app_name=app_name, namespace=app_name
    )
    if not isinstance(urlconf, str):
        resolver.urlconf_module  # noqa: B018 (a module given: checked now)
    return resolver
