"""Benchmark: ``make replicate`` beside the R reference, on the same data, in one run.

For each scale, the two are run alternately, ``repeats`` times each:

- **Python**: ``python -m helpers.pipeline.run --data-dir DATA --output-dir OUT``,
  exactly what ``make replicate`` runs: every notebook, the report and the
  book (the site). Each repetition writes a new ``OUT`` (a cold run).
- **R**: ``Rscript benchmarks/reference.R DATA OUT.csv``: the same reading,
  contract checks, cohort and statistics, no notebooks or site.

Then the *change one parameter and re-run* case: right after each cold Python
run, the pipeline runs again into the same ``OUT`` with one parameter changed
(``-p min_followup_days 14`` by default), whatever it cached warm; R runs with
the same change (``--min-followup-days 14``), R having no cache. Within a
repetition the order alternates Python, R, Python, R and flips at the next
repetition, so neither side always runs first.

Every run's wall time and the peak resident memory of its whole process tree
are measured (:mod:`measure`); a scale reports the median wall time of each
side, the Python/R ratio of the medians and the largest peak. The data files
are read once before the first timed run, so both sides start with them in
the operating system's file cache. The first repetition's outputs are also
compared (:mod:`compare_reference`): the benchmark checks that the two did the
same work.

Run through ``make bench`` (``benchmarks/run_benchmarks.py``).
"""

from __future__ import annotations

import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from compare_reference import REFERENCE, compare, python_command, r_command
from measure import RunFailed, run_measured
from scale_data import PAPER_REGISTRANTS, describe

__all__ = ["DEFAULT_CHANGE", "measure_scale", "r_versions", "shown", "warm_files"]

#: The parameter the "change one parameter and re-run" case changes, and its new value.
DEFAULT_CHANGE = ("min_followup_days", "14")


def shown(command: Sequence[str]) -> str:
    """A command as BENCHMARKS.md shows it: no path of this machine, placeholders instead."""
    words = []
    for word in command:
        if word == sys.executable:
            words.append("python")
        elif word == str(REFERENCE):
            words.append("benchmarks/reference.R")
        else:
            words.append(word)
    return " ".join(words)


