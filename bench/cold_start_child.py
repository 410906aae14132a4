"""One simulated Lambda cold start (run by bench_cold_start.py in a fresh interpreter, -S -B -I).

Lambda's layout: the unzipped package in a read-only task folder first on sys.path, then the runtime's
own folder (boto3). Imports the package's `handler` module as Lambda does for "handler.lambda_handler",
invokes it with one API Gateway event, and prints the timings as one JSON line: wall time since the
interpreter was up, and the CPU time the process had used by then (steadier on a shared machine).
It then exits at once: Lambda keeps the process, so interpreter teardown is no part of a cold start.
Standard library only.

Usage: python -S -B -I cold_start_child.py TASK_DIR RUNTIME_DIR EVENT_JSON
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

started = time.perf_counter()


def _peak_rss_mb() -> float:
    """VmHWM: this process's own peak (ru_maxrss keeps the parent's peak across fork and exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    task, runtime, event = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    sys.path[:0] = [task, runtime]
    os.chdir(task)
    import handler  # the zip's copy of zappa/handler.py

    imported = time.perf_counter()
    response = handler.lambda_handler(event, None)
    answered = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "import_ms": (imported - started) * 1000,
                "first_response_ms": (answered - started) * 1000,
                "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000,
                "max_rss_mb": _peak_rss_mb(),  # Lambda's "Max Memory Used" after one page
                "status": response.get("statusCode"),
                "body": (response.get("body") or "")[:200],
            }
        )
    )
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
