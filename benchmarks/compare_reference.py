"""Check that the R reference (``benchmarks/reference.R``) computes what ``make replicate`` does.

Both write ``key,group,value`` under the same keys: the pipeline's
``estimates.csv`` and the R script's CSV. Every key and group both hold a
value for is compared; they agree when they differ by at most ``1e-8`` of the
larger magnitude, or by at most ``1e-12`` (a value that is zero in one);
Tukey's adjusted p-values, two numerical integrals, within ``1e-5`` relative
or ``1e-7`` absolute (:data:`LOOSER`, as the tests pin them). A
statistic the pipeline wrote missing (not estimable, or withheld because of
``min_cell_size``) is listed, not compared: the R script does not withhold.
Keys that only one side writes are listed too.

Command line (the bundled data unless ``--data-dir``; runs whichever side is
not given as a file)::

    python benchmarks/compare_reference.py
    python benchmarks/compare_reference.py --estimates OUT/estimates.csv --reference r.csv
    python benchmarks/compare_reference.py -p min_followup_days 14

Exits 0 when every statistic both compute agrees and neither writes a key the
other lacks, 1 otherwise. ``make bench`` runs the same comparison on each scale
it measures and writes the result to BENCHMARKS.md. R is needed (``Rscript``
with data.table); ``make test`` never runs this.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from helpers.pipeline.parameters import add_parameter_option

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = HERE / "reference.R"
ISO_CODES = HERE / "iso3166_alpha2.txt"
RTOL = 1e-8
ATOL = 1e-12
#: Keys compared with a looser tolerance, and why: (relative, absolute, reason).
LOOSER = {
    "aim2.tukey.p": (
        1e-5,
        1e-7,
        "R's ptukey and SciPy's studentized range are two numerical integrals that can differ "
        "in the seventh significant digit, and ptukey, computing 1 minus an integral, gives "
        "about 2e-11 for any smaller p; tests/stats/test_change.py pins them to 1e-5 relative "
        "or 1e-7 absolute",
    ),
}

__all__ = ["ATOL", "LOOSER", "RTOL", "check_iso_codes", "compare", "python_command", "r_command"]


def check_iso_codes() -> None:
    """Fail unless ``iso3166_alpha2.txt`` lists the codes the pipeline's loader accepts."""
    import pycountry

    listed = ISO_CODES.read_text(encoding="utf-8").split()
    expected = sorted(country.alpha_2 for country in pycountry.countries)
    if listed != expected:
        raise SystemExit(
            f"{ISO_CODES.name} differs from pycountry's {len(expected)} codes; rewrite it from "
            "pycountry so that reference.R accepts the countries the pipeline accepts"
        )


def python_command(data_dir: Path, output_dir: Path, parameters: dict[str, str]) -> list[str]:
    """``make replicate``'s command: ``python -m helpers.pipeline.run`` with ``-p`` pairs."""
    command = [sys.executable, "-m", "helpers.pipeline.run", "--data-dir", str(data_dir),
               "--output-dir", str(output_dir)]  # fmt: skip
    for name, value in parameters.items():
        command += ["-p", name, str(value)]
    return command


def r_command(data_dir: Path, out_csv: Path, parameters: dict[str, str]) -> list[str]:
    """The R reference's command: ``Rscript benchmarks/reference.R DATA OUT [--name value]``."""
    command = ["Rscript", str(REFERENCE), str(data_dir), str(out_csv)]
    for name, value in parameters.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "note" not in frame:
        frame["note"] = ""
    return frame.set_index(["key", "group"])[["value", "note"]]


