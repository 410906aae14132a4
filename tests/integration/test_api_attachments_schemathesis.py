"""Schemathesis on the attachments operations alone (every phase, every default check), as the whole-API run
in test_api_schemathesis.py does for all of them: quick enough to run with the attachment tests."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from accounts.services import token_create
from notes import services
from tests.integration.test_api_schemathesis import _failures, live_api  # noqa: F401  (fixture)


@pytest.mark.slow
def test_the_attachments_api_conforms_to_its_openapi_document(alice, live_api):  # noqa: F811
    _, token = token_create(user=alice, name="schemathesis")
    services.note_create(user_id=alice.id, data={"title": "has files"})
    # Every phase, the stateful one included (an upload's links lead to reading and deleting it).
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20261207,
            "generation": {"max-examples": 25, "database": "none"},
            "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
            "workers": 1,
        }
    )
    schema = schemathesis.openapi.from_url(f"{live_api}/api/openapi.json", config=config)
    selected = schema.include(path_regex=r"/attachments")
    event_list = list(from_schema(selected).execute())

    assert not _failures(event_list), "\n\n".join(_failures(event_list))
    tested = {e.label for e in event_list if isinstance(e, events.ScenarioFinished) and e.status == Status.SUCCESS}
    assert {
        "GET /notes/{id}/attachments",
        "POST /notes/{id}/attachments",
        "GET /notes/{id}/attachments/{attachment_id}",
        "DELETE /notes/{id}/attachments/{attachment_id}",
    } <= tested
