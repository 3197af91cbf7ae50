"""Checks of the cohort and Table 1, GRIM-style.

Counts add up to their totals, percentages are their counts' shares, total means and SDs
follow from their groups, and numbers printed twice agree.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from helpers.claims import SAME_QUANTITY, SCREENED
from helpers.design import TABLE1_CONTINUOUS, UTILIZATION_TYPES
from helpers.report.audit._shared import count, group_size, size_key, sum_text
from helpers.report.intervals import Finding, Paper, finding, pooled_sd, span

#: Count percentages: the stem of each count whose ``.n`` and ``.pct`` Table 1 prints.
_PERCENT_KEYS = (
    "table1.sex.female",
    "table1.sex.male",
    "table1.sex.missing",
    "table1.country.us",
    "table1.country.non_us",
    "table1.screened_positive",
)
#: Table 1's categorical variables and their levels (the first is checked against the rest).
_LEVELS = {"sex": ("female", "male", "missing"), "country": ("us", "non_us")}
_EXTREME = {"min": "smallest of the groups' minimums", "max": "largest of the groups' maximums"}


def count_totals(paper: Paper) -> Iterator[Finding]:
    check = "total from its groups"
    cells = tuple(size_key(g) for g in UTILIZATION_TYPES)
    parts = [paper.value(*cell) for cell in cells]
    yield finding(
        paper,
        check=check,
        key="cohort.analyzed",
        group="all",
        recomputed=(sum(parts),) * 2,
        arithmetic=sum_text(parts),
        value=sum(parts),
        inputs=cells,
    )
    for key in _PERCENT_KEYS:
        cells = tuple((f"{key}.n", g) for g in UTILIZATION_TYPES)
        counts = [paper.value(*cell) for cell in cells]
        yield finding(
            paper,
            check=check,
            key=f"{key}.n",
            group="total",
            recomputed=(sum(counts),) * 2,
            arithmetic=sum_text(counts),
            value=sum(counts),
            inputs=cells,
        )
    for variable, levels in _LEVELS.items():
        printed_missing = all(
            paper.has(f"table1.{variable}.missing.n", g) for g in UTILIZATION_TYPES
        )
        if "missing" not in levels and printed_missing:
            levels = (*levels, "missing")  # a row for the missing, when the paper prints one
        for group in (*UTILIZATION_TYPES, "total"):
            counts = [paper.value(f"table1.{variable}.{level}.n", group) for level in levels]
            size = group_size(paper, group)
            rest = size - sum(counts[1:])
            text = f"{size:g} analysed - " + " - ".join(f"{c:g}" for c in counts[1:])
            text += f" = {rest:g}"
            if sum(counts) != size:
                text += f"; the {size - sum(counts):g} left over are not accounted for in the table"
            others = tuple((f"table1.{variable}.{level}.n", group) for level in levels[1:])
            yield finding(
                paper,
                check="categories add up to the group",
                key=f"table1.{variable}.{levels[0]}.n",
                group=group,
                recomputed=(rest,) * 2,
                arithmetic=text,
                value=rest,
                inputs=(size_key(group), *others),  # the whole, then the other categories
            )


def _percentage(
    paper: Paper, key: str, group: str, n: float, size: float, label: str = ""
) -> Finding:
    text = f"100 x {n:g} / {size:g}" + (f" ({label})" if label else "")
    return finding(
        paper,
        check="percentage from n / N",
        key=key,
        group=group,
        recomputed=(100 * n / size,) * 2,
        arithmetic=f"{text} = {100 * n / size:.3f}",
        premise=f"{count(n)} of {count(size)}" + (f" {label}" if label else ""),
        value=100 * n / size,
    )


def percentages(paper: Paper) -> Iterator[Finding]:
    for key in _PERCENT_KEYS:
        for group in (*UTILIZATION_TYPES, "total"):
            n = paper.value(f"{key}.n", group)
            size = group_size(paper, group)
            denominators = [("analysed in the group", size)]
            if ".country." in key:
                known = sum(paper.value(f"table1.country.{c}.n", group) for c in ("us", "non_us"))
                if known != size:
                    denominators.append(("with a known country", known))
            for label, denominator in denominators:
                found = _percentage(paper, f"{key}.pct", group, n, denominator, label)
                if found.consistent or label == denominators[-1][0]:
                    yield found
                    break
    size = paper.value("cohort.analyzed", "all")
    for level in _LEVELS["sex"]:
        n = paper.value(f"cohort.sex.{level}.n", "all")
        yield _percentage(paper, f"cohort.sex.{level}.pct", "all", n, size)
    n = paper.value("aim2.n", SCREENED)
    for outcome in ("recovery", "improvement"):
        k = paper.value(f"aim2.{outcome}.n", SCREENED)
        yield _percentage(paper, f"aim2.{outcome}.pct", SCREENED, k, n)


def _total_mean(paper: Paper, sizes: list[float], key: str, total_group: str) -> Finding:
    """The printed total mean of ``key`` against the size-weighted mean of its group means."""
    center = [paper.value(key, g) for g in UTILIZATION_TYPES]
    value = float(np.dot(sizes, center) / sum(sizes))
    weighted = span(
        lambda *m: float(np.dot(sizes, m) / sum(sizes)),
        *(paper.box(key, g) for g in UTILIZATION_TYPES),
    )
    terms = " + ".join(f"{n:g} x {m:g}" for n, m in zip(sizes, center, strict=True))
    texts = [paper.text(key, g) for g in UTILIZATION_TYPES]
    weights = " + ".join(f"{count(n)} × {m}" for n, m in zip(sizes, texts, strict=True))
    return finding(
        paper,
        check="total mean from group means",
        key=key,
        group=total_group,
        recomputed=weighted,
        arithmetic=f"{terms} over {sum(sizes):g} = {value:.4g}",
        premise=f"weighting the group means by size, ({weights}) / {count(sum(sizes))},",
        value=value,
        inputs=tuple((key, g) for g in UTILIZATION_TYPES),
    )


def weighted_totals(paper: Paper) -> Iterator[Finding]:
    sizes = [group_size(paper, g) for g in UTILIZATION_TYPES]
    pooled = pooled_sd(sizes)
    for variable in ("age", *TABLE1_CONTINUOUS):
        key = f"table1.{variable}"
        yield _total_mean(paper, sizes, f"{key}.mean", "total")
        cells = [
            (f"{key}.{statistic}", g) for g in UTILIZATION_TYPES for statistic in ("mean", "sd")
        ]
        value = pooled(*(paper.value(*cell) for cell in cells))
        yield finding(
            paper,
            check="total SD from group means and SDs",
            key=f"{key}.sd",
            group="total",
            recomputed=span(pooled, *(paper.box(*cell) for cell in cells)),
            arithmetic=f"sqrt((sum (n_g - 1) s_g^2 + sum n_g (m_g - m)^2) / (N - 1)) = {value:.4g}",
            premise="pooling the group means and SDs by group size",
            value=value,
            inputs=tuple(cells),
        )
        for statistic, pick in (("min", min), ("max", max)):
            if not all(paper.has(f"{key}.{statistic}", g) for g in (*UTILIZATION_TYPES, "total")):
                continue  # not printed per group
            extremes = [paper.value(f"{key}.{statistic}", g) for g in UTILIZATION_TYPES]
            listed = ", ".join(paper.text(f"{key}.{statistic}", g) for g in UTILIZATION_TYPES)
            yield finding(
                paper,
                check=f"total {statistic} from group {statistic}s",
                key=f"{key}.{statistic}",
                group="total",
                recomputed=(pick(extremes),) * 2,
                arithmetic=f"{statistic}({', '.join(f'{e:g}' for e in extremes)}) = "
                f"{pick(extremes):g}",
                premise=f"the {_EXTREME[statistic]} ({listed})",
                value=pick(extremes),
            )
    sizes = [paper.value("table1.screened_positive.n", g) for g in UTILIZATION_TYPES]
    yield _total_mean(paper, sizes, "aim2.change.mean", SCREENED)


def repeated(paper: Paper) -> Iterator[Finding]:
    for (key, group), (other, other_group) in SAME_QUANTITY:
        yield finding(
            paper,
            check="same number printed twice",
            key=key,
            group=group,
            recomputed=paper.box(other, other_group),
            arithmetic=f"{other} [{other_group}] is printed as {paper.text(other, other_group)}",
            inputs=((other, other_group),),
        )
