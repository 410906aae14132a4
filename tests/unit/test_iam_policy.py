"""The stage policies and the operator policy grant exactly what is called: every AWS call the suite records
(tests/aws_calls.json, kept true by tests/aws_calls.py) is allowed under IAM's rules, and every grant is used
by a call, or by AWS acting with the role, or is kept for a reason named here.

Also IAM's matching rules themselves (console/deploy/iam.py) on the IAM User Guide's own examples.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from console.deploy import iam
from tests.aws_calls import load_catalogue

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "console" / "deploy"
STAGES = ("dev", "prod")
OPERATOR_POLICY = DEPLOY / "policy-operator.json"

STREAM = iam.TABLE + "/stream/{stream_label}"
LOG_STREAM = iam.LOG_GROUP + ":log-stream:{log_stream}"

# What AWS does with the function's role, which no test of ours can record: (action, resource, why).
ON_THE_ROLES_BEHALF = [
    ("logs:CreateLogGroup", iam.LOG_GROUP, "Lambda writes the function's logs with its execution role"),
    ("logs:CreateLogStream", LOG_STREAM, "Lambda writes the function's logs with its execution role"),
    ("logs:PutLogEvents", LOG_STREAM, "Lambda writes the function's logs with its execution role"),
    (
        "lambda:InvokeFunction",
        iam.FUNCTION,
        "API Gateway invokes the function with the role as the integration's credentials (Zappa's template sets "
        "Integration.Credentials to it: tests/lambda/test_deploy_rehearsal.py checks the template)",
    ),
    ("dynamodb:DescribeStream", STREAM, "the stream trigger (event source mapping) reads with the role"),
    ("dynamodb:GetShardIterator", STREAM, "the stream trigger (event source mapping) reads with the role"),
    ("dynamodb:GetRecords", STREAM, "the stream trigger (event source mapping) reads with the role"),
    (
        "dynamodb:ListStreams",
        "*",
        "the stream trigger lists the table's streams; IAM accepts only * for it (Service Authorization Reference: "
        "no resource type)",
    ),
    (
        "sqs:SendMessage",
        iam.QUEUE,
        "Lambda sends a failed asynchronous event (the S3 trigger's) to the on-failure destination with the role "
        "(console/deploy/async_wiring.py)",
    ),
]

# What AWS does with the operator's permissions: CloudFormation builds and removes the stack's API Gateway
# resources as the caller (no stack role), and API Gateway needs iam:PassRole for the integration's credentials.
APIGATEWAY_BY_CLOUDFORMATION = [
    ("apigateway:POST", iam.APIGATEWAY + "/restapis"),
    ("apigateway:POST", iam.APIGATEWAY + "/restapis/{rest_api}/resources/{resource_id}"),
    ("apigateway:PUT", iam.APIGATEWAY + "/restapis/{rest_api}/resources/{resource_id}/methods/ANY"),
    ("apigateway:POST", iam.APIGATEWAY + "/restapis/{rest_api}/deployments"),
    ("apigateway:DELETE", iam.APIGATEWAY + "/restapis/{rest_api}"),
    ("iam:PassRole", iam.ROLE),
]

# Grants no recorded request matches, kept on purpose: (Sid, resource pattern with the stage's names, why).
KEPT_RESOURCES = {
    (
        "HealthConsoleOwnLogReads",
        iam.LOG_GROUP + ":*",
    ): "CloudWatch Logs checks some log-group actions against the group's ARN with a trailing :* (the ARN "
    "DescribeLogGroups returns; AWS's own examples grant log-group:NAME:*), and which form is checked is "
    "not documented per action: both are granted",
    (
        "ApiGatewayInvokesOwnFunction",
        iam.FUNCTION + ":*",
    ): "its versions and aliases: Zappa's apigateway_lambda_qualifier points the integration at one",
}

# Operator grants no call of ours makes, kept on purpose: (action, resource, why).
OPERATOR_KEPT_GRANTS = [
    (
        "s3:DeleteObject",
        iam.ATTACHMENTS + "/*",
        "create_bucket's lifecycle rule deletes objects, so the operator can delete them anyway; parliament "
        "(RESOURCE_POLICY_PRIVILEGE_ESCALATION) asks for that power to be granted plainly rather than implied",
    ),
]

# Calls of a configuration that neither stage uses (a test below checks that none does).
NOT_IN_STAGES = {
    "secretsmanager:GetSecretValue": "the secret key from Secrets Manager (SECRET_KEY_SECRET_ID) instead of SSM",
}

# parliament findings at LOW kept, with why: (policy file, issue, action).
KEPT_FINDINGS = {
    (
        "policy-dev.json",
        "RESOURCE_STAR",
        "logs:GetQueryResults",
    ): "GetQueryResults names only a query id; AWS refuses it under a grant scoped to the log group "
    "(aws/aws-cdk discussion #16103), though the Service Authorization Reference lists log-group",
    ("policy-prod.json", "RESOURCE_STAR", "logs:GetQueryResults"): "as for policy-dev.json",
}


def stage_settings(stage: str) -> dict:
    stages = json.loads((REPO / "zappa_settings.json").read_text())
    config = dict(stages[stage])
    parent = config.pop("extends", None)
    return {**stages[parent], **config} if parent else config


def names(stage: str) -> dict[str, str]:
    return {
        **iam.stage_names(stage, stage_settings(stage)),
        "stream_label": "2026-12-01T00:00:00.000",
        "log_stream": "2026/12/01/[$LATEST]0123456789abcdef0123456789abcdef",
        "resource_id": "abc123",
    }


def catalogue(who: str) -> list[dict[str, str]]:
    return [e for e in load_catalogue() if e["who"] == who]


def requests(who: str, stage: str) -> list[tuple[str, str]]:
    found = {
        (e["action"], iam.resolve(e["resource"], names(stage)))
        for e in catalogue(who)
        if e["action"] not in NOT_IN_STAGES
    }
    if who == "function":
        found |= {(action, iam.resolve(resource, names(stage))) for action, resource, _ in ON_THE_ROLES_BEHALF}
    else:
        found |= {(action, iam.resolve(resource, names(stage))) for action, resource in APIGATEWAY_BY_CLOUDFORMATION}
    return sorted(found)


def policy_path(who: str, stage: str) -> Path:
    return DEPLOY / f"policy-{stage}.json" if who == "function" else OPERATOR_POLICY


def expand(pattern: str) -> list[str]:
    """Every IAM action a pattern names, from the Service Authorization Reference (parliament's copy)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from parliament import expand_action

    return [f"{a['service']}:{a['action']}" for a in expand_action(pattern)]


def unused(policy: dict, wanted: list[tuple[str, str]], kept: set[tuple[str, str]]) -> list[str]:
    """Each action a statement names (wildcards expanded) and each resource it names must serve a request."""
    out = []
    for statement in iam.statements(policy):
        if statement.get("Effect") != "Allow":
            continue
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        sid = statement.get("Sid", "")
        for pattern in actions:
            for action in expand(pattern):
                if not any(
                    a.lower() == action.lower() and any(iam.resource_matches(p, r) for p in resources)
                    for a, r in wanted
                ):
                    out.append(f"{sid}: {action} (from {pattern}) serves no call")
        for resource in resources:
            if (sid, resource) in kept:
                continue
            if not any(
                iam.resource_matches(resource, r) and any(iam.action_matches(p, a) for p in actions) for a, r in wanted
            ):
                out.append(f"{sid}: {resource} serves no call")
    return out


# -- the policies ------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_the_stage_policy_allows_every_call_the_function_makes(stage):
    policy = iam.load(policy_path("function", stage))

    denied = [
        f"{a} on {r}: {iam.evaluate(policy, a, r)}"
        for a, r in requests("function", stage)
        if not iam.allows(policy, a, r)
    ]

    assert denied == []


@pytest.mark.parametrize("stage", STAGES)
def test_the_stage_policy_grants_nothing_that_no_call_uses(stage):
    policy = iam.load(policy_path("function", stage))
    # The policies name the account as a wildcard.
    kept = {(sid, iam.resolve(resource, {**names(stage), "account": "*"})) for sid, resource in KEPT_RESOURCES}

    assert unused(policy, requests("function", stage), kept) == []


@pytest.mark.parametrize("stage", STAGES)
def test_the_operator_policy_allows_every_call_the_operator_makes(stage):
    policy = iam.load(OPERATOR_POLICY)

    denied = [f"{a} on {r}" for a, r in requests("operator", stage) if not iam.allows(policy, a, r)]

    assert denied == []


def test_the_operator_policy_grants_nothing_that_no_call_uses():
    policy = iam.load(OPERATOR_POLICY)
    wanted = sorted({request for stage in STAGES for request in requests("operator", stage)})
    wanted += [(a, iam.resolve(r, names(stage))) for a, r, _ in OPERATOR_KEPT_GRANTS for stage in STAGES]

    assert unused(policy, wanted, set()) == []


def test_the_role_grants_what_aws_does_on_its_behalf_and_listing_streams_only_on_star():
    # The two grants a real account would have refused (the API through API Gateway, the stream trigger).
    for stage in STAGES:
        policy = iam.load(policy_path("function", stage))
        function = iam.resolve(iam.FUNCTION, names(stage))
        assert iam.allows(policy, "lambda:InvokeFunction", function)
        assert iam.allows(policy, "lambda:InvokeFunction", f"{function}:live")
        assert iam.allows(policy, "dynamodb:ListStreams", "*")


def test_no_stage_configures_what_the_policies_leave_out():
    for stage in STAGES:
        assert "SECRET_KEY_SECRET_ID" not in (stage_settings(stage).get("environment_variables") or {})
        assert stage_settings(stage)["attach_policy"] == f"console/deploy/policy-{stage}.json"


def test_the_prod_policy_is_the_dev_policy_with_prods_names():
    dev = (DEPLOY / "policy-dev.json").read_text()
    prod = (DEPLOY / "policy-prod.json").read_text()

    assert dev.replace("notes-console-dev", "notes-console-prod").replace("/dev/", "/prod/") == prod


# -- the catalogue -----------------------------------------------------------------------------------
def test_each_catalogued_call_names_a_test_that_makes_it():
    for entry in load_catalogue():
        path, _, name = entry["made_by"].partition("::")
        source = (REPO / path).read_text()
        assert re.search(rf"def {re.escape(name.split('[')[0])}\(", source), entry


def test_each_catalogued_action_exists_and_takes_the_resource_it_is_given():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from parliament import iam_definition

    privileges = {f"{s['prefix']}:{p['privilege']}".lower(): p for s in iam_definition for p in s["privileges"]}
    for entry in load_catalogue():
        privilege = privileges[entry["action"].lower()]
        types = {t["resource_type"].rstrip("*") for t in privilege["resource_types"]}
        if entry["action"] == "logs:GetQueryResults":  # see KEPT_FINDINGS
            continue
        if entry["resource"] == "*":
            assert "" in types, entry
        else:
            assert types - {""}, entry


# -- parliament ----------------------------------------------------------------------------------------
def test_parliament_finds_nothing_above_low_and_each_low_finding_has_a_reason():
    from console.deploy.lint_policies import findings, policy_files

    for path in policy_files():
        for finding in findings(path):
            assert finding.severity in {"INFO", "LOW"}, (path.name, finding.issue, finding.detail)
            if finding.severity == "LOW":
                detail = finding.detail if isinstance(finding.detail, list) else [finding.detail]
                for action in detail:
                    assert (path.name, finding.issue, str(action)) in KEPT_FINDINGS, (path.name, finding.issue, action)


def test_the_community_auditors_flag_only_what_deploying_a_role_is():
    # See console/deploy/lint_policies.py: Zappa's manage_roles writes and passes the execution role.
    from console.deploy.lint_policies import findings

    found = {(f.severity, f.issue) for f in findings(OPERATOR_POLICY, community=True)}

    assert found == {("MEDIUM", "PERMISSIONS_MANAGEMENT_ACTIONS"), ("HIGH", "PRIVILEGE_ESCALATION")}
    for stage in STAGES:
        assert all(f.severity in {"INFO", "LOW"} for f in findings(policy_path("function", stage), community=True))


def test_the_operator_may_pass_and_write_only_the_stages_execution_roles():
    policy = iam.load(OPERATOR_POLICY)
    for action in ("iam:PassRole", "iam:PutRolePolicy", "iam:CreateRole"):
        for stage in STAGES:
            assert iam.allows(policy, action, iam.resolve(iam.ROLE, names(stage)))
        assert not iam.allows(policy, action, "arn:aws:iam::123456789012:role/Admin")


# -- IAM's rules, on the IAM User Guide's examples ---------------------------------------------------------
def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **more) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


