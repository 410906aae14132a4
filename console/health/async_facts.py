"""The function's asynchronous-invocation configuration, as a gateway reads it (GetFunctionEventInvokeConfig)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Lambda's defaults when no configuration is set (Lambda Developer Guide, "Configuring error handling for
# asynchronous invocation"): two retries, events kept up to six hours.
DEFAULT_RETRIES = 2
DEFAULT_MAX_AGE_S = 21_600


@dataclass(frozen=True)
class AsyncConfig:
    configured: bool  # False: none set, Lambda's defaults apply
    max_retries: int = DEFAULT_RETRIES
    max_event_age_s: int = DEFAULT_MAX_AGE_S
    on_failure: str = ""  # DestinationConfig.OnFailure.Destination: an SQS, SNS, Lambda, EventBridge or S3 ARN
    on_success: str = ""
    last_modified: datetime | None = None
    origin: str = "aws"  # "local": this process's S3 notifier, which has no retries or destinations
    detail: str = ""
