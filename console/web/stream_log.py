"""A streamed response (an export's download) is logged when its stream ends, with its real outcome: a stream
that fails part-way is a 500 (its headers said 200, but the body is cut), one the client leaves is "aborted".

console/observability.py's RequestLogMiddleware wraps a streamed response's chunks in a WatchedStream; this
module is imported then, so a request that does not stream never loads it. It imports nothing of the
middleware's (which imports it): the request's context variables and what to do at the end are handed in.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from typing import Any


class WatchedStream:
    """A streamed response's chunks, produced under the request's context variables (its correlation id and
    AWS-call count: the middleware has returned by then), calling `finish` once: when the chunks end
    ("complete"), when making one raises ("failed", the exception's fields from `describe`, and its traceback;
    it is raised on), or when the server closes the response before the end ("aborted": the client left, or
    nothing read the body)."""

    def __init__(
        self,
        chunks: Any,
        *,
        context: Sequence[tuple[contextvars.ContextVar[Any], Any]],
        describe: Callable[[BaseException], dict[str, str]],
        finish: Callable[[str, dict[str, str] | None], None],
    ) -> None:
        self._chunks: Iterator[Any] = iter(chunks)
        self._source = chunks
        self._context, self._describe, self._finish = tuple(context), describe, finish
        self._done = False

    def __iter__(self) -> WatchedStream:
        return self

    def __next__(self) -> Any:
        tokens = self._enter()
        try:
            return next(self._chunks)
        except StopIteration:
            self._end("complete", None)
            raise
        except BaseException as exc:  # noqa: BLE001 - recorded, then raised as it was
            import traceback

            failure = self._describe(exc)
            failure["traceback"] = "".join(traceback.format_exception(exc))[-4000:]
            self._end("failed", failure)
            raise
        finally:
            self._leave(tokens)

    def close(self) -> None:
        try:
            closer = getattr(self._source, "close", None)
            if closer is not None:
                closer()
        finally:
            self._end("aborted", None)

    def _end(self, outcome: str, failure: dict[str, str] | None) -> None:
        if self._done:
            return
        self._done = True
        tokens = self._enter()
        try:
            self._finish(outcome, failure)
        finally:
            self._leave(tokens)

    def _enter(self) -> list[contextvars.Token[Any]]:
        return [variable.set(value) for variable, value in self._context]

    def _leave(self, tokens: list[contextvars.Token[Any]]) -> None:
        for (variable, _), token in reversed(list(zip(self._context, tokens, strict=True))):
            variable.reset(token)