@pytest.mark.parametrize(
    "action", ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"]
)
def test_an_action_wildcard_matches_inside_the_name(action):
    # "Action": "iam:*AccessKey*" (IAM User Guide, Action element).
    assert iam.allows(policy(allow("iam:*AccessKey*")), action, "*")


def test_an_action_wildcard_matches_only_what_it_spells():
    assert not iam.allows(policy(allow("iam:*AccessKey*")), "iam:CreateUser", "*")
    assert not iam.allows(policy(allow("lambda:GetFunction")), "lambda:GetFunctionConfiguration", "*")


def test_actions_are_case_insensitive():
    # "The prefix and the action name are case insensitive" (IAM User Guide, Action element).
    assert iam.allows(policy(allow("iam:listaccesskeys")), "IAM:ListAccessKeys", "*")


def test_resources_are_case_sensitive():
    # "In the Resource element, the IAM user name is case sensitive."
    statement = allow("iam:GetUser", "arn:aws:iam::123456789012:user/Bob")
    assert iam.allows(policy(statement), "iam:GetUser", "arn:aws:iam::123456789012:user/Bob")
    assert not iam.allows(policy(statement), "iam:GetUser", "arn:aws:iam::123456789012:user/bob")


@pytest.mark.parametrize(
    "key",
    [
        "1/test/object.jpg",
        "1/2/test/object.jpg",
        "1/2/test/3/object.jpg",
        "1/2/3/test/4/object.jpg",
        "1///test///object.jpg",
        "1/test/.jpg",
        "/test/object.jpg",
        "1/test/",
    ],
)
def test_a_resource_wildcard_spans_slashes(key):
    # "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*" and the objects it matches (IAM User Guide).
    statement = allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*")
    assert iam.allows(policy(statement), "s3:GetObject", f"arn:aws:s3:::amzn-s3-demo-bucket/{key}")