def r_versions() -> dict:
    """R's version and data.table's, as the R the benchmark runs reports them."""
    if shutil.which("Rscript") is None:
        raise SystemExit(
            "the side-by-side benchmark needs R with data.table (Debian: apt-get install "
            "r-base-core r-cran-data.table); R is optional for the project, required here. "
            "Run the other parts with --parts simulation generation"
        )
    result = subprocess.run(
        ["Rscript", "-e", 'cat(R.version$major, R.version$minor, '
         'as.character(packageVersion("data.table")))'],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    major, minor, data_table = result.stdout.split()
    return {"r": f"{major}.{minor}", "data_table": data_table}


def warm_files(data_dir: Path) -> None:
    """Read every file of ``data_dir`` once, so that no timed run pays for the disk."""
    for path in sorted(data_dir.iterdir()):
        if path.is_file():
            with path.open("rb") as stream:
                while stream.read(1 << 24):
                    pass


def _why(error: RunFailed, places: dict[Path, str]) -> str:
    """Why a run failed, in one line fit for BENCHMARKS.md.

    The exit status or the signal, then the command's last line of standard
    error, with this machine's paths replaced by placeholders and every quoted
    value (an error about the data quotes values of rows) replaced by ``'…'``,
    at most 200 characters.
    """
    if error.returncode < 0:
        name = signal.Signals(-error.returncode).name
        status = f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    else:
        status = f"exit status {error.returncode}"
    line = error.last_line
    for place, placeholder in places.items():
        line = line.replace(str(place), placeholder)
    line = re.sub(r"'[^']*'", "'…'", line.replace(str(Path.home()), "~")).replace("|", "/")
    line = line if len(line) <= 200 else line[:199] + "…"
    return f"{status}: {line}" if line else status


def _summary(runs: list[dict]) -> dict | None:
    if not runs:
        return None
    walls = [run["wall_s"] for run in runs]
    peaks = [run["peak_tree_rss_mib"] for run in runs]
    return {
        "median_wall_s": round(statistics.median(walls), 2),
        "wall_s": walls,
        "peak_tree_rss_mib": max(peaks),
        "peaks_mib": peaks,
    }


def _ratio(python: dict | None, r: dict | None) -> float | None:
    if python is None or r is None:
        return None
    return round(python["median_wall_s"] / r["median_wall_s"], 2)


def _agreement(work: Path, variant: str) -> dict | None:
    """The first repetition's outputs of ``variant`` compared, or None when one is missing."""
    estimates, reference = work / f"python-0-{variant}.csv", work / f"r-0-{variant}.csv"
    if not (estimates.exists() and reference.exists()):
        return None
    result = compare(estimates, reference)
    return {
        "compared": result["compared"],
        "agree": result["agree"],
        "max_relative": result["max_relative"],
        "looser": result["looser"],
        "differ": result["differ"][:20],
        "n_differ": len(result["differ"]),
        "not_compared": len(result["python_missing"]),
        "not_compared_notes": sorted({row["note"] for row in result["python_missing"]})[:5],
        "r_missing": [f"{row['key']}|{row['group']}" for row in result["r_missing"]],
        "only_python": result["only_python"],
        "only_r": result["only_r"],
    }


def measure_scale(
    scale: int,
    data_dir: Path,
    repeats: int,
    *,
    change: tuple[str, str] | None = DEFAULT_CHANGE,
    cold_env: Sequence[str] = (),
    workdir: Path | None = None,
    seed: int = 1,
    say: Callable[[str], None] = print,
) -> dict:
    """Time Python and R alternately on one scale's data; medians, ratio, peaks, agreement.

    Parameters
    ----------
    scale : int
        Multiple of the paper's 6,500 registrants (for the record).
    data_dir : pathlib.Path
        The raw data directory of that scale (:func:`scale_data.ensure`).
    repeats : int
        Runs of each side (and of each side's changed-parameter run).
    change : (str, str) or None
        The parameter changed for the warm re-run, and its value; None skips it.
    cold_env : sequence of str
        Environment variables set, for each cold Python run, to a new empty
        directory (reused by the warm re-run that follows): where the pipeline
        keeps a cache between runs, so that a cold run starts without one.
    workdir : pathlib.Path, optional
        Where outputs go (a temporary folder, removed at the end, when None).
    seed : int
        The data's seed (for the record).
    say : callable
        Where progress lines go.

    Returns
    -------
    dict
        ``scale``, ``registrants``, ``raw_mib``, ``data`` (how it was made),
        ``repeats``, ``python`` and ``r`` (``median_wall_s``, ``wall_s``,
        ``peak_tree_rss_mib``, ``peaks_mib``; None when no run of that side
        succeeded), ``python_over_r``, ``failed`` (side -> why its run failed,
        in one line (:func:`_why`): after a failure that side is not run again
        at this scale, the other side goes on), ``changed`` (the same for
        the changed-parameter runs, or None), ``agreement`` (``default`` and
        ``changed``: :func:`compare_reference.compare` in short, None without
        both outputs) and ``runs`` (every successful run in the order it ran).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    with tempfile.TemporaryDirectory(prefix="bench-", dir=workdir) as scratch:
        work = Path(scratch)
        warm_files(data_dir)
        runs: list[dict] = []
        failed: dict[str, str] = {}  # kind -> why its first failed run failed
        changed = {change[0]: change[1]} if change else {}
        for repeat in range(repeats):
            output = work / f"python-{repeat}"
            cache = {
                name: str(Path(tempfile.mkdtemp(prefix="cold-", dir=work))) for name in cold_env
            }
            steps = [("python", "default"), ("r", "default")]
            if change:
                steps += [("python", "changed"), ("r", "changed")]
            if repeat % 2:  # alternate who goes first
                steps = [steps[i ^ 1] for i in range(len(steps))]
            for kind, variant in steps:
                if kind in failed:  # one failure is enough to report; the other side goes on
                    continue
                parameters = changed if variant == "changed" else {}
                if kind == "python":
                    command = python_command(data_dir, output, parameters)
                    env = cache
                else:
                    command = r_command(data_dir, work / f"r-{repeat}-{variant}.csv", parameters)
                    env = {}
                say(f"  {scale}x run {repeat + 1}/{repeats}: {kind} ({variant}) …")
                try:
                    measured = run_measured(command, env=env)
                except RunFailed as error:
                    failed[kind] = _why(error, {data_dir: "$DATA_DIR", work: "$WORK"})
                    say(f"    failed: {failed[kind]}")
                    continue
                say(f"    {measured['wall_s']} s, peak {measured['peak_tree_rss_mib']:,} MiB")
                runs.append({"repeat": repeat, "kind": kind, "variant": variant, **measured})
                if kind == "python":
                    shutil.copy(output / "estimates.csv", work / f"python-{repeat}-{variant}.csv")
        size = sum(p.stat().st_size for p in data_dir.iterdir() if p.is_file())

        def side(kind: str, variant: str) -> dict | None:
            return _summary([r for r in runs if r["kind"] == kind and r["variant"] == variant])

        python, r = side("python", "default"), side("r", "default")
        result = {
            "scale": scale,
            "registrants": scale * PAPER_REGISTRANTS,
            "raw_mib": round(size / 2**20, 1),
            "data": describe(scale, seed),
            "repeats": repeats,
            "python": python,
            "r": r,
            "python_over_r": _ratio(python, r),
            "failed": failed,
            "changed": None,
            "agreement": {"default": _agreement(work, "default")},
            "runs": runs,
        }
        if change:
            python_changed, r_changed = side("python", "changed"), side("r", "changed")
            result["changed"] = {
                "parameter": change[0],
                "value": change[1],
                "python": python_changed,
                "r": r_changed,
                "python_over_r": _ratio(python_changed, r_changed),
            }
            result["agreement"]["changed"] = _agreement(work, "changed")
    return result
