"""The invocations tables' rows (the Invocations page and the overview), built by a tag
(console/templatetags/health_tags.py, invocation_rows) instead of the template's loop for speed, read exactly as
the loop wrote them: local and AWS modes, compact and full, cold, restored and warm, ok, failed and app-failed
requests, with and without a user, and none at all."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines

from console.health.invocation_lines import Invocation

# The rows as _invocations_table.html wrote them before the tag (kept here as the reference).
LOOP = """{% load health_tags %}
  {% for inv in invocations %}
    <tr>
      <td class="mono nowrap">{{ inv.time|clock }}</td>
      <td class="mono nowrap"><a href="{% url 'health:request' inv.request_id %}?t={{ inv.time|to_ms }}" title="{{ inv.request_id }}">{{ inv.request_id|truncatechars:14 }}</a></td>
      {% if mode.local %}<td class="mono nowrap">{{ inv.label }}</td>{% endif %}
      <td class="num">{{ inv.duration_ms|ms }}</td>
      {% if not compact %}<td class="num">{{ inv.billed_ms|ms }}</td>{% endif %}
      <td class="num">{% if compact %}{{ inv.max_memory_mb }} MB{% else %}{{ inv.max_memory_mb }} / {{ inv.memory_mb }} MB{% endif %}</td>
      <td class="num">{% if inv.init_ms is not None %}<span class="pill pill-cold" title="cold start">{{ inv.init_ms|ms }}</span>{% elif inv.restore_ms is not None %}<span class="pill pill-cold" title="SnapStart restore">{{ inv.restore_ms|ms }}</span>{% else %}<span class="muted">warm</span>{% endif %}</td>
      <td class="nowrap">{% if inv.failed %}<span class="pill pill-bad" title="{{ inv.detail }}">{{ inv.outcome }}</span>{% else %}<span class="pill pill-ok">ok</span>{% endif %}
        {% if inv.http_status %}<span class="pill {% if inv.app_failed %}pill-bad{% elif inv.http_status >= 400 %}pill-warn{% else %}pill-muted{% endif %}" title="the app answered HTTP {{ inv.http_status }}">HTTP {{ inv.http_status }}</span>{% endif %}
        {% if inv.user %}<span class="muted">{{ inv.user }}</span>{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="8" class="empty">No invocations in this range.</td></tr>
  {% endfor %}"""
TAG = "{% load health_tags %}{% invocation_rows invocations mode.local compact %}"


def _invocations() -> list[Invocation]:
    now = datetime.now(tz=UTC)
    cases = []
    for i, (outcome, status, init, restore, user) in enumerate(
        [
            ("ok", 200, None, None, "alice"),
            ("ok", 404, 812.5, None, ""),
            ("ok", 503, None, 95.0, "bob <b>"),
            ("timeout", None, None, None, ""),
            ("error", 500, 1500.0, None, "charlie"),
            ("ok", None, None, None, ""),
        ]
    ):
        cases.append(
            Invocation(
                request_id=f"8f1c2a9e-{i}d4b-4c1e-9a7f-{i:012d}",
                time=now - timedelta(days=i % 2, seconds=i),
                duration_ms=12.345 * (i + 1),
                billed_ms=13.0 * (i + 1),
                memory_mb=512,
                max_memory_mb=97 + i,
                init_ms=init,
                restore_ms=restore,
                outcome=outcome,
                detail="KeyError: 'x' & <more>" if outcome != "ok" else "",
                label=f"GET /notes/?q=<{i}> {status}",
                http_status=status,
                user=user,
            )
        )
    return cases


def _cells(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("local", [True, False])
@pytest.mark.parametrize("compact", [True, False])
def test_the_tag_writes_the_rows_the_template_loop_wrote(local, compact):
    engine = engines["django"]
    context = {"invocations": _invocations(), "mode": {"local": local}, "compact": compact}
    expected = _cells(engine.from_string(LOOP).render(context))
    assert expected.count("<tr>") == 6 and "&lt;b&gt;" in expected
    assert _cells(engine.from_string(TAG).render(context)) == expected


def test_no_invocations_is_one_row_saying_so():
    engine = engines["django"]
    context = {"invocations": [], "mode": {"local": True}}
    assert _cells(engine.from_string(TAG).render(context)) == _cells(engine.from_string(LOOP).render(context))
