"""The AWS gateway's reads of CloudWatch Logs: FilterLogEvents (one call per read, its events as they come),
and Logs Insights queries started and read by id. What the lines mean is for the questions (log_pages,
request_lines, invocations, failures, routes, streams, deploys).

`LogReads` is mixed into `aws.AwsGateway`, which gives it `_call` (counted AWS calls) and `log_group`.
"""

from __future__ import annotations

import re
from typing import Any

from console.health.gateway import InsightsResult, InvalidQuery, LogEvent, LogRead
from console.health.window import Window

MAX_CALLS_PER_READ = 3  # a read that pages (GetMetricData's NextToken) stops there: the page's budget


class LogReads:
    log_group: str
    calls: int

    def _call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    def log_events(
        self,
        *,
        start_ms: int,
        end_ms: int,
        pattern: str,
        limit: int,
        token: str | None = None,
        streams: list[str] | None = None,
    ) -> LogRead:
        """One FilterLogEvents: the oldest `limit` events of the span matching the pattern, in time order, and
        the token that reads on when more matched."""
        kwargs: dict[str, Any] = {
            "logGroupName": self.log_group,
            "startTime": start_ms,
            "endTime": end_ms,
            "limit": limit,
        }
        if pattern:
            kwargs["filterPattern"] = pattern
        if token:
            kwargs["nextToken"] = token
        if streams:
            kwargs["logStreamNames"] = streams
        resp = self._call("logs", "FilterLogEvents", **kwargs)
        events = sorted((_event(e) for e in resp.get("events", [])), key=lambda e: (e.timestamp, e.event_id))
        next_token = resp.get("nextToken")
        return LogRead(events=events, next_token=next_token, more=bool(next_token))

    # -- failures and routes (one Logs Insights query each: start, then read by id) ---------------------
    def start_insights(self, window: Window, query: str, limit: int) -> str:
        resp = self._call(
            "logs",
            "StartQuery",
            logGroupName=self.log_group,
            startTime=window.start_ms // 1000,
            endTime=window.end_ms // 1000,
            queryString=query,
            limit=limit,
        )
        return resp["queryId"]

    def insights_results(self, handle: str) -> InsightsResult:
        if not re.fullmatch(r"[A-Za-z0-9\-]{1,256}", handle or ""):
            raise InvalidQuery("Not a Logs Insights query id.")
        resp = self._call("logs", "GetQueryResults", queryId=handle)
        return InsightsResult(
            status=resp.get("status", "Unknown"),
            rows=resp.get("results") or [],
            bytes_scanned=(resp.get("statistics") or {}).get("bytesScanned"),
        )


def _event(raw: dict[str, Any]) -> LogEvent:
    return LogEvent(
        timestamp=int(raw["timestamp"]),
        message=raw.get("message", ""),
        stream=raw.get("logStreamName", ""),
        event_id=raw.get("eventId", ""),
    )