def compare(estimates: Path, reference: Path, rtol: float = RTOL, atol: float = ATOL) -> dict:
    """Compare the pipeline's ``estimates.csv`` with the R reference's CSV.

    Parameters
    ----------
    estimates, reference : pathlib.Path
        The two CSV files (``key,group,value[,note]``).
    rtol, atol : float
        Two values agree when ``|a - b| <= max(rtol * max(|a|, |b|), atol)``.

    Returns
    -------
    dict
        ``compared`` (both hold a value), ``agree``, ``differ`` (a list of
        ``key``, ``group``, ``python``, ``r``, ``relative``), ``max_relative``
        (over the values that agree within ``rtol``), ``looser`` (those that
        agree only within :data:`LOOSER`'s tolerance), ``python_missing`` (key, group and the
        pipeline's note, for what the pipeline wrote missing), ``r_missing``,
        ``only_python``, ``only_r`` (``key|group`` strings).
    """
    python, r = _read(estimates), _read(reference)
    both = python.index.intersection(r.index)
    result = {
        "compared": 0,
        "agree": 0,
        "differ": [],
        "max_relative": 0.0,
        "looser": [],
        "python_missing": [],
        "r_missing": [],
        "only_python": sorted(f"{k}|{g}" for k, g in python.index.difference(r.index)),
        "only_r": sorted(f"{k}|{g}" for k, g in r.index.difference(python.index)),
    }
    for key, group in sorted(both):
        ours, theirs = python.loc[(key, group), "value"], r.loc[(key, group), "value"]
        if ours == "":
            note = python.loc[(key, group), "note"]
            result["python_missing"].append({"key": key, "group": group, "note": note})
            continue
        if theirs == "":
            result["r_missing"].append({"key": key, "group": group})
            continue
        a, b = float(ours), float(theirs)
        scale = max(abs(a), abs(b))
        relative = abs(a - b) / scale if scale else 0.0
        result["compared"] += 1
        if abs(a - b) <= max(rtol * scale, atol) or (math.isinf(a) and a == b):
            result["agree"] += 1
            result["max_relative"] = max(result["max_relative"], relative)
        elif key in LOOSER and abs(a - b) <= max(LOOSER[key][0] * scale, LOOSER[key][1]):
            result["agree"] += 1
            result["looser"].append(
                {"key": key, "group": group, "python": a, "r": b, "absolute": abs(a - b)}
            )
        else:
            result["differ"].append(
                {"key": key, "group": group, "python": a, "r": b, "relative": relative}
            )
    return result


def agrees(result: dict) -> bool:
    """True when every value both wrote agrees and neither side wrote a key the other lacks."""
    return not (
        result["differ"] or result["r_missing"] or result["only_python"] or result["only_r"]
    )


def report(result: dict) -> str:
    """The comparison in a few lines of text."""
    lines = [
        f"{result['agree']} of {result['compared']} statistics agree (largest relative "
        f"difference {result['max_relative']:.1e}; tolerance {RTOL:g} relative, {ATOL:g} "
        "absolute)"
    ]
    for row in result["looser"]:
        lines.append(
            f"  agrees within its own tolerance: {row['key']} [{row['group']}]: python "
            f"{row['python']!r}, R {row['r']!r}: {LOOSER[row['key']][2]}"
        )
    for row in result["differ"]:
        lines.append(
            f"  differs: {row['key']} [{row['group']}]: python {row['python']!r}, "
            f"R {row['r']!r} (relative {row['relative']:.1e})"
        )
    for row in result["python_missing"]:
        lines.append(f"  not compared: {row['key']} [{row['group']}]: pipeline: {row['note']}")
    for row in result["r_missing"]:
        lines.append(f"  R wrote no value: {row['key']} [{row['group']}]")
    for name in ("only_python", "only_r"):
        if result[name]:
            lines.append(f"  {name.replace('_', ' ')}: {', '.join(result[name])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run whichever side is not given, compare, print; 0 when they agree."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "synthetic")
    parser.add_argument("--estimates", type=Path, help="a pipeline estimates.csv (else run it)")
    parser.add_argument("--reference", type=Path, help="reference.R's CSV (else run it)")
    add_parameter_option(parser, "a cohort parameter for both sides")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    arguments = parser.parse_args(argv)
    check_iso_codes()
    parameters = dict(arguments.parameter)
    with tempfile.TemporaryDirectory(prefix="compare-reference-") as scratch:
        estimates, reference = arguments.estimates, arguments.reference
        if estimates is None:
            output = Path(scratch) / "output"
            subprocess.run(python_command(arguments.data_dir, output, parameters), check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            estimates = output / "estimates.csv"
        if reference is None:
            reference = Path(scratch) / "reference.csv"
            subprocess.run(r_command(arguments.data_dir, reference, parameters), check=True)
        result = compare(estimates, reference)
    print(json.dumps(result, indent=2) if arguments.json else report(result))
    return 0 if agrees(result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
