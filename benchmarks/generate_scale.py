"""Benchmark: synthetic raw data at 100x the paper's scale (time and peak memory).

Run with ``make bench`` (or ``python benchmarks/generate_scale.py``). Each
configuration runs in a fresh child process so its peak resident memory is
its own. Generation includes writing the four CSV files.

Target (issue #3): 100x the paper (650,000 registrants) in under 60 s and
within 4 GB on a 2-core machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time

CHILD = """
import resource, sys, time
from helpers.synthetic import make_dataset
start = time.perf_counter()
make_dataset(sys.argv[1], seed=1, registrants=int(sys.argv[2]), mode=sys.argv[3])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(registrants: int, mode: str) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", CHILD, directory, str(registrants), mode],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        seconds, peak_kib = result.stdout.split()
        return {
            "registrants": registrants,
            "mode": mode,
            "generate_and_write_s": round(float(seconds), 2),
            "process_wall_s": round(wall, 2),
            # the child's own peak: RUSAGE_CHILDREN would keep the largest of all runs so far
            "peak_rss_mib": round(int(peak_kib) / 1024, 1),
        }


def main() -> int:
    rows = [run(n, mode) for n in (6_500, 650_000) for mode in ("matched", "sample")]
    for row in rows:
        print(json.dumps(row))
    if "--json" in sys.argv[1:]:
        return 0
    worst = max(r["process_wall_s"] for r in rows if r["registrants"] == 650_000)
    memory = max(r["peak_rss_mib"] for r in rows if r["registrants"] == 650_000)
    verdict = "meets" if worst < 60 and memory < 4096 else "MISSES"
    print(f"100x: {worst:.1f} s, {memory:.0f} MiB peak -> {verdict} the 60 s / 4 GB target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
