"""The triggers question on a fake gateway's raw facts (no moto): it, not the gateway, names the sources,
says what Zappa's handler runs for each rule and ARN, builds the API URL, and tells a missing stack from an
error. The rule names are the ones Zappa gives (console.health.stage.zappa_rule_name, from
zappa.core.Zappa.get_scheduled_event_name); the fields are those ListRules and ListEventSourceMappings answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from console.health.gateway import AccessDenied, EventRule, EventSourceMapping, InvalidQuery, TriggerFacts
from console.health.triggers import report, stream_mappings

FUNCTION = "notes-console-dev"
STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/notes-console-dev/stream/2026-11-27T10:15:30.123"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:notes-console-imports"


@dataclass
class FakeGateway:
    facts: TriggerFacts
    kind: str = "aws"
    function_name: str = FUNCTION
    mappings: list[EventSourceMapping] = field(default_factory=list)

    def triggers(self) -> TriggerFacts:
        return self.facts

    def event_source_mappings(self) -> list[EventSourceMapping]:
        return self.mappings

    def local_runners(self) -> list:
        return []


def stage(settings, tmp_path, events: list[dict]) -> None:
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"dev": {"project_name": "notes-console", "events": events}}))
    settings.HEALTH_ZAPPA_SETTINGS, settings.HEALTH_STAGE = path, ""


def raw(arn: str) -> EventSourceMapping:
    return EventSourceMapping(source_arn=arn, source="", state="Enabled")  # as the AWS gateway reads one


def test_the_question_names_routes_and_builds_the_url_from_raw_facts(settings, tmp_path):
    stage(settings, tmp_path, [{"function": "notes.events.handle_stream", "event_source": {"arn": STREAM}}])
    facts = TriggerFacts(
        region="eu-west-1",
        mappings=[raw(STREAM), raw(QUEUE)],
        rules=[
            EventRule(
                f"{FUNCTION}-notes.events.purge_trash", schedule_expression="cron(15 3 * * ? *)", state="ENABLED"
            ),
            EventRule(f"{FUNCTION}-zappa-keep-warm-handler.keep_warm_callback", "rate(4 minutes)", state="ENABLED"),
            EventRule(f"{FUNCTION}-audit", event_pattern='{"source": ["aws.s3"]}', state="DISABLED"),
        ],
        api_stack=FUNCTION,
        api_id="a1b2c3d4e5",
    )

    found = report(FakeGateway(facts))

    assert [(m.source, m.routed_to) for m in found.mappings] == [
        ("DynamoDB stream of notes-console-dev", ("notes.events.handle_stream",)),
        (f"SQS queue {QUEUE.split(':', 5)[5]}", ()),  # not routed by the stage: the streams question flags it
    ]
    assert "stage 'dev'" in found.routing_detail
    assert [(r.expression, r.runs) for r in found.rules] == [
        ("cron(15 3 * * ? *)", "notes.events.purge_trash"),
        ("rate(4 minutes)", "keep warm"),
        ("(event pattern)", ""),
    ]
    assert found.api_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev"
    assert found.source_detail == "AWS, eu-west-1" and found.errors == []


def test_a_missing_stack_is_no_api_but_a_refused_read_is_an_error(settings, tmp_path):
    stage(settings, tmp_path, [])
    missing = InvalidQuery(f"Stack '{FUNCTION}' does not exist", code="ValidationError")
    found = report(FakeGateway(TriggerFacts(api_stack=FUNCTION, errors=[("API Gateway URL", missing)])))
    assert (
        found.errors == []
        and found.api_url == ""
        and found.api_detail.startswith(f"No CloudFormation stack {FUNCTION}")
    )

    refused = AccessDenied("cloudformation:DescribeStackResource")
    found = report(FakeGateway(TriggerFacts(api_stack=FUNCTION, errors=[("API Gateway URL", refused)])))
    assert found.errors == [("API Gateway URL", refused)] and found.api_url == "" and found.api_detail == ""


def test_the_streams_question_gets_named_stream_mappings_only(settings, tmp_path):
    stage(settings, tmp_path, [])
    gateway = FakeGateway(TriggerFacts(), mappings=[raw(STREAM), raw(QUEUE)])
    assert [(m.source, m.routed_to) for m in stream_mappings(gateway)] == [
        ("DynamoDB stream of notes-console-dev", None)
    ]
