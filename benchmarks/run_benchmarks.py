"""Run the benchmarks and write BENCHMARKS.md from their results (``make bench``).

Three parts, each in its own processes:

- ``side_by_side`` (:mod:`side_by_side`): ``make replicate`` and the R reference
  (``benchmarks/reference.R``) alternately on the same data at 1x, 10x, 100x
  and 1000x the paper's size (:mod:`scale_data`), with the change-one-parameter
  re-run and a check that both computed the same numbers;
- ``simulation`` (``simulation_rate.py``): simulated aim 3 analyses per second;
- ``generation`` (``generate_scale.py``): synthetic data generation.

The results go to ``benchmarks/results.json``; BENCHMARKS.md is rendered from
that file alone, so no figure in it is typed by hand. Command line::

    python benchmarks/run_benchmarks.py [--scales 1 10 100 1000] [--repeats N]
        [--parts side_by_side simulation generation] [--keep] [--cold-env VAR]
    python benchmarks/run_benchmarks.py --render-only
    make bench SCALES="1 10" REPEATS=3 PARTS=side_by_side

A partial run writes what it measured; ``--keep`` also keeps, from the previous
``results.json``, the scales and parts this run did not measure (each keeps the
date and commit it was measured at, and BENCHMARKS.md shows them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import psutil

from helpers.data.store import CACHE_VARIABLE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
sys.path.insert(0, str(HERE))

import scale_data  # noqa: E402
from compare_reference import check_iso_codes, python_command, r_command  # noqa: E402
from side_by_side import DEFAULT_CHANGE, measure_scale, r_versions, shown  # noqa: E402

PARTS = ("side_by_side", "simulation", "generation")
SCALES = (1, 10, 100, 1000)
#: Runs of each side per scale when ``--repeats`` is not given.
DEFAULT_REPEATS = {1: 3, 10: 3, 100: 3, 1000: 1}
#: The issue's targets: reported against the measurements, never asserted.
GIB = 1024  # MiB: the project writes GB for GiB (4 GB = 4,096 MiB)
TARGETS = {
    "ratio_1x": 2.5,
    "ratio_100x": 0.4,
    "peak_100x_mib": 1.5 * GIB,
    "peak_1000x_mib": 4 * GIB,
    "changed_ratio": 2.0,
}


# --- measuring ---------------------------------------------------------------------------


def _lines(script: str, *arguments: str) -> list[dict]:
    print(f"running {script} ...", flush=True)
    result = subprocess.run(
        [sys.executable, str(HERE / script), *arguments, "--json"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def _commit() -> str:
    """The code version measured: the short commit, ``+changes`` when the tree differs."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
            capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(  # the benchmark's own outputs are not changes to the code
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
             ":!benchmarks/results.json", ":!BENCHMARKS.md"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+changes" if dirty else "")


def _machine() -> dict:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as info:  # Linux; the CI machine's OS
        names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
    return {
        "cpu": names[0] if names else cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        # other jobs on the machine slow both sides: the 1-minute load before anything ran
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


def _stamp(command: str) -> dict:
    """When, at which code version and by which command a result was measured."""
    return {"date": dt.date.today().isoformat(), "commit": _commit(), "command": command}


def side_by_side(arguments: argparse.Namespace, command: str, versions: dict) -> dict:
    """Measure every scale asked for; the ``side_by_side`` part of the results."""
    change = None if arguments.no_change else DEFAULT_CHANGE
    scales = []
    for scale in arguments.scales:
        data = scale_data.ensure(scale, arguments.seed, arguments.cache_dir)
        repeats = arguments.repeats or DEFAULT_REPEATS.get(scale, 1)
        print(f"{scale}x: {repeats} run(s) of each side", flush=True)
        result = measure_scale(
            scale, data, repeats, change=change, cold_env=arguments.cold_env, seed=arguments.seed
        )
        scales.append({**result, **_stamp(command)})
        print(
            f"{scale}x: python {_cell(result, 'python')}, R {_cell(result, 'r')}, "
            f"ratio {_times(result['python_over_r'])}",
            flush=True,
        )
    placeholder = (Path("$DATA_DIR"), Path("$OUTPUT_DIR"))
    changed = {change[0]: change[1]} if change else {}
    return {
        **versions,
        "seed": arguments.seed,
        "cold_env": list(arguments.cold_env),
        "commands": {
            "python": shown(python_command(*placeholder, {})),
            "r": shown(r_command(placeholder[0], Path("$OUT_CSV"), {})),
            "python_changed": shown(python_command(*placeholder, changed)) if change else None,
            "r_changed": shown(r_command(placeholder[0], Path("$OUT_CSV"), changed))
            if change
            else None,
        },
        "scales": scales,
    }


def _invocation(argv: list[str]) -> str:
    """This run's command line, as BENCHMARKS.md shows it (no path of this machine)."""
    words = ["$PATH" if Path(word).is_absolute() else word for word in argv]
    return " ".join(["python benchmarks/run_benchmarks.py", *words])


def measure(arguments: argparse.Namespace, argv: list[str]) -> dict:
    """Run the parts asked for; with ``--keep``, merge with the previous results."""
    previous = {}
    if arguments.keep and RESULTS.exists():
        previous = json.loads(RESULTS.read_text(encoding="utf-8"))
        kept_rows = [
            previous.get("simulation") or {},
            *(previous.get("generation") or []),
            *previous.get("side_by_side", {}).get("scales", []),
        ]
        for row in kept_rows:  # each kept result keeps its own date, commit and command
            for name in ("date", "commit", "command"):
                row.setdefault(name, previous.get(name))
    command = _invocation(argv)
    results = {"machine": _machine(), **_stamp(command)}
    if "side_by_side" in arguments.parts:  # before anything runs: R is there, codes current
        check_iso_codes()
        versions = r_versions()
    if "simulation" in arguments.parts:
        results["simulation"] = {**_lines("simulation_rate.py")[0], **_stamp(command)}
    elif "simulation" in previous:
        results["simulation"] = previous["simulation"]
    if "generation" in arguments.parts:
        results["generation"] = [{**row, **_stamp(command)} for row in _lines("generate_scale.py")]
    elif "generation" in previous:
        results["generation"] = previous["generation"]
    if "side_by_side" in arguments.parts:
        results["side_by_side"] = side_by_side(arguments, command, versions)
        kept = previous.get("side_by_side", {}).get("scales", [])
        measured = {row["scale"] for row in results["side_by_side"]["scales"]}
        results["side_by_side"]["scales"] = sorted(
            [*results["side_by_side"]["scales"], *(r for r in kept if r["scale"] not in measured)],
            key=lambda row: row["scale"],
        )
    elif "side_by_side" in previous:
        results["side_by_side"] = previous["side_by_side"]
    return results


# --- rendering ---------------------------------------------------------------------------


def _seconds(value: float) -> str:
    return f"{value:,.1f} s" if value >= 10 else f"{value:.2f} s"


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _row_stamp(row: dict, results: dict) -> str:
    if (row.get("date"), row.get("commit")) == (results.get("date"), results.get("commit")):
        return ""
    return f" (measured {row.get('date')} at {row.get('commit')})"


def _side(row: dict, kind: str, field: str = "median_wall_s") -> float | None:
    side = row.get(kind)
    return None if side is None else side[field]


def _cell(row: dict, kind: str) -> str:
    """A side's median wall time, or "failed" (the reason is listed below the table)."""
    if row.get(kind) is not None:
        return _seconds(row[kind]["median_wall_s"])
    return "failed" if kind in row.get("failed", {}) else "—"


def _peak(row: dict | None, kind: str) -> str:
    value = None if row is None else _side(row, kind, "peak_tree_rss_mib")
    return "—" if value is None else f"{value:,} MiB"


def _times(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio}x"


def _at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


def _targets(rows: dict[int, dict]) -> list[str]:
    """The targets table: each target, what this run measured, met or not."""
    one, hundred, thousand = rows.get(1), rows.get(100), rows.get(1000)
    changed = [row for row in rows.values() if row.get("changed")]
    table = []  # (target, measured, verdict: True, False or None for not measured)
    ratio = TARGETS["ratio_1x"]
    target = f"1x: `make replicate`, site included, at most {ratio}x R's wall time"
    if one:
        table.append((target, _times(one["python_over_r"]), _at_most(one["python_over_r"], ratio)))
    else:
        table.append((target, "—", None))
    ratio, limit = TARGETS["ratio_100x"], TARGETS["peak_100x_mib"]
    wall = f"100x: end-to-end wall time at most {ratio}x R's"
    memory = f"100x: peak memory of the process tree at most 1.5 GB ({limit:,.0f} MiB)"
    if hundred:
        peak = _side(hundred, "python", "peak_tree_rss_mib")
        table += [
            (wall, _times(hundred["python_over_r"]), _at_most(hundred["python_over_r"], ratio)),
            (memory, _peak(hundred, "python"), _at_most(peak, limit)),
        ]
    else:
        table += [(wall, "—", None), (memory, "—", None)]
    limit = TARGETS["peak_1000x_mib"]
    target = (
        f"1000x (6.5 million registrants): completes, peak at most 4 GB ({limit:,.0f} MiB), "
        "time reported"
    )
    if thousand and thousand.get("python") is not None:
        peak = _side(thousand, "python", "peak_tree_rss_mib")
        measured = f"completed in {_cell(thousand, 'python')}, peak {peak:,} MiB"
        table.append((target, measured, _at_most(peak, limit)))
    elif thousand:
        table.append((target, "failed: " + thousand.get("failed", {}).get("python", ""), False))
    else:
        table.append((target, "—", None))
    ratio = TARGETS["changed_ratio"]
    target = (
        f"one parameter changed, re-run with a warm cache: at most {ratio}x R's wall time "
        "(R with the same change)"
    )
    if changed:
        ratios = {row["scale"]: row["changed"]["python_over_r"] for row in changed}
        measured = ", ".join(f"{scale}x: {_times(value)}" for scale, value in ratios.items())
        missed = [f"{scale}x" for scale, value in ratios.items() if not _at_most(value, ratio)]
        table.append((target, measured, missed or True))
    else:
        table.append((target, "—", None))
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    for target, measured, verdict in table:
        if isinstance(verdict, list):
            text = f"{_verdict(False)} at {', '.join(verdict)}"
        else:
            text = _verdict(verdict)
        lines.append(f"| {target} | {measured} | {text} |")
    return lines


def _commands(results: dict) -> list[str]:
    """Every distinct command that measured a figure of ``results``, in the order first seen."""
    rows = [
        *results.get("side_by_side", {}).get("scales", []),
        results.get("simulation") or {},
        *(results.get("generation") or []),
        results,
    ]
    return list(dict.fromkeys(row["command"] for row in rows if row.get("command")))


def render_side_by_side(results: dict) -> list[str]:
    """The side-by-side sections of BENCHMARKS.md."""
    part = results.get("side_by_side")
    lines = ["## `make replicate` beside the R reference", ""]
    if not part:
        return [*lines, "Not measured: run `make bench` with R installed.", ""]
    rows = {row["scale"]: row for row in part["scales"]}
    commands = part["commands"]
    lines += [
        "Both run on the same data in the same `make bench`, alternately (Python, R, then R,",
        "Python at the next repetition). **Python** is `make replicate`: every notebook, the",
        "report and the book (the site). **R** is `benchmarks/reference.R`: the same reading,",
        "contract checks, cohort and statistics in data.table and base R, without notebooks or",
        "site. Wall time is the median over the runs; peak memory is the largest total resident",
        "memory of the process tree (the runner, its kernel and the book builder; Rscript),",
        "sampled every 50 ms. Each Python run starts with a new output directory"
        + (
            ", and with these variables pointing at new empty folders: "
            + ", ".join(f"`{name}`" for name in part["cold_env"])
            if part.get("cold_env")
            else ""
        )
        + ".",
        f"R {part['r']}, data.table {part['data_table']}.",
        "",
        "| scale | registrants | raw data | runs | Python | R | Python / R | Python peak "
        "| R peak |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scale in sorted({*SCALES, *rows}):
        row = rows.get(scale)
        if row is None:
            lines.append(
                f"| {scale}x | {scale * scale_data.PAPER_REGISTRANTS:,} | — | — | "
                "not measured | | | | |"
            )
            continue
        lines.append(
            f"| {scale}x{_row_stamp(row, results)} | {row['registrants']:,} | "
            f"{row['raw_mib']:,} MiB | {row['repeats']} | {_cell(row, 'python')} | "
            f"{_cell(row, 'r')} | {_times(row['python_over_r'])} | {_peak(row, 'python')} | "
            f"{_peak(row, 'r')} |"
        )
    failures = [
        f"- {scale}x, {'Python' if kind == 'python' else 'R'}: {why}"
        for scale, row in sorted(rows.items())
        for kind, why in row.get("failed", {}).items()
    ]
    if failures:
        lines += ["", "Failed runs (that side was not run again at that scale):", "", *failures]
    changed = [row for row in rows.values() if row.get("changed")]
    if changed:
        first = changed[0]["changed"]
        lines += [
            "",
            "### One parameter changed and re-run",
            "",
            "Right after each cold Python run, the pipeline runs again into the same output",
            f"directory with `-p {first['parameter']} {first['value']}`, with whatever it",
            "cached warm; R runs with "
            f"`--{first['parameter'].replace('_', '-')} {first['value']}` (R caches nothing).",
            "",
            "| scale | Python re-run | R | Python / R | Python peak | R peak |",
            "|---|---|---|---|---|---|",
        ]
        for row in sorted(changed, key=lambda r: r["scale"]):
            c = {**row["changed"], "failed": row.get("failed", {})}
            lines.append(
                f"| {row['scale']}x | {_cell(c, 'python')} | {_cell(c, 'r')} | "
                f"{_times(c['python_over_r'])} | {_peak(c, 'python')} | {_peak(c, 'r')} |"
            )
    lines += [
        "",
        "### Do the two compute the same numbers?",
        "",
        "The first repetition's `estimates.csv` against the R script's CSV",
        "(`benchmarks/compare_reference.py`): every statistic both write agrees when equal to",
        "within 1e-8 of the larger magnitude (or 1e-12 absolute); Tukey's adjusted p-values",
        "within 1e-5 relative or 1e-7 absolute, as the tests pin them: R's `ptukey` and",
        "SciPy's studentized range are two numerical integrals, and `ptukey` gives about",
        "2e-11 for any smaller p. What the pipeline writes missing (not estimable, or",
        "withheld as a small cell) is not compared.",
        "",
        "| scale | run | compared | agree | largest relative difference (within 1e-8) "
        "| Tukey p within 1e-5 | not compared |",
        "|---|---|---|---|---|---|---|",
    ]
    problems = []
    for scale in sorted(rows):
        for variant, agreement in rows[scale]["agreement"].items():
            if agreement is None:
                lines.append(f"| {scale}x | {variant} | — | — | not compared: a run failed | | |")
                continue
            looser = agreement.get("looser", [])
            worst = max((row["absolute"] for row in looser), default=None)
            lines.append(
                f"| {scale}x | {variant} | {agreement['compared']} | {agreement['agree']} | "
                f"{agreement['max_relative']:.1e} | "
                + (f"{len(looser)} (largest difference {worst:.1e})" if looser else "0")
                + f" | {agreement['not_compared']} |"
            )
            for difference in agreement["differ"]:
                problems.append(
                    f"- {scale}x {variant}: `{difference['key']}` ({difference['group']}): "
                    f"Python {difference['python']:.10g}, R {difference['r']:.10g}"
                )
            for name in ("r_missing", "only_python", "only_r"):
                if agreement[name]:
                    problems.append(
                        f"- {scale}x {variant}: {name.replace('_', ' ')}: "
                        + ", ".join(f"`{key}`" for key in agreement[name])
                    )
    if problems:
        lines += ["", "Differences:", "", *problems]
    lines += [
        "",
        "## Targets",
        "",
        "The issue's targets, reported against this run's figures (not asserted). GB is",
        "GiB, as elsewhere in the project (1.5 GB = 1,536 MiB).",
        "",
        *_targets(rows),
        "",
        "## How these were measured",
        "",
        "```sh",
        *_commands(results),
        f"{commands['python']}      # Python, each run",
        f"{commands['r']}      # R, each run",
    ]
    if commands.get("python_changed"):
        lines += [
            f"{commands['python_changed']}      # Python re-run",
            f"{commands['r_changed']}      # R re-run",
        ]
    lines += ["```", "", f"The data of each scale (seed {part['seed']}):", ""]
    for scale in sorted(rows):
        lines.append(f"- {scale}x: {rows[scale]['data']}")
    return [*lines, ""]


def render(results: dict) -> str:
    """BENCHMARKS.md from ``results`` (missing parts and scales say so)."""
    machine = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run_benchmarks.py`) from the JSON in",
        "`benchmarks/results.json`; do not edit by hand. Measured on "
        f"{results.get('date')} at commit {results.get('commit')}: {machine['cpu']}, "
        f"{machine['cores']} cores, {machine['memory_gib']} GiB, Python {machine['python']}"
        + (
            f"; load average {machine['load_average_at_start']} when the run started."
            if "load_average_at_start" in machine
            else "."
        ),
        "",
        *render_side_by_side(results),
    ]
    simulation = results.get("simulation")
    lines += ["## Simulated aim 3 analyses per second (one core)", ""]
    if simulation:
        lines += [
            f"Table 2's full model on n = {simulation['n']} per simulated study, drawn from the",
            "synthetic population and fitted; BLAS pinned to one thread. The statsmodels loop fits",
            "studies of the same shape one `OLS(...).fit()` at a time, in the same run; it times",
            "the fits only, not the drawing, so the comparison flatters the loop"
            f"{_row_stamp(simulation, results)}.",
            "",
            "| method | analyses per second | replicates timed |",
            "|---|---|---|",
            f"| vectorized (`helpers.whatif.simulate`) | {simulation['vectorized_per_s']:,} | "
            f"{simulation['vectorized_replicates']:,} |",
            f"| statsmodels loop | {simulation['statsmodels_loop_per_s']:,} | "
            f"{simulation['statsmodels_replicates']:,} |",
            "",
            f"Speed-up {simulation['speedup']}x; the two agree on every coefficient to "
            f"{simulation['max_abs_difference_in_b']:.1e}. Target: at least 10,000 per second: "
            f"{_verdict(simulation['vectorized_per_s'] >= 10_000)}.",
            "",
        ]
    else:
        lines += ["Not measured in this run.", ""]
    generation = results.get("generation")
    lines += ["## Synthetic data generation", ""]
    if generation:
        lines += [
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
    else:
        lines.append("Not measured in this run.")
    return "\n".join(lines) + "\n"


# --- command line ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,]+", text) if word]


def _from_env(argv: list[str]) -> list[str]:
    """``make bench``'s SCALES, REPEATS and PARTS, passed as environment values."""
    extra = []
    for variable, option in (
        ("RUN_BENCH_SCALES", "--scales"),
        ("RUN_BENCH_REPEATS", "--repeats"),
        ("RUN_BENCH_PARTS", "--parts"),
    ):
        words = _words(os.environ.get(variable, ""))
        if words:
            extra += [option, *words]
    return [word for word in argv if word != "--from-env"] + extra


def main(argv: list[str] | None = None) -> int:
    """Measure, write results.json and BENCHMARKS.md; 1 if a run failed or R and Python disagree."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--from-env" in argv:
        argv = _from_env(argv)
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run_benchmarks.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--scales",
        nargs="+",
        type=int,
        default=list(SCALES),
        help="multiples of the paper's data (default: 1 10 100 1000)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="runs of each side per scale (default: 3, and 1 at 1000x)",
    )
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated scales")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="where generated scales are kept (default: the XDG cache)",
    )
    parser.add_argument(
        "--cold-env",
        action="append",
        default=None,
        metavar="VAR",
        help=(
            "point VAR at a new empty folder for each cold Python run (default: "
            f"{CACHE_VARIABLE}, the pipeline's cache of checked tables)"
        ),
    )
    parser.add_argument(
        "--no-change", action="store_true", help="skip the change-one-parameter re-runs"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep previous results of the scales and parts not measured",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="only write BENCHMARKS.md from benchmarks/results.json",
    )
    arguments = parser.parse_args(argv)
    if arguments.cold_env is None:  # cold runs start without the cache of checked tables
        arguments.cold_env = [CACHE_VARIABLE]
    if arguments.render_only:
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
        (ROOT / "BENCHMARKS.md").write_text(render(results), encoding="utf-8")
        return 0
    if any(scale < 1 for scale in arguments.scales) or (arguments.repeats or 1) < 1:
        parser.error("scales and repeats are whole numbers of at least 1")
    results = measure(arguments, argv)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = render(results)
    (ROOT / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(text)
    problems = []
    for row in results.get("side_by_side", {}).get("scales", []):
        problems += [f"{row['scale']}x: {kind} failed" for kind in row.get("failed", {})]
        for variant, agreement in row["agreement"].items():
            fields = ("n_differ", "r_missing", "only_python", "only_r")
            if agreement is not None and any(agreement[field] for field in fields):
                problems.append(f"{row['scale']}x {variant}: R and Python disagree")
    if problems:
        print(f"{'; '.join(problems)}: see BENCHMARKS.md")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
