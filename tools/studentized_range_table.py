"""Write ``data/studentized_range.csv``: the studentized range's upper tail the audit asks for.

The audit's Tukey check (:mod:`helpers.report.audit.change`) evaluates
``scipy.stats.studentized_range.sf`` at arguments fixed by the paper's printed
numbers. This script runs the audit and its findings report on
``data/published_values.csv``, records every ``(q, k, df)`` asked for
(:func:`helpers.report.audit.studentized.recording`), computes each with SciPy
and writes them, sorted, at full precision (``repr`` of a float reads back as
the same float). Run it after editing the printed values or upgrading SciPy;
``tests/report/test_studentized.py`` fails while the table is stale.

Usage::

    python tools/studentized_range_table.py [OUTPUT]   # default: data/studentized_range.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from helpers.paths import STUDENTIZED_RANGE
from helpers.report import audit
from helpers.report.audit import studentized
from helpers.report.published import load_published


def arguments() -> set[tuple[float, int, float]]:
    """Every ``(q, k, df)`` the audit and its findings report ask for on the printed values."""
    published = load_published()
    with studentized.recording() as asked:
        audit.audit(published)
        audit.findings_report(published)
    return asked


def write(path: Path) -> int:
    """Compute each value afresh and write the table; return how many rows it has."""
    rows = sorted(arguments())
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(studentized.COLUMNS)
        for q, k, df in rows:
            writer.writerow((repr(q), k, repr(df), repr(studentized.compute(q, k, df))))
    return len(rows)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else STUDENTIZED_RANGE
    print(f"wrote {write(target)} rows to {target}")
