"""The invocations page's "numbers behind the charts" rows, built by a tag (console/templatetags/health_tags.py,
bucket_rows) instead of template loops for speed, read exactly as the template's loops wrote them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.template import engines

# The rows as invocations.html rendered them before the tag (kept here as the reference).
LOOPS = """{% load health_tags %}{% for row in rows %}
<tr{% if not row.invocations %} class="zero"{% endif %}><td class="mono nowrap">{{ row.time|utc }}</td><td class="num">{{ row.invocations|num }}</td><td class="num">{{ row.errors|num }}</td><td class="num">{{ row.throttles|num }}</td>
  {% for key in keys %}<td class="num">{{ row|get:key|ms }}</td>{% endfor %}<td class="num">{{ row.concurrency|num }}</td></tr>
{% endfor %}"""
TAG = "{% load health_tags %}{% bucket_rows rows keys %}"


def _rows() -> list[dict]:
    start = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    rows = []
    for i in range(6):
        rows.append(
            {
                "time": start + timedelta(minutes=i),
                "invocations": float(i % 3) * 1234.0,
                "errors": 0.5 * i,
                "throttles": 0.0,
                "concurrency": float(i),
                "p50": None if i == 2 else 12.345 * i,
                "p90": 1234.5 * i,
                "p99": 150_000.0 if i == 5 else 0.25,
            }
        )
    return rows


def _cells(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_the_tag_writes_the_rows_the_template_loops_wrote():
    engine = engines["django"]
    context = {"rows": _rows(), "keys": ["p50", "p90", "p99"]}
    expected = _cells(engine.from_string(LOOPS).render(context))
    assert expected.count("<tr") == 6 and 'class="zero"' in expected and "\u2014" in expected
    assert _cells(engine.from_string(TAG).render(context)) == expected
