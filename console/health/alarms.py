"""The function's recommended CloudWatch alarms: their one definition, and creating or updating them.

`manage.py create_alarms --stage dev --email you@example.com` (make alarms STAGE=dev EMAIL=...) sends each to
an SNS topic with that address subscribed. Idempotent: an alarm that matches its definition is left alone,
one that differs (a threshold changed here) is updated, a missing one created; the topic and the
subscription likewise. The console's Alarms page reads the same definitions to say which are missing.

AWS calls, for the operator's policy (the function's own role only reads alarms: cloudwatch:DescribeAlarms):
cloudwatch:DescribeAlarms, cloudwatch:PutMetricAlarm, sns:CreateTopic, sns:ListSubscriptionsByTopic,
sns:Subscribe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.health.gateway import Alarm, AlarmReport, HealthGateway

ERROR_RATE_PERCENT = 5.0
P99_OF_TIMEOUT = 0.8  # p99 at 80 % of the timeout: the slowest requests are about to be killed
ITERATOR_AGE_MS = 60_000
PERIOD_S = 300
# The actions `create_alarms` calls, in the order it calls them (the operator's policy must grant each).
OPERATOR_ACTIONS = (
    "sns:CreateTopic",
    "sns:ListSubscriptionsByTopic",
    "sns:Subscribe",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:PutMetricAlarm",
)


@dataclass(frozen=True)
class AlarmTarget:
    function_name: str
    timeout_s: int
    api_name: str = ""  # Zappa names the REST API after the function
    api_stage: str = ""


@dataclass(frozen=True)
class AlarmDefinition:
    name: str
    what: str  # for people: what firing means
    params: dict[str, Any] = field(hash=False)  # PutMetricAlarm's arguments, less AlarmName and actions

    @property
    def threshold(self) -> float:
        return float(self.params["Threshold"])


def _metric(namespace: str, name: str, dims: dict[str, str], stat: str, period: int = PERIOD_S) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
        "Period": period,
    }
    out["ExtendedStatistic" if stat.startswith("p") else "Statistic"] = stat
    return out


def _error_rate(prefix: str, common: dict[str, Any]) -> AlarmDefinition:
    """Errors over invocations, as metric math: a rate, so a busy hour and a quiet one alarm alike."""

    def summed(qid: str, metric: str) -> dict[str, Any]:
        return {
            "Id": qid,
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": prefix}],
                },
                "Period": PERIOD_S,
                "Stat": "Sum",
            },
            "ReturnData": False,
        }

    return AlarmDefinition(
        f"{prefix}-error-rate",
        f"more than {ERROR_RATE_PERCENT:g} % of invocations failed in 5 minutes",
        {
            **common,
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": ERROR_RATE_PERCENT,
            "Metrics": [
                summed("errors", "Errors"),
                summed("invocations", "Invocations"),
                {
                    "Id": "rate",
                    "Expression": "100 * errors / MAX([errors, invocations])",
                    "Label": "error rate (%)",
                    "ReturnData": True,
                },
            ],
        },
    )


def _async_dropped(prefix: str, fn: dict[str, str], common: dict[str, Any]) -> AlarmDefinition:
    return AlarmDefinition(
        f"{prefix}-async-events-dropped",
        "asynchronous events (S3's) were dropped: retries or maximum age used up",
        {
            **common,
            **_metric("AWS/Lambda", "AsyncEventsDropped", fn, "Sum"),
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": 0.0,
        },
    )


def recommended(target: AlarmTarget) -> list[AlarmDefinition]:
    """The set, named `<function>-<what>` so the console finds them by prefix."""
    fn = {"FunctionName": target.function_name}
    prefix = target.function_name
    common = {"EvaluationPeriods": 1, "DatapointsToAlarm": 1, "TreatMissingData": "notBreaching"}
    out = [
        _error_rate(prefix, common),
        AlarmDefinition(
            f"{prefix}-throttles",
            "Lambda refused invocations (concurrency limit)",
            {
                **common,
                **_metric("AWS/Lambda", "Throttles", fn, "Sum"),
                "ComparisonOperator": "GreaterThanThreshold",
                "Threshold": 0.0,
            },
        ),
        AlarmDefinition(
            f"{prefix}-p99-duration",
            f"p99 duration near the {target.timeout_s} s timeout",
            {
                **common,
                **_metric("AWS/Lambda", "Duration", fn, "p99"),
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Threshold": round(target.timeout_s * 1000 * P99_OF_TIMEOUT, 1),
            },
        ),
        AlarmDefinition(
            f"{prefix}-stream-iterator-age",
            "the stream trigger is a minute or more behind",
            {
                **common,
                **_metric("AWS/Lambda", "IteratorAge", fn, "Maximum"),
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Threshold": float(ITERATOR_AGE_MS),
            },
        ),
        _async_dropped(prefix, fn, common),
    ]
    if target.api_name:
        dims = {"ApiName": target.api_name, **({"Stage": target.api_stage} if target.api_stage else {})}
        out.append(
            AlarmDefinition(
                f"{prefix}-api-5xx",
                "API Gateway answered 5xx",
                {
                    **common,
                    **_metric("AWS/ApiGateway", "5XXError", dims, "Sum"),
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Threshold": 0.0,
                },
            )
        )
    return out


@dataclass
class AlarmsResult:
    topic_arn: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    subscribed: bool = False  # a new subscription: AWS mails a confirmation link


_COMPARED = (
    "ComparisonOperator",
    "Threshold",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "TreatMissingData",
    "Namespace",
    "MetricName",
    "Statistic",
    "ExtendedStatistic",
    "Period",
)


def _differs(existing: dict[str, Any], definition: AlarmDefinition, topic_arn: str) -> bool:
    wanted = definition.params
    for key in _COMPARED:
        if key in wanted and _norm(existing.get(key)) != _norm(wanted[key]):
            return True
    if "Dimensions" in wanted and sorted((d["Name"], d["Value"]) for d in existing.get("Dimensions") or []) != sorted(
        (d["Name"], d["Value"]) for d in wanted["Dimensions"]
    ):
        return True
    if "Metrics" in wanted:
        have = {
            m.get("Id"): (m.get("Expression"), (m.get("MetricStat") or {}).get("Stat"))
            for m in existing.get("Metrics") or []
        }
        want = {m["Id"]: (m.get("Expression"), (m.get("MetricStat") or {}).get("Stat")) for m in wanted["Metrics"]}
        if have != want:
            return True
    return topic_arn not in (existing.get("AlarmActions") or []) or topic_arn not in (existing.get("OKActions") or [])


def _norm(value: Any) -> Any:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def alarms_apply(*, target: AlarmTarget, email: str) -> AlarmsResult:
    """Creates or updates the recommended alarms and their topic; changes nothing that already matches."""
    from console.aws import clients as aws_clients  # here: the console's pages read the definitions, not AWS

    topic_arn = aws_clients.call("sns", "CreateTopic", Name=f"{target.function_name}-alarms")["TopicArn"]  # idempotent
    result = AlarmsResult(topic_arn=topic_arn)
    subscriptions = aws_clients.call("sns", "ListSubscriptionsByTopic", TopicArn=topic_arn).get("Subscriptions", [])
    if not any(s.get("Protocol") == "email" and s.get("Endpoint", "").lower() == email.lower() for s in subscriptions):
        aws_clients.call("sns", "Subscribe", TopicArn=topic_arn, Protocol="email", Endpoint=email)
        result.subscribed = True
    definitions = recommended(target)
    existing = {
        a["AlarmName"]: a
        for a in aws_clients.call("cloudwatch", "DescribeAlarms", AlarmNames=[d.name for d in definitions]).get(
            "MetricAlarms", []
        )
    }
    for definition in definitions:
        found = existing.get(definition.name)
        if found is not None and not _differs(found, definition, topic_arn):
            result.unchanged.append(definition.name)
            continue
        aws_clients.call(
            "cloudwatch",
            "PutMetricAlarm",
            AlarmName=definition.name,
            AlarmDescription=definition.what,
            AlarmActions=[topic_arn],
            OKActions=[topic_arn],
            ActionsEnabled=True,
            **definition.params,
        )
        (result.updated if found is not None else result.created).append(definition.name)
    return result


def report(gateway: HealthGateway) -> AlarmReport:
    """The function's alarms as CloudWatch tells them (one call); none exist locally."""
    if gateway.kind == "local":
        return AlarmReport(
            source="local",
            detail="CloudWatch alarms exist on AWS only; this creates them for a deployed stage:",
            command="make alarms STAGE=dev EMAIL=you@example.com",
        )
    alarms, more = gateway.alarms()
    found = AlarmReport(alarms=alarms, detail=f"cloudwatch:DescribeAlarms, names starting {gateway.function_name}-")
    if more:
        found.warnings.append("More than 100 alarms: the first 100 are shown.")
    return found


# --- an alarm in words -------------------------------------------------------------------------------

_COMPARISONS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": "≥",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "≤",
}


def alarm_metric(alarm: Alarm) -> str:
    """ "AWS/Lambda Duration p99", or "metric math: 100 * errors / ..." """
    if alarm.math is not None:
        return f"metric math: {alarm.math or 'metric math'}"
    return f"{alarm.namespace} {alarm.metric_name} {alarm.statistic}".strip()


def alarm_comparison(alarm: Alarm) -> str:
    """ ">", "≥", "<", "≤" (CloudWatch's name when it is none of those)."""
    return _COMPARISONS.get(alarm.comparison_operator, alarm.comparison_operator)
