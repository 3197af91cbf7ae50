"""What the audit's checks share: the paper's alpha and CI level, group sizes, sums in words."""

from __future__ import annotations

from helpers.design import ALPHA_LEVEL, CONF_LEVEL
from helpers.report.intervals import Paper

#: The significance level of "gross" inconsistencies: the paper's (statcheck's default).
ALPHA = ALPHA_LEVEL
#: The t quantile of the paper's two-sided confidence intervals.
QUANTILE = (1 + CONF_LEVEL) / 2


def size_key(group: str) -> tuple[str, str]:
    """The key and group of a utilization group's printed size, or the analysed cohort's."""
    if group in ("total", "all"):
        return ("cohort.analyzed", "all")
    return (f"cohort.utilization.{group}.n", "all")


def group_size(paper: Paper, group: str) -> float:
    """The printed size of a utilization group, or of the analysed cohort ("total", "all")."""
    return paper.value(*size_key(group))


def count(value: float) -> str:
    """A count or df as a paper prints it: ``3,087``."""
    return f"{value:,.0f}"


def sum_text(values: list[float]) -> str:
    """``a + b + c = total``, for the arithmetic of a finding."""
    return " + ".join(f"{v:g}" for v in values) + f" = {sum(values):g}"
