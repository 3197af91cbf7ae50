"""The studentized range's upper tail, read from a table where the paper fixes its arguments.

The audit's Tukey check (:func:`helpers.report.audit.change.anova`) asks for
``scipy.stats.studentized_range.sf`` at every corner of its box of printed
inputs: about fifty numerical integrals, half a second, each time the report
runs, and always at the same arguments, because they come from the paper's
printed numbers and never from data. ``data/studentized_range.csv``
(:data:`helpers.paths.STUDENTIZED_RANGE`) holds the value at each of those
arguments, written at full precision by ``tools/studentized_range_table.py``;
:func:`studentized_range_sf` reads a value from it when the arguments are exactly
the table's, and computes it otherwise (a planted or corrected printed number),
so the result is always the one SciPy gives. A test recomputes every row and
checks that the table covers every argument the audit asks for on the paper.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scipy import stats

from helpers.paths import STUDENTIZED_RANGE

__all__ = ["COLUMNS", "compute", "read_table", "recording", "studentized_range_sf"]

#: The table's columns: the statistic, the number of groups, the df, the upper tail.
COLUMNS = ("q", "k", "df", "sf")

#: While :func:`recording` is active, every argument asked for is added here.
_asked: set[tuple[float, int, float]] | None = None


def compute(q: float, k: int, df: float) -> float:
    """``P(Q > q)`` for ``k`` groups and ``df`` degrees of freedom, computed by SciPy."""
    return float(stats.studentized_range.sf(q, k, df))


def read_table(path: str | Path = STUDENTIZED_RANGE) -> dict[tuple[float, int, float], float]:
    """The stored values, ``{(q, k, df): sf}``, read exactly (floats as Python writes them).

    Raises
    ------
    ValueError
        If the file's header is not :data:`COLUMNS`.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header = tuple(next(rows, ()))
        if header != COLUMNS:
            raise ValueError(
                f"{path}: expected the columns {', '.join(COLUMNS)}, found {', '.join(header)}; "
                "regenerate it with tools/studentized_range_table.py"
            )
        return {(float(q), int(k), float(df)): float(sf) for q, k, df, sf in rows}


@functools.cache
def _table() -> dict[tuple[float, int, float], float]:
    return read_table() if STUDENTIZED_RANGE.exists() else {}


@functools.lru_cache(maxsize=256)
def _computed(q: float, k: int, df: float) -> float:
    return compute(q, k, df)


def studentized_range_sf(q: float, k: int, df: float) -> float:
    """The upper tail of the studentized range, ``P(Q > q)``, as SciPy computes it.

    Read from the table when ``(q, k, df)`` is exactly one of its rows, else
    computed (and remembered for the process).

    Parameters
    ----------
    q : float
        The studentized range statistic.
    k : int
        The number of groups.
    df : float
        The error degrees of freedom.

    Returns
    -------
    float

    Examples
    --------
    >>> studentized_range_sf(3.0, 3, 100.0) == compute(3.0, 3, 100.0)
    True
    """
    key = (float(q), int(k), float(df))
    if _asked is not None:
        _asked.add(key)
    stored = _table().get(key)
    return stored if stored is not None else _computed(*key)


@contextmanager
def recording() -> Iterator[set[tuple[float, int, float]]]:
    """Collect every ``(q, k, df)`` that :func:`studentized_range_sf` is asked for inside.

    For the table's script and its test: which arguments the audit needs.
    """
    global _asked
    previous, _asked = _asked, set()
    try:
        yield _asked
    finally:
        _asked = previous
