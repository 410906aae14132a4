"""Views whose module is imported on their first request, not at every cold start.

Django imports the whole URLconf on the first request; the admin console and the JSON API are not needed
for most cold starts (a person opening a page), so their modules load when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.http import HttpRequest, HttpResponse


def lazy_view(module: str, name: str, *, csrf_exempt: bool = False) -> Callable[..., HttpResponse]:
    """`csrf_exempt` must be said here, since CsrfViewMiddleware looks before the module is loaded; it must
    match the real view's (tests check every lazy view against its target)."""

    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return getattr(import_module(module), name)(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    view.lazy_target = (module, name)  # type: ignore[attr-defined]
    if csrf_exempt:
        view.csrf_exempt = True  # type: ignore[attr-defined]
    return view
