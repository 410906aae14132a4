"""Edits one stage's `events` in zappa_settings.json, leaving every other byte of the file as it was.

The file is hand-formatted (grouped exclude lists), so it is never re-serialized: the stage's `events`
array is found by scanning the text and replaced, and the result is checked to parse to exactly the
intended settings before it is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class SettingsFileError(Exception):
    pass


def _skip_string(text: str, i: int) -> int:
    """Index just after the JSON string starting at text[i] == '"'."""
    i += 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _skip_ws(text: str, i: int) -> int:
    while text[i] in " \t\r\n":
        i += 1
    return i


def _value_end(text: str, i: int) -> int:
    """Index just after the JSON value starting at text[i]."""
    if text[i] == '"':
        return _skip_string(text, i)
    if text[i] in "[{":
        depth = 0
        while True:
            ch = text[i]
            if ch == '"':
                i = _skip_string(text, i)
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
    while text[i] not in ",}] \t\r\n":
        i += 1
    return i


def _members(text: str, start: int) -> list[tuple[str, int, int, int]]:
    """(key, key_start, value_start, value_end) of each member of the object starting at text[start] == '{'."""
    out = []
    i = _skip_ws(text, start + 1)
    while text[i] != "}":
        key_end = _skip_string(text, i)
        key = json.loads(text[i:key_end])
        value_start = _skip_ws(text, _skip_ws(text, key_end) + 1)  # past the ':'
        value_end = _value_end(text, value_start)
        out.append((key, i, value_start, value_end))
        i = _skip_ws(text, value_end)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return out


def _line_indent(text: str, i: int) -> str:
    line_start = text.rfind("\n", 0, i) + 1
    return text[line_start:i]


def format_events(events: list[dict[str, Any]], indent: str) -> str:
    """One event per line, as the file writes them."""
    if not events:
        return "[]"
    inner = indent + "    "
    lines = ",\n".join(inner + json.dumps(event) for event in events)
    return f"[\n{lines}\n{indent}]"


def set_stage_events(text: str, stage: str, events: list[dict[str, Any]]) -> str:
    """The file's text with `stage`'s own `events` replaced (or added), nothing else changed."""
    data = json.loads(text)
    if stage not in data:
        raise SettingsFileError(f"no stage {stage!r} in zappa_settings.json")
    stage_start = next(v for k, _, v, _ in _members(text, _skip_ws(text, 0)) if k == stage)
    members = _members(text, stage_start)
    found = [(key_start, v0, v1) for k, key_start, v0, v1 in members if k == "events"]
    if found:
        key_start, v0, v1 = found[0]
        new = text[:v0] + format_events(events, _line_indent(text, key_start)) + text[v1:]
    else:
        # After the stage's last member, on a line of its own with the same indentation.
        _, last_key, _, last_end = members[-1]
        indent = _line_indent(text, last_key)
        new = text[:last_end] + f',\n{indent}"events": {format_events(events, indent)}' + text[last_end:]
    expected = json.loads(text)
    expected[stage]["events"] = events
    if json.loads(new) != expected:  # the scan went wrong somewhere: never write a file that says otherwise
        raise SettingsFileError("could not edit zappa_settings.json safely; edit the stage's events by hand")
    return new


def events_owner(data: dict[str, Any], stage: str) -> str:
    """The stage whose `events` `stage` deploys: its own, else the nearest it extends (Zappa merges
    `extends` shallowly, key by key)."""
    seen: set[str] = set()
    while stage in data and stage not in seen:
        seen.add(stage)
        if "events" in (data[stage] or {}):
            return stage
        stage = (data[stage] or {}).get("extends", "")
    return ""


def stage_events(data: dict[str, Any], stage: str) -> list[dict[str, Any]]:
    owner = events_owner(data, stage)
    return list(data[owner]["events"] or []) if owner else []


def inheriting_stages(data: dict[str, Any], stage: str) -> list[str]:
    """Other stages that deploy `stage`'s own events because they extend it without events of their own."""
    return sorted(name for name in data if name != stage and events_owner(data, name) == stage)


def read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = Path(path).read_text()
        return text, json.loads(text)
    except (OSError, ValueError) as exc:
        raise SettingsFileError(f"{path} could not be read: {exc}") from exc
