"""Local configuration: which values the process really runs with, next to the stage's."""

from __future__ import annotations

from tests import health_console

fresh_buffers = health_console.fresh_buffers


# --- configuration -----------------------------------------------------------------------------------------


def test_local_configuration_says_which_values_the_process_really_uses(client_for, admin, settings):
    assert settings.DYNAMODB_TABLE != "notes-console-dev"  # the stage's table, which local mode does not use
    page = client_for(admin).get("/console/configuration/").content.decode()
    section = page[page.index("Stage values and this process") :]
    row = next(r for r in section.split("<tr>") if "DYNAMODB_TABLE" in r)
    assert "notes-console-dev" in row and settings.DYNAMODB_TABLE in row and "differs locally" in row
    assert "This process (really used)" in section
