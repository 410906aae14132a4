"""What IAM decides: the permissions each AWS call of the project asks for, and whether a policy grants them.

`permissions(service, operation, params)` maps one botocore call to the IAM requests AWS authorizes for it:
the action (the Service Authorization Reference's name, which is not always the operation's: S3's HeadBucket
is s3:ListBucket, API Gateway's are HTTP verbs, a TransactWriteItems asks for each item's own action) and the
resource ARN, written as a template whose placeholders name the stage's resources ({table}, {function}, ...).
A call on a resource of another name is still a call on "the stage's table": the templates are resolved with
a stage's names (`stage_names`) and evaluated against that stage's policy.

`evaluate(policy, action, resource)` applies IAM's rules for identity policies (IAM User Guide, "Policy
evaluation logic" and the Action / Resource elements): actions match case-insensitively, resources
case-sensitively, `*` and `?` are wildcards, a `*` ending an ARN segment may span colons; an explicit Deny
wins over any Allow, and what no statement allows is denied. Conditions are refused rather than ignored.

Used by the tests (tests/aws_calls.py records the calls, tests/unit/test_iam_policy.py evaluates them) and by
console/deploy/lint_policies.py; console/deploy is not part of the Lambda package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"  # the templates' {account}; the policies name the account as a wildcard
REST_API_ID = "a1b2c3d4e5"  # a stand-in for the REST API's id, which API Gateway picks at deploy time
FIRST_ADMIN_PARAMETER = "/notes-console/{stage}/first-admin-password"  # README, Deploy (createuser)


class UnknownCall(Exception):
    """An operation this module has no IAM mapping for: add it to CALLS below."""


@dataclass(frozen=True, order=True)
class Permission:
    action: str
    resource: str  # a template: arn:aws:dynamodb:{region}:{account}:table/{table}, or "*"


# -- resource templates ---------------------------------------------------------------------------
TABLE = "arn:aws:dynamodb:{region}:{account}:table/{table}"
FUNCTION = "arn:aws:lambda:{region}:{account}:function:{function}"
LOG_GROUP = "arn:aws:logs:{region}:{account}:log-group:{log_group}"
STACK = "arn:aws:cloudformation:{region}:{account}:stack/{function}/{stack_id}"
ROLE = "arn:aws:iam::{account}:role/{role}"
BUCKET = "arn:aws:s3:::{bucket}"
RULE = "arn:aws:events:{region}:{account}:rule/"
# The attachments bucket (console/aws/s3.py): its objects are granted by key prefix (uploads/, files/, thumbs/).
ATTACHMENTS = "arn:aws:s3:::{attachments_bucket}"
QUEUE = "arn:aws:sqs:{region}:{account}:{queue}"
APIGATEWAY = "arn:aws:apigateway:{region}::"
# The stage's From address (EMAIL_FROM in zappa_settings.json), verified in SES as an email identity.
EMAIL_IDENTITY = "arn:aws:ses:{region}:{account}:identity/{email_identity}"


def _table(params: dict[str, Any], index: str | None = None) -> str:
    index = index if index is not None else params.get("IndexName")
    return TABLE + (f"/index/{index}" if index else "")


def _function(params: dict[str, Any], key: str = "FunctionName") -> str:
    # FunctionName may be a name, name:qualifier, or an ARN ending in either.
    name = str(params.get(key, ""))
    qualifier = params.get("Qualifier") or ""
    if name.startswith("arn:"):
        parts = name.split(":")
        qualifier = qualifier or (parts[7] if len(parts) > 7 else "")
    elif ":" in name:
        qualifier = qualifier or name.split(":", 1)[1]
    return FUNCTION + (f":{qualifier}" if qualifier else "")


def _parameter(params: dict[str, Any]) -> str:
    # The function reads two parameters: its secret key (SECRET_KEY_PARAMETER) and, through createuser, the
    # first admin's password (README, Deploy). A test's parameter of another name stands for the first.
    name = str(params.get("Name", ""))
    which = "{first_admin_parameter}" if name.endswith("/first-admin-password") else "{parameter}"
    return "arn:aws:ssm:{region}:{account}:parameter" + which


def _mapping(params: dict[str, Any]) -> str:
    return "arn:aws:lambda:{region}:{account}:event-source-mapping:{mapping}"


def _rule(params: dict[str, Any], key: str = "Name") -> str:
    return RULE + _rule_name(str(params.get(key, "")))


def _rule_name(name: str) -> str:
    # Zappa names rules <function>-<what>; the templates keep what follows the function's name.
    match = re.match(r"notes-console-[a-z]+(-.*)?$", name)
    if match:
        return "{function}" + (match.group(1) or "")
    return name


ALARM = "arn:aws:cloudwatch:{region}:{account}:alarm:"
TOPIC = "arn:aws:sns:{region}:{account}:"


def _alarm(params: dict[str, Any]) -> str:
    # The alarms are named <function>-<what> (console/health/alarms.py), like Zappa's rules.
    return ALARM + _rule_name(str(params.get("AlarmName", "")))


def _alarms_read(params: dict[str, Any]) -> str:
    # DescribeAlarms names alarms (AlarmNames) or a prefix; the console and create_alarms ask only for the
    # function's own, so the request stands for all of them.
    return ALARM + "{function}-*"


def _topic(params: dict[str, Any]) -> str:
    name = str(params.get("Name", "")) or str(params.get("TopicArn", "")).rsplit(":", 1)[-1]
    return TOPIC + _rule_name(name)


def _is_attachments(params: dict[str, Any]) -> bool:
    return str(params.get("Bucket", "")).endswith("-attachments")


def _s3_bucket(action: str) -> Callable[[dict[str, Any]], list[Permission]]:
    return lambda p: [Permission(action, ATTACHMENTS if _is_attachments(p) else BUCKET)]


def _s3_object(action: str) -> Callable[[dict[str, Any]], list[Permission]]:
    """An object action: on Zappa's deploy bucket any key; on the attachments bucket the key's prefix."""

    def build(p: dict[str, Any]) -> list[Permission]:
        if not _is_attachments(p):
            return [Permission(action, BUCKET + "/*")]
        keys = [str(p.get("Key", ""))] + [str(o.get("Key", "")) for o in (p.get("Delete") or {}).get("Objects", [])]
        out = [Permission(action, f"{ATTACHMENTS}/{k.split('/', 1)[0]}/*") for k in keys if k]
        source = p.get("CopySource")
        if isinstance(source, dict):
            out.append(Permission("s3:GetObject", f"{ATTACHMENTS}/{str(source.get('Key', '')).split('/', 1)[0]}/*"))
        return out

    return build


def _transact_write(params: dict[str, Any]) -> list[Permission]:
    actions = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
    out = []
    for item in params.get("TransactItems", []):
        for kind, action in actions.items():
            if kind in item:
                out.append(Permission(f"dynamodb:{action}", TABLE))
    return out


def _batch(action: str) -> Callable[[dict[str, Any]], list[Permission]]:
    # One request per table named in RequestItems; the app names only its own.
    return lambda params: [Permission(action, TABLE)]


def _api(verb: str) -> Callable[[dict[str, Any]], list[Permission]]:
    """API Gateway's control plane: the action is the HTTP verb, the resource the API's path."""

    def build(params: dict[str, Any]) -> list[Permission]:
        path = "/restapis"
        if params.get("restApiId"):
            path += "/{rest_api}"
            for key, segment in (("resourceId", "resources"), ("stageName", "stages"), ("deploymentId", "deployments")):
                if params.get(key):
                    path += f"/{segment}/" + ("{stage_name}" if key == "stageName" else "*")
                    break
        return [Permission(f"apigateway:{verb}", APIGATEWAY + path)]

    return build


def _one(
    action: str, resource: str | Callable[[dict[str, Any]], str] = "*"
) -> Callable[[dict[str, Any]], list[Permission]]:
    if callable(resource):
        return lambda params: [Permission(action, resource(params))]
    return lambda params: [Permission(action, resource)]


# (botocore service name, operation name) -> the IAM requests it makes. "*" where the Service Authorization
# Reference lists no resource type for the action (it authorizes against every resource).
CALLS: dict[tuple[str, str], Callable[[dict[str, Any]], list[Permission]]] = {
    # -- the function ------------------------------------------------------------------------------
    ("ses", "SendEmail"): _one("ses:SendEmail", EMAIL_IDENTITY),
    ("dynamodb", "GetItem"): _one("dynamodb:GetItem", TABLE),
    ("dynamodb", "PutItem"): _one("dynamodb:PutItem", TABLE),
    ("dynamodb", "UpdateItem"): _one("dynamodb:UpdateItem", TABLE),
    ("dynamodb", "DeleteItem"): _one("dynamodb:DeleteItem", TABLE),
    ("dynamodb", "Query"): _one("dynamodb:Query", _table),
    ("dynamodb", "Scan"): _one("dynamodb:Scan", _table),
    ("dynamodb", "BatchGetItem"): _batch("dynamodb:BatchGetItem"),
    ("dynamodb", "BatchWriteItem"): _batch("dynamodb:BatchWriteItem"),
    ("dynamodb", "TransactWriteItems"): _transact_write,
    ("dynamodb", "TransactGetItems"): lambda p: [
        Permission("dynamodb:GetItem", TABLE) for _ in p.get("TransactItems", [])
    ],
    ("dynamodb", "DescribeTable"): _one("dynamodb:DescribeTable", TABLE),
    ("ssm", "GetParameter"): _one("ssm:GetParameter", _parameter),
    ("secretsmanager", "GetSecretValue"): _one(
        "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:{region}:{account}:secret:{secret}-AbCdEf"
    ),
    ("lambda", "GetFunction"): _one("lambda:GetFunction", _function),
    ("lambda", "ListEventSourceMappings"): _one("lambda:ListEventSourceMappings"),
    ("cloudwatch", "GetMetricData"): _one("cloudwatch:GetMetricData"),
    ("cloudwatch", "DescribeAlarms"): _one("cloudwatch:DescribeAlarms", _alarms_read),
    # The Checks page (console/health/aws_setup.py). DescribeLogGroups and EC2's Describe* list by filter:
    # the Service Authorization Reference gives them no resource type ("*").
    # (GetFunctionUrlConfig is mapped below with Zappa's calls.) GetFunctionEventInvokeConfig is also the
    # asynchronous invocations page's read (console/health/aws_async.py).
    ("lambda", "GetFunctionEventInvokeConfig"): _one("lambda:GetFunctionEventInvokeConfig", _function),
    ("logs", "DescribeLogGroups"): _one("logs:DescribeLogGroups"),
    ("ec2", "DescribeVpcEndpoints"): _one("ec2:DescribeVpcEndpoints"),
    ("ec2", "DescribeRouteTables"): _one("ec2:DescribeRouteTables"),
    # -- create_alarms (the operator) ---------------------------------------------------------------
    ("cloudwatch", "PutMetricAlarm"): _one("cloudwatch:PutMetricAlarm", _alarm),
    ("sns", "CreateTopic"): _one("sns:CreateTopic", _topic),
    ("sns", "ListSubscriptionsByTopic"): _one("sns:ListSubscriptionsByTopic", _topic),
    ("sns", "Subscribe"): _one("sns:Subscribe", _topic),
    ("logs", "FilterLogEvents"): _one("logs:FilterLogEvents", LOG_GROUP),
    ("logs", "StartQuery"): _one("logs:StartQuery", LOG_GROUP),
    # The Service Authorization Reference lists log-group for it, but the call names only a query id and
    # AWS refuses it under a grant scoped to the log group (aws/aws-cdk discussion #16103): "*".
    ("logs", "GetQueryResults"): _one("logs:GetQueryResults"),
    ("events", "ListRules"): _one("events:ListRules"),
    ("cloudformation", "DescribeStackResource"): _one("cloudformation:DescribeStackResource", STACK),
    # -- the operator: the table, the stream trigger -----------------------------------------------
    ("dynamodb", "CreateTable"): _one("dynamodb:CreateTable", TABLE),
    ("dynamodb", "UpdateTimeToLive"): _one("dynamodb:UpdateTimeToLive", TABLE),
    ("dynamodb", "UpdateContinuousBackups"): _one("dynamodb:UpdateContinuousBackups", TABLE),
    ("dynamodb", "DescribeContinuousBackups"): _one("dynamodb:DescribeContinuousBackups", TABLE),
    ("lambda", "CreateEventSourceMapping"): _one("lambda:CreateEventSourceMapping"),
    ("lambda", "UpdateEventSourceMapping"): _one("lambda:UpdateEventSourceMapping", _mapping),
    ("lambda", "DeleteEventSourceMapping"): _one("lambda:DeleteEventSourceMapping", _mapping),
    ("lambda", "GetEventSourceMapping"): _one("lambda:GetEventSourceMapping", _mapping),
    # -- the operator: Zappa's deploy, update, status, undeploy ------------------------------------
    ("sts", "GetCallerIdentity"): lambda p: [],  # needs no permission (IAM User Guide, GetCallerIdentity)
    ("s3", "HeadBucket"): _s3_bucket("s3:ListBucket"),
    ("s3", "CreateBucket"): _s3_bucket("s3:CreateBucket"),
    ("s3", "PutObject"): _s3_object("s3:PutObject"),
    ("s3", "CreateMultipartUpload"): _one("s3:PutObject", BUCKET + "/*"),
    ("s3", "UploadPart"): _one("s3:PutObject", BUCKET + "/*"),
    ("s3", "CompleteMultipartUpload"): _one("s3:PutObject", BUCKET + "/*"),
    ("s3", "HeadObject"): _s3_object("s3:GetObject"),
    ("s3", "DeleteObject"): _s3_object("s3:DeleteObject"),
    ("s3", "PutBucketLifecycleConfiguration"): _s3_bucket("s3:PutLifecycleConfiguration"),
    # -- the attachments bucket: the function's objects, the operator's create_bucket --------------------
    ("s3", "GetObject"): _s3_object("s3:GetObject"),
    ("s3", "CopyObject"): _s3_object("s3:PutObject"),
    ("s3", "DeleteObjects"): _s3_object("s3:DeleteObject"),
    ("s3", "ListObjectsV2"): _s3_bucket("s3:ListBucket"),
    ("s3", "PutPublicAccessBlock"): _s3_bucket("s3:PutBucketPublicAccessBlock"),
    ("s3", "PutBucketEncryption"): _s3_bucket("s3:PutEncryptionConfiguration"),
    ("s3", "PutBucketCors"): _s3_bucket("s3:PutBucketCORS"),
    # Zappa's deploy wires the S3 trigger: the bucket's notification configuration.
    ("s3", "GetBucketNotificationConfiguration"): _s3_bucket("s3:GetBucketNotification"),
    ("s3", "PutBucketNotificationConfiguration"): _s3_bucket("s3:PutBucketNotification"),
    ("sqs", "SendMessage"): _one("sqs:SendMessage", QUEUE),
    ("sqs", "CreateQueue"): _one("sqs:CreateQueue", QUEUE),
    ("sqs", "GetQueueAttributes"): _one("sqs:GetQueueAttributes", QUEUE),
    ("lambda", "PutFunctionEventInvokeConfig"): _one("lambda:PutFunctionEventInvokeConfig", FUNCTION),
    # (GetFunctionEventInvokeConfig, which wire_async reads back, is mapped above with the Checks page's reads.)
    ("iam", "GetRole"): _one("iam:GetRole", ROLE),
    ("iam", "CreateRole"): _one("iam:CreateRole", ROLE),
    ("iam", "UpdateAssumeRolePolicy"): _one("iam:UpdateAssumeRolePolicy", ROLE),
    ("iam", "GetRolePolicy"): _one("iam:GetRolePolicy", ROLE),
    ("iam", "PutRolePolicy"): _one("iam:PutRolePolicy", ROLE),
    ("lambda", "CreateFunction"): lambda p: [
        Permission("lambda:CreateFunction", FUNCTION),
        Permission("iam:PassRole", ROLE),
    ],
    ("lambda", "GetFunctionConfiguration"): _one("lambda:GetFunctionConfiguration", _function),
    ("lambda", "UpdateFunctionCode"): _one("lambda:UpdateFunctionCode", FUNCTION),
    ("lambda", "UpdateFunctionConfiguration"): lambda p: (
        [Permission("lambda:UpdateFunctionConfiguration", FUNCTION)]
        + ([Permission("iam:PassRole", ROLE)] if p.get("Role") else [])
    ),
    ("lambda", "ListVersionsByFunction"): _one("lambda:ListVersionsByFunction", FUNCTION),
    ("lambda", "DeleteFunction"): _one("lambda:DeleteFunction", _function),
    ("lambda", "DeleteFunctionConcurrency"): _one("lambda:DeleteFunctionConcurrency", FUNCTION),
    ("lambda", "PutFunctionConcurrency"): _one("lambda:PutFunctionConcurrency", FUNCTION),
    ("lambda", "AddPermission"): _one("lambda:AddPermission", _function),
    ("lambda", "RemovePermission"): _one("lambda:RemovePermission", _function),
    ("lambda", "GetPolicy"): _one("lambda:GetPolicy", _function),
    ("lambda", "ListFunctionUrlConfigs"): _one("lambda:ListFunctionUrlConfigs", FUNCTION),
    ("lambda", "GetFunctionUrlConfig"): _one("lambda:GetFunctionUrlConfig", _function),
    ("lambda", "DeleteFunctionUrlConfig"): _one("lambda:DeleteFunctionUrlConfig", _function),
    ("lambda", "ListAliases"): _one("lambda:ListAliases", FUNCTION),
    # Lambda's alias actions are authorized on the function's (unqualified) ARN.
    ("lambda", "GetAlias"): _one("lambda:GetAlias", FUNCTION),
    ("lambda", "PublishVersion"): _one("lambda:PublishVersion", FUNCTION),
    ("lambda", "DeleteProvisionedConcurrencyConfig"): _one("lambda:DeleteProvisionedConcurrencyConfig", _function),
    ("events", "PutRule"): _one("events:PutRule", _rule),
    ("events", "DescribeRule"): _one("events:DescribeRule", _rule),
    ("events", "DeleteRule"): _one("events:DeleteRule", _rule),
    ("events", "PutTargets"): _one("events:PutTargets", lambda p: _rule(p, "Rule")),
    ("events", "RemoveTargets"): _one("events:RemoveTargets", lambda p: _rule(p, "Rule")),
    ("events", "ListTargetsByRule"): _one("events:ListTargetsByRule", lambda p: _rule(p, "Rule")),
    ("events", "ListRuleNamesByTarget"): _one("events:ListRuleNamesByTarget"),
    ("cloudformation", "DescribeStacks"): _one("cloudformation:DescribeStacks", STACK),
    ("cloudformation", "CreateStack"): _one("cloudformation:CreateStack", STACK),
    ("cloudformation", "UpdateStack"): _one("cloudformation:UpdateStack", STACK),
    ("cloudformation", "DeleteStack"): _one("cloudformation:DeleteStack", STACK),
    ("cloudformation", "DescribeStackResources"): _one("cloudformation:DescribeStackResources", STACK),
    ("cloudformation", "ListStackResources"): _one("cloudformation:ListStackResources", STACK),
    ("cloudwatch", "GetMetricStatistics"): _one("cloudwatch:GetMetricStatistics"),
    ("apigateway", "GetRestApis"): _api("GET"),
    ("apigateway", "GetRestApi"): _api("GET"),
    ("apigateway", "GetResources"): _api("GET"),
    ("apigateway", "GetStage"): _api("GET"),
    ("apigateway", "CreateDeployment"): _api("POST"),
    ("apigateway", "UpdateRestApi"): _api("PATCH"),
    ("apigateway", "UpdateStage"): _api("PATCH"),
    ("apigateway", "UpdateIntegration"): _api("PATCH"),
    ("apigateway", "UpdateIntegrationResponse"): _api("PATCH"),
    ("apigateway", "GetApiKeys"): lambda p: [Permission("apigateway:GET", APIGATEWAY + "/apikeys")],
    ("apigateway", "GetDomainNames"): lambda p: [Permission("apigateway:GET", APIGATEWAY + "/domainnames")],
    ("apigateway", "GetBasePathMappings"): lambda p: [Permission("apigateway:GET", APIGATEWAY + "/domainnames/*")],
    ("apigatewayv2", "GetApis"): lambda p: [Permission("apigateway:GET", APIGATEWAY + "/apis")],
    ("apigatewayv2", "GetDomainNames"): lambda p: [Permission("apigateway:GET", APIGATEWAY + "/domainnames")],
    ("logs", "DescribeLogStreams"): _one("logs:DescribeLogStreams", LOG_GROUP),
    ("logs", "DeleteLogGroup"): _one("logs:DeleteLogGroup", LOG_GROUP),
}


def permissions(service: str, operation: str, params: dict[str, Any]) -> list[Permission]:
    """The IAM requests one call makes, as templates (see the module's docstring)."""
    try:
        build = CALLS[(service, operation)]
    except KeyError:
        raise UnknownCall(f"{service}.{operation}: no IAM mapping in console/deploy/iam.py CALLS") from None
    return sorted(set(build(params)))


def stage_names(stage: str, settings: dict[str, Any]) -> dict[str, str]:
    """What the templates' placeholders are for `stage` of zappa_settings.json (`extends` resolved)."""
    function = f"{settings['project_name']}-{stage}"
    env = settings.get("environment_variables") or {}
    return {
        "region": settings.get("aws_region", "us-east-1"),
        "account": ACCOUNT,
        "table": env.get("DYNAMODB_TABLE", ""),
        "function": function,
        "log_group": f"/aws/lambda/{function}",
        "stack_id": "7f1a3c00-0000-4000-8000-000000000000",
        "mapping": "14e0db71-0000-4000-8000-000000000000",
        "parameter": env.get("SECRET_KEY_PARAMETER", ""),
        "first_admin_parameter": FIRST_ADMIN_PARAMETER.format(stage=stage),
        "secret": env.get("SECRET_KEY_SECRET_ID", ""),
        "role": f"{function}-ZappaLambdaExecutionRole",
        "bucket": settings.get("s3_bucket", ""),
        "attachments_bucket": env.get("ATTACHMENTS_BUCKET", ""),
        "queue": f"{function}-async-failures",
        "rest_api": REST_API_ID,
        "stage_name": stage,
        "email_identity": env.get("EMAIL_FROM", ""),
    }


def resolve(template: str, names: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: names[m.group(1)], template)


# -- IAM's evaluation ---------------------------------------------------------------------------------
def _glob(pattern: str, *, arn: bool) -> re.Pattern[str]:
    """A wildcard pattern as a regex. In an ARN, `*` and `?` stay inside a colon-separated segment, except a
    `*` that ends a segment, which may span colons (IAM User Guide, Resource element)."""
    out = []
    for i, char in enumerate(pattern):
        if char == "*":
            ends_segment = i + 1 == len(pattern) or pattern[i + 1] == ":"
            out.append(".*" if not arn or ends_segment else "[^:]*")
        elif char == "?":
            out.append("[^:]" if arn else ".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL if not arn else 0)


@lru_cache(maxsize=1024)  # the policies hold a few dozen patterns
def _compiled(pattern: str, kind: str) -> re.Pattern[str]:
    if kind == "action":
        return re.compile(_glob(pattern.lower(), arn=False).pattern)
    return _glob(pattern, arn=True)


def action_matches(pattern: str, action: str) -> bool:
    return bool(_compiled(pattern, "action").fullmatch(action.lower()))


def resource_matches(pattern: str, resource: str) -> bool:
    if pattern == "*":
        return True
    return bool(_compiled(pattern, "resource").fullmatch(resource))


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    found = policy.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def statement_applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    if "Condition" in statement:
        raise ValueError(f"statement {statement.get('Sid', '')!r} has a Condition, which this evaluator does not model")
    if "Action" in statement:
        acts = any(action_matches(p, action) for p in _listed(statement["Action"]))
    else:
        acts = not any(action_matches(p, action) for p in _listed(statement["NotAction"]))
    if not acts:
        return False
    if "Resource" in statement:
        return any(resource_matches(p, resource) for p in _listed(statement["Resource"]))
    return not any(resource_matches(p, resource) for p in _listed(statement["NotResource"]))


def evaluate(policy: dict[str, Any], action: str, resource: str) -> str:
    """The decision for one request under one identity policy: Allow, ExplicitDeny or ImplicitDeny."""
    decision = "ImplicitDeny"
    for statement in statements(policy):
        if statement_applies(statement, action, resource):
            if statement["Effect"] == "Deny":
                return "ExplicitDeny"
            decision = "Allow"
    return decision


def allows(policy: dict[str, Any], action: str, resource: str) -> bool:
    return evaluate(policy, action, resource) == "Allow"


def load(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def unused_grants(policy: dict[str, Any], requests: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(Sid, action pattern, resource pattern) pairs of Allow statements that no request uses."""
    requests = list(requests)
    unused = []
    for statement in statements(policy):
        if statement.get("Effect") != "Allow" or "Action" not in statement or "Resource" not in statement:
            continue
        for action in _listed(statement["Action"]):
            for resource in _listed(statement["Resource"]):
                if not any(action_matches(action, a) and resource_matches(resource, r) for a, r in requests):
                    unused.append((statement.get("Sid", ""), action, resource))
    return unused
