"""Column checks and fast column operations shared by the helpers (private).

pandas' ``Series.isin`` on Arrow-backed strings converts every value to a
Python object; at the scale of a large export (millions of sessions) that
costs seconds per call. Arrow's own ``is_in`` kernel does the same in a
fraction of the time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def isin(values: pd.Series, reference: pd.Series | pd.Index) -> np.ndarray:
    """Return a boolean array: is each of ``values`` among ``reference``?

    Missing values are never members. Both sides must hold strings.
    """
    found = pc.is_in(pa.array(values, from_pandas=True), value_set=pa.array(reference))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def as_numbers(values, name: str) -> np.ndarray:
    """``values`` as a float array; refuse missing or non-numeric entries, naming ``name``."""
    array = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    if np.isnan(array).any():
        raise ValueError(f"{name}: {int(np.isnan(array).sum())} missing or non-numeric value(s)")
    return array


def grouped(values, groups) -> tuple[np.ndarray, np.ndarray]:
    """Numeric values and their group labels, checked to align and to be complete."""
    array = as_numbers(values, "values")
    labels = pd.Series(groups).to_numpy(dtype=object)
    if len(labels) != len(array):
        raise ValueError("values and groups differ in length")
    if pd.isna(labels).any():
        raise ValueError("groups: missing group labels")
    return array, labels


def paired(first, second, names: tuple[str, str], minimum: int, where: str):
    """Two numeric arrays of equal length with at least ``minimum`` pairs."""
    a, b = as_numbers(first, names[0]), as_numbers(second, names[1])
    if len(a) != len(b):
        raise ValueError(f"{where}: {names[0]} and {names[1]} differ in length")
    if len(a) < minimum:
        raise ValueError(f"{where}: needs at least {minimum} pairs")
    return a, b
