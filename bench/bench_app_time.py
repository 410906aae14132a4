"""The app's own CPU per request with DynamoDB answering instantly, and its memory over a long warm run.

Runs in a child process of its own (as bench_list_page does). The app's DynamoDB endpoint is a local replay
server (ReplayEndpoint below): while recording it forwards each request to moto's server and keeps the
answer (status, headers, body); while measuring it answers every request from those recordings, so
botocore's signing, its HTTP round trip on 127.0.0.1 and its response parsing are counted, as Lambda
bills them, and moto's own time is not. An answer is found by operation and exact body first, then by
operation and item key (writes carry fresh timestamps and write ids). The replay server runs in its own threads:
the figures are the CPU time of the thread serving the request (time.thread_time), through Django's test
Client and the whole middleware stack, for one signed-in admin (so the console pages, on the local
gateway, are in the table).

1. App CPU per request, p50 and p90 of BENCH_REQUESTS (default 200) each, interleaved. Targets (ratios, as the
   machines are noisy): the list page at most 1.5x the API list, and no other page over 2x the API list.
2. Memory: peak RSS after 1,000 requests of a mixed workload (the same requests in turn: pages, API, console,
   and the features of issues 21-23: the labels page, a label filter, the archive, attachments' API, the Checks
   page), and the RSS growth from the 1,000th to the 2,000th request. Target: no growth (under 1 MB: allocator
   noise); every in-memory buffer is bounded (tests/unit/test_bounded_buffers.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_LIST_X_API_LIST = 1.5
TARGET_X_API_LIST = 2.0
GROWTH_LIMIT_MB = 1.0


def main() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "DYNAMODB_", "HEALTH_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "console.settings",
            "DJANGO_SECRET_KEY": f"bench-only-{uuid.uuid4().hex}",
            "DJANGO_DEBUG": "0",
            "LOG_LEVEL": "ERROR",
            "LOCAL_DATA_DIR": tempfile.mkdtemp(prefix="bench-app-time-"),
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_CONFIG_FILE": os.devnull,
            "USE_REAL_AWS": "0",
            "HEALTH_GATEWAY": "local",
        }
    )
    subprocess.run([sys.executable, "-m", "bench.bench_app_time"], cwd=REPO_ROOT, env=env, check=True)


# --- the replaying endpoint --------------------------------------------------------------------------


def _item_key(body: bytes) -> str:
    """The key of the item a request is about (GetItem, UpdateItem, PutItem, ...), or "" for a Query."""
    import json

    request = json.loads(body or b"{}")
    item = request.get("Item") or {}
    key = request.get("Key") or {name: item[name] for name in ("pk", "sk") if name in item}
    return json.dumps(key, sort_keys=True)


class ReplayEndpoint:
    """Records DynamoDB answers from an upstream endpoint, then replays them without it."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.recording = True
        self.exact: dict[tuple[str, bytes], tuple[int, list[tuple[str, str]], bytes]] = {}
        self.by_key: dict[tuple[str, str], tuple[int, list[tuple[str, str]], bytes]] = {}
        self.missed = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                target = self.headers.get("X-Amz-Target", "")
                if endpoint.recording:
                    answer = endpoint._forward(self.path, dict(self.headers), body)
                    endpoint.exact[(target, body)] = answer
                    endpoint.by_key[(target, _item_key(body))] = answer
                else:
                    answer = endpoint.exact.get((target, body)) or endpoint.by_key.get((target, _item_key(body)))
                    if answer is None:
                        endpoint.missed += 1
                        answer = (
                            400,
                            [("Content-Type", "application/x-amz-json-1.0")],
                            b'{"__type":"bench#NotRecorded"}',
                        )
                status, headers, payload = answer
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _forward(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.upstream + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                status, raw_headers, payload = response.status, response.getheaders(), response.read()
        except urllib.error.HTTPError as exc:
            status, raw_headers, payload = exc.code, list(exc.headers.items()), exc.read()
        keep = {"content-type", "x-amz-crc32", "x-amzn-requestid"}
        return status, [(k, v) for k, v in raw_headers if k.lower() in keep], payload

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, name="replay-endpoint", daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


# --- the run -------------------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def run() -> None:
    import logging
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collected static files
    import django
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    replay = ReplayEndpoint(f"http://{host}:{port}")
    replay.start()
    os.environ["DYNAMODB_ENDPOINT_URL"] = replay.url
    os.environ["DYNAMODB_TABLE"] = "bench-app-time"
    django.setup()
    try:
        _run(replay)
    finally:
        replay.stop()
        moto.stop()


def _setup() -> tuple[Any, Any, str, str]:
    from django.conf import settings
    from django.test import Client

    from accounts.auth import store_user_in_session
    from accounts.services import token_create, user_create
    from accounts.sessions import SessionStore, remember_user_session
    from console.aws import dynamodb
    from notes import services

    definition = dynamodb.table_definition(settings.DYNAMODB_TABLE)
    definition.pop("StreamSpecification")
    dynamodb.call("create_table", **definition)
    user = user_create(username="bench", password=f"bench {uuid.uuid4().hex}", is_admin=True)
    notes = [
        services.note_create(
            user_id=user.id,
            data={"title": f"Note {i}", "content": "milk, eggs and a plan " * 10, "labels": ["work"] if i % 3 else []},
        )
        for i in range(30)
    ]
    session = SessionStore()
    store_user_in_session(session, user)
    session.save()
    remember_user_session(user_id=user.id, session_key=session.session_key)
    page = Client()
    page.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    _, secret = token_create(user=user, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return page, api, notes[-1].id, notes[-1].version


def _run(replay: ReplayEndpoint) -> None:
    from console import observability

    page, api, note_id, version = _setup()

    # A request id for the console's request page: one the local console recorded.
    def newest_request() -> str:
        # A request the local console still holds: its buffer is bounded, so a fixed id falls out of it after a
        # few hundred requests and its page is then (rightly) a 404.
        return f"/console/requests/{observability._buffers.requests[-1].correlation_id}/"

    requests: list[tuple[str, Any, str, Any, dict[str, str]]] = [
        ("bare view (/healthz)", page, "get", "/healthz", {}),
        ("list page", page, "get", "/notes/", {}),
        ("note page", page, "get", f"/notes/{note_id}/", {}),
        ("toggle (htmx)", page, "post", f"/notes/{note_id}/toggle/important", {"value": "1", "version": str(version)}),
        ("API list", api, "get", "/api/notes", {}),
        ("API get", api, "get", f"/api/notes/{note_id}", {}),
        ("console: overview", page, "get", "/console/", {}),
        ("console: configuration", page, "get", "/console/configuration/", {}),
        ("console: invocations", page, "get", "/console/invocations/", {}),
        ("console: logs", page, "get", "/console/logs/", {}),
        ("console: triggers", page, "get", "/console/triggers/", {}),
        ("console: one request", page, "get", newest_request, {}),
        # The features of issues 21-23 in the mix: labels, the archive, attachments' API, the checks page.
        ("labels page", page, "get", "/notes/labels/", {}),
        ("label filter, API", api, "get", "/api/notes?label=work", {}),
        ("archive page", page, "get", "/notes/archive/", {}),
        ("API attachments", api, "get", f"/api/notes/{note_id}/attachments", {}),
        ("console: checks", page, "get", "/console/checks/", {}),
    ]

    def send(client: Any, method: str, path: Any, data: dict[str, str]) -> Any:
        path = path() if callable(path) else path
        if method == "post":
            return client.post(path, data, HTTP_HX_REQUEST="true")
        return client.get(path)

    for name, client, method, path, data in requests:  # record, then warm up on the replayed answers
        response = send(client, method, path, data)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {method.upper()} {path} answered {response.status_code}")
    replay.recording = False
    for _ in range(20):
        for _name, client, method, path, data in requests:
            send(client, method, path, data)

    count = int(os.environ.get("BENCH_REQUESTS", "200"))
    cpu: dict[str, list[float]] = {name: [] for name, *_ in requests}
    wall: dict[str, list[float]] = {name: [] for name, *_ in requests}
    for _ in range(count):
        for name, client, method, path, data in requests:
            started_cpu, started = time.thread_time(), time.perf_counter()
            response = send(client, method, path, data)
            cpu[name].append((time.thread_time() - started_cpu) * 1000)
            wall[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: answered {response.status_code} on replayed answers")

    if os.environ.get("BENCH_PROFILE"):
        _profile(requests, send, os.environ["BENCH_PROFILE"])
    api_list = percentile(cpu["API list"], 50)
    print(
        f"App CPU per request (thread CPU time, Django test Client, all middleware), DynamoDB answered by a "
        f"local replay endpoint, {count} requests each, interleaved:"
    )
    print(f"  {'request':26} {'CPU p50 ms':>11} {'CPU p90 ms':>11} {'wall p50 ms':>12} {'x API list':>11}  target")
    verdicts = []
    for name in cpu:
        p50, p90 = percentile(cpu[name], 50), percentile(cpu[name], 90)
        times = p50 / api_list
        target = ""
        if name == "list page":
            ok = times <= TARGET_LIST_X_API_LIST
            target = f"<= {TARGET_LIST_X_API_LIST:g}x: {'met' if ok else 'NOT met'}"
            verdicts.append(ok)
        elif name != "bare view (/healthz)":
            ok = times <= TARGET_X_API_LIST
            target = f"<= {TARGET_X_API_LIST:g}x: {'met' if ok else 'NOT met'}"
            verdicts.append(ok)
        print(f"  {name:26} {p50:11.2f} {p90:11.2f} {percentile(wall[name], 50):12.2f} {times:11.2f}  {target}")
    print(
        f"  every page within target: {'yes' if all(verdicts) else 'NO'}; answers the replay endpoint had not "
        f"recorded: {replay.missed}"
    )

    # --- memory -----------------------------------------------------------------------------------------
    import gc

    half = int(os.environ.get("BENCH_MEMORY_REQUESTS", "2000")) // 2  # fewer only for a quick look
    sent = 0
    marks: dict[int, tuple[float, float]] = {}
    while sent < 2 * half:
        for _, client, method, path, data in requests:
            send(client, method, path, data)
            sent += 1
            if sent in (half, 2 * half):
                gc.collect()
                marks[sent] = (rss_mb(), peak_rss_mb())
            if sent == 2 * half:
                break
    growth = marks[2 * half][0] - marks[half][0]
    print()
    print("Memory over a mixed workload (the requests above in turn), this process:")
    print(
        f"  RSS after {half:,} warm requests: {marks[half][0]:.1f} MB (peak so far {marks[half][1]:.1f} MB); "
        f"after {2 * half:,}: {marks[2 * half][0]:.1f} MB (peak {marks[2 * half][1]:.1f} MB)"
    )
    print(
        f"  growth from the {half:,}th to the {2 * half:,}th request: {growth:+.2f} MB, target < {GROWTH_LIMIT_MB:g} MB: "
        f"{'met' if growth < GROWTH_LIMIT_MB else 'NOT met'}"
    )
    buffers = observability._buffers
    print(
        f"  the local console's buffers: {len(buffers.requests)} request records (max {buffers.requests.maxlen}), "
        f"{len(buffers.lines)} log lines (max {buffers.lines.maxlen})"
    )
    print("  (this process also holds moto's server and the replay endpoint: a Lambda process holds neither)")


def _profile(requests: list, send: Any, name: str) -> None:
    """BENCH_PROFILE=<request name>: where that request's CPU goes (cProfile, 50 requests)."""
    import cProfile
    import pstats

    _, client, method, path, data = next(r for r in requests if r[0] == name)
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    for _ in range(50):
        send(client, method, path, data)
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(35)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    run()
