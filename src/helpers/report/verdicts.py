"""Compare a replicated number with the value a paper prints, respecting printed precision.

A printed number stands for an interval: "4.8" is anything that rounds to
4.8, i.e. 4.75 to 4.85; "58" is 57.5 to 58.5; "<0.001" is anything below
0.001. Bounds are inclusive because the authors' rounding rule (half up, or
R's half to even) is unknown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["DIFFERS", "MATCH", "WITHIN", "Printed", "parse_printed", "printed_number", "verdict"]

MATCH = "matches as printed"
WITHIN = "within sampling tolerance"
DIFFERS = "differs"

_BOUND = re.compile(r"^\s*([<>]=?)\s*(.+)$")


@dataclass(frozen=True)
class Printed:
    """A printed value as the interval of numbers it stands for."""

    text: str
    low: float
    high: float
    decimals: int | None  # None for a bound such as "<0.001"

    def contains(self, value: float) -> bool:
        """Whether ``value`` is one of the numbers this printed value stands for."""
        if self.decimals is None:
            return self.low < value < self.high
        slack = 1e-12 * max(1.0, abs(value))  # a bound such as 54.05 is not exact in binary
        return self.low - slack <= value <= self.high + slack


def parse_printed(text: str) -> Printed:
    """Turn a printed value into the interval it stands for.

    Parameters
    ----------
    text : str
        As printed: ``"4.8"``, ``"-0.13"``, ``"3087"``, ``"54.1"``,
        ``"<0.001"``, ``"<0.03"``, ``">0.07"``. Thousands separators are
        allowed (``"767,724"``).

    Returns
    -------
    Printed
        For a number with :math:`d` decimals, :math:`x \\pm 0.5 \\cdot 10^{-d}`;
        for ``<b``, :math:`(-\\infty, b)`; for ``>b``, :math:`(b, \\infty)`.

    Examples
    --------
    >>> parse_printed("4.8").low, parse_printed("4.8").high
    (4.75, 4.85)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"printed value must be non-empty text, got {text!r}")
    bound = _BOUND.match(text)
    number_text = (bound.group(2) if bound else text).strip().replace(",", "")
    try:
        number = Decimal(number_text)
    except InvalidOperation:
        raise ValueError(f"cannot read {text!r} as a printed number") from None
    if not number.is_finite():
        raise ValueError(f"cannot read {text!r} as a printed number")
    if bound:
        if bound.group(1).startswith("<"):
            return Printed(text, -math.inf, float(number), None)
        return Printed(text, float(number), math.inf, None)
    decimals = max(-number.as_tuple().exponent, 0)
    half = Decimal(1).scaleb(-decimals) / 2
    return Printed(text, float(number - half), float(number + half), decimals)


def printed_number(text: str) -> float:
    """The number a printed value shows: ``"767,724"`` is 767724, ``"<0.001"`` is 0.001.

    Examples
    --------
    >>> printed_number("767,724"), printed_number("<0.001"), printed_number("-0.13")
    (767724.0, 0.001, -0.13)
    """
    parse_printed(text)  # refuses what is not a printed number
    return float(text.strip().lstrip("<>= ").replace(",", ""))


def verdict(printed: str, value: float, tolerance: float | None = None) -> str:
    """Judge a replicated value against its printed counterpart.

    Parameters
    ----------
    printed : str
        The value as printed.
    value : float
        The replicated value, unrounded.
    tolerance : float, optional
        The largest difference from the printed interval that sampling can
        explain (for example 1.96 standard errors); without it, a value
        outside the interval differs.

    Returns
    -------
    str
        :data:`MATCH` when the value is one of the numbers the printed value
        stands for; :data:`WITHIN` when it lies outside but no further than
        ``tolerance`` from the interval; :data:`DIFFERS` otherwise.

    Examples
    --------
    >>> verdict("4.8", 4.75), verdict("<0.001", 0.0004), verdict("0.04", 0.052, tolerance=0.02)
    ('matches as printed', 'matches as printed', 'within sampling tolerance')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("verdict: the replicated value is missing")
    interval = parse_printed(printed)
    if interval.contains(value):
        return MATCH
    if tolerance is not None:
        if tolerance < 0:
            raise ValueError("verdict: tolerance must not be negative")
        distance = interval.low - value if value < interval.low else value - interval.high
        if distance <= tolerance:
            return WITHIN
    return DIFFERS
