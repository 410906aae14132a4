"""Both gateways' read of the deploys recorded at cold start (console/health/deploy_record.py): one DynamoDB Query on
the app's own table, kept for ten minutes per process so charts mark every deploy without a call per page."""

from __future__ import annotations

import time

from console.aws.errors import StoreUnavailable
from console.health import deploy_record
from console.health.gateway import Deploy, Unavailable

CACHE_S = 600.0
RECORDED = "recorded"  # a Deploy's version when it comes from the record, not from Lambda's versions

_cache: dict[str, tuple[list[Deploy], float]] = {}


def forget() -> None:
    _cache.clear()


class RecordedDeployReads:
    function_name: str

    def recorded_deploys(self) -> list[Deploy]:
        """Newest first; read at most once in ten minutes by this process."""
        cached = _cache.get(self.function_name)
        if cached and time.monotonic() - cached[1] < CACHE_S:
            return cached[0]
        try:
            records = deploy_record.recorded(self.function_name)
        except StoreUnavailable as exc:
            raise Unavailable(str(exc), code=exc.code) from exc
        found = [
            Deploy(
                version=RECORDED,
                at=d.at,
                code_sha256=d.code_hash,
                description=f"first cold start of code {d.code_hash}, settings {d.settings_digest}",
            )
            for d in records
        ]
        _cache[self.function_name] = (found, time.monotonic())
        return found
