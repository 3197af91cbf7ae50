"""What the generator knowingly does not reproduce, keyed by claim: the calibration reasons.

The calibration table (:func:`helpers.report.calibration.calibration_table`)
gives each printed number the generated data do not match a reason: the
audit's, where the paper's own numbers are proven inconsistent, or else the
first of these limitations whose key prefix (and group, when given) fits the
claim. Each entry is ``(key prefix, group or None, name, explanation)``; the
names are what the table shows, the explanations its legend.
"""

from __future__ import annotations

__all__ = ["LIMITATIONS", "limitation"]

_ALLIANCE = (
    "alliance model",
    "Alliance scores come from a hand-tuned rate model (`ALLIANCE_TUNING`): matched mode "
    "makes the group means and minima exact, but not the SDs, medians, rank tests and "
    "alpha together; medians sit on the lattice of item means.",
)
_TOTAL_MEDIAN = (
    "total median not fitted",
    "Matched mode fits each utilization type's mean, SD, median and range, and chooses the "
    "groups' means and SDs to pool to the total's; the total's median is whatever the three "
    "groups give.",
)
_BASELINE = (
    "baseline drawn",
    "The screened-positive baseline WHO-5 is drawn (maximum entropy, mean from aim 2's change "
    "over its percentage), not fitted: the percentage and the CI of the change follow the "
    "draw. The paper's d_av, CI and Table 2 pull against each other (README).",
)
_CHANGE_SPREAD = (
    "change spread not fitted",
    "Each type's mean WHO-5 change is exact, but the spread of changes within a type, which "
    "sets the ANOVA's F, Tukey's p and the counts past the recovery and improvement "
    "thresholds, is not fitted.",
)
_TABLE2 = (
    "Table 2 beyond b",
    "Matched mode fits Table 2's coefficients and the alliance SE; the other SEs, standardized "
    "betas, CIs, p-values and R^2 follow from the generated predictors and residual.",
)
_MODERATION = (
    "no moderation planted",
    "The outcome model has no interaction terms, so the moderation estimates are sampling "
    "noise around zero; the paper's are near zero too.",
)

#: ``(key prefix, group or None, name, explanation)``, most specific first.
LIMITATIONS: tuple[tuple[str, str | None, str, str], ...] = (
    ("table1.followup_days.median", "total", *_TOTAL_MEDIAN),
    ("table1.time_in_care_days.median", "total", *_TOTAL_MEDIAN),
    ("table1.sessions.median", "total", *_TOTAL_MEDIAN),
    ("table1.alliance.", None, *_ALLIANCE),
    ("aim1.", None, *_ALLIANCE),
    ("aim2.change.", None, *_BASELINE),
    ("aim2.anova.", None, *_CHANGE_SPREAD),
    ("aim2.tukey.", None, *_CHANGE_SPREAD),
    ("aim2.recovery.", None, *_CHANGE_SPREAD),
    ("aim2.improvement.", None, *_CHANGE_SPREAD),
    ("aim3.moderation.", None, *_MODERATION),
    ("aim3.", None, *_TABLE2),
)


def limitation(key: str, group: str) -> tuple[str, str] | None:
    """The first limitation that fits ``key`` [``group``]: ``(name, explanation)``, or None."""
    for prefix, only, name, text in LIMITATIONS:
        if key.startswith(prefix) and only in (None, group):
            return name, text
    return None
