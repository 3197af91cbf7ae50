"""What the generator knowingly does not reproduce, keyed by claim: the calibration reasons.

The calibration table (:func:`helpers.report.calibration.calibration_table`)
gives each printed number the generated data do not match a reason: the
audit's, where the paper's own numbers are proven inconsistent, or else the
first of these limitations whose key prefix (and group, when given) fits the
claim. Each entry is ``(key prefix, group or None, name, explanation)``; the
names are what the table shows, the explanations its legend.
"""

from __future__ import annotations

from helpers.claims import moderation_key, table2_key
from helpers.design import MODERATORS, TABLE2_TERMS, UTILIZATION_DUMMIES

__all__ = ["LIMITATIONS", "limitation"]

_ALLIANCE = (
    "alliance search",
    "Matched mode searches for alliance scores that meet every printed aim 1 and Table 1 "
    "alliance number together (`helpers.synthetic.alliance`): means, medians, minima, "
    "subgroup medians and alpha exactly, the SDs, Dunn's Z (and H) by a least-squares fit "
    "of each group's shape on the lattice of item means, and each W by single swaps that "
    "stop within a few units of the printed value.",
)
_TOTAL_MEDIAN = (
    "total median not fitted",
    "Matched mode fits each utilization type's mean, SD, median and range, and chooses the "
    "groups' means and SDs to pool to the total's; the total's median is whatever the three "
    "groups give.",
)
_BASELINE = (
    "baseline spread drawn",
    "The screened-positive baseline WHO-5 is drawn (maximum entropy); matched mode makes its "
    "mean exact (aim 2's change over its percentage), not its spread, which with the "
    "follow-up sets d_av and the CI of the change.",
)
_CHANGE_SPREAD = (
    "change shape not fitted",
    "Each type's mean WHO-5 change is exact and the spread within types is fitted to the "
    "ANOVA's F (so to the CI and Tukey's p) and d_av; the counts past the recovery and "
    "improvement thresholds follow from the drawn shape of the changes.",
)
_TABLE2 = (
    "Table 2 beyond b",
    "Matched mode aims each Table 2 coefficient at the values that keep its printed b, CI and "
    "p (helpers.synthetic.targets) and picks the one residual SD that keeps the most printed "
    "SEs; the other standardized betas and R^2 follow from the generated predictors.",
)
_TABLE2_SE = (
    "SE ratios set by the predictors",
    "Table 2's SEs share one residual SD, so their ratios are set by the complete cases' "
    "predictors. Matched mode fits them: which known-sex people screen positive is tilted by "
    "age (the age SE and the intercept's), 28% of them are men (the sex SE), and the "
    "alliance assignment spreads their alliance and sets its slope on age (the alliance's "
    "and the intercept's SE ratios); the baseline's spread among them is drawn, so on some "
    "seeds the baseline SE misses by a few per cent.",
)
_MODERATION_SE = (
    "moderation SE set by the alliance",
    "Matched mode aims each moderation product's beta at the printed beta, CI and p given the "
    "SE the data give it; that SE is set by the spread of the alliance within provider types "
    "and of the alliance x sessions product, i.e. by the alliance model.",
)
_MODERATION = (
    "moderation beyond beta",
    "Matched mode fits each moderation product's beta (and its CI and p where the SE allows); "
    "the moderation models' R^2 follow from the generated predictors.",
)
_STANDARDIZED_INTERCEPT = (
    "standardized intercept",
    "The analysis reports the intercept's standardized coefficient as 0 (R's convention: "
    "z-scored variables have mean 0); no data give the printed 0.002.",
)

_FULL_MODEL = "full model"
#: The standard error of each moderation product the paper prints.
_MODERATION_SE_KEYS = (
    *(moderation_key("utilization", "se", dummy) for dummy in reversed(UTILIZATION_DUMMIES)),
    *(moderation_key(moderator, "se") for moderator in MODERATORS if moderator != "utilization"),
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
    *((key, None, *_MODERATION_SE) for key in _MODERATION_SE_KEYS),
    ("aim3.moderation.", None, *_MODERATION),
    (table2_key("Intercept", "beta"), _FULL_MODEL, *_STANDARDIZED_INTERCEPT),
    *((table2_key(term, "se"), _FULL_MODEL, *_TABLE2_SE) for term in TABLE2_TERMS),
    ("aim3.", None, *_TABLE2),
)


def limitation(key: str, group: str) -> tuple[str, str] | None:
    """The first limitation that fits ``key`` [``group``]: ``(name, explanation)``, or None."""
    for prefix, only, name, text in LIMITATIONS:
        if key.startswith(prefix) and only in (None, group):
            return name, text
    return None
