"""The OpenAPI document, the API's page, and the site-wide error handlers (JSON under /api/, HTML elsewhere)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory
from openapi_spec_validator import validate

from console import errors as error_handlers


def test_the_document_is_valid_openapi_3_and_public(aws):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["servers"] == [{"url": "/api"}]
    assert {op["operationId"] for item in document["paths"].values() for op in item.values()} == {
        "listNotes",
        "createNote",
        "getNote",
        "replaceNote",
        "updateNote",
        "deleteNote",
        "listNoteHistory",
        "restoreNoteVersion",
        "listTrash",
        "emptyTrash",
        "restoreTrashedNote",
        "deleteTrashedNote",
        "planExport",
        "exportJsonPart",
        "exportMarkdownPart",
        "importNotes",
        "listLabels",
        "renameLabel",
        "deleteLabel",
        "listAttachments",
        "startAttachmentUpload",
        "getAttachment",
        "deleteAttachment",
        "bulkNotes",
        "undoBulkNotes",
    }
    assert "trash" in document["paths"]["/notes/{id}"]["delete"]["description"]


def test_the_document_carries_the_stage_prefix(aws, settings):
    settings.FORCE_SCRIPT_NAME = "/dev"
    from django.urls import set_script_prefix

    set_script_prefix("/dev/")
    try:
        document = Client().get("/api/openapi.json").json()
    finally:
        set_script_prefix("/")
    assert document["servers"] == [{"url": "/dev/api"}]


def test_the_page_describes_the_api_and_links_the_document(aws):
    response = Client().get("/api/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/api/openapi.json"' in page
    assert "/api/notes/{id}" in page and "PATCH" in page
    assert "/api/trash/{id}/restore" in page and "/api/notes/{id}/history/{version}/restore" in page
    assert "<code>next_cursor</code>" in page and "<code>Idempotency-Key</code>" in page
    assert 'href="/accounts/tokens/"' in page


def test_the_document_and_page_only_answer_get(aws):
    response = Client().post("/api/openapi.json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", ["/api/no/such/thing", "/api/notes/x/attachments/y/z"])
def test_a_post_to_an_unknown_api_path_is_a_json_404_even_with_csrf_enforced(aws, path):
    response = Client(enforce_csrf_checks=True).post(path, {"a": "b"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_post_to_the_document_is_a_json_405_even_with_csrf_enforced(aws):
    response = Client(enforce_csrf_checks=True).post("/api/openapi.json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_csrf_failure_under_api_is_json_and_elsewhere_a_page(aws):
    request = rf.post("/api/notes")
    api = error_handlers.csrf_failure(request, reason="CSRF cookie not set.")
    assert api.status_code == 403 and api["Content-Type"] == "application/json"
    assert json.loads(api.content)["error"]["code"] == "csrf_failed"
    page = error_handlers.csrf_failure(rf.post("/notes/new/"), reason="CSRF cookie not set.")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


rf = RequestFactory()


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (error_handlers.bad_request, 400),
        (error_handlers.permission_denied, 403),
        (error_handlers.page_not_found, 404),
    ],
)
def test_handlers_answer_json_under_api_and_html_elsewhere(aws, handler, status):
    api = handler(rf.get("/api/whatever"), Exception())
    assert api.status_code == status and api["Content-Type"] == "application/json"
    assert json.loads(api.content)["error"]["reference"]
    page = handler(rf.get("/somewhere"), Exception())
    assert page.status_code == status and page["Content-Type"].startswith("text/html")
    assert b"Reference" in page.content


def test_the_500_handler_answers_json_under_api_and_a_plain_page_elsewhere():
    request = rf.get("/api/notes")
    request.correlation_id = "ref-500"
    api = error_handlers.server_error(request)
    assert api.status_code == 500 and b'"reference": "ref-500"' in api.content
    page = error_handlers.server_error(rf.get("/"))
    assert page.status_code == 500 and b"Server error" in page.content


def test_a_page_404_is_html(aws, settings):
    settings.DEBUG = False
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
