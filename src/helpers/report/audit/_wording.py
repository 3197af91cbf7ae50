"""Printed claims in words: their labels, and numbers as a paper prints them.

For :mod:`helpers.report.audit.findings`: p-values as ``p < .001`` or ``p = .0088``, counts
with thousands separators, percentages with ``%``, never scientific notation.

Examples
--------
>>> as_printed("<0.001", "p"), as_printed("2348", "n"), as_printed("57.6", "percent")
('p < .001', 'n = 2,348', '57.6%')
>>> p_number(0.008757), p_number(0.0397), p_number(0.0004)
(('=', '.0088'), ('=', '.040'), ('<', '.001'))
>>> number(35.5301, "36.53"), number(473.0, "470")
('35.530', '473')
"""

from __future__ import annotations

import math
import re

import pandas as pd

from helpers.report.audit._shared import count
from helpers.report.verdicts import parse_printed

#: How a number of each ``statistic`` (the published table's column) is named.
_SYMBOLS = {
    "p": "p", "F": "F", "chi-square": "H", "eta-squared": "η²", "r": "r", "rho": "ρ",
    "Z": "Z", "W": "W", "b": "b", "beta": "β", "se": "SE", "d": "d", "R2": "R²",
    "delta R2": "ΔR²", "n": "n",
}  # fmt: skip
_PHRASES = {
    "mean": "a mean of", "sd": "an SD of", "median": "a median of", "min": "a minimum of",
    "max": "a maximum of", "ci_low": "a lower bound of", "ci_high": "an upper bound of",
}  # fmt: skip


class Labels:
    """Each claim's ``label``, ``statistic`` and ``source`` from the published table.

    A claim the table does not label is named by its key and group; a missing
    statistic is read from the key (``.p``, ``_p``, ``.p_adj``: a p; ``.pct``: a percent).
    """

    def __init__(self, published: pd.DataFrame | None) -> None:
        self._rows: dict[tuple[str, str], dict] = {}
        if published is not None:
            for row in published.to_dict("records"):
                self._rows[(str(row["key"]), str(row["group"]))] = row

    def get(self, key: str, group: str, column: str) -> str:
        """The column's text for the claim, empty when absent."""
        value = self._rows.get((key, group), {}).get(column, "")
        return "" if pd.isna(value) else str(value)

    def label(self, key: str, group: str) -> str:
        """The claim in words, or ``"key [group]"``."""
        return self.get(key, group, "label") or f"{key} [{group}]"

    def statistic(self, key: str, group: str) -> str:
        """What kind of number the claim is: ``"p"``, ``"percent"``, ``"mean"``, ..."""
        statistic = self.get(key, group, "statistic")
        if statistic:
            return statistic
        last = key.rsplit(".", 1)[-1]
        if last in ("p", "p_adj") or last.endswith("_p"):
            return "p"
        return {"pct": "percent"}.get(last, last)


def _thousands(text: str) -> str:
    """``"2348"`` -> ``"2,348"``, keeping the sign and the decimals as printed."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, decimals = digits.partition(".")
    if not whole.isdigit():
        return text
    return sign + f"{int(whole):,}" + (f".{decimals}" if decimals else "")


def quantity(statistic: str, relation: str, text: str) -> str:
    """``"p = .0088"``, ``"57.6%"``, ``"a mean of 35.53"``, or the number alone."""
    if statistic == "percent":
        return f"{text}%" if relation == "=" else f"{relation} {text}%"
    if statistic in _SYMBOLS:
        return f"{_SYMBOLS[statistic]} {relation} {text}"
    if statistic in _PHRASES and relation == "=":
        return f"{_PHRASES[statistic]} {text}"
    return text if relation == "=" else f"{relation} {text}"


def as_printed(text: str, statistic: str) -> str:
    """A printed value as a paper words it: ``"<0.001"`` (a p) -> ``"p < .001"``."""
    match = re.match(r"^\s*([<>]=?)?\s*(.+?)\s*$", text)
    if match is None:
        raise ValueError(f"cannot read {text!r} as a printed number")
    relation, figure = (match.group(1) or "="), _thousands(match.group(2).replace(",", ""))
    if statistic == "p":
        figure = re.sub(r"^(-?)0\.", r"\1.", figure)
    return quantity(statistic, relation, figure)


def p_number(p: float, printed: str | None = None) -> tuple[str, str]:
    """A recomputed p as ``(relation, text)``: ``<`` ``.001`` below .001, else 4 decimals
    below .01 and 3 above, and more while the rounded p would still round to ``printed``."""
    if p < 0.001:
        return "<", ".001"
    decimals = 4 if p < 0.01 else 3
    box = parse_printed(printed) if printed else None
    while box is not None and decimals < 6 and box.contains(round(p, decimals)):
        decimals += 1
    return "=", f"{p:.{decimals}f}".removeprefix("0")


def number(value: float, printed: str) -> str:
    """A recomputed number: a whole count with separators, else one decimal more than
    ``printed`` (at least two significant digits)."""
    decimals = parse_printed(printed).decimals
    if not decimals and float(value).is_integer():
        return count(value)
    places = (decimals or 1) + 1
    if value != 0:
        places = max(places, 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{min(places, 6)}f}"


def names(labels: list[str]) -> list[str]:
    """Short names of the parts of a sum: what their labels do not share.

    Examples
    --------
    >>> names(["Table 1, therapy only: within the USA, n", "Table 1, therapy only: outside the USA, n"])
    ['within the USA', 'outside the USA']
    >>> names(["Table 1, therapy only: women, n", "Table 1, coaching only: women, n"])
    ['therapy only', 'coaching only']
    >>> names(["Analysed (at least one alliance rating): n"])
    ['analysed']
    """  # noqa: E501

    def tidy(text: str) -> str:
        text = re.sub(r"\s*\([^)]*\)", "", text).strip()
        return text[:1].lower() + text[1:] if text[1:2].islower() else text

    heads = [label.rsplit(": ", 1)[0] for label in labels]
    items = [re.sub(r",\s*(n|%)$", "", label.rsplit(": ", 1)[-1]) for label in labels]
    items = [head if item in ("n", "%") else item for head, item in zip(heads, items, strict=True)]
    if len(set(items)) == len(items):
        return [tidy(item) for item in items]
    words = [head.split() for head in heads]
    shared = 0
    while all(len(w) > shared + 1 and w[shared] == words[0][shared] for w in words):
        shared += 1
    return [tidy(" ".join(w[shared:])) for w in words]
