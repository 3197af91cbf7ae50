"""Not estimable: where R gives NA, the helpers give NaN and say why; prose says it in words.

Every statistic of :mod:`helpers.stats` follows R. Where R reports NA, or stops
because the data cannot support the statistic (a constant variable, an empty
group, constant differences, an aliased regression term), the helper returns
NaN for each field it cannot estimate, never a number R would not give, and
says why in the result's ``note``: an entry of a :class:`pandas.Series`
result, a column of a :class:`pandas.DataFrame` result (one reason per row);
empty when everything was estimated. ``ValueError`` stays for programmer
errors: wrong types, missing values, inputs of different lengths.

The notebooks then write each such field as missing
(:meth:`helpers.pipeline.results.Estimates.add_field`: an empty value and the
note ``not estimable: <reason>``) and say so in words with :func:`sentence`,
so no "nan" reaches the prose.

Examples
--------
>>> from helpers.stats.nonparametric import spearman_test
>>> result = spearman_test(pd.Series([30, 30, 30, 30], name="age"), [1, 2, 3, 4])
>>> result["note"]
'the standard deviation of age is zero'
>>> sentence("Age and alliance: rho = {age[rho]:.2f}.", "Age and alliance could not be "
...          "correlated", age=result)
'Age and alliance could not be correlated: the standard deviation of age is zero.'
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterable, Mapping
from numbers import Number

import pandas as pd

from helpers.formatting import p_text

__all__ = [
    "NOTE",
    "joined",
    "listed",
    "missing",
    "name_of",
    "not_estimated",
    "noted",
    "plural",
    "reason",
    "sentence",
]

#: The field (Series entry or DataFrame column) that says why a result has NaN fields.
NOTE = "note"


class _Formatter(string.Formatter):
    """:class:`string.Formatter` with one more conversion: ``!p``, a p-value as a paper
    prints it (``p = .187``, ``p < .001``; :func:`helpers.formatting.p_text`)."""

    def convert_field(self, value: object, conversion: str | None) -> object:
        if conversion == "p":
            return p_text(value)
        return super().convert_field(value, conversion)


_FORMATTER = _Formatter()


def missing(value: object) -> bool:
    """Whether ``value`` is a number that was not estimated: None, NaN or infinite.

    Text is never missing.

    Examples
    --------
    >>> missing(float("nan")), missing(float("inf")), missing(0.0), missing("both")
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, Number):
        return False
    return not math.isfinite(float(value))


def joined(reasons: Iterable[str]) -> str:
    """The distinct non-empty reasons, in order, separated by semicolons.

    Examples
    --------
    >>> joined(["a; b", "", "b", "c"])
    'a; b; c'
    """
    seen: list[str] = []
    for item in reasons:
        for part in (item or "").split("; "):
            if part and part not in seen:
                seen.append(part)
    return "; ".join(seen)


def plural(count: int, noun: str) -> str:
    """``"1 pair"``, ``"2 pairs"``: a count and its noun, for reasons."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def listed(items: Iterable[str]) -> str:
    """``"a, b and c"``.

    Examples
    --------
    >>> listed(["age"]), listed(["age", "sex", "alliance"])
    ('age', 'age, sex and alliance')
    """
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def noted(values: Mapping[str, float], reasons: Iterable[str] = ()) -> pd.Series:
    """A result: the fields ``values`` (as floats) and the ``note`` of :func:`joined` reasons."""
    return pd.Series({**{k: float(v) for k, v in values.items()}, NOTE: joined(reasons)})


def name_of(values: object, default: str) -> str:
    """The name a sequence carries (a Series' name), for reasons; else ``default``."""
    name = getattr(values, "name", None)
    return str(name) if isinstance(name, str) and name else default


def reason(result: object) -> str:
    """Why ``result`` (a Series, a mapping, a DataFrame row) has missing fields: its note."""
    if isinstance(result, pd.Series | Mapping):
        note = result.get(NOTE, "")
        return note if isinstance(note, str) else ""
    return ""


def sentence(template: str, unable: str, /, **values: object) -> str:
    """``template`` filled with ``values``, or why not when a number it shows was not estimated.

    Parameters
    ----------
    template : str
        A :meth:`str.format` template, e.g. ``"W = {sex[W]:,.0f}, {sex[p]!p}"``; the
        conversion ``!p`` prints a p-value as a paper does (``p = .187``, ``p < .001``).
    unable : str
        What to say instead, without the reason: ``"Women's and men's alliance could
        not be compared"``.
    **values
        The template's fields: results (Series with a ``note``), numbers, words.

    Returns
    -------
    str
        The filled template; or, when any number it shows is missing (NaN or
        infinite), ``"<unable>: <the results' reasons>."``: the note of the
        result the number comes from (for a plain number, the notes of every
        result given).

    Examples
    --------
    >>> sentence("n = {n}.", "Nothing to count", n=3)
    'n = 3.'
    >>> sentence("W = 12, {r[p]!p}.", "No test", r=noted({"p": 3.4e-05}))
    'W = 12, p < .001.'
    >>> result = noted({"t": float("nan")}, ["data are essentially constant"])
    >>> sentence("t = {change[t]:.2f}.", "The change could not be tested", change=result)
    'The change could not be tested: data are essentially constant.'
    """
    reasons = []
    for _, field, _, _ in _FORMATTER.parse(template):
        if not field:
            continue
        value, first = _FORMATTER.get_field(field, (), values)
        if missing(value):  # a number derived from a result: that result's reasons
            given = reason(values[first]) or joined(reason(v) for v in values.values())
            reasons.append(given or f"{field} was not estimated")
    if reasons:
        return f"{unable}: {joined(reasons)}."
    return _FORMATTER.format(template, **values)


def not_estimated(table: pd.DataFrame, field: str, label: str = "term") -> str:
    """Which rows of a result table have ``field`` missing, and why, as a sentence ("" if none).

    Examples
    --------
    >>> table = pd.DataFrame({"term": ["age", "male"], "b": [0.5, float("nan")],
    ...                       "note": ["", "male does not vary in these data"]})
    >>> not_estimated(table, "b")
    'male could not be estimated: male does not vary in these data.'
    """
    lost = table[table[field].isna()]
    if lost.empty:
        return ""
    return f"{listed(lost[label].astype(str))} could not be estimated: {joined(lost[NOTE])}."
