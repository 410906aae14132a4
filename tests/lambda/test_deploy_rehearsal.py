"""The deploy rehearsal: README's Deploy steps end to end against a moto server on 127.0.0.1.

The operator creates the tables (`manage.py create_table`), then Zappa itself (its CLI, in this process) runs
`zappa deploy dev`, `zappa update dev`, `zappa status dev` and `zappa undeploy dev` with every AWS endpoint
pointed at the server (AWS_ENDPOINT_URL) and dummy credentials: the S3 upload, the role and its policy, the
function with the stage's settings, the API Gateway stack (CloudFormation), the schedule. The console's AWS
gateway, pointed at the same server, then shows the deployed function: its configuration with no drift from
zappa_settings.json and its secrets redacted, its schedule and its API URL.

What is not Zappa's own work, and why:
- the package: a stand-in zip (moto's Lambda runs no code without Docker, and the real package takes minutes
  to build); its "zip" callback (console/deploy/lambda_zip.py) runs on it as on the real one, and `make
  package` checks the real package (bench/check_package.py).
- Zappa's PyPI version check and the touch (a GET on the new execute-api URL, which only API Gateway's edge
  answers): the URL it would touch is asserted; tests/lambda/test_handler.py drives the handler with API
  Gateway's events.
- Steps moto cannot play are answered with AWS's documented response shapes, validated against botocore's
  service model as Stubber validates its responses (DOCUMENTED_ANSWERS).
- moto answers AddPermission with HTTP 200 where AWS answers 201, so Zappa logs "Problem creating permission"
  though the permission is made: the rehearsal reads the function's policy instead of trusting that log line.
The CloudFormation template Zappa generates for the stage passes cfn-lint with no error.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import boto3
import botocore.handlers
import pytest
from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters

from console.aws import dynamodb
from console.health import aws as health_aws
from console.health import triggers as triggers_question
from console.health.stage import drift, expected_config, load_stage

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
STAGE = "dev"
FUNCTION = f"notes-console-{STAGE}"
REGION = "us-east-1"

# Operations moto 5.2.5 does not implement, each answered with the response AWS documents for this case.
DOCUMENTED_ANSWERS = {
    # Zappa's update deletes a function URL it may have made before: AWS answers an empty list for a
    # function without one (Lambda API Reference, ListFunctionUrlConfigs; moto: 404 Not Found).
    ("lambda", "ListFunctionUrlConfigs"): {"FunctionUrlConfigs": []},
}


def stage_config(stage: str = STAGE) -> dict:
    stages = json.loads((REPO / "zappa_settings.json").read_text())
    config = dict(stages[stage])
    parent = config.pop("extends", None)
    return {**stages[parent], **config} if parent else config


def _documented_answer(model, params, **_):
    key = (model.service_model.service_name, model.name)
    if key in DOCUMENTED_ANSWERS:
        answer = DOCUMENTED_ANSWERS[key]
        validate_parameters(answer, model.output_shape)  # what Stubber checks of a stubbed response
        return AWSResponse(f"documented:{model.name}", 200, {}, None), answer
    return None


@pytest.fixture
def rehearsal(moto_server, monkeypatch, tmp_path, settings):
    """The session's moto server, emptied, with every AWS endpoint pointed at it, and Zappa's CLI ready to run
    in-process. (moto's backends are per process, whatever the server: a second server would share them.)"""
    from urllib.request import Request, urlopen

    from zappa import cli as zappa_cli
    from zappa import core as zappa_core

    url = moto_server
    urlopen(Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()  # noqa: S310 - loopback
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    # Zappa reads ./zappa_settings.json and the attach_policy file under it, and leaves template files in ./
    work = tmp_path / "work"
    (work / "console" / "deploy").mkdir(parents=True)
    shutil.copy(REPO / "zappa_settings.json", work)
    for policy in (REPO / "console" / "deploy").glob("policy-*.json"):
        shutil.copy(policy, work / "console" / "deploy")
    monkeypatch.chdir(work)
    monkeypatch.setattr(
        botocore.handlers,
        "BUILTIN_HANDLERS",
        [*botocore.handlers.BUILTIN_HANDLERS, ("before-call", _documented_answer)],
    )
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # sessions made from here on carry the answers; dropped after

    stand_in = tmp_path / "package.zip"
    with zipfile.ZipFile(stand_in, "w") as z:
        z.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
        z.writestr("console/__init__.py", "")

    def create_package(self, output=None):
        self.zip_path = str(tmp_path / f"{self.lambda_name}-{time.time_ns()}.zip")
        shutil.copy(stand_in, self.zip_path)

    touched: list[str] = []
    monkeypatch.setattr(zappa_cli.ZappaCLI, "create_package", create_package)
    monkeypatch.setattr(zappa_cli.ZappaCLI, "check_venv", lambda self: None)  # the package is prebuilt
    monkeypatch.setattr(zappa_cli.ZappaCLI, "touch_endpoint", lambda self, endpoint: touched.append(endpoint))
    monkeypatch.setattr(zappa_cli, "check_new_version_available", lambda version: False)
    # Zappa polls CloudFormation every 3 s and Lambda every 5 s; moto is done at once.
    real_time = zappa_core.time
    monkeypatch.setattr(
        zappa_core, "time", SimpleNamespace(sleep=lambda s: real_time.sleep(min(s, 0.05)), time=real_time.time)
    )

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_STAGE = ""
    settings.DYNAMODB_TABLE = stage_config()["environment_variables"]["DYNAMODB_TABLE"]
    dynamodb.reset_client()
    health_aws.reset_clients()

    def zappa(*argv: str) -> None:
        zappa_cli.ZappaCLI().handle(list(argv))

    def client(service: str):
        return boto3.client(service, region_name=REGION)

    try:
        yield SimpleNamespace(url=url, zappa=zappa, client=client, touched=touched)
    finally:
        dynamodb.reset_client()
        health_aws.reset_clients()
        urlopen(Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()  # noqa: S310 - loopback


def _protection(ddb, name: str) -> tuple[bool, str]:
    table = ddb.describe_table(TableName=name)["Table"]
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    return table["DeletionProtectionEnabled"], backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]


def test_deploy_update_status_and_undeploy_dev_and_the_console_shows_the_function(rehearsal, settings, capsys):
    from django.core.management import call_command

    started = time.monotonic()
    config = stage_config()
    policy = json.loads((REPO / config["attach_policy"]).read_text())
    ddb, lam = rehearsal.client("dynamodb"), rehearsal.client("lambda")

    # -- README, Deploy, step 1: the tables (prod protected; dev opts out) and the secret key ----------
    for stage, flags in (("prod", ()), (STAGE, ("--unprotected",))):
        settings.DYNAMODB_TABLE = stage_config(stage)["environment_variables"]["DYNAMODB_TABLE"]
        dynamodb.reset_client()
        call_command("create_table", *flags)
    assert _protection(ddb, "notes-console-prod") == (True, "ENABLED")
    assert _protection(ddb, "notes-console-dev") == (False, "DISABLED")
    # ... and the attachments bucket (the S3 trigger's event source must exist before the deploy wires it).
    from console.aws import s3 as aws_s3

    settings.ATTACHMENTS_BUCKET = config["environment_variables"]["ATTACHMENTS_BUCKET"]
    settings.S3_ENDPOINT_URL = os.environ["AWS_ENDPOINT_URL"]
    aws_s3.reset_client()
    call_command("create_bucket", "--origin", f"https://a1b2c3d4e5.execute-api.{REGION}.amazonaws.com")
    aws_s3.reset_client()
    secret_parameter = config["environment_variables"]["SECRET_KEY_PARAMETER"]
    rehearsal.client("ssm").put_parameter(
        Name=secret_parameter, Value="rehearsal-secret-key-" + "x" * 40, Type="SecureString"
    )
    from console.aws import secrets as aws_secrets

    assert aws_secrets.read_parameter(secret_parameter).startswith("rehearsal-secret-key-")  # as a cold start reads it
    # (No bucket yet: Zappa makes the stage's s3_bucket at the first deploy.)

    # -- zappa deploy dev ---------------------------------------------------------------------------------
    rehearsal.zappa("deploy", STAGE)
    deployed = capsys.readouterr().out
    api_url = deployed.rsplit("Deployment complete!: ", 1)[1].split()[0]
    assert api_url.endswith(f".execute-api.{REGION}.amazonaws.com/{STAGE}")
    assert rehearsal.touched == [api_url]

    role_name = f"{FUNCTION}-ZappaLambdaExecutionRole"
    iam = rehearsal.client("iam")
    role = iam.get_role(RoleName=role_name)["Role"]
    trusted = {
        s["Principal"]["Service"] if isinstance(s["Principal"]["Service"], str) else tuple(s["Principal"]["Service"])
        for s in role["AssumeRolePolicyDocument"]["Statement"]
    }
    assert any("lambda.amazonaws.com" in t for t in trusted)
    assert any("apigateway.amazonaws.com" in t for t in trusted)  # the integration assumes it to invoke
    # attach_policy replaces Zappa's default: the role's only inline policy is the stage's file.
    assert iam.list_role_policies(RoleName=role_name)["PolicyNames"] == ["zappa-permissions"]
    assert iam.get_role_policy(RoleName=role_name, PolicyName="zappa-permissions")["PolicyDocument"] == policy

    function = lam.get_function(FunctionName=FUNCTION)["Configuration"]
    assert function["Role"] == role["Arn"]
    assert (function["Runtime"], function["MemorySize"], function["Timeout"], function["Handler"]) == (
        config["runtime"],
        config["memory_size"],
        config["timeout_seconds"],
        "handler.lambda_handler",
    )
    # Zappa packages `environment_variables` (zappa_settings.py in the zip); only `aws_environment_variables`
    # become the function's own environment.
    assert (function.get("Environment") or {}).get("Variables", {}) == config.get("aws_environment_variables", {})

    stack = rehearsal.client("cloudformation").describe_stacks(StackName=FUNCTION)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    api_id = rehearsal.client("cloudformation").describe_stack_resource(StackName=FUNCTION, LogicalResourceId="Api")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    assert api_url == f"https://{api_id}.execute-api.{REGION}.amazonaws.com/{STAGE}"
    apigw = rehearsal.client("apigateway")
    assert apigw.get_stage(restApiId=api_id, stageName=STAGE)["stageName"] == STAGE
    root = next(r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    integration = apigw.get_integration(restApiId=api_id, resourceId=root["id"], httpMethod="ANY")
    assert integration["type"] == "AWS_PROXY" and function["FunctionArn"] in integration["uri"]
    # The integration invokes the function with the role: why the policy grants lambda:InvokeFunction. moto's
    # CloudFormation builds the methods without their credentials, so this reads the template Zappa submitted.
    submitted = rehearsal.client("cloudformation").get_template(StackName=FUNCTION)[
        "TemplateBody"
    ]  # decoded by botocore
    methods = [r for r in submitted["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert methods and {m["Properties"]["Integration"]["Credentials"] for m in methods} == {role["Arn"]}

    events = rehearsal.client("events")
    rule_name = f"{FUNCTION}-notes.events.purge_trash"
    rule = events.describe_rule(Name=rule_name)
    assert (rule["ScheduleExpression"], rule["State"]) == ("cron(15 3 * * ? *)", "ENABLED")
    assert [t["Arn"] for t in events.list_targets_by_rule(Rule=rule_name)["Targets"]] == [function["FunctionArn"]]
    permission = json.loads(lam.get_policy(FunctionName=FUNCTION)["Policy"])["Statement"]
    assert any(
        s["Principal"] == {"Service": "events.amazonaws.com"}
        and s["Action"] == "lambda:InvokeFunction"
        and s["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]
        for s in permission
    )
    # The S3 trigger: the attachments bucket notifies the function of uploads, which S3 may invoke.
    notification = rehearsal.client("s3").get_bucket_notification_configuration(Bucket=settings.ATTACHMENTS_BUCKET)
    (trigger,) = notification["LambdaFunctionConfigurations"]
    assert trigger["LambdaFunctionArn"].startswith(function["FunctionArn"].split(":$")[0])
    assert trigger["Events"] == ["s3:ObjectCreated:*"]
    assert [(r["Name"].lower(), r["Value"]) for r in trigger["Filter"]["Key"]["FilterRules"]] == [
        ("prefix", "uploads/")
    ]
    assert any(s["Principal"] == {"Service": "s3.amazonaws.com"} for s in permission)
    # README, Deploy: the asynchronous invocation config (retries, event age, on-failure queue).
    from console.aws import clients as aws_clients

    aws_clients.reset_clients()
    call_command("wire_async", "--stage", STAGE)
    invoke_config = lam.get_function_event_invoke_config(FunctionName=FUNCTION)
    assert invoke_config["MaximumRetryAttempts"] == 2
    assert invoke_config["DestinationConfig"]["OnFailure"]["Destination"].endswith(f":{FUNCTION}-async-failures")
    aws_clients.reset_clients()
    # The package went to the stage's bucket, and the function was made from it.
    keys = [o["Key"] for o in rehearsal.client("s3").list_objects_v2(Bucket=config["s3_bucket"]).get("Contents", [])]
    assert any(k.startswith(f"{FUNCTION}-") and k.endswith(".zip") for k in keys)

    # -- zappa update dev -----------------------------------------------------------------------------------
    versions = len(lam.list_versions_by_function(FunctionName=FUNCTION)["Versions"])
    rehearsal.zappa("update", STAGE)
    assert "Your updated Zappa deployment is live!: " + api_url in capsys.readouterr().out
    # The new code is published as a new version, with the stage's settings applied again.
    assert len(lam.list_versions_by_function(FunctionName=FUNCTION)["Versions"]) == versions + 1
    after = lam.get_function(FunctionName=FUNCTION)["Configuration"]
    assert (after["MemorySize"], after["Timeout"], after["Role"]) == (
        config["memory_size"],
        config["timeout_seconds"],
        role["Arn"],
    )
    assert rehearsal.client("cloudformation").describe_stacks(StackName=FUNCTION)["Stacks"][0]["StackStatus"] == (
        "UPDATE_COMPLETE"
    )

    # -- zappa status dev --------------------------------------------------------------------------------------
    rehearsal.zappa("status", STAGE, "--json")
    status = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert status["Lambda Name"] == FUNCTION
    assert status["Lambda Role ARN"] == role["Arn"]
    assert (status["Lambda Memory Size"], status["Lambda Timeout"], status["Lambda Runtime"]) == (
        config["memory_size"],
        config["timeout_seconds"],
        config["runtime"],
    )
    assert status["API Gateway URL"] == api_url
    assert [(e["Event Rule Name"], e["Event Rule Schedule"]) for e in status["Events"]] == [
        (rule_name, "cron(15 3 * * ? *)")
    ]

    # -- the console, its AWS gateway on the same server ---------------------------------------------------------
    gateway = health_aws.AwsGateway(FUNCTION)
    shown = gateway.configuration()
    assert (shown.memory_mb, shown.timeout_s, shown.runtime, shown.role) == (
        config["memory_size"],
        config["timeout_seconds"],
        config["runtime"],
        role["Arn"],
    )
    assert shown.environment == ()  # as deployed: see above
    stage = load_stage(REPO / "zappa_settings.json", function_name=FUNCTION)
    assert stage.name == STAGE
    assert drift(shown, expected_config(stage, function_name=FUNCTION)) == []
    triggers = triggers_question.report(gateway)
    assert triggers.errors == []
    assert triggers.api_url == api_url
    assert [(r.name, r.expression, r.state) for r in triggers.rules] == [(rule_name, "cron(15 3 * * ? *)", "ENABLED")]

    # The pages an admin opens, through Django, reading the deployed function.
    from accounts.services import user_create
    from tests.conftest import session_client

    admin = user_create(username="rehearsal-admin", password="correct horse battery staple", is_admin=True)
    browser = session_client(admin)
    page = browser.get("/console/configuration/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "No drift" in text
    # The packaged environment is listed, the secret-looking value redacted.
    assert "DYNAMODB_TABLE" in text and "notes-console-dev" in text and "SECRET_KEY_PARAMETER" in text
    assert config["environment_variables"]["SECRET_KEY_PARAMETER"] not in text
    page = browser.get("/console/triggers/")
    assert page.status_code == 200
    assert api_url in page.content.decode()
    assert rule_name in page.content.decode()

    # -- zappa undeploy dev -----------------------------------------------------------------------------------
    rehearsal.zappa("undeploy", STAGE, "--yes")
    assert lam.list_functions()["Functions"] == []
    assert events.list_rules(NamePrefix=FUNCTION)["Rules"] == []
    stacks = rehearsal.client("cloudformation").list_stacks()["StackSummaries"]
    assert [s["StackStatus"] for s in stacks if s["StackName"] == FUNCTION] == ["DELETE_COMPLETE"]
    # (The REST API goes with its stack on AWS; moto's CloudFormation leaves a deleted stack's RestApi behind,
    # so the stack's deletion is what is asserted.)
    # The tables outlive the function: the data is never the deploy's to delete.
    assert {"notes-console-dev", "notes-console-prod"} <= set(ddb.list_tables()["TableNames"])

    elapsed = time.monotonic() - started
    print(f"deploy rehearsal: {elapsed:.1f} s")
    assert elapsed < 120


def test_the_stage_template_passes_cfn_lint(rehearsal, capsys):
    from cfnlint.api import lint_all

    role_arn = f"arn:aws:iam::123456789012:role/{FUNCTION}-ZappaLambdaExecutionRole"
    function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{FUNCTION}"
    rehearsal.zappa("template", STAGE, "--lambda-arn", function_arn, "--role-arn", role_arn, "--json")
    template = json.loads(capsys.readouterr().out)

    errors = [m for m in lint_all(json.dumps(template)) if m.rule.id.startswith("E")]

    assert errors == []
    methods = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert methods and all(m["Properties"]["Integration"]["Credentials"] == role_arn for m in methods)
    assert all(m["Properties"]["Integration"]["Type"] == "AWS_PROXY" for m in methods)
