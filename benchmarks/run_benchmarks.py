"""Run every benchmark and write BENCHMARKS.md (``make bench``).

Each benchmark runs in its own process and prints JSON lines; this script
collects them into ``benchmarks/results.json`` and renders ``BENCHMARKS.md``,
so no figure in that file is typed by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _lines(script: str, *arguments: str) -> list[dict]:
    print(f"running {script} ...", flush=True)
    result = subprocess.run(
        [sys.executable, str(HERE / script), *arguments, "--json"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def _machine() -> dict:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as info:  # Linux; the CI machine's OS
        names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
    return {
        "cpu": names[0] if names else cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def render(results: dict) -> str:
    machine, replicate = results["machine"], results["replicate"]
    simulation, generation = results["simulation"], results["generation"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run_benchmarks.py`) from the JSON in",
        "`benchmarks/results.json`; do not edit by hand. Measured on "
        f"{machine['date']}: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory_gib']} GiB, Python {machine['python']}.",
        "",
        "## `make replicate` end to end",
        "",
        "Every notebook, the report and the rendered site, on the bundled data (1x) and on",
        "`sample`-mode data at 10x and 100x the paper's size. Peak memory is the largest",
        "resident total of the runner and its notebook kernels.",
        "",
        "| scale | registrants | raw data | wall time | peak memory |",
        "|---|---|---|---|---|",
    ]
    for row in replicate:
        lines.append(
            f"| {row['scale']}x | {row['registrants']:,} | {row['raw_mib']} MiB | "
            f"{row['wall_s']} s | {row['peak_tree_rss_mib']:,} MiB |"
        )
    lines += [
        "",
        "## Simulated aim 3 analyses per second (one core)",
        "",
        f"Table 2's full model on n = {simulation['n']} per simulated study, drawn from the",
        "synthetic population and fitted; BLAS pinned to one thread. The statsmodels loop fits",
        "studies of the same shape one `OLS(...).fit()` at a time, in the same run; it times the",
        "fits only, not the drawing, so the comparison flatters the loop.",
        "",
        "| method | analyses per second | replicates timed |",
        "|---|---|---|",
        f"| vectorized (`helpers.whatif.simulate`) | {simulation['vectorized_per_s']:,} | "
        f"{simulation['vectorized_replicates']:,} |",
        f"| statsmodels loop | {simulation['statsmodels_loop_per_s']:,} | "
        f"{simulation['statsmodels_replicates']:,} |",
        "",
        f"Speed-up {simulation['speedup']}x; the two agree on every coefficient to "
        f"{simulation['max_abs_difference_in_b']:.1e}. Target: at least 10,000 per second.",
        "",
        "## Synthetic data generation",
        "",
        "Generation plus writing the four CSV files, each in a fresh process.",
        "",
        "| registrants | mode | time | peak memory |",
        "|---|---|---|---|",
    ]
    for row in generation:
        lines.append(
            f"| {row['registrants']:,} | {row['mode']} | {row['process_wall_s']} s | "
            f"{row['peak_rss_mib']:,.0f} MiB |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    if "--render-only" in sys.argv[1:]:  # re-render BENCHMARKS.md from the stored results
        results = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        (ROOT / "BENCHMARKS.md").write_text(render(results), encoding="utf-8")
        return 0
    results = {
        "machine": _machine(),
        "simulation": _lines("simulation_rate.py")[0],
        "replicate": _lines("replicate_scale.py"),
        "generation": _lines("generate_scale.py"),
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (ROOT / "BENCHMARKS.md").write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
