"""Interval arithmetic over printed numbers: recompute one from others, carrying their rounding.

A printed number stands for every value that rounds to it
(:func:`helpers.report.verdicts.parse_printed`): "4.8" is the box [4.75, 4.85],
"<0.001" is [0, 0.001). A check recomputes one printed number from others (a p
from its test statistic and degrees of freedom, a CI from its estimate and SE,
a total from its groups) and carries the rounding of the inputs through the
arithmetic: :func:`span` evaluates the function at every corner of the box of
input intervals, which gives the exact range for functions that are monotone
in each input, and a close one for the few smooth functions that are not (a
pooled SD). The printed number is **consistent** when its own interval
overlaps the recomputed range (:func:`overlaps`), and a p-value is **grossly**
inconsistent when, besides, the printed and the recomputed p fall on opposite
sides of the significance level (:func:`is_gross`).

This follows statcheck (Nuijten et al., 2016), which recomputes p from a test
statistic and its df and calls a result inconsistent when no value that rounds
to the printed statistic gives a p that rounds to the printed p, and *grossly*
inconsistent when the two also fall on opposite sides of alpha. GRIM (Brown &
Heathers, 2017) applies the same idea to means and percentages of integer
counts.

This module knows no paper: it reads printed values by key and group
(:class:`Paper`) and turns a recomputed range into a :class:`Finding`
(:func:`finding`). The checks of one paper are in :mod:`helpers.report.audit`.

References
----------
Nuijten, M. B., Hartgerink, C. H. J., van Assen, M. A. L. M., Epskamp, S., &
Wicherts, J. M. (2016). The prevalence of statistical reporting errors in
psychology (1985-2013). *Behavior Research Methods*, 48, 1205-1226.

Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test: A simple technique
detects numerous anomalies in the reporting of results in psychology. *Social
Psychological and Personality Science*, 8(4), 363-369.

Examples
--------
>>> span(lambda b, se: b / se, (2.035, 2.045), (0.985, 0.995))
(2.0452261306532664, 2.0761421319796955)
>>> overlaps("<0.001", (0.0, 0.001), (0.0004, 0.002))
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.report.verdicts import parse_printed

__all__ = [
    "Box",
    "Finding",
    "Paper",
    "abs_box",
    "coefficient",
    "finding",
    "findings_frame",
    "format_number",
    "format_range",
    "is_gross",
    "overlaps",
    "p_from_abs",
    "p_t",
    "p_z",
    "pooled_sd",
    "span",
]

#: Relative tolerance of :func:`overlaps` (a bound such as 54.05 is not exact in binary).
_SLACK = 1e-9

#: A closed interval ``(low, high)``.
Box = tuple[float, float]


@dataclass(frozen=True)
class Finding:
    """One printed number recomputed from other printed numbers."""

    check: str  # what kind of check, e.g. "p from F"
    claim: str  # "key [group]" of the printed number under test
    printed: str  # as printed
    low: float  # recomputed range (NaN when the check gives no range)
    high: float
    consistent: bool
    gross: bool  # a p-value whose side of alpha changes
    arithmetic: str  # the computation at the printed values, in words
    # For readers (helpers.report.audit.findings), empty or NaN unless the check says: the inputs
    # as a paper writes them, the number they give as printed, the (key, group) they read.
    premise: str = ""
    value: float = math.nan
    inputs: tuple[tuple[str, str], ...] = ()

    @property
    def recomputed(self) -> str:
        """The recomputed range, as text."""
        return format_range(self.low, self.high)


class Paper:
    """The printed values of one paper, looked up by key and group.

    Parameters
    ----------
    published : pandas.DataFrame
        Columns ``key``, ``group``, ``reported`` (text, as printed), one row
        per key and group.

    Raises
    ------
    ValueError
        If a column is missing or a key and group is printed twice.
    """

    def __init__(self, published: pd.DataFrame) -> None:
        missing = {"key", "group", "reported"} - set(published.columns)
        if missing:
            raise ValueError(f"published values: missing column(s) {sorted(missing)}")
        duplicated = published.duplicated(["key", "group"])
        if duplicated.any():
            first = published[duplicated].iloc[0]
            raise ValueError(
                f"published values: {first['key']} [{first['group']}] is printed twice; "
                "keep one row per key and group"
            )
        self._text = {
            (key, group): str(text)
            for key, group, text in zip(
                published["key"], published["group"], published["reported"], strict=True
            )
        }

    def has(self, key: str, group: str) -> bool:
        """Whether the paper prints ``key`` for ``group``."""
        return (key, group) in self._text

    def text(self, key: str, group: str) -> str:
        """The value as printed.

        Raises
        ------
        ValueError
            If the paper does not print ``key`` for ``group``.
        """
        try:
            return self._text[(key, group)]
        except KeyError:
            raise ValueError(
                f"published values: the audit needs {key} [{group}], which is not there"
            ) from None

    def box(self, key: str, group: str) -> Box:
        """The interval the printed value stands for; a p printed as ``<b`` is [0, b)."""
        printed = parse_printed(self.text(key, group))
        low = max(printed.low, 0.0) if math.isinf(printed.low) else printed.low
        return (low, printed.high)

    def value(self, key: str, group: str) -> float:
        """The printed number itself (the middle of its box; a bound for ``<b``)."""
        text = self.text(key, group).lstrip("<>= ").replace(",", "")
        return float(text)


# --- interval arithmetic ------------------------------------------------------------


def span(function: Callable[..., float], *boxes: Box) -> Box:
    """Range of ``function`` over the corners of the boxes.

    Exact for a function monotone in each argument; NaN values are ignored.

    Parameters
    ----------
    function : callable
        Takes one number per box.
    *boxes : Box
        The interval of each argument.

    Returns
    -------
    Box
        The smallest and largest value at the corners.
    """
    values = [function(*corner) for corner in itertools.product(*boxes)]
    return (float(np.nanmin(values)), float(np.nanmax(values)))


def abs_box(box: Box) -> Box:
    """The interval of :math:`|x|` for :math:`x` in ``box``."""
    low, high = box
    if low <= 0 <= high:
        return (0.0, max(-low, high))
    return (min(abs(low), abs(high)), max(abs(low), abs(high)))


def overlaps(printed: str, printed_box: Box, recomputed: Box) -> bool:
    """Whether a printed value is consistent with a recomputed range.

    Parameters
    ----------
    printed : str
        As printed; ``<b`` needs some recomputed value below b, ``>b`` one above.
    printed_box : Box
        The interval the printed value stands for (:meth:`Paper.box`).
    recomputed : Box
        The range the other printed numbers allow.

    Returns
    -------
    bool
        True when the two intervals share a value (up to a relative 1e-9).
    """
    if printed.lstrip().startswith("<"):
        return recomputed[0] < printed_box[1]
    if printed.lstrip().startswith(">"):
        return recomputed[1] > printed_box[0]
    scale = _SLACK * max(1.0, abs(printed_box[0]), abs(printed_box[1]))
    return recomputed[0] <= printed_box[1] + scale and recomputed[1] >= printed_box[0] - scale


def is_gross(printed_box: Box, recomputed: Box, alpha: float) -> bool:
    """Whether a printed p and its recomputed range lie wholly on opposite sides of ``alpha``.

    A printed p at or below ``alpha`` is gross against a recomputed range
    starting at or above it; a printed p at or above ``alpha`` against a range
    ending below it.
    """
    below = printed_box[1] <= alpha
    above = printed_box[0] >= alpha
    return (below and recomputed[0] >= alpha) or (above and recomputed[1] < alpha)


# --- p-values -----------------------------------------------------------------------


def p_z(z: float) -> float:
    """Two-sided p of a standard normal statistic."""
    return float(2 * stats.norm.sf(abs(z)))


def p_t(t: float, df: float) -> float:
    """Two-sided p of a t statistic on ``df`` degrees of freedom."""
    return float(2 * stats.t.sf(abs(t), df))


def p_from_abs(box: Box, p_of: Callable[[float], float]) -> Box:
    """p-value range of a two-sided test whose statistic lies in ``box``.

    ``p_of`` maps :math:`|statistic|` to p and must be decreasing in it.
    """
    low, high = abs_box(box)
    return (p_of(high), p_of(low))


# --- findings -----------------------------------------------------------------------


def format_number(value: float) -> str:
    """A recomputed number, to four significant digits, never in scientific notation.

    Below 0.001 in size it reads ``< 0.001`` (or ``> -0.001``), as a paper prints
    a p-value that small.

    Examples
    --------
    >>> format_number(0.008757), format_number(6.03e-101), format_number(12345.6)
    ('0.008757', '< 0.001', '12,346')
    """
    if value == 0 or math.isinf(value):
        return f"{value:g}"
    if abs(value) < 1e-3:
        return "< 0.001" if value > 0 else "> -0.001"
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def format_range(low: float, high: float) -> str:
    """A recomputed range: ``"0.008757 to 0.008844"``, or one number when both ends print alike."""
    if format_number(low) == format_number(high):
        return format_number(low)
    return f"{format_number(low)} to {format_number(high)}"


def finding(
    paper: Paper,
    *,
    check: str,
    key: str,
    group: str,
    recomputed: Box,
    arithmetic: str,
    alpha: float | None = None,
    premise: str = "",
    value: float = math.nan,
    inputs: tuple[tuple[str, str], ...] = (),
) -> Finding:
    """Compare the printed ``key`` [``group``] with the range recomputed from other numbers.

    Parameters
    ----------
    paper : Paper
    check : str
        The kind of check, e.g. ``"p from F"``.
    key, group : str
        The printed number under test.
    recomputed : Box
        The range the other printed numbers allow.
    arithmetic : str
        The computation at the printed values, in words.
    alpha : float, optional
        The significance level, when the printed number is a p-value: an
        inconsistent p is then gross if it lies on the other side of ``alpha``
        (:func:`is_gross`). None for any other number.
    premise, value, inputs : optional
        The inputs in a paper's notation, the number they give at the printed
        values, the printed numbers read (:class:`Finding`).

    Returns
    -------
    Finding
    """
    text = paper.text(key, group)
    box = paper.box(key, group)
    consistent = overlaps(text, box, recomputed)
    return Finding(
        check=check,
        claim=f"{key} [{group}]",
        printed=text,
        low=recomputed[0],
        high=recomputed[1],
        consistent=consistent,
        gross=bool(alpha is not None and not consistent and is_gross(box, recomputed, alpha)),
        arithmetic=arithmetic,
        premise=premise,
        value=value,
        inputs=inputs,
    )


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table, one row each.

    Columns ``check``, ``claim``, ``printed``, ``recomputed`` (empty when the
    check gives no range), ``consistent``, ``gross``, ``arithmetic``.
    """
    rows = []
    for item in findings:
        row = asdict(item)
        row["recomputed"] = "" if math.isnan(item.low) else item.recomputed
        rows.append(row)
    columns = ["check", "claim", "printed", "recomputed", "consistent", "gross", "arithmetic"]
    return pd.DataFrame(rows, columns=[*columns, "low", "high"])[columns]


