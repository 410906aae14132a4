"""The site's URLs plus a test-only form endpoint, for POSTs through the handler (@pytest.mark.urls)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from console.urls import urlpatterns as site_urlpatterns


@require_POST
def echo(request: HttpRequest) -> JsonResponse:
    fields = {name: value for name, value in request.POST.items() if name != "csrfmiddlewaretoken"}
    return JsonResponse({"fields": fields, "path": request.path, "path_info": request.path_info})


urlpatterns = [*site_urlpatterns, path("test-only/echo", echo, name="test_echo")]
