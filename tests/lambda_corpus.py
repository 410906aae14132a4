"""The real-line corpus (tests/data/lambda_log_lines.json): loading it, and laying it out as a function's log.

Each line keeps its source next to it in the data file; `expect` holds the fields the console must parse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPUS_PATH = Path(__file__).parent / "data" / "lambda_log_lines.json"


def corpus() -> list[dict[str, Any]]:
    return json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["lines"]


def by_id(line_id: str) -> dict[str, Any]:
    return next(line for line in corpus() if line["id"] == line_id)


def function_log(log_format: str) -> list[tuple[str, int, str]]:
    """(stream, offset ms, message) for a function writing in `log_format` ("text" or "json"): every corpus line
    of that format, each sequence in its own stream, in the order the sources show them, a second apart."""
    out: list[tuple[str, int, str]] = []
    for offset, line in enumerate(line for line in corpus() if line["format"] == log_format):
        out.append((f"2026/12/01/[$LATEST]{line['sequence']}", offset * 1000, line["message"]))
    return out
