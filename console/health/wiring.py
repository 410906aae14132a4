"""Which gateway this process reads: the one place that knows both implementations."""

from __future__ import annotations

from django.conf import settings

from console.health.gateway import HealthGateway


def gateway_kind() -> str:
    kind = (settings.HEALTH_GATEWAY or "").strip().lower()
    if kind in {"aws", "local"}:
        return kind
    return "aws" if settings.ON_LAMBDA else "local"


def get_gateway() -> HealthGateway:
    """The gateway for this process: AWS on Lambda (or HEALTH_GATEWAY=aws), else the local process."""
    if gateway_kind() == "aws":
        from console.health.aws import AwsGateway  # imported here: local mode never loads the AWS clients

        return AwsGateway(function_name=settings.HEALTH_FUNCTION_NAME, percentiles=tuple(settings.HEALTH_PERCENTILES))
    from console.health.local import LocalGateway

    return LocalGateway()
