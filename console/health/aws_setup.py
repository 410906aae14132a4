"""The AWS reads behind the Checks page (function URL, asynchronous invocation config, log group retention,
alarms, the VPC's route to DynamoDB): I/O only, returned as `SetupFacts`; console/health/checks.py judges them.

A page spends at most `budget` calls here (the console's three a page). The reads go in order of harm: a VPC
with no route to DynamoDB first (every request times out), then the function URL, the on-failure
destination, the log group and the alarms; what the budget does not reach is left in `SetupFacts.unread`
with why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from console.aws.errors import AwsError
from console.health.aws_async import read_async_config
from console.health.gateway import FunctionConfig, NotFound
from console.health.setup_facts import SetupFacts

Call = Callable[..., dict[str, Any]]  # (service, operation, **params) -> response; errors already translated


def gateway_setup_facts(gateway: Any, config: FunctionConfig, *, budget: int = 3, offset: int = 0) -> SetupFacts:
    """AwsGateway.setup_facts: its counted calls."""
    return read_setup_facts(gateway._call, config, budget=budget, offset=offset)


def read_setup_facts(call: Call, config: FunctionConfig, *, budget: int = 3, offset: int = 0) -> SetupFacts:
    """The reads in order of harm, spending at most `budget` calls; `offset` calls' worth of reads are left
    to an earlier part of the page (`?more=1` reads the next ones)."""
    facts = SetupFacts()
    reads: list[tuple[str, int, Callable[[Call, FunctionConfig, SetupFacts], None]]] = []
    if config.vpc_subnets:
        reads.append(("vpc", 2, _vpc))
    reads += [("url", 1, _url), ("async", 1, _async), ("logs", 1, _logs), ("alarms", 1, _alarms)]
    left, spent = budget, 0
    for key, cost, read in reads:
        before, spent = spent, spent + cost
        if before < offset:
            facts.unread[key] = "Read on the first part of this page."
            continue
        if cost > left:
            facts.unread[key] = f"Not read: this page makes at most {budget} AWS calls of its own."
            facts.more = True
            continue
        left -= cost
        try:
            read(call, config, facts)
        except AwsError as exc:
            facts.unread[key] = exc.message
    return facts


def _url(call: Call, config: FunctionConfig, facts: SetupFacts) -> None:
    try:
        facts.function_url_auth = call("lambda", "GetFunctionUrlConfig", FunctionName=config.name).get("AuthType", "")
    except NotFound:
        facts.function_url_auth = ""  # no function URL: nothing to expose


def _async(call: Call, config: FunctionConfig, facts: SetupFacts) -> None:
    facts.async_config = read_async_config(call, config.name)  # the asynchronous invocations page's read too


def _logs(call: Call, config: FunctionConfig, facts: SetupFacts) -> None:
    name = config.log_group or f"/aws/lambda/{config.name}"
    resp = call("logs", "DescribeLogGroups", logGroupNamePrefix=name, limit=5)
    for group in resp.get("logGroups") or []:
        if group.get("logGroupName") == name:
            facts.log_group_found = True
            facts.log_retention_days = group.get("retentionInDays")
            return
    facts.unread["logs"] = f"The log group {name} does not exist yet (Lambda creates it at the first invocation)."


def _alarms(call: Call, config: FunctionConfig, facts: SetupFacts) -> None:
    resp = call("cloudwatch", "DescribeAlarms", AlarmNamePrefix=f"{config.name}-", MaxRecords=100)
    facts.alarm_names = tuple(a["AlarmName"] for a in resp.get("MetricAlarms") or [])
    facts.alarm_names += tuple(a["AlarmName"] for a in resp.get("CompositeAlarms") or [])


def _vpc(call: Call, config: FunctionConfig, facts: SetupFacts) -> None:
    """Each subnet's route table (its own association, else the VPC's main table) must hold a route to a
    DynamoDB gateway endpoint or a default route through a NAT gateway."""
    service = f"com.amazonaws.{settings.AWS_REGION}.dynamodb"
    vpc_filter = {"Name": "vpc-id", "Values": [config.vpc_id]} if config.vpc_id else None
    endpoint_filters = [{"Name": "service-name", "Values": [service]}, *([vpc_filter] if vpc_filter else [])]
    endpoints = call("ec2", "DescribeVpcEndpoints", Filters=endpoint_filters).get("VpcEndpoints") or []
    endpoint_tables = {
        table: e["VpcEndpointId"]
        for e in endpoints
        if e.get("VpcEndpointType", "Gateway") == "Gateway" and e.get("State", "available").lower() == "available"
        for table in e.get("RouteTableIds") or []
    }
    tables = call("ec2", "DescribeRouteTables", Filters=[vpc_filter] if vpc_filter else []).get("RouteTables") or []
    by_subnet: dict[str, dict[str, Any]] = {}
    main = None
    for table in tables:
        for assoc in table.get("Associations") or []:
            if assoc.get("Main"):
                main = table
            elif assoc.get("SubnetId"):
                by_subnet[assoc["SubnetId"]] = table
    unrouted, routes = [], set()
    for subnet in config.vpc_subnets:
        table = by_subnet.get(subnet, main)
        route = _route_to_dynamodb(table, endpoint_tables) if table else ""
        if route:
            routes.add(route)
        else:
            unrouted.append(subnet)
    facts.vpc_unrouted_subnets = tuple(unrouted)
    facts.vpc_routes = ", ".join(sorted(routes))


def _route_to_dynamodb(table: dict[str, Any], endpoint_tables: dict[str, str]) -> str:
    if table.get("RouteTableId") in endpoint_tables:
        return f"gateway endpoint {endpoint_tables[table['RouteTableId']]}"
    for route in table.get("Routes") or []:
        if route.get("State", "active") != "active":
            continue
        if route.get("DestinationCidrBlock") == "0.0.0.0/0" and route.get("NatGatewayId"):
            return f"NAT {route['NatGatewayId']}"
    return ""
