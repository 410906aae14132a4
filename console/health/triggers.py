"""The question "what invokes the function besides HTTP?": the gateway's raw trigger facts (event source
mappings, EventBridge rules, the API's stack resource; locally the stage and the local stand-ins) turned into
the triggers page's report, once: readable source names, which function Zappa's handler runs for each rule
and each event source ARN (the deployed package's routes, else the stage's), and the API Gateway URL."""

from __future__ import annotations

from dataclasses import replace

from console.health.gateway import EventSourceMapping, HealthGateway, InvalidQuery, ScheduleRule, TriggerFacts, Triggers
from console.health.local_triggers import runner_mappings
from console.health.stage import describe_source, routes_for, rule_runs, stage_mappings, stage_name, stage_rules

API = "API Gateway URL"  # the part of the facts the API's read is reported under


def report(gateway: HealthGateway) -> Triggers:
    """The triggers page's report (the AWS gateway: three calls, one per part; locally none)."""
    facts = gateway.triggers()
    if gateway.kind == "local":
        return _local(facts, gateway.local_runners())
    return _aws(gateway.function_name, facts)


def named(mappings: list[EventSourceMapping], routes: dict[str, tuple[str, ...]] | None) -> list[EventSourceMapping]:
    """Mappings as a person reads them: a name for the source, and what Zappa's handler runs for its ARN
    (`routes` None: not known here; an ARN missing from known routes: `()`, not routed)."""
    return [
        replace(
            m,
            source=m.source or describe_source(m.source_arn),
            routed_to=m.routed_to if routes is None else routes.get(m.source_arn, ()),
        )
        for m in mappings
    ]


def stream_mappings(gateway: HealthGateway) -> list[EventSourceMapping]:
    """The stream triggers the streams question follows: Lambda's (named), and locally the stream poller."""
    own = [m for m in named(gateway.event_source_mappings(), None) if m.is_stream]
    return own + runner_mappings([r for r in gateway.local_runners() if r.kind == "stream poller"])


def _aws(function_name: str, facts: TriggerFacts) -> Triggers:
    routes, routing = routes_for(function_name)
    found = Triggers(source_detail=f"AWS, {facts.region}", routing_detail=routing)
    found.mappings = named(facts.mappings, routes)
    if facts.more_mappings:
        found.warnings.append("The function has more than 100 event source mappings: the first 100 are shown.")
    found.rules = [
        ScheduleRule(
            name=r.name,
            expression=r.schedule_expression or "(event pattern)",
            state=r.state,
            runs=rule_runs(r.name),
            description=r.description,
            arn=r.arn,
        )
        for r in facts.rules
    ]
    found.errors = [(what, exc) for what, exc in facts.errors if not (what == API and _no_stack(exc))]
    if any(what == API and isinstance(exc, InvalidQuery) for what, exc in facts.errors):
        found.api_detail = (
            f"No CloudFormation stack {facts.api_stack}: Zappa makes one with the API at "
            "`zappa deploy` (none with apigateway_enabled false)."
        )
    elif all(what != API for what, _ in facts.errors):
        if facts.api_id:
            stage = stage_name(function_name)
            found.api_url = f"https://{facts.api_id}.execute-api.{facts.region}.amazonaws.com/{stage}"
        found.api_detail = f'REST API {facts.api_id}, resource "Api" of the CloudFormation stack {facts.api_stack}'
    return found


def _no_stack(exc: Exception) -> bool:
    """DescribeStackResource's answer when there is no such stack: a function deployed without an API."""
    return isinstance(exc, InvalidQuery) and "does not exist" in exc.message


def _local(facts: TriggerFacts, runners) -> Triggers:
    found = Triggers(
        source_detail="local process",
        api_detail="None locally: runserver serves the app; API Gateway exists only on Lambda.",
    )
    found.mappings = runner_mappings(runners)
    if facts.stage:
        found.mappings.extend(stage_mappings(facts.stage))
        found.rules = stage_rules(facts.stage)
        found.routing_detail = f"the events of stage {facts.stage.name!r} in {facts.stage.path.name}"
    elif facts.stage_error:
        found.warnings.append(facts.stage_error)
    return found
