"""The checks that judge what the Checks page reads itself (SetupFacts): the VPC's route to DynamoDB, the log
group's retention, the function URL, the alarms, the asynchronous on-failure destination; and plaintext
secrets in the environment."""

from __future__ import annotations

from console.health.check_result import FAIL, OK, UNKNOWN, WARN, Check, CheckFacts, unread, update
from console.health.gateway import EnvVar
from console.health.stage import digest, redact_environment

# Names that hold where a secret is kept (an SSM parameter's name, an ARN), not the secret itself.
_REFERENCE_SUFFIXES = ("_PARAMETER", "_PARAM", "_ARN", "_NAME", "_ID", "_PATH", "_FILE", "_REGION")


def vpc(facts: CheckFacts) -> Check:
    title = "The function reaches DynamoDB"
    if not facts.config.vpc_subnets and "vpc" not in (facts.setup.unread if facts.setup else {}):
        return Check("vpc", OK, title, "Not attached to a VPC: Lambda reaches DynamoDB over AWS's network.")
    reason = unread(facts, "vpc")
    if reason:
        return Check("vpc", UNKNOWN, title, f"Attached to a VPC; its routes were not read: {reason}")
    assert facts.setup is not None
    unrouted = facts.setup.vpc_unrouted_subnets
    if not unrouted:
        return Check("vpc", OK, title, f"Every subnet of the function routes to DynamoDB: {facts.setup.vpc_routes}.")
    return Check(
        "vpc",
        FAIL,
        f"{len(unrouted)} subnet{'s' if len(unrouted) != 1 else ''} with no route to DynamoDB",
        f"Subnets {', '.join(unrouted)} have neither a DynamoDB gateway endpoint nor a NAT: every DynamoDB call "
        "from an execution environment there times out.",
        f"aws ec2 create-vpc-endpoint --vpc-endpoint-type Gateway --vpc-id {facts.config.vpc_id or '<vpc-id>'} "
        f"--service-name com.amazonaws.{facts.region}.dynamodb --route-table-ids <the route tables of "
        f"{', '.join(unrouted)}> (a gateway endpoint costs nothing).",
    )


def log_retention(facts: CheckFacts) -> Check:
    title = "The log group has a retention"
    reason = unread(facts, "logs")
    if reason:
        return Check("log_retention", UNKNOWN, title, reason)
    assert facts.setup is not None
    days = facts.setup.log_retention_days
    if days:
        return Check("log_retention", OK, title, f"Logs are kept {days} days.")
    return Check(
        "log_retention",
        WARN,
        "The log group keeps logs forever",
        "Without a retention every line is stored (and billed per GB-month) for ever: the cost only grows.",
        f"aws logs put-retention-policy --log-group-name {facts.config.log_group} --retention-in-days 30",
    )


def function_url(facts: CheckFacts) -> Check:
    title = "No public function URL"
    reason = unread(facts, "url")
    if reason:
        return Check("function_url", UNKNOWN, title, reason)
    assert facts.setup is not None
    auth = facts.setup.function_url_auth
    if auth == "NONE":
        return Check(
            "function_url",
            FAIL,
            "A function URL with auth type NONE",
            "Anyone can invoke the function directly, bypassing API Gateway's throttling, stage and logs.",
            f'In stage "{facts.stage_name}": "function_url_enabled": false (or "function_url_config": '
            f'{{"authorizer": "AWS_IAM"}}), {update(facts)}.',
        )
    return Check("function_url", OK, title, f"Function URL auth {auth}." if auth else "No function URL.")


def _literal_secret(var: EnvVar) -> bool:
    """The stage's secret rule (stage.looks_secret, which redacted it), less names that say where a secret
    is kept and empty values."""
    return var.redacted and not var.name.upper().endswith(_REFERENCE_SUFFIXES) and var.digest != digest("")


def plaintext_secrets(facts: CheckFacts) -> Check:
    packaged = facts.stage.get("environment_variables") or {}
    found = sorted({v.name for v in (*facts.config.environment, *redact_environment(packaged)) if _literal_secret(v)})
    title = "No secret in plaintext environment variables"
    if not found:
        return Check("plaintext_secrets", OK, title, "No variable named like a secret holds a literal value.")
    return Check(
        "plaintext_secrets",
        WARN,
        f"{len(found)} environment value{'s' if len(found) != 1 else ''} look{'s' if len(found) == 1 else ''} "
        "like a secret",
        f"{', '.join(found)}: readable by anyone who may read the function's configuration (or the package).",
        "Store each in SSM: aws ssm put-parameter --type SecureString --name /<project>/<stage>/<name> "
        "--value ..., replace the variable with its parameter's name (as SECRET_KEY_PARAMETER does), "
        f"{update(facts)}.",
    )


def alarms(facts: CheckFacts) -> Check:
    title = "Recommended alarms in place"
    reason = unread(facts, "alarms")
    if reason:
        return Check("alarms", UNKNOWN, title, reason)
    assert facts.setup is not None
    missing = [name for name in facts.recommended_alarms if name not in facts.setup.alarm_names]
    if not missing:
        return Check("alarms", OK, title, f"All {len(facts.recommended_alarms)} recommended alarms exist.")
    return Check(
        "alarms",
        WARN,
        f"{len(missing)} recommended alarm{'s' if len(missing) != 1 else ''} missing",
        f"Nobody hears of {', '.join(missing)} until a user complains.",
        f"make alarms STAGE={facts.stage_name} EMAIL=you@example.com (console/health/alarms.py).",
    )


def async_on_failure(facts: CheckFacts) -> Check:
    title = "Asynchronous failures reach a destination"
    reason = unread(facts, "async")
    if reason:
        return Check("async_on_failure", UNKNOWN, title, reason)
    assert facts.setup is not None
    found = facts.setup.async_config
    if found.on_failure:
        return Check("async_on_failure", OK, title, f"On failure: {found.on_failure}.")
    what = "No asynchronous invocation config" if not found.configured else "No on-failure destination"
    return Check(
        "async_on_failure",
        WARN,
        what,
        "An S3 event whose handling fails every retry is dropped without a trace (AsyncEventsDropped).",
        f"aws lambda put-function-event-invoke-config --function-name {facts.config.name} "
        "--maximum-retry-attempts 2 --destination-config "
        f'\'{{"OnFailure":{{"Destination":"arn:aws:sqs:{facts.region}:<account>:{facts.config.name}-failed"}}}}\'',
    )
