"""Routes ranked: every URL pattern of the app with its traffic, failure rates, latency and DynamoDB cost.

From the app's request lines (`route`, `status`, `duration_ms`, `cold_start`, `db_calls`, `db_ms`): a Logs
Insights `stats ... by route` query on AWS, the process's records locally; both become `RouteStats`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.health.gateway import HealthGateway
from console.health.metrics import Window, percentile

NO_ROUTE = "(no route: 404)"

# 4xx and 5xx counted with arithmetic (floor), as Insights' stats take numbers: status 400-499 gives 1 - 0.
INSIGHTS_QUERY = """filter logger = "console.request"
| fields floor(status / 400) - floor(status / 500) as is4xx, floor(status / 500) as is5xx
| stats count(*) as requests, sum(is4xx) as c4xx, sum(is5xx) as c5xx,
  pct(duration_ms, 50) as p50, pct(duration_ms, 95) as p95, pct(duration_ms, 99) as p99,
  max(duration_ms) as slowest, sum(cold_start) as cold, sum(db_calls) as dbCalls, sum(db_ms) as dbMs by route
| sort requests desc
| limit 1000"""

COLUMNS = {  # ?sort= key -> (attribute, heading)
    "route": ("route", "Route"),
    "requests": ("requests", "Requests"),
    "4xx": ("rate_4xx", "4xx"),
    "5xx": ("rate_5xx", "5xx"),
    "p50": ("p50", "p50"),
    "p95": ("p95", "p95"),
    "p99": ("p99", "p99"),
    "cold": ("cold_share", "Cold"),
    "db_calls": ("db_calls_per_request", "DB calls"),
    "db_ms": ("db_ms_per_request", "DB time"),
}
DEFAULT_SORT = "requests"


@dataclass(frozen=True)
class RouteStats:
    route: str
    requests: int
    c4xx: int = 0
    c5xx: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    slowest: float | None = None
    cold: int = 0
    db_calls: float = 0.0
    db_ms: float = 0.0

    @property
    def rate_4xx(self) -> float:
        return self.c4xx / self.requests if self.requests else 0.0

    @property
    def rate_5xx(self) -> float:
        return self.c5xx / self.requests if self.requests else 0.0

    @property
    def cold_share(self) -> float:
        return self.cold / self.requests if self.requests else 0.0

    @property
    def db_calls_per_request(self) -> float:
        return self.db_calls / self.requests if self.requests else 0.0

    @property
    def db_ms_per_request(self) -> float:
        return self.db_ms / self.requests if self.requests else 0.0


@dataclass
class RouteReport:
    status: str
    routes: list[RouteStats] = field(default_factory=list)
    bytes_scanned: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status not in {"Running", "Scheduled"}


@dataclass(frozen=True)
class RequestFacts:
    route: str
    status: int
    duration_ms: float
    cold_start: bool
    db_calls: int
    db_ms: float


def start(gateway: HealthGateway, window: Window) -> str:
    return gateway.start_insights(window, INSIGHTS_QUERY, 1000)


def report(gateway: HealthGateway, handle: str) -> RouteReport:
    """Insights' `stats ... by route` on AWS; the process's request records locally (the handle names the
    window)."""
    if gateway.kind == "local":
        records = gateway.requests(Window.for_range(handle.removeprefix("local-")))
        facts = [
            RequestFacts(
                route=r.route,
                status=r.status,
                duration_ms=r.duration_ms,
                cold_start=r.cold_start,
                db_calls=r.db_calls,
                db_ms=r.db_ms,
            )
            for r in records
        ]
        return RouteReport(status="Complete", routes=from_requests(facts))
    result = gateway.insights_results(handle)
    found = RouteReport(status=result.status, bytes_scanned=result.bytes_scanned)
    if found.done:
        found.routes = from_insights_rows(result.rows)
    return found


def from_requests(requests: Iterable[RequestFacts]) -> list[RouteStats]:
    by_route: dict[str, list[RequestFacts]] = {}
    for r in requests:
        by_route.setdefault(r.route or NO_ROUTE, []).append(r)
    out = []
    for route, items in by_route.items():
        durations = [r.duration_ms for r in items]
        out.append(
            RouteStats(
                route=route,
                requests=len(items),
                c4xx=sum(1 for r in items if 400 <= r.status < 500),
                c5xx=sum(1 for r in items if r.status >= 500),
                p50=percentile(durations, 50),
                p95=percentile(durations, 95),
                p99=percentile(durations, 99),
                slowest=max(durations),
                cold=sum(1 for r in items if r.cold_start),
                db_calls=float(sum(r.db_calls for r in items)),
                db_ms=round(sum(r.db_ms for r in items), 2),
            )
        )
    return sort_routes(out, DEFAULT_SORT, descending=True)


def from_insights_rows(rows: Iterable[Sequence[dict[str, Any]]]) -> list[RouteStats]:
    out = []
    for row in rows:
        cells = {cell.get("field"): cell.get("value") for cell in row}
        requests = int(_number(cells.get("requests")) or 0)
        if not requests:
            continue
        out.append(
            RouteStats(
                route=str(cells.get("route") or NO_ROUTE),
                requests=requests,
                c4xx=int(_number(cells.get("c4xx")) or 0),
                c5xx=int(_number(cells.get("c5xx")) or 0),
                p50=_number(cells.get("p50")),
                p95=_number(cells.get("p95")),
                p99=_number(cells.get("p99")),
                slowest=_number(cells.get("slowest")),
                cold=int(_number(cells.get("cold")) or 0),
                db_calls=_number(cells.get("dbCalls")) or 0.0,
                db_ms=_number(cells.get("dbMs")) or 0.0,
            )
        )
    return out


def _number(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def sort_routes(routes: list[RouteStats], key: str, *, descending: bool) -> list[RouteStats]:
    attribute = COLUMNS.get(key, COLUMNS[DEFAULT_SORT])[0]

    def value(r: RouteStats):
        v = getattr(r, attribute)
        return (v is not None, v if v is not None else 0) if attribute != "route" else v

    return sorted(routes, key=value, reverse=descending)
