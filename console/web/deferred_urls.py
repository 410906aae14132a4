"""Namespaced includes whose reverse lookups are built when one of their names is first reversed.

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

Nor is its URLconf imported before a request path under its prefix is resolved or one of its names is
reversed (URLResolver imports a dotted urlconf_name on first use; Django's include() imports at once): the
anonymous home page imports none of the console's, the API's and the notes pages' URLconfs and their 66
patterns. So the namespace is said where the include is, and checked against the URLconf's app_name when it
is imported.

One thing a deferred include does not give its parent: the dotted paths of its views (`_callback_strs`),
which only django.contrib.admindocs reads (not installed).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLResolver
from django.urls.resolvers import RoutePattern
from django.utils.translation import get_language


class DeferredURLResolver(URLResolver):
    @property
    def url_patterns(self) -> Any:
        patterns = super().url_patterns
        declared = getattr(self.urlconf_module, "app_name", None)
        if declared != self.app_name:
            raise ImproperlyConfigured(
                f"{self.urlconf_name} has app_name {declared!r}, but is included as namespace {self.app_name!r}"
            )
        return patterns

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


def deferred_include(route: str, urlconf: str, namespace: str) -> DeferredURLResolver:
    """`path(route, include(urlconf))` for a urlconf whose `app_name` is `namespace`, imported and its reverse
    lookups built on first use.

    A urlconf without a namespace puts its names in the parent's table, so it cannot be deferred."""
    if not namespace:
        raise ImproperlyConfigured(f"{urlconf} needs an app_name to be included with deferred_include()")
    return DeferredURLResolver(RoutePattern(route, is_endpoint=False), urlconf, app_name=namespace, namespace=namespace)
