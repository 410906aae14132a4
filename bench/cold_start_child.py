"""One simulated Lambda cold start (run by bench_cold_start.py in a fresh interpreter, -S -B -I).

Lambda's layout: the unzipped package in a read-only task folder first on sys.path, then the runtime's
own folder (boto3). Imports the package's `handler` module as Lambda does for "handler.lambda_handler",
invokes it with one API Gateway event, and prints the timings as one JSON line: wall time since the
interpreter was up, and the CPU time the process had used by then (steadier on a shared machine).
It then exits at once: Lambda keeps the process, so interpreter teardown is no part of a cold start.
Standard library only.

With BENCH_STOP set to a phase (bench_cold_start.py's BENCH_PHASES), it does the handler's start-up a step
at a time, as LambdaHandler does it, and exits after that phase, printing nothing: the instructions executed up
to each phase, under callgrind, say where a cold start's instructions go.
  import      `import handler` (Zappa's handler, which imports boto3)
  settings    the stage's environment set and the settings module loaded (the secret key read with it)
  setup       django.setup(): the apps and the logging configuration
  middleware  the WSGI handler built: every middleware constructed
  urlconf     the URLconf imported (resolving the event's path)
  response    the first response (everything else: templates, reverse(), the view, its AWS calls)

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


PHASES = ("import", "settings", "setup", "middleware", "urlconf", "response")


def _stop_after(phases_done: str, stop: str) -> None:
    if phases_done == stop:
        sys.stdout.flush()
        os._exit(0)


def _start_up_to(stop: str, event: dict) -> None:
    """The start-up LambdaHandler does on its first event, one phase at a time (each is done once)."""
    import zappa_settings

    for key, value in zappa_settings.ENVIRONMENT_VARIABLES.items():
        os.environ[key] = str(value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", zappa_settings.DJANGO_SETTINGS)
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 (loads the settings module)
    _stop_after("settings", stop)
    import django

    django.setup(set_prefix=False)
    _stop_after("setup", stop)
    from django.core.wsgi import get_wsgi_application

    get_wsgi_application()
    _stop_after("middleware", stop)
    from django.urls import resolve

    try:
        resolve(event.get("path") or "/")
    except Exception:  # noqa: BLE001 (a 404 path still imports the URLconf)
        pass
    _stop_after("urlconf", stop)


def main() -> None:
    task, runtime, event = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    stop = os.environ.get("BENCH_STOP", "response")
    sys.path[:0] = [task, runtime]
    os.chdir(task)
    import handler  # the zip's copy of zappa/handler.py

    _stop_after("import", stop)
    if stop != "response":
        _start_up_to(stop, event)

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
