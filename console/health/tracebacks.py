"""A Python traceback as Lambda's lines carry it: its frames, its exception, and the pre-3.7 runtime's form.

The python2.7/3.6 runtimes wrote an unhandled exception as one event, `<message>: <ExceptionType>` then the
traceback, with no `[ERROR]` and no request id; later runtimes write `[ERROR] <Type>: <message>` first."""

from __future__ import annotations

import re

_FRAME = re.compile(r'File "([^"]+)", line (\d+), in ([^\s]+)')
_EXC_LAST_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")
_OLD_RUNTIME_HEAD = re.compile(r"^(.*): ([A-Za-z_][\w.]*)\r?\n[ \t]*Traceback \(most recent call last\):", re.S)


def traceback_frames(text: str) -> list[tuple[str, str]]:
    """(path, function) of each frame of a formatted traceback, outermost first (no-break spaces read as
    spaces: the runtime indents with them)."""
    return [(m.group(1), m.group(3)) for m in _FRAME.finditer(text.replace("\u00a0", " "))]


def exception_of_traceback(text: str) -> tuple[str, str]:
    """(type, message) from a formatted traceback's last line."""
    for line in reversed([line.strip() for line in text.replace("\u00a0", " ").splitlines() if line.strip()]):
        match = _EXC_LAST_LINE.match(line)
        if match and not line.startswith("File "):
            return match.group(1).rsplit(".", 1)[-1], match.group(2) or ""
    return "", ""


def old_runtime_exception(text: str) -> tuple[str, str] | None:
    """(type, message) of the pre-3.7 runtime's unhandled exception (`'key4': KeyError` + traceback), or None.
    The head's first line holds no newline: the message is what stands before the last ": "."""
    match = _OLD_RUNTIME_HEAD.match(text)
    if match is None or "\n" in match.group(1):
        return None
    return match.group(2), match.group(1)
