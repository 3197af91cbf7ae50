"""Numbers as a journal article prints them (APA style), for tables and sentences.

pandas shows a p-value as ``3.481608e-05`` and a count as ``5985.000000``; an
article prints ``< .001`` and ``5,985``. This module turns numbers into that
text. Every function returns a ``str``, never uses scientific notation, and
prints a missing value (``None``, NaN, ``pd.NA``) as :data:`MISSING`, the en
dash the project's tables use for an empty cell.

The conventions follow the APA *Publication Manual* (7th ed., 2020):

- **Decimal places** (section 6.36): statistics are rounded to two decimals;
  p-values are printed exactly to three decimals, and a p-value below .001 as
  ``< .001``. A p-value that rounds to 1.000 is printed ``> .999``, never
  ``1.000`` (see :func:`p_value`).
- **Leading zeros** (section 6.36): a zero goes before the decimal point of a
  number smaller than 1 (``0.48 cm``, ``t = 0.41``), *except* when the
  statistic cannot be greater than 1: correlations, proportions of variance,
  and p-values (``r = .06``, ``p = .005``). :func:`number` drops it on
  request (``leading_zero=False``) and :func:`statistic` knows which kinds
  drop it.
- **Commas in numbers** (section 6.38): counts are grouped in threes from
  1,000 (``5,985``). Measured values are grouped only on request
  (``thousands=True``) and only from 10,000, so that a column of four-digit
  values with decimals (``1234.56``) keeps its digits aligned.

Rounding is that of Python's format specification (and of C's and R's
``sprintf``): the stored binary value is rounded correctly, so a tie is broken
by the digits the binary value really has. ``0.0045`` is stored as
``0.00449999...`` and prints ``.004``; ``0.125`` is an exact tie and rounds to
the even ``0.12``. A negative number that rounds to zero prints without its
sign (``0.00``, not ``-0.00``); a nonzero value that rounds to zero prints as
zeros (``0.000``), not ``< 0.001``: only a p-value, whose smallness is its
meaning, is printed with ``<``.

A negative number is printed with an ASCII hyphen-minus (``-0.25``), so the
text reads back with ``float``.

Examples
--------
>>> p_value(3.481608e-05), p_value(0.0051), p_text(0.05)
('< .001', '.005', 'p = .050')
>>> count(5985.0), number(-0.0001, 2), number(3.481608e-05, 3)
('5,985', '0.00', '0.000')
>>> statistic("r", 0.0612), statistic("t", 2.4071), statistic("beta", -0.1234)
('r = .06', 't = 2.41', 'β = -.12')

References
----------
American Psychological Association. (2020). *Publication manual of the American
Psychological Association* (7th ed.), sections 6.36 (decimal fractions: decimal
places and leading zeros) and 6.38 (commas in numbers).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

import numpy as np
import pandas as pd

__all__ = [
    "MISSING",
    "auto_table",
    "count",
    "number",
    "p_text",
    "p_value",
    "statistic",
    "table",
]

#: A missing cell: the en dash of the project's tables.
MISSING = "–"

#: Measured values are grouped in threes (``thousands=True``) from this magnitude on.
GROUP_FROM = 10_000

Format = Callable[[object], str] | int


# --- checks --------------------------------------------------------------------------------


def _missing(x: object) -> bool:
    """Whether ``x`` is a missing value: None, NaN, ``pd.NA`` or ``pd.NaT``."""
    return x is None or (pd.api.types.is_scalar(x) and not isinstance(x, str) and bool(pd.isna(x)))


def _real(x: object, what: str) -> numbers.Real:
    """``x`` if it is a real number (not a bool), else a ValueError naming ``what``."""
    if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
        raise ValueError(f"{what} must be a real number, got {x!r} ({type(x).__name__})")
    return x


def _decimals(decimals: object) -> int:
    if isinstance(decimals, bool | np.bool_) or not isinstance(decimals, numbers.Integral):
        raise ValueError(f"decimals must be a whole number of at least 0, got {decimals!r}")
    if decimals < 0:
        raise ValueError(f"decimals must be a whole number of at least 0, got {decimals!r}")
    return int(decimals)


def _fixed(x: numbers.Real, decimals: int, grouped: bool) -> str:
    """``x`` to ``decimals`` places in positional notation, never ``-0``.

    An integer is formatted exactly (through :class:`decimal.Decimal`, since
    ``format(10**400, ".2f")`` overflows a float); anything else as a float.
    """
    value: float | Decimal = Decimal(int(x)) if isinstance(x, numbers.Integral) else float(x)
    text = format(value, f"{',' if grouped else ''}.{decimals}f")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # -0.0001 rounds to -0.00: print 0.00
    return text


# --- p-values ------------------------------------------------------------------------------


def p_value(p: object) -> str:
    """A p-value as an APA table prints it: three decimals, no leading zero.

    Parameters
    ----------
    p : float or None
        A probability, from 0 to 1. ``None``, NaN and ``pd.NA`` are missing.

    Returns
    -------
    str
        ``"< .001"`` when ``p < .001``; ``"> .999"`` when ``p`` rounds to 1.000
        (``p >= .9995``, up to the rounding of the stored value, and ``p = 1``);
        otherwise ``p`` rounded to three decimals without its leading zero
        (``".005"``); :data:`MISSING` when ``p`` is missing.

    Raises
    ------
    ValueError
        If ``p`` is not a number, or is outside [0, 1] (infinite included).

    Notes
    -----
    APA 7th ed., section 6.36: exact p-values to two or three decimals, a
    p-value below .001 as ``p < .001``, and no zero before the decimal point of
    a statistic that cannot be greater than 1. Three decimals are used
    throughout, so that a column of p-values aligns. The comparison with .001
    is made on ``p`` itself, before rounding: a p of 0.0009996 prints
    ``< .001``, and a p of 0.001 prints ``.001``. A printed number is therefore
    never below .001 and never above .999, and the printed value never
    decreases as ``p`` increases. ``1.000`` would claim the data are certain to
    be at least this extreme; ``> .999`` is the upper counterpart of
    ``< .001``.

    Examples
    --------
    >>> [p_value(p) for p in (0.0000348, 0.00499, 0.0051, 0.05, 0.18749, 1.0)]
    ['< .001', '.005', '.005', '.050', '.187', '> .999']
    >>> p_value(0.001), p_value(0.0009999), p_value(None), p_value(float("nan"))
    ('.001', '< .001', '–', '–')
    """
    if _missing(p):
        return MISSING
    p = _real(p, "a p-value")
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value must be from 0 to 1, got {p!r}")
    if p < 0.001:
        return "< .001"
    text = _fixed(p, 3, grouped=False)
    return "> .999" if text == "1.000" else text[1:]  # "0.005" -> ".005"


def p_text(p: object) -> str:
    """A p-value as a sentence prints it: ``p < .001``, ``p = .005``, ``p > .999``.

    Parameters
    ----------
    p : float or None
        A probability, from 0 to 1, or missing.

    Returns
    -------
    str
        ``"p "`` followed by ``=`` and :func:`p_value`'s text, or by that text
        alone when it already starts with ``<`` or ``>``; ``"p = –"`` when
        ``p`` is missing (the dash of a missing cell, so that a sentence keeps
        its shape: its note says why).

    Raises
    ------
    ValueError
        As :func:`p_value`.

    Examples
    --------
    >>> p_text(0.0000348), p_text(0.005), p_text(0.99999), p_text(None)
    ('p < .001', 'p = .005', 'p > .999', 'p = –')
    """
    text = p_value(p)
    return f"p {text}" if text[0] in "<>" else f"p = {text}"


# --- counts and numbers --------------------------------------------------------------------


def count(n: object) -> str:
    """A count as an article prints it: a whole number with commas between thousands.

    Parameters
    ----------
    n : int or float or None
        A count: a whole number of at least 0. A float is accepted when it is
        whole (``5985.0``, as pandas stores a count next to a missing one).

    Returns
    -------
    str
        ``n`` with a comma between groups of three digits from 1,000 on
        (APA 7th ed., section 6.38); :data:`MISSING` when ``n`` is missing.

    Raises
    ------
    ValueError
        If ``n`` is not a number, is not whole (``3.5``), is infinite or is
        negative (a signed whole number is ``number(x, 0)``).

    Examples
    --------
    >>> count(5985.0), count(12), count(1234567), count(float("nan"))
    ('5,985', '12', '1,234,567', '–')
    """
    if _missing(n):
        return MISSING
    n = _real(n, "a count")
    if not isinstance(n, numbers.Integral):
        if not math.isfinite(n) or not float(n).is_integer():
            raise ValueError(f"a count must be a whole number, got {n!r}")
        n = int(float(n))
    if n < 0:
        raise ValueError(f"a count cannot be negative, got {n!r}")
    return f"{int(n):,}"


def number(
    x: object, decimals: int = 2, *, leading_zero: bool = True, thousands: bool = False
) -> str:
    """A number to fixed decimals, never in scientific notation.

    Parameters
    ----------
    x : float or int or None
        The number; ``None``, NaN and ``pd.NA`` are missing.
    decimals : int, default 2
        Digits after the decimal point (0 for none). APA 7th ed., section 6.36,
        rounds most statistics to two.
    leading_zero : bool, default True
        False drops the zero before the decimal point of a number smaller than
        1 in magnitude (``.06``, ``-.12``), as APA prints a statistic that
        cannot be greater than 1 (correlations, standardized coefficients,
        proportions of variance; see :func:`statistic`). A number of 1 or more
        in magnitude has no leading zero to drop and prints in full.
    thousands : bool, default False
        True puts a comma between groups of three digits when the rounded
        number is 10,000 or more in magnitude (``12,345.60``; ``1234.56``
        stays as it is). :func:`count` groups counts from 1,000.

    Returns
    -------
    str
        ``x`` rounded to ``decimals`` places (see the module's note on
        rounding), without a sign when it rounds to zero; :data:`MISSING` when
        ``x`` is missing. A nonzero value too small for ``decimals`` prints as
        zeros (``number(3.5e-05, 3)`` is ``"0.000"``).

    Raises
    ------
    ValueError
        If ``x`` is not a number or is infinite, or ``decimals`` is not a
        whole number of at least 0, or a keyword is not True or False.

    Examples
    --------
    >>> number(3.481608e-05, 3), number(-0.0001, 2), number(2.405, 2), number(1e20, 1)
    ('0.000', '0.00', '2.40', '100000000000000000000.0')
    >>> number(0.0612, 2, leading_zero=False), number(-0.1234, 2, leading_zero=False)
    ('.06', '-.12')
    >>> number(12345.6, 2, thousands=True), number(1234.56, 2, thousands=True)
    ('12,345.60', '1234.56')
    """
    decimals = _decimals(decimals)
    for name, flag in (("leading_zero", leading_zero), ("thousands", thousands)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    if _missing(x):
        return MISSING
    x = _real(x, "a number")
    if isinstance(x, numbers.Integral):
        pass  # exact, however large
    elif not math.isfinite(x):
        raise ValueError(f"a number to print must be finite, got {x!r}")
    text = _fixed(x, decimals, grouped=False)
    if thousands and abs(Decimal(text)) >= GROUP_FROM:
        text = _fixed(x, decimals, grouped=True)
    if not leading_zero:
        text = re.sub(r"^(-?)0\.", r"\1.", text)
    return text


# --- statistics ----------------------------------------------------------------------------

# name -> (printed symbol, leading zero?, bounds checked or None). The leading zero is
# dropped for the statistics that cannot be greater than 1 (APA 7th ed., section 6.36);
# standardized coefficients follow that practice, but can exceed 1 and are not checked.
_BOUNDED = (-1.0, 1.0)
_SHARE = (0.0, 1.0)
_KINDS: dict[str, tuple[str, bool, tuple[float, float] | None]] = {
    "r": ("r", False, _BOUNDED),
    "rho": ("ρ", False, _BOUNDED),
    "tau": ("τ", False, _BOUNDED),
    "R2": ("R²", False, _SHARE),
    "delta_R2": ("ΔR²", False, _BOUNDED),
    "eta2": ("η²", False, _SHARE),
    "partial_eta2": ("ηp²", False, _SHARE),
    "beta": ("β", False, None),
    "alpha": ("α", False, (-math.inf, 1.0)),
    "t": ("t", True, None),
    "F": ("F", True, None),
    "z": ("z", True, None),
    "H": ("H", True, None),
    "W": ("W", True, None),
    "U": ("U", True, None),
    "chi2": ("χ²", True, None),
    "b": ("b", True, None),
    "SE": ("SE", True, None),
    "d": ("d", True, None),
    "M": ("M", True, None),
    "SD": ("SD", True, None),
}
_ALIASES = {symbol: name for name, (symbol, _, _) in _KINDS.items()}


def statistic(name: str, value: object, decimals: int = 2) -> str:
    """A statistic as a sentence prints it, ``symbol = value``, with or without leading zero.

    Parameters
    ----------
    name : str
        The kind of statistic, by name or by its printed symbol:

        - without a leading zero (they cannot be greater than 1; APA 7th ed.,
          section 6.36): ``r``, ``rho`` (ρ), ``tau`` (τ), ``R2`` (R²),
          ``delta_R2`` (ΔR²), ``eta2`` (η²), ``partial_eta2`` (ηp²), ``alpha``
          (α, Cronbach's) and ``beta`` (β, a standardized coefficient, which
          can exceed 1 but is printed as the others by convention);
        - with a leading zero (unbounded): ``t``, ``F``, ``z``, ``H``, ``W``,
          ``U``, ``chi2`` (χ²), ``b``, ``SE``, ``d`` (Cohen's), ``M``, ``SD``;
        - ``p``, printed by :func:`p_text`, and ``n`` or ``N``, by :func:`count`.
    value : float or None
        The statistic; missing prints :data:`MISSING`.
    decimals : int, default 2
        Decimal places (not used for ``p`` and ``n``).

    Returns
    -------
    str
        ``"<symbol> = <value>"``; ``p`` as :func:`p_text` (``"p < .001"``).

    Raises
    ------
    ValueError
        If ``name`` is not a known kind, or ``value`` is not a number, or is
        outside the range the statistic can take (r, ρ, τ and ΔR² from -1 to 1;
        R², η² and ηp² from 0 to 1; α at most 1).

    Examples
    --------
    >>> statistic("r", 0.0612), statistic("beta", 0.1234), statistic("R2", 0.2)
    ('r = .06', 'β = .12', 'R² = .20')
    >>> statistic("t", 2.4071), statistic("b", 2.04), statistic("d", -0.31)
    ('t = 2.41', 'b = 2.04', 'd = -0.31')
    >>> statistic("p", 0.0000348), statistic("n", 5985), statistic("r", None)
    ('p < .001', 'n = 5,985', 'r = –')
    """
    if name == "p":
        return p_text(value)
    if name in ("n", "N"):
        return f"{name} = {count(value)}"
    kind = _ALIASES.get(name, name)
    if kind not in _KINDS:
        known = ", ".join([*_KINDS, "p", "n", "N"])
        raise ValueError(f"unknown statistic {name!r}; known: {known}")
    symbol, leading_zero, bounds = _KINDS[kind]
    if bounds is not None and not _missing(value):
        low, high = bounds
        if not low <= _real(value, symbol) <= high:
            allowed = f"at most {high:g}" if low == -math.inf else f"from {low:g} to {high:g}"
            raise ValueError(f"{symbol} must be {allowed}, got {value!r}")
    return f"{symbol} = {number(value, decimals, leading_zero=leading_zero)}"


# --- tables --------------------------------------------------------------------------------


def _formatter(column: object, spec: object) -> Callable[[object], str]:
    whole = isinstance(spec, numbers.Integral) and not isinstance(spec, bool | np.bool_)
    if whole and spec >= 0:
        decimals = int(spec)
        return lambda x: number(x, decimals)
    if callable(spec):
        return spec
    raise ValueError(
        f"the format of column {column!r} must be a function or a number of decimals "
        f"(0 or more), got {spec!r}"
    )


def _formatted(column: object, values: pd.Series, fmt: Callable[[object], str]) -> pd.Series:
    """Each value of ``values`` through ``fmt``; text cells as they are."""
    cells = []
    for value in values.tolist():
        if isinstance(value, str):
            cells.append(value)
            continue
        try:
            text = fmt(value)
        except ValueError as error:
            raise ValueError(f"column {column!r}: {error}") from error
        if not isinstance(text, str):
            raise ValueError(
                f"column {column!r}: the format gave {text!r} ({type(text).__name__}), not text"
            )
        cells.append(text)
    return pd.Series(cells, index=values.index, name=values.name, dtype=object)


def table(frame: pd.DataFrame, formats: Mapping[object, Format]) -> pd.DataFrame:
    """A copy of ``frame`` with the named columns printed as text, for display.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; it is not changed.
    formats : mapping
        Column name to its format: a function of one cell returning text
        (:func:`p_value`, :func:`count`, ``functools.partial(number,
        decimals=2, leading_zero=False)``, ...) or a whole number of decimals
        (``2`` is ``number(x, 2)``). Columns not named are left as they are.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame``, same index and column order, in which each named
        column holds text (object dtype). A cell that is already text stays as
        it is (a label, a cell formatted before), so formatting twice changes
        nothing.

    Raises
    ------
    ValueError
        If ``frame`` is not a DataFrame, a named column is not in it (the
        message names it), a format is neither a function nor a number of
        decimals, or a cell cannot be formatted (the message names its column).

    Examples
    --------
    >>> frame = pd.DataFrame({"term": ["alliance", "age"], "b": [2.0412, -0.00004],
    ...                       "p": [3.481608e-05, 0.187], "n": [5985.0, 5985.0]})
    >>> table(frame, {"b": 2, "p": p_value, "n": count})
           term     b       p      n
    0  alliance  2.04  < .001  5,985
    1       age  0.00    .187  5,985
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if not isinstance(formats, Mapping):
        raise ValueError(f"formats must be a mapping of column to format, got {formats!r}")
    unknown = [column for column in formats if column not in frame.columns]
    if unknown:
        raise ValueError(
            f"no column {unknown[0]!r} in the table to format; its columns: {list(frame.columns)}"
        )
    fmts = {column: _formatter(column, spec) for column, spec in formats.items()}
    return _apply(frame, {i: fmts[c] for i, c in enumerate(frame.columns) if c in fmts})


def _apply(frame: pd.DataFrame, fmts: Mapping[int, Callable[[object], str]]) -> pd.DataFrame:
    """A copy of ``frame`` with the column at each position of ``fmts`` formatted."""
    out = frame.copy()
    for position, fmt in fmts.items():
        out.isetitem(position, _formatted(frame.columns[position], frame.iloc[:, position], fmt))
    return out


_P_NAME = re.compile(r"^p([_.]?(adj|adjusted|value|val|holm|bonferroni|fdr))?$|[_.]p$", re.I)
_N_NAME = re.compile(r"^(n|count)$|[_.](n|count)$", re.I)


def _is_p(column: object) -> bool:
    return isinstance(column, str) and bool(_P_NAME.search(column))


def _is_n(column: object) -> bool:
    return isinstance(column, str) and bool(_N_NAME.search(column))


def _float_decimals(values: pd.Series) -> int:
    """2, or 3 when every value of the column is below 0.1 in magnitude (but one is not 0)."""
    finite = pd.to_numeric(values, errors="coerce").astype(float).abs()
    finite = finite[np.isfinite(finite)]
    return 3 if len(finite) and 0 < finite.max() < 0.1 else 2


def auto_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its numeric columns printed as text, formats chosen by name.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; it is not changed.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` (see :func:`table`) in which, by column name
        (case ignored), of the columns holding numbers (not booleans):

        - ``p``, ``p_adj``, ``p_value``, ``pvalue``, ``p.adj``, ``p_holm``,
          ``p_bonferroni``, ``p_fdr`` and any name ending in ``_p`` or ``.p``
          are printed by :func:`p_value`;
        - ``n``, ``count`` and any name ending in ``_n``, ``.n``, ``_count``
          are printed by :func:`count`;
        - any other float column by :func:`number`, to 3 decimals when all its
          values are below 0.1 in magnitude (so that a column of small
          coefficients does not print as zeros), else to 2; one number of
          decimals per column, so that its decimal points align.

        Other columns (text, integers not named like counts, dates, booleans)
        are left as they are: pandas shows an integer without scientific
        notation already.

    Raises
    ------
    ValueError
        If ``frame`` is not a DataFrame, or a column named like a p-value or a
        count holds a value that is not one (the message names the column:
        format it with :func:`table` instead).

    Examples
    --------
    >>> frame = pd.DataFrame({"group": ["therapy", "coaching"], "n": [5985.0, 312.0],
    ...                       "mean": [2.5, 14.25], "slope": [0.0123, -0.004],
    ...                       "p_adj": [3.481608e-05, 0.0499]})
    >>> auto_table(frame)
          group      n   mean   slope   p_adj
    0   therapy  5,985   2.50   0.012  < .001
    1  coaching    312  14.25  -0.004    .050
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    formats: dict[int, Callable[[object], str]] = {}
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        dtype = values.dtype
        if pd.api.types.is_bool_dtype(dtype) or not (
            pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
        ):
            continue
        if _is_p(column):
            formats[position] = p_value
        elif _is_n(column):
            formats[position] = count
        elif pd.api.types.is_float_dtype(dtype):
            formats[position] = _formatter(column, _float_decimals(values))
    return _apply(frame, formats)
