"""A Lambda cold start in a fresh process, for tests/lambda/test_cold_start.py.

Runs Zappa's real handler with the stage's generated zappa_settings.py; the parent gives Lambda's
environment. Reads {"environment": {...}, "remove": [...], "events": [...]} on stdin (changes to the
stage's variables, then the events to invoke in order) and prints one JSON line: each event's status
code or exception, and the names of the SSM parameters the app read. Logs go to stderr.

Usage: python lambda_process.py REPO_ROOT SETTINGS_DIR < spec.json
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    repo_root, settings_dir = sys.argv[1], sys.argv[2]
    sys.path[:0] = [settings_dir, repo_root]
    spec = json.load(sys.stdin)

    import zappa_settings

    zappa_settings.ENVIRONMENT_VARIABLES.update(spec.get("environment", {}))
    for name in spec.get("remove", []):
        zappa_settings.ENVIRONMENT_VARIABLES.pop(name, None)

    from console.aws import secrets as aws_secrets

    reads: list[str] = []
    read_parameter = aws_secrets.read_parameter

    def counted(name: str) -> str:
        reads.append(name)
        return read_parameter(name)

    aws_secrets.read_parameter = counted

    from zappa.handler import lambda_handler

    results: list[dict] = []
    for event in spec["events"]:
        try:
            response = lambda_handler(event, None)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which asserts on it
            results.append({"error": type(exc).__name__, "message": str(exc)})
            break
        results.append({"status": response.get("statusCode") if isinstance(response, dict) else response})
    print(json.dumps({"results": results, "secret_reads": reads}))


if __name__ == "__main__":
    main()
