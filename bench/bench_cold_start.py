"""Cold start on Lambda, simulated: Notes Console against a bare Django hello app, packaged the same way.

Both packages are built now by `zappa package` from the runtime-only venv (bench/lambda_package.py) and
unzipped into read-only folders; boto3 sits in a separate folder as in Lambda's runtime. Each run is a
fresh interpreter with bytecode writing off (-B) and no site-packages (-S -I): it imports the handler
and serves GET / on the execute-api host (bench/cold_start_child.py). The app reads its secret key from
SSM as on Lambda, from a local moto server. Runs alternate between the variants; medians are reported,
of CPU time to the first response (the ratio: steady on a machine shared with other work) and of wall time.

A second baseline is what any DynamoDB-backed page must do: the hello app with a view that creates a
botocore DynamoDB client and replays the calls the app's signed-in list page makes (a GetItem of the session,
a Query of the notes; recorded by bench/cold_start_seed.py against the same moto server, same items).

BENCH_RUNS (default 7) sets the runs per variant. Targets: the anonymous page within 1.05x of the hello
app; the signed-in GET /notes/ within 1.10x of the DynamoDB baseline. The package as Zappa ships it by
default (stale bytecode, recompiled at every cold start) is in the same table.

BENCH_CALLGRIND=1 adds one cold start of each variant under `valgrind --tool=callgrind`: the instructions
executed (Ir) do not depend on the machine's load, so their ratios judge a cut on a busy machine (CPU time
does not). BENCH_CALLGRIND_OUT=DIR keeps those profiles (callgrind.out.VARIANT, for callgrind_annotate);
BENCH_IMPORTTIME_OUT=DIR adds one run of each variant with `-X importtime` and keeps its report there.
BENCH_PHASES=1 (with BENCH_CALLGRIND=1) also counts the instructions up to each phase of the start-up
(bench/cold_start_child.py: import, settings, setup, middleware, urlconf, response) and prints what each phase
costs each variant and the app beyond its baseline: where a cold start's extra instructions go (~5 more minutes).
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.cold_start_child import PHASES
from bench.lambda_package import REPO_ROOT, hello_project, runtime_folder, stage_config, zappa_package

CHILD = Path(__file__).resolve().parent / "cold_start_child.py"
HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
TARGET_ANONYMOUS = 1.05  # the anonymous page against the bare hello app
TARGET_SIGNED_IN = 1.10  # the signed-in list against hello + a DynamoDB client, one GetItem and one Query


def _event(stage: str, path: str = "/", cookie: str = "") -> dict:
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443", "Accept": "text/html"}
    if cookie:
        headers["Cookie"] = cookie
    return {
        "resource": "/{proxy+}" if path != "/" else "/",
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"path": f"/{stage}{path}", "stage": stage, "domainName": HOST, "requestId": "bench"},
        "body": None,
        "isBase64Encoded": False,
    }


def _unzip_read_only(zip_path: Path, target: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(target)
    _set_writable(target, False)
    return target


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755 if writable else 0o555)
        else:
            path.chmod(0o644 if writable else 0o444)


def _strip_bytecode(source: Path, target: Path) -> Path:
    """The app as Zappa alone ships it: its .pyc files never match (zip dates), so every import compiles."""
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    _set_writable(target, False)
    return target


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}


def _start_ssm(parameter: str, value: str) -> tuple[object, str]:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    ssm = boto3.client(
        "ssm", region_name="us-east-1", endpoint_url=url, aws_access_key_id="bench", aws_secret_access_key="bench"
    )
    ssm.put_parameter(Name=parameter, Value=value, Type="SecureString", Overwrite=True)
    ssm.get_parameter(Name=parameter, WithDecryption=True)  # the server loads lazily: not on the app's clock
    return server, url


def _run(
    task: Path,
    runtime: Path,
    env: dict[str, str],
    event: dict,
    *,
    prefix: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
) -> dict:
    result = subprocess.run(
        [*prefix, sys.executable, "-S", "-B", "-I", *flags, str(CHILD), str(task), str(runtime), json.dumps(event)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200 if prefix else 120,
    )
    if result.returncode != 0 or not (result.stdout.strip() or env.get("BENCH_STOP")):
        raise RuntimeError(f"cold start failed in {task}:\n{result.stdout}\n{result.stderr}")
    if env.get("BENCH_STOP"):  # stopped after a phase (BENCH_PHASES): no response to check
        return {"stderr": result.stderr}
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    if measured["status"] != 200:
        raise RuntimeError(f"{task} answered {measured['status']}: {measured['body']}\n{result.stderr[-2000:]}")
    measured["stderr"] = result.stderr
    return measured


def _instructions(name: str, task: Path, runtime: Path, env: dict[str, str], event: dict, out: Path) -> int:
    """The instructions (Ir) of one cold start under callgrind: the whole process, interpreter start included."""
    profile = out / f"callgrind.out.{name}"
    # ~50x slower under valgrind: the app's request deadline (console/aws/deadline.py) would cut its DynamoDB
    # calls short and answer 503, so it gets an hour; the path the code takes is the same.
    env = {**env, "REQUEST_TIME_BUDGET_SECONDS": "3600"}
    _run(task, runtime, env, event, prefix=("valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}"))
    for line in profile.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no instruction total in {profile}")


def _seed(url: str, secret_key: str, table: str, tmp: Path) -> dict:
    """A user, a session and notes on the moto server, and the DynamoDB calls the signed-in list page makes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "DYNAMODB_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="console.settings",
        DJANGO_SECRET_KEY=secret_key,
        DYNAMODB_ENDPOINT_URL=url,
        DYNAMODB_TABLE=table,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        LOG_LEVEL="ERROR",
        LOCAL_DATA_DIR=str(tmp / "seed-data"),
        USE_REAL_AWS="0",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.cold_start_seed"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    runs = int(os.environ.get("BENCH_RUNS", "7"))
    stale_runs = max(1, min(3, runs))
    dev = stage_config("dev")
    parameter = dev["environment_variables"]["SECRET_KEY_PARAMETER"]
    table = dev["environment_variables"]["DYNAMODB_TABLE"]
    secret_key = secrets.token_urlsafe(50)
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp_name:
        tmp = Path(tmp_name)
        print("building both packages with zappa package ...", flush=True)
        app_zip = zappa_package(REPO_ROOT, "dev", tmp / "app.zip")
        hello_zip = zappa_package(hello_project(tmp / "hello-project"), "dev", tmp / "hello.zip")
        sizes = f"app {app_zip.stat().st_size / 2**20:.1f} MiB, hello {hello_zip.stat().st_size / 2**20:.1f} MiB"
        runtime = runtime_folder(tmp / "runtime")
        _set_writable(runtime, False)
        hello_task = _unzip_read_only(hello_zip, tmp / "hello-task")
        app_task = _unzip_read_only(app_zip, tmp / "app-task")
        stale_task = _strip_bytecode(app_task, tmp / "app-stale-task")
        folders = [runtime, hello_task, app_task, stale_task]
        before = {str(f): _snapshot(f) for f in folders}

        server, url = _start_ssm(parameter, secret_key)
        seeded = _seed(url, secret_key, table, tmp)
        base_env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "HOME": str(tmp),
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(dev["memory_size"]),
            # One moto server answers SSM and DynamoDB; botocore's per-service endpoint variables point there.
            "AWS_ENDPOINT_URL_SSM": url,
            "AWS_ENDPOINT_URL_DYNAMODB": url,
        }
        hello_env = {"AWS_LAMBDA_FUNCTION_NAME": "hello-dev", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
        app_env = {"AWS_LAMBDA_FUNCTION_NAME": "notes-console-dev"}
        variants = {
            "hello": (hello_task, hello_env, _event("dev")),
            "hello-dynamodb": (
                hello_task,
                {**hello_env, "HELLO_DYNAMODB_CALLS": json.dumps(seeded["calls"])},
                _event("dev", "/dynamodb/"),
            ),
            "app": (app_task, app_env, _event("dev")),
            "app-notes": (app_task, app_env, _event("dev", "/notes/", cookie=seeded["cookie"])),
            "app-stale": (stale_task, app_env, _event("dev")),
        }
        results: dict[str, list[dict]] = {name: [] for name in variants}
        instructions: dict[str, int] = {}
        phases: dict[str, dict[str, int]] = {}
        callgrind_out = os.environ.get("BENCH_CALLGRIND_OUT") or str(tmp / "callgrind")
        importtime_out = os.environ.get("BENCH_IMPORTTIME_OUT")
        try:
            for i in range(runs):
                for name, (task, extra, event) in variants.items():
                    if name == "app-stale" and i >= stale_runs:
                        continue
                    env = {**base_env, **extra, "LAMBDA_TASK_ROOT": str(task)}
                    results[name].append(_run(task, runtime, env, event))
            for name, (task, extra, event) in variants.items():
                env = {**base_env, **extra, "LAMBDA_TASK_ROOT": str(task)}
                if importtime_out:
                    Path(importtime_out).mkdir(parents=True, exist_ok=True)
                    run = _run(task, runtime, env, event, flags=("-X", "importtime"))
                    (Path(importtime_out) / f"{name}.importtime").write_text(run["stderr"])
                if os.environ.get("BENCH_CALLGRIND") == "1" and name != "app-stale":
                    Path(callgrind_out).mkdir(parents=True, exist_ok=True)
                    instructions[name] = _instructions(name, task, runtime, env, event, Path(callgrind_out))
                    if os.environ.get("BENCH_PHASES") == "1":
                        phases[name] = {
                            stop: _instructions(
                                f"{name}.{stop}", task, runtime, {**env, "BENCH_STOP": stop}, event, Path(callgrind_out)
                            )
                            for stop in PHASES[:-1]
                        }
                        phases[name][PHASES[-1]] = instructions[name]
        finally:
            server.stop()
            unchanged = all(_snapshot(Path(f)) == snap for f, snap in before.items())
            for folder in folders:
                _set_writable(folder, True)

    print(f"packages: {sizes}")
    print(
        "DynamoDB calls of the signed-in list page (replayed by the hello baseline): "
        + " + ".join(c["operation"] for c in seeded["calls"])
    )
    if runs:  # BENCH_RUNS=0 with BENCH_CALLGRIND=1: instructions only
        _report(results, unchanged)
    if instructions:
        _report_instructions(instructions)
    if phases:
        _report_phases(phases)


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


# (what, against, target): each ratio is measured on CPU time to the first response and on wall time.
TARGETS = (
    ("app", "hello", TARGET_ANONYMOUS),
    ("app-notes", "hello-dynamodb", TARGET_SIGNED_IN),
)


def _report(results: dict[str, list[dict]], unchanged: bool) -> None:
    labels = {
        "hello": "bare Django hello app, GET /",
        "hello-dynamodb": "hello + botocore DynamoDB, GetItem + Query",
        "app": "Notes Console, anonymous GET /",
        "app-notes": "Notes Console, signed-in GET /notes/",
        "app-stale": "Notes Console GET /, bytecode as Zappa ships",
    }
    print(
        f"{'cold start to the first response, medians':46} {'runs':>4} {'CPU ms':>7} {'wall ms':>8} "
        f"{'(import handler)':>17} {'peak RSS MB':>12}"
    )
    for name, rows in results.items():
        print(
            f"{labels[name]:46} {len(rows):>4} {_median(rows, 'cpu_ms'):>7.0f} {_median(rows, 'first_response_ms'):>8.0f} "
            f"{_median(rows, 'import_ms'):>17.0f} {_median(rows, 'max_rss_mb'):>12.1f}"
        )
    for name, base, target in TARGETS:
        for key, label in (("cpu_ms", "CPU"), ("first_response_ms", "wall")):
            ratio = _median(results[name], key) / _median(results[base], key)
            print(
                f"{labels[name]} / {labels[base]} ({label}): {ratio:.2f}x, target {target:.2f}x: "
                f"{'met' if ratio <= target else 'NOT met'}"
            )
    stale = _median(results["app-stale"], "first_response_ms") / _median(results["app"], "first_response_ms")
    print(f"stale bytecode / the package's own bytecode (wall): {stale:.2f}x")
    for key in ("cpu_ms", "first_response_ms"):
        each = "; ".join(f"{name}: " + " ".join(f"{row[key]:.0f}" for row in rows) for name, rows in results.items())
        print(f"every run, {key}: {each}")
    print(f"read-only folders unchanged after the runs (no bytecode written): {'yes' if unchanged else 'NO'}")


def _report_instructions(instructions: dict[str, int]) -> None:
    """One cold start of each variant under callgrind: instructions do not vary with the machine's load."""
    print(f"{'cold start to the first response, instructions (callgrind)':60} {'Ir (millions)':>14}")
    for name, count in instructions.items():
        print(f"{name:60} {count / 1e6:>14.1f}")
    for name, base, target in TARGETS:
        ratio = instructions[name] / instructions[base]
        extra = (instructions[name] - instructions[base]) / 1e6
        print(
            f"{name} / {base} (instructions): {ratio:.3f}x (+{extra:.1f} M), target {target:.2f}x: "
            f"{'met' if ratio <= target else 'NOT met'}"
        )


def _report_phases(phases: dict[str, dict[str, int]]) -> None:
    """Instructions spent in each phase of the start-up (the count up to it, less the count up to the one before)."""
    spent = {
        name: {stop: counts[stop] - (counts[PHASES[i - 1]] if i else 0) for i, stop in enumerate(PHASES)}
        for name, counts in phases.items()
    }
    names = list(spent)
    print("instructions spent in each phase of the cold start, millions (bench/cold_start_child.py says what each is)")
    print(
        f"{'phase':12}" + "".join(f"{name:>16}" for name in names) + "".join(f"{f'{n}-{b}':>22}" for n, b, _ in TARGETS)
    )
    for stop in PHASES:
        row = "".join(f"{spent[name][stop] / 1e6:>16.1f}" for name in names)
        extra = "".join(
            f"{(spent[n][stop] - spent[b][stop]) / 1e6:>+22.1f}" for n, b, _ in TARGETS if n in spent and b in spent
        )
        print(f"{stop:12}{row}{extra}")
