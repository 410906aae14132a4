from __future__ import annotations

import json
from dataclasses import replace

import pytest

from console.health.stage import (
    MASK,
    StageSettingsError,
    drift,
    expected_config,
    load_stage,
    looks_secret,
    redact_environment,
)


@pytest.mark.parametrize(
    "name",
    [
        "DJANGO_SECRET_KEY",
        "API_KEY",
        "GITHUB_TOKEN",
        "DB_PASSWORD",
        "SENTRY_DSN",
        "AWS_CREDENTIALS",
        "private_key_pem",
        "AUTH_HEADER",
        "SIGNING_SALT",
    ],
)
def test_secret_looking_names_are_redacted(name):
    assert looks_secret(name)
    (var,) = redact_environment({name: "value-1"})
    assert var.redacted and var.shown == MASK and "value-1" not in var.shown


@pytest.mark.parametrize("name", ["DYNAMODB_TABLE", "LOG_LEVEL", "STATIC_URL", "AWS_REGION", "NOTES_PAGE_SIZE"])
def test_plain_names_are_shown(name):
    (var,) = redact_environment({name: "x"})
    assert not var.redacted and var.shown == "x"


def test_a_url_with_a_password_is_redacted_whatever_its_name():
    (var,) = redact_environment({"DATABASE_URL": "postgres://app:hunter2@db:5432/app"})
    assert var.redacted and "hunter2" not in var.shown


def write(tmp_path, data):
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps(data))
    return path


def test_it_picks_the_stage_by_name_function_or_first(tmp_path):
    path = write(tmp_path, {"dev": {"project_name": "notes"}, "prod": {"extends": "dev", "memory_size": 2048}})
    assert load_stage(path).name == "dev"
    assert load_stage(path, function_name="notes-prod").name == "prod"
    assert load_stage(path, wanted="prod").settings["memory_size"] == 2048
    assert load_stage(path, wanted="prod").settings["project_name"] == "notes"  # extends
    assert load_stage(tmp_path / "missing.json") is None


def test_a_broken_or_circular_file_is_an_error(tmp_path):
    with pytest.raises(StageSettingsError):
        load_stage(write(tmp_path, "not a dict"))
    with pytest.raises(StageSettingsError):
        load_stage(write(tmp_path, {"a": {"extends": "b"}, "b": {"extends": "a"}}))
    (tmp_path / "zappa_settings.json").write_text("{")
    with pytest.raises(StageSettingsError):
        load_stage(tmp_path / "zappa_settings.json")


def test_expected_config_applies_zappas_defaults(tmp_path):
    stage = load_stage(write(tmp_path, {"dev": {"project_name": "notes-console", "runtime": "python3.11"}}))
    config = expected_config(stage)
    assert (config.name, config.memory_mb, config.timeout_s, config.ephemeral_mb, config.architecture) == (
        "notes-console-dev",
        512,
        30,
        512,
        "x86_64",
    )
    assert config.handler == "handler.lambda_handler" and config.role == "notes-console-dev-ZappaLambdaExecutionRole"


def test_drift_lists_what_differs_and_hides_secret_values(tmp_path):
    stage = load_stage(
        write(
            tmp_path,
            {
                "dev": {
                    "project_name": "notes-console",
                    "runtime": "python3.11",
                    "memory_size": 1024,
                    "layers": ["arn:layer:1"],
                    "aws_environment_variables": {"TABLE": "a", "SECRET_KEY": "one", "ONLY_IN_STAGE": "1"},
                }
            },
        )
    )
    expected = expected_config(stage)
    deployed = replace(
        expected,
        memory_mb=512,
        layers=(),
        environment=redact_environment({"TABLE": "b", "SECRET_KEY": "two", "BY_HAND": "x"}),
        role="arn:aws:iam::1:role/notes-console-dev-ZappaLambdaExecutionRole",
    )
    found = {d.field: d for d in drift(deployed, expected)}
    assert found["Memory (MB)"].deployed == "512" and found["Memory (MB)"].expected == "1024"
    assert found["Layers"].expected == "arn:layer:1"
    assert (found["Environment TABLE"].deployed, found["Environment TABLE"].expected) == ("b", "a")
    assert found["Environment SECRET_KEY"].note == "secret value differs"
    assert "one" not in repr(found["Environment SECRET_KEY"]) and "two" not in repr(found["Environment SECRET_KEY"])
    assert found["Environment BY_HAND"].note.startswith("added outside")
    assert found["Environment ONLY_IN_STAGE"].note == "not deployed yet"
    assert "Role" not in found and "Runtime" not in found  # same role name, same runtime


def test_no_drift_when_the_function_matches(tmp_path):
    stage = load_stage(write(tmp_path, {"dev": {"project_name": "n", "runtime": "python3.11"}}))
    assert drift(expected_config(stage), expected_config(stage)) == []
