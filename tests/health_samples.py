"""Lambda log lines in the formats Lambda really writes (text log format), for the health console's tests."""

from __future__ import annotations

COLD_ID = "8f5a3c2e-1b7d-4c11-9a0e-3f2b6d7e8a91"
WARM_ID = "c0ffee00-2222-4333-8444-555566667777"
XRAY_ID = "0d8c9b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
TIMEOUT_ID = "71d2c3b4-a5f6-4e7d-8c9b-0a1b2c3d4e5f"
ERROR_ID = "e3a1f2b4-c5d6-4789-9abc-def012345678"
EXIT_ID = "9b8a7c6d-5e4f-4321-8fed-cba987654321"

START = "START RequestId: {id} Version: $LATEST\n"
END = "END RequestId: {id}\n"

COLD_REPORT = (
    f"REPORT RequestId: {COLD_ID}\tDuration: 412.57 ms\tBilled Duration: 413 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 118 MB\tInit Duration: 886.12 ms\t\n"
)
WARM_REPORT = (
    f"REPORT RequestId: {WARM_ID}\tDuration: 23.08 ms\tBilled Duration: 24 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 121 MB\t\n"
)
XRAY_REPORT = (
    f"REPORT RequestId: {XRAY_ID}\tDuration: 31.55 ms\tBilled Duration: 32 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 122 MB\tInit Duration: 901.40 ms\t\n"
    "XRAY TraceId: 1-6566f1a2-3b4c5d6e7f8091a2b3c4d5e6\tSegmentId: 4a5b6c7d8e9f0a1b\tSampled: true\t\n"
)
TIMEOUT_LINE = f"2026-11-27T10:00:33.012Z {TIMEOUT_ID} Task timed out after 30.03 seconds\n"
TIMEOUT_REPORT = (
    f"REPORT RequestId: {TIMEOUT_ID}\tDuration: 30030.41 ms\tBilled Duration: 30000 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 130 MB\t\n"
)
ERROR_LINE = f"[ERROR]\t2026-11-27T10:01:00.500Z\t{ERROR_ID}\tValueError: boom\n"
ERROR_REPORT = (
    f"REPORT RequestId: {ERROR_ID}\tDuration: 5.20 ms\tBilled Duration: 6 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 119 MB\t\n"
)
EXIT_LINE = f"RequestId: {EXIT_ID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n"
EXIT_REPORT = (
    f"REPORT RequestId: {EXIT_ID}\tDuration: 1520.00 ms\tBilled Duration: 1520 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 512 MB\t\n"
)
SNAPSTART_REPORT = (
    "REPORT RequestId: 5a5a5a5a-0000-4000-8000-000000000001\tDuration: 24.77 ms\tBilled Duration: 292 ms\t"
    "Memory Size: 1024 MB\tMax Memory Used: 91 MB\tRestore Duration: 267.04 ms\tBilled Restore Duration: 267 ms\t\n"
)
APP_LINE = (
    '{{"time":"2026-11-27T10:00:02.100Z","level":"INFO","logger":"console.request","message":"GET /notes/ 200 12.0ms",'
    '"correlation_id":"{id}","method":"GET","path":"/notes/","status":200,"duration_ms":12.0,"user":"u1","cold_start":true}}\n'
)


def invocation_lines() -> list[tuple[str, int, str]]:
    """(stream, offset in ms from the first line, message): two streams, six invocations."""
    a = "2026/11/27/[$LATEST]aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    b = "2026/11/27/[$LATEST]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    return [
        (
            a,
            0,
            "INIT_START Runtime Version: python:3.11.v40\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc\n",
        ),
        (a, 900, START.format(id=COLD_ID)),
        (a, 1000, APP_LINE.format(id=COLD_ID)),
        (a, 1300, END.format(id=COLD_ID)),
        (a, 1301, COLD_REPORT),
        (a, 2000, START.format(id=WARM_ID)),
        (a, 2020, END.format(id=WARM_ID)),
        (a, 2021, WARM_REPORT),
        (b, 2500, START.format(id=XRAY_ID)),
        (b, 2530, END.format(id=XRAY_ID)),
        (b, 2531, XRAY_REPORT),
        (a, 3000, START.format(id=TIMEOUT_ID)),
        (a, 33030, TIMEOUT_LINE),
        (a, 33031, END.format(id=TIMEOUT_ID)),
        (a, 33032, TIMEOUT_REPORT),
        (b, 34000, START.format(id=ERROR_ID)),
        (b, 34004, ERROR_LINE),
        (b, 34005, END.format(id=ERROR_ID)),
        (b, 34006, ERROR_REPORT),
        (b, 35000, START.format(id=EXIT_ID)),
        (b, 36519, EXIT_LINE),
        (b, 36520, END.format(id=EXIT_ID)),
        (b, 36521, EXIT_REPORT),
    ]


