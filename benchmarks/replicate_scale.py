"""Benchmark: end-to-end ``make replicate`` at 1x, 10x and 100x the paper's data.

1x is the bundled data set (6,500 registrants, 3,087 analysed); 10x and 100x
are generated in ``sample`` mode first (not timed). Each run is
``python -m helpers.pipeline.run`` in a child process, exactly what ``make replicate``
calls: every notebook, the report, the site. Peak memory is the largest sum
of resident memory over the runner and all its children (the notebook
kernels), sampled every 0.1 s with psutil.

Run with ``make bench`` or ``python benchmarks/replicate_scale.py [--json]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "synthetic"
PAPER_REGISTRANTS = 6_500


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # ended between listing and reading
            total += member.memory_info().rss
    return total


def replicate(data_dir: Path, output_dir: Path) -> dict:
    """Run the replication once; wall time and peak memory of the process tree."""
    command = [sys.executable, "-m", "helpers.pipeline.run", "--data-dir", str(data_dir),
               "--output-dir", str(output_dir)]  # fmt: skip
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            peak = max(peak, _tree_rss(watched))
        except psutil.Error:
            break
        time.sleep(0.1)
    _, errors = child.communicate()
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"make replicate failed on {data_dir}:\n{errors[-2000:]}")
    return {"wall_s": round(wall, 1), "peak_tree_rss_mib": round(peak / 2**20)}


def measure(scales: tuple[int, ...] = (1, 10, 100)) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for scale in scales:
            data = BUNDLED
            if scale != 1:
                data = Path(scratch) / f"data_{scale}x"
                subprocess.run(
                    [sys.executable, "-m", "helpers.synthetic", str(data), "--seed", "1",
                     "--registrants", str(scale * PAPER_REGISTRANTS), "--mode", "sample"],
                    check=True, capture_output=True,
                )  # fmt: skip
            size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
            result = replicate(data, Path(scratch) / f"output_{scale}x")
            rows.append(
                {"scale": scale, "registrants": scale * PAPER_REGISTRANTS,
                 "raw_mib": round(size / 2**20, 1), **result}
            )  # fmt: skip
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line per scale")
    parser.add_argument("--scales", default="1,10,100", help="comma-separated multiples")
    arguments = parser.parse_args()
    for row in measure(tuple(int(s) for s in arguments.scales.split(","))):
        print(json.dumps(row) if arguments.json else
              f"{row['scale']:>4}x ({row['registrants']:,} registrants, {row['raw_mib']} MiB raw): "
              f"{row['wall_s']} s, peak {row['peak_tree_rss_mib']:,} MiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
