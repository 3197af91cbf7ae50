"""Write results per the results contract: ``estimates.csv`` with ``key,group,value,note``.

Each notebook writes its own part, ``<output>/estimates/<notebook>.csv``;
:func:`assemble` joins the parts into ``<output>/estimates.csv``. Values are
unrounded (17 significant digits, enough to round-trip a double), and rows are
sorted, so two runs give the same bytes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from helpers import claims

__all__ = ["COLUMNS", "Estimates", "assemble"]

COLUMNS = ("key", "group", "value", "note")


class Estimates:
    """Collects one notebook's numbers before they are written.

    Examples
    --------
    >>> estimates = Estimates()
    >>> estimates.add("cohort.analyzed", "all", 3087)
    >>> estimates.frame()["value"].tolist()
    [3087.0]
    """

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], tuple[float, str]] = {}

    def add(self, key: str, group: str, value: float, note: str = "") -> None:
        """Record one number; a key and group may be recorded once.

        Raises
        ------
        ValueError
            If the key or group is not in the registry of claims
            (:mod:`helpers.claims`), was recorded already, or the value is NaN.
        """
        if not key or not isinstance(key, str) or not isinstance(group, str) or not group:
            raise ValueError(
                f"estimates: key and group must be non-empty text, got {key!r}, {group!r}"
            )
        if (key, group) in self._rows:
            raise ValueError(f"estimates: {key} [{group}] recorded twice")
        number = float(value)
        if math.isnan(number):
            raise ValueError(f"estimates: {key} [{group}] is NaN; record only computed numbers")
        claims.check(key, group)
        self._rows[(key, group)] = (number, note)

    def add_result(
        self, prefix: str, group: str, result: pd.Series, fields: dict[str, str]
    ) -> None:
        """Record several fields of one test result as ``<prefix>.<name>``.

        ``fields`` maps the estimate's last key part to the result's field,
        e.g. ``{"W": "W", "p": "p", "r": "r"}``.
        """
        for name, column in fields.items():
            self.add(f"{prefix}.{name}", group, result[column])

    def frame(self) -> pd.DataFrame:
        """The rows, sorted by key and group."""
        rows = [(k, g, v, n) for (k, g), (v, n) in self._rows.items()]
        return pd.DataFrame(rows, columns=list(COLUMNS)).sort_values(
            ["key", "group"], ignore_index=True
        )

    def write(self, output_dir: str | Path, part: str) -> Path:
        """Write ``<output_dir>/estimates/<part>.csv`` and return its path."""
        directory = Path(output_dir) / "estimates"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{part}.csv"
        _write(self.frame(), path)
        return path


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, float_format="%.17g", lineterminator="\n")


def assemble(output_dir: str | Path) -> Path:
    """Join every part under ``<output_dir>/estimates/`` into ``<output_dir>/estimates.csv``.

    Raises
    ------
    ValueError
        If there are no parts, or two parts record the same key and group.
    """
    directory = Path(output_dir) / "estimates"
    parts = sorted(directory.glob("*.csv"))
    if not parts:
        raise ValueError(f"{directory}: no estimates to assemble; run the notebooks first")
    frame = pd.concat(
        [
            pd.read_csv(p, dtype={"key": str, "group": str, "note": str}, keep_default_na=False)
            for p in parts
        ],
        ignore_index=True,
    )
    duplicated = frame.duplicated(["key", "group"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise ValueError(f"estimates: {first['key']} [{first['group']}] comes from two notebooks")
    path = Path(output_dir) / "estimates.csv"
    _write(frame.sort_values(["key", "group"], ignore_index=True), path)
    return path