@pytest.mark.parametrize("key", ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"])
def test_a_resource_wildcard_matches_only_what_it_spells(key):
    statement = allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*")
    assert not iam.allows(policy(statement), "s3:GetObject", f"arn:aws:s3:::amzn-s3-demo-bucket/{key}")


def test_a_question_mark_is_one_character():
    # "arn:aws:s3:::example?bucket/*" identifies example1bucket, example2bucket, ... (Amazon S3 User Guide).
    statement = allow("s3:GetObject", "arn:aws:s3:::example?bucket/*")
    assert iam.allows(policy(statement), "s3:GetObject", "arn:aws:s3:::example1bucket/a")
    assert not iam.allows(policy(statement), "s3:GetObject", "arn:aws:s3:::example12bucket/a")
    assert not iam.allows(policy(statement), "s3:GetObject", "arn:aws:s3:::examplebucket/a")


def test_a_wildcard_inside_a_segment_stays_in_it_and_one_ending_a_segment_may_span_colons():
    # "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the
    # colon boundaries" (IAM User Guide, Resource element).
    inside = allow("lambda:GetFunction", "arn:aws:lambda:us-east-1:123456789012:function:my-*-fn")
    assert not iam.allows(
        policy(inside), "lambda:GetFunction", "arn:aws:lambda:us-east-1:123456789012:function:my-a:b-fn"
    )
    ending = allow("lambda:GetFunction", "arn:aws:lambda:us-east-1:*:function:my-fn")
    assert iam.allows(policy(ending), "lambda:GetFunction", "arn:aws:lambda:us-east-1:123456789012:function:my-fn")
    qualified = allow("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:*:function:my-fn:*")
    assert iam.allows(policy(qualified), "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:1:function:my-fn:live")
    assert not iam.allows(policy(qualified), "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:1:function:my-fn")


def test_a_stream_grant_does_not_cover_a_request_on_star():
    # ListStreams is authorized on "*": a grant on the table's streams does not match it.
    statement = allow("dynamodb:ListStreams", "arn:aws:dynamodb:us-east-1:*:table/t/stream/*")
    assert not iam.allows(policy(statement), "dynamodb:ListStreams", "*")


def test_an_explicit_deny_wins_and_what_nothing_allows_is_denied():
    # Policy evaluation logic: an explicit deny overrides any allow; the default is an implicit deny.
    both = policy(
        allow("s3:*", "arn:aws:s3:::bucket/*"),
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::bucket/*"},
    )
    assert iam.evaluate(both, "s3:DeleteObject", "arn:aws:s3:::bucket/key") == "ExplicitDeny"
    assert iam.evaluate(both, "s3:GetObject", "arn:aws:s3:::bucket/key") == "Allow"
    assert iam.evaluate(both, "s3:GetObject", "arn:aws:s3:::other/key") == "ImplicitDeny"


def test_not_action_and_not_resource_allow_everything_else():
    # NotAction with Allow: "allows all actions except those listed" (IAM User Guide, NotAction).
    statement = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert iam.allows(policy(statement), "s3:GetObject", "arn:aws:s3:::b/k")
    assert not iam.allows(policy(statement), "iam:CreateUser", "arn:aws:iam::1:user/x")
    statement = {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::HRBucket/Payroll/*"]}
    both = policy(allow("s3:*"), statement)
    assert iam.allows(both, "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/jan")
    assert not iam.allows(both, "s3:GetObject", "arn:aws:s3:::HRBucket/Other/jan")


def test_a_condition_is_refused_rather_than_ignored():
    statement = allow("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}})
    with pytest.raises(ValueError, match="Condition"):
        iam.evaluate(policy(statement), "s3:GetObject", "arn:aws:s3:::b/k")


def test_a_call_maps_to_its_iam_action_and_resource():
    assert iam.permissions("dynamodb", "Query", {"TableName": "t", "IndexName": "by_updated"}) == [
        iam.Permission("dynamodb:Query", iam.TABLE + "/index/by_updated")
    ]
    assert iam.permissions(
        "dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {}}, {"ConditionCheck": {}}]}
    ) == sorted(
        [iam.Permission("dynamodb:PutItem", iam.TABLE), iam.Permission("dynamodb:ConditionCheckItem", iam.TABLE)]
    )
    assert iam.permissions("lambda", "GetFunction", {"FunctionName": "fn:live"}) == [
        iam.Permission("lambda:GetFunction", iam.FUNCTION + ":live")
    ]
    assert iam.permissions("s3", "HeadBucket", {"Bucket": "b"}) == [iam.Permission("s3:ListBucket", iam.BUCKET)]
    with pytest.raises(iam.UnknownCall):
        iam.permissions("dynamodb", "DeleteTable", {"TableName": "t"})
