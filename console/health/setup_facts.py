"""What the Checks page reads beyond the configuration, as the gateways return it (no judgement here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.health.async_facts import AsyncConfig


@dataclass
class SetupFacts:
    """What the Checks page reads beyond the configuration (console/health/checks.py judges it). A fact whose
    key is in `unread` was not read, with why ("url", "async", "logs", "alarms", "vpc")."""

    function_url_auth: str = ""  # GetFunctionUrlConfig's AuthType ("NONE", "AWS_IAM"); "" when there is no URL
    # GetFunctionEventInvokeConfig, as the asynchronous invocations page reads it (gateway.async_config)
    async_config: AsyncConfig = AsyncConfig(configured=False)
    log_group_found: bool = False
    log_retention_days: int | None = None  # DescribeLogGroups' retentionInDays; None: never expire
    alarm_names: tuple[str, ...] = ()
    vpc_unrouted_subnets: tuple[str, ...] = ()  # the function's subnets with no route to DynamoDB
    vpc_routes: str = ""  # how the others reach it: "gateway endpoint vpce-..", "NAT nat-.."
    unread: dict[str, str] = field(default_factory=dict)
    more: bool = False  # the budget left reads undone: the page's next part (`offset`) reads them
    source: str = "aws"
