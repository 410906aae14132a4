"""What the console's integration tests of its pages share: a stage in zappa_settings.json, fresh in-memory
buffers for every test, the AWS mode on moto, and a link read from a page."""

from __future__ import annotations

import json
import re

import pytest

from console import observability
from console.health import aws as health_aws

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def fresh_buffers(settings, tmp_path):
    observability.reset_buffers()
    path = tmp_path / "zappa_settings.json"
    path.write_text(
        json.dumps(
            {
                "dev": {
                    "project_name": "notes-console",
                    "runtime": "python3.11",
                    "aws_region": "us-east-1",
                    "memory_size": 512,
                    "aws_environment_variables": {"DYNAMODB_TABLE": "notes-console-dev", "LOG_LEVEL": "INFO"},
                }
            }
        )
    )
    settings.HEALTH_ZAPPA_SETTINGS = path
    yield
    observability.reset_buffers()


@pytest.fixture
def aws_mode(aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    yield
    health_aws.reset_clients()


def href(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found, pattern
    return found.group(1).replace("&amp;", "&")