def seed_moto_function(
    name: str,
    *,
    environment: dict[str, str] | None = None,
    minutes_ago: int = 20,
    lines: list[tuple[str, int, str]] | None = None,
) -> None:
    """In moto (mock_aws active): the function, its log group with `lines` (default: the six invocations
    above) written `minutes_ago`, and matching AWS/Lambda metrics."""
    import io
    import zipfile
    from datetime import UTC, datetime, timedelta

    import boto3

    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName=f"{name}-ZappaLambdaExecutionRole", AssumeRolePolicyDocument="{}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="handler.lambda_handler",
        Code={"ZipFile": buf.getvalue()},
        MemorySize=512,
        Timeout=30,
        Architectures=["arm64"],
        Environment={"Variables": environment or {}},
    )
    group = f"/aws/lambda/{name}"
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName=group)
    now = datetime.now(tz=UTC)
    base = int((now - timedelta(minutes=minutes_ago)).timestamp() * 1000)
    by_stream: dict[str, list[dict]] = {}
    for stream, offset, message in lines if lines is not None else invocation_lines():
        by_stream.setdefault(stream, []).append({"timestamp": base + offset, "message": message})
    for stream, events in by_stream.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(
            logGroupName=group, logStreamName=stream, logEvents=sorted(events, key=lambda e: e["timestamp"])
        )
    dims = [{"Name": "FunctionName", "Value": name}]
    when = now - timedelta(minutes=minutes_ago)
    boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": when, "Value": 6},
            {"MetricName": "Errors", "Dimensions": dims, "Timestamp": when, "Value": 3},
            {"MetricName": "Duration", "Dimensions": dims, "Timestamp": when, "Value": 400.0},
            {"MetricName": "ConcurrentExecutions", "Dimensions": dims, "Timestamp": when, "Value": 2},
        ],
    )


def seed_moto_triggers(name: str, *, keep_warm: str = "") -> str:
    """In moto, for the existing function `name`: its table (same name) with the stream wired as
    `manage.py wire_stream` wires it, Zappa's daily purge rule (and keep-warm rule when `keep_warm` is an
    expression), a rule of someone else's, and the CloudFormation stack holding the REST API. Returns the
    stream ARN."""
    import json

    import boto3

    from console.aws import dynamodb
    from console.deploy.stream_wiring import StreamSettings, wire_mapping

    function_arn = boto3.client("lambda", region_name="us-east-1").get_function(FunctionName=name)["Configuration"][
        "FunctionArn"
    ]
    dynamodb.create_table(name=name)
    stream = dynamodb.client().describe_table(TableName=name)["Table"]["LatestStreamArn"]
    wire_mapping(name, stream, StreamSettings())
    events = boto3.client("events", region_name="us-east-1")
    rules = [(f"{name}-notes.events.purge_trash", "cron(15 3 * * ? *)")]
    if keep_warm:
        rules.append((f"{name}-zappa-keep-warm-handler.keep_warm_callback", keep_warm))
    for rule, expression in rules:
        events.put_rule(Name=rule, ScheduleExpression=expression, State="ENABLED")
        events.put_targets(Rule=rule, Targets=[{"Id": "1", "Arn": function_arn}])
    events.put_rule(Name="billing-report", ScheduleExpression="rate(1 day)", State="ENABLED")
    template = {"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": name}}}}
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName=name, TemplateBody=json.dumps(template)
    )
    return stream
