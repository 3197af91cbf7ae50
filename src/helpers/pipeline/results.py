"""Write results per the results contract: ``estimates.csv`` with ``key,group,value,note``.

Each notebook writes its own part, ``<output>/estimates/<notebook>.csv``;
:func:`assemble` joins the parts into ``<output>/estimates.csv``. Values are
unrounded (17 significant digits, enough to round-trip a double), and rows are
sorted, so two runs give the same bytes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import claims

__all__ = ["COLUMNS", "NOT_ESTIMABLE", "WITHHELD", "Estimates", "assemble"]

COLUMNS = ("key", "group", "value", "note")
#: How the note of a missing value begins: ``not estimable: <reason>``.
NOT_ESTIMABLE = "not estimable"
#: How the note of a withheld value begins (:mod:`helpers.report.disclosure`).
WITHHELD = "withheld"


class Estimates:
    """Collects one notebook's numbers before they are written.

    A statistic the data cannot support is recorded as *missing*: an empty
    value and the note ``not estimable: <reason>`` (:meth:`missing`), never
    a NaN or a number R would not give.

    Examples
    --------
    >>> estimates = Estimates()
    >>> estimates.add("cohort.analyzed", "all", 3087)
    >>> estimates.missing("cohort.age.sd", "all", "one person: no standard deviation")
    >>> estimates.frame()[["value", "note"]].values.tolist()
    [[nan, 'not estimable: one person: no standard deviation'], [3087.0, '']]
    """

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], tuple[float, str]] = {}
        self._pending: list[str] = []  # anchors of the claims the running cell recorded
        self._shell = _kernel_shell()
        if self._shell is not None:
            self._shell.events.register("post_run_cell", self._flush)

    def _record(self, key: str, group: str, number: float, note: str) -> None:
        if not key or not isinstance(key, str) or not isinstance(group, str) or not group:
            raise ValueError(
                f"estimates: key and group must be non-empty text, got {key!r}, {group!r}"
            )
        if (key, group) in self._rows:
            raise ValueError(f"estimates: {key} [{group}] recorded twice")
        claims.check(key, group)
        self._rows[(key, group)] = (number, note)
        self._mark(claims.anchor(key, group))

    def _mark(self, anchor: str) -> None:
        """In a notebook, note that the running cell recorded this claim (see :meth:`_flush`)."""
        if self._shell is not None:
            self._pending.append(anchor)

    def _flush(self, _result: object = None) -> None:
        """After a notebook cell ran, mark it: one invisible HTML output of ``<span id>``s.

        The ids (:func:`helpers.claims.anchor`) let the report link each claim to
        the exact cell that wrote it; the book moves this output to the top of
        the cell's outputs. Runs on IPython's ``post_run_cell`` event, so the
        output belongs to the cell that recorded the claims.
        """
        if not self._pending:
            return
        from IPython.display import HTML, display

        display(HTML("".join(f'<span id="{anchor}"></span>' for anchor in self._pending)))
        self._pending = []

    def add(self, key: str, group: str, value: float | None, note: str = "") -> None:
        """Record one number; a key and group may be recorded once.

        A missing value (None, NaN or infinite) needs a ``note`` saying why: it
        is recorded as :meth:`missing` with that reason.

        Raises
        ------
        ValueError
            If the key or group is not in the registry of claims
            (:mod:`helpers.claims`), was recorded already, or the value is
            missing without a note.
        """
        number = math.nan if value is None else float(value)
        if not math.isfinite(number):
            if not isinstance(note, str) or not note.strip():
                raise ValueError(
                    f"estimates: {key} [{group}] is {'NaN' if math.isnan(number) else number}; "
                    "record only computed numbers, or say why it is missing (Estimates.missing)"
                )
            self.missing(key, group, note)
            return
        self._record(key, group, number, note)

    def missing(self, key: str, group: str, reason: str) -> None:
        """Record that ``key`` [``group``] is not estimable on these data, and why.

        The value is written empty, the note as ``not estimable: <reason>``; a
        reason that says the number was withheld (``withheld because ...``,
        :mod:`helpers.report.disclosure`) is written as it is.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"estimates: {key} [{group}] is missing; say why")
        kept = reason.startswith((NOT_ESTIMABLE, WITHHELD))
        note = reason if kept else f"{NOT_ESTIMABLE}: {reason}"
        self._record(key, group, math.nan, note)

    def add_field(self, key: str, group: str, result: pd.Series, field: str) -> None:
        """Record ``result[field]``; when it is missing, as :meth:`missing` with the result's note.

        ``result`` is a statistic's result (:mod:`helpers.stats`): a Series, or
        a row of a result table, whose ``note`` says why its NaN fields are missing.
        """
        value = result[field]
        number = math.nan if value is None else float(value)
        if math.isfinite(number):
            self._record(key, group, number, "")
        else:
            note = result.get("note", "") if hasattr(result, "get") else ""
            self.add(key, group, number, note if isinstance(note, str) else "")

    def add_result(
        self, prefix: str, group: str, result: pd.Series, fields: dict[str, str]
    ) -> None:
        """Record several fields of one test result as ``<prefix>.<name>``.

        ``fields`` maps the estimate's last key part to the result's field,
        e.g. ``{"W": "W", "p": "p", "r": "r"}``. A missing field is recorded
        as missing, with the result's note (:meth:`add_field`).
        """
        for name, column in fields.items():
            self.add_field(f"{prefix}.{name}", group, result, column)

    def frame(self) -> pd.DataFrame:
        """The rows, sorted by key and group; a missing value is NaN (an empty CSV cell)."""
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


def _kernel_shell() -> Any:
    """The IPython shell of a running notebook kernel, or None (a script, a test)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


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
