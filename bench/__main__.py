"""`make bench`: runs every benchmark module in this folder and prints its table.

`python -m bench --quick` (`make bench-quick`, run by CI after the tests) runs one short round of every
benchmark: fewer runs, requests and notes, so that a benchmark that no longer runs fails CI. Its figures are
too few to judge a target by; only the full `make bench` is quoted. `python -m bench NAME ...` runs the named
benchmarks only (e.g. `bench_cold_start`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path

# One short round of each benchmark: the knobs every bench_* module reads, smaller (set only where unset).
QUICK = {
    "BENCH_RUNS": "2",  # cold starts per variant
    "BENCH_REQUESTS": "20",  # requests per page
    "BENCH_MEMORY_REQUESTS": "200",  # the warm mixed workload (half, then the rest)
    "BENCH_BIG_NOTES": "2000",  # the "big" user of the read-unit rows
    "BENCH_BULK_NOTES": "1000",  # the user with many notes of the bulk action rows
}


def _load() -> str:
    """The machine's load with each table: figures taken on a busy machine (load over its cores) are not quoted."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    if quick:
        for name, value in QUICK.items():
            os.environ.setdefault(name, value)
        os.environ["BENCH_QUICK"] = "1"
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if wanted:
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            print(f"no such benchmark: {', '.join(unknown)} (there are: {', '.join(names)})", file=sys.stderr)
            return 2
        names = [n for n in names if n in wanted]
    failed: list[str] = []
    for name in names:
        print(f"== {name}{' (quick: one short round, figures not for quoting)' if quick else ''}", flush=True)
        print(f"load average at the start (1, 5, 15 min): {_load()}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception:  # noqa: BLE001 - a broken benchmark is reported, and the others still run
            traceback.print_exc()
            failed.append(name)
        print(f"-- {name}: {time.perf_counter() - started:.0f} s; load average at the end: {_load()}", flush=True)
    if failed:
        print(f"benchmarks that did not run to the end: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