# --- checks that know no paper ------------------------------------------------------


def coefficient(
    paper: Paper,
    key: Callable[[str], str],
    group: str,
    estimate: str,
    df: float,
    *,
    conf_level: float,
    alpha: float,
) -> list[Finding]:
    """A regression coefficient's p, CI and estimate, each from the others.

    Parameters
    ----------
    paper : Paper
    key : callable
        ``key(field)`` is the key of one printed field: ``estimate``, ``"se"``,
        ``"ci_low"``, ``"ci_high"``, ``"p"``.
    group : str
    estimate : str
        The field of the estimate (``"b"``, ``"beta"``).
    df : float
        Residual degrees of freedom of the t test and of the CI's t quantile.
    conf_level : float
        Of the two-sided CI.
    alpha : float
        For gross inconsistencies of the p.

    Returns
    -------
    list of Finding
        p from b / SE; each CI bound from b and SE; the estimate from its CI.
    """
    crit = float(stats.t.ppf((1 + conf_level) / 2, df))
    b_box, se_box = paper.box(key(estimate), group), paper.box(key("se"), group)
    b, se = paper.value(key(estimate), group), paper.value(key("se"), group)
    low_box, high_box = (paper.box(key(f"ci_{s}"), group) for s in ("low", "high"))
    lo, hi = (paper.value(key(f"ci_{s}"), group) for s in ("low", "high"))
    t_box, t, p = span(lambda x, s: x / s, b_box, se_box), b / se, p_t(b / se, df)
    bt, st, lt, ht = (paper.text(key(f), group) for f in (estimate, "se", "ci_low", "ci_high"))
    return [
        finding(
            paper,
            check="p from b / SE",
            key=key("p"),
            group=group,
            recomputed=p_from_abs(t_box, lambda t: p_t(t, df)),
            arithmetic=f"t({df:g}) = {b:g} / {se:g} = {t:.3f}; p = {format_number(p)}",
            alpha=alpha,
            premise=f"t({df:,.0f}) = {bt} / {st} = {t:.2f}",
            value=p,
        ),
        finding(
            paper,
            check="CI from b and SE",
            key=key("ci_low"),
            group=group,
            recomputed=span(lambda x, s: x - crit * s, b_box, se_box),
            arithmetic=f"{b:g} - {crit:.4f} x {se:g} = {b - crit * se:.4g}",
            premise=f"{bt} − {crit:.3f} × {st}",
            value=b - crit * se,
        ),
        finding(
            paper,
            check="CI from b and SE",
            key=key("ci_high"),
            group=group,
            recomputed=span(lambda x, s: x + crit * s, b_box, se_box),
            arithmetic=f"{b:g} + {crit:.4f} x {se:g} = {b + crit * se:.4g}",
            premise=f"{bt} + {crit:.3f} × {st}",
            value=b + crit * se,
        ),
        finding(
            paper,
            check="estimate from its CI",
            key=key(estimate),
            group=group,
            recomputed=span(lambda a, c: (a + c) / 2, low_box, high_box),
            arithmetic=f"({lo:g} + {hi:g}) / 2 = {(lo + hi) / 2:.4g}",
            premise=f"the middle of its CI, ({lt} + {ht}) / 2,",
            value=(lo + hi) / 2,
        ),
    ]


def pooled_sd(sizes: list[float]) -> Callable[..., float]:
    """The SD of groups put together, as a function of each group's mean and SD.

    Parameters
    ----------
    sizes : list of float
        The size of each group.

    Returns
    -------
    callable
        ``f(m1, s1, m2, s2, ...)``: :math:`\\sqrt{(\\sum (n_g - 1) s_g^2 + \\sum n_g
        (m_g - m)^2) / (N - 1)}`, with :math:`m` the size-weighted mean.
    """

    def pooled(*means_and_sds: float) -> float:
        if len(means_and_sds) != 2 * len(sizes):
            raise ValueError(
                f"pooled_sd: {len(sizes)} groups need a mean and an SD each, "
                f"got {len(means_and_sds)} numbers"
            )
        means, sds = np.array(means_and_sds[::2]), np.array(means_and_sds[1::2])
        n = np.array(sizes)
        grand = np.dot(n, means) / n.sum()
        ss = np.dot(n - 1, sds**2) + np.dot(n, (means - grand) ** 2)
        return float(math.sqrt(ss / (n.sum() - 1)))

    return pooled
