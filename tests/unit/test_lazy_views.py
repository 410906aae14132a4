"""Lazily imported views must behave like their targets: same CSRF exemption, and the target exists."""

from __future__ import annotations

from importlib import import_module

from django.urls import URLPattern, URLResolver, get_resolver


def lazy_patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from lazy_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "lazy_target"):
            yield pattern


def test_every_lazy_view_matches_its_target():
    found = list(lazy_patterns(get_resolver().url_patterns))
    assert len(found) >= 15  # the console's and the API's views
    for pattern in found:
        module, name = pattern.callback.lazy_target
        target = getattr(import_module(module), name)
        assert getattr(pattern.callback, "csrf_exempt", False) == getattr(target, "csrf_exempt", False), pattern
