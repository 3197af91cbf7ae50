"""The population model of the synthetic data, calibrated to the paper. SYNTHETIC, NOT STUDY DATA.

Every number the paper prints and the model uses is read from
``data/published_values.csv`` (:func:`helpers.report.published.printed`)
when this module is imported, so changing a printed value there changes the
generated data. The model's other numbers are its own tuning: the paper does
not print them, and each is typed below with a comment saying what it was
tuned to.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from helpers.claims import pair_label
from helpers.design import (
    DUNN_PAIRS,
    RANK_SUM_COMPARISONS,
    UTILIZATION_TYPES,
    WHO5_STEP,
    WINDOW_END,
    WINDOW_START,
)
from helpers.report.published import printed, printed_count

__all__ = [
    "ALLIANCE_TUNING",
    "FATES",
    "MODES",
    "NON_US_COUNTRIES",
    "REGISTRANTS",
    "TABLE1_TOTALS",
    "GroupModel",
    "Moments",
    "PopulationModel",
]

#: Eligibility fates in flow order; each registrant has exactly one.
FATES = ("under_age", "no_session", "no_baseline", "no_followup", "unrated", "analysed")
MODES = ("sample", "matched")

#: The published values' group of Table 2's full model and of the screened-positive people.
_TABLE2 = "full model"
_POSITIVE = "screened_positive"


# ---------------------------------------------------------------------------
# Tuning: the model's own numbers (the paper does not print them)
# ---------------------------------------------------------------------------

#: Tuning: country codes used for people outside the US, with their weights. The
#: paper prints only US vs non-US; these are plausible weights, not calibrated.
NON_US_COUNTRIES = {
    "GB": 0.26,
    "IN": 0.18,
    "CA": 0.12,
    "DE": 0.07,
    "IE": 0.06,
    "SG": 0.05,
    "AU": 0.05,
    "NL": 0.04,
    "FR": 0.04,
    "BR": 0.03,
    "MX": 0.03,
    "ES": 0.03,
    "PL": 0.02,
    "JP": 0.02,
}

#: Tuning, per utilization type: the alliance rate model (see :class:`GroupModel`). Set by
#: hand over sample-mode cohorts of the paper's size (seeds 1-8) so that each group's
#: alliance mean, SD and median come near Table 1's (``table1.alliance.*``) and the groups'
#: rank distributions differ as little as the paper's Kruskal-Wallis test says
#: (``aim1.utilization.kruskal.H`` = 10.83; these give 10.2 on average, where the
#: previous tuning gave about 40): the groups' means differ through their tails of poor
#: alliance (``alliance_low_share``) more than through their bulk. The ceiling shares offset
#: the sessions: people who rate more sessions reach a perfect score less often, so the
#: "therapy and coaching" group (8.65 sessions on average) needs more people who always
#: answer 5 for its ranks to match the other groups'.
ALLIANCE_TUNING = {
    "therapy": {
        "alliance_log_rate": -0.95,
        "alliance_sd_log_rate": 0.8,
        "alliance_low_share": 0.10,
        "alliance_ceiling_share": 0.28,
    },
    "coaching": {
        "alliance_log_rate": -0.9,
        "alliance_sd_log_rate": 0.65,
        "alliance_low_share": 0.025,
        "alliance_ceiling_share": 0.25,
    },
    "both": {
        "alliance_log_rate": -0.75,
        "alliance_sd_log_rate": 0.6,
        "alliance_low_share": 0.04,
        "alliance_ceiling_share": 0.32,
    },
}


def _default_fates() -> dict[str, int]:
    """Registrants per fate at the default scale.

    The paper prints the last two: ``cohort.completed_assessments`` (5,985)
    completed care and the assessments, of whom ``cohort.analyzed`` (3,087)
    rated a session. The first four are tuning: the paper prints no counts for
    those exclusions, so they are small round numbers that make every step of
    the flow exclude someone and bring the total to 6,500.
    """
    completed = printed_count("cohort.completed_assessments")
    analysed = printed_count("cohort.analyzed")
    return {
        "under_age": 80,  # tuning: under 18 or no age
        "no_session": 200,  # tuning: no session in the window
        "no_baseline": 120,  # tuning: no WHO-5 before the first session
        "no_followup": 115,  # tuning: no WHO-5 long enough after the baseline
        "unrated": completed - analysed,
        "analysed": analysed,
    }


#: Registrants at the default scale (6,500): the sum of the default fates.
REGISTRANTS = sum(_default_fates().values())


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Moments:
    """Target moments and bounds of one variable (the paper's Table 1 cell).

    ``median`` is None where the paper prints none (age by group).
    """

    mean: float
    sd: float
    low: float
    high: float
    median: float | None = None


@dataclass(frozen=True)
class GroupModel:
    """The population model of one utilization type (analysed people).

    Attributes
    ----------
    share : float
        Share of the analysed cohort (Table 1 n / 3,087).
    sex : (female, male, missing)
        Shares; Table 1.
    country : (us, non_us, missing)
        Shares; Table 1 counts over the whole group.
    age, sessions, time_in_care, followup_days : Moments
        Table 1 means, SDs, minima, maxima and medians (age: no median, and the
        whole cohort's range).
    screened_positive : float
        Share with baseline WHO-5 at or below 28; Table 1.
    alliance_log_rate, alliance_sd_log_rate : float
        Mean and SD of the log of the person's rate of "steps below 5" per
        alliance item (see :class:`PopulationModel`); calibrated to the
        group's alliance mean, SD and median.
    alliance_low_share : float
        Share of people whose log rate is raised by the model's
        ``alliance_low_shift``: a tail of poor alliance. Groups differ in
        their tails more than in their bulk, which is how the paper's group
        means differ while its rank test (H = 10.83) shows little.
    alliance_ceiling_share : float
        Share of people who answer 5 to every item of every session (rate 0).
        Without them, people with more sessions would have fewer perfect
        scores only because they answered more often.
    alliance_min : int
        The group's lowest alliance score (Table 1); in matched mode the
        lowest scorer has it and no response falls below it.
    alliance_mean : float
        The group's mean alliance score (Table 1), hit exactly in matched mode.
    alliance_sd, alliance_median : float
        The group's alliance SD and median (Table 1), the targets of matched mode's
        search (:mod:`helpers.synthetic.alliance`).
    change : float
        Mean WHO-5 change among screened-positive people; Results, aim 2.
    """

    share: float
    sex: tuple[float, float, float]
    country: tuple[float, float, float]
    age: Moments
    sessions: Moments
    time_in_care: Moments
    followup_days: Moments
    screened_positive: float
    alliance_log_rate: float
    alliance_sd_log_rate: float
    alliance_low_share: float
    alliance_ceiling_share: float
    alliance_min: int
    alliance_mean: float
    alliance_sd: float
    alliance_median: float
    change: float


def _table1_moments(stem: str, group: str) -> Moments:
    """Table 1's mean, SD, minimum, maximum and median of ``table1.<stem>.*`` for one group."""
    return Moments(
        printed(f"table1.{stem}.mean", group),
        printed(f"table1.{stem}.sd", group),
        printed_count(f"table1.{stem}.min", group),
        printed_count(f"table1.{stem}.max", group),
        printed(f"table1.{stem}.median", group),
    )


def _default_group(group: str) -> GroupModel:
    """One utilization type's model: Table 1 and aim 2 as printed, plus its alliance tuning."""
    n = printed_count(f"cohort.utilization.{group}.n")
    us = printed_count("table1.country.us.n", group)
    non_us = printed_count("table1.country.non_us.n", group)
    return GroupModel(
        share=n / printed_count("cohort.analyzed"),
        sex=(
            printed_count("table1.sex.female.n", group) / n,
            printed_count("table1.sex.male.n", group) / n,
            printed_count("table1.sex.missing.n", group) / n,
        ),
        # the paper prints US and non-US counts; the rest of the group has no country
        country=(us / n, non_us / n, (n - us - non_us) / n),
        # Table 1 prints age by group without a range; the range is the whole cohort's
        age=Moments(
            printed("table1.age.mean", group),
            printed("table1.age.sd", group),
            printed_count("cohort.age.min"),
            printed_count("cohort.age.max"),
        ),
        sessions=_table1_moments("sessions", group),
        time_in_care=_table1_moments("time_in_care_days", group),
        followup_days=_table1_moments("followup_days", group),
        screened_positive=printed_count("table1.screened_positive.n", group) / n,
        alliance_min=printed_count("table1.alliance.min", group),
        alliance_mean=printed("table1.alliance.mean", group),
        alliance_sd=printed("table1.alliance.sd", group),
        alliance_median=printed("table1.alliance.median", group),
        change=printed("aim2.change.mean", group),
        **ALLIANCE_TUNING[group],
    )


def _dunn_targets() -> dict[str, float]:
    """Dunn's Z of each pair the paper prints (``aim1.utilization.dunn.z``), by pair label."""
    labels = (pair_label(*pair) for pair in DUNN_PAIRS)
    return {
        label: printed("aim1.utilization.dunn.z", label)
        for label in labels
        if _is_printed("aim1.utilization.dunn.z", label)
    }


def _rank_sum_targets() -> dict[str, tuple[float, float]]:
    """W and p of aim 1's rank-sum tests (``aim1.<stem>.mwu.W`` and ``.p``), by comparison."""
    return {
        c.label: (printed(f"{c.stem}.mwu.W", c.label), printed(f"{c.stem}.mwu.p", c.label))
        for c in RANK_SUM_COMPARISONS
    }


def _subgroup_median_targets() -> dict[str, dict[str, float]]:
    """Alliance medians of the rank-sum tests' subgroups (``aim1.<stem>.median``), by stem."""
    return {
        c.stem: {
            name: printed(f"{c.stem}.median", name)
            for name in (c.first, c.second)
            if _is_printed(f"{c.stem}.median", name)
        }
        for c in RANK_SUM_COMPARISONS
    }


def _is_printed(key: str, group: str) -> bool:
    try:
        printed(key, group)
    except (KeyError, ValueError):
        return False
    return True


def _default_groups() -> dict[str, GroupModel]:
    return {group: _default_group(group) for group in UTILIZATION_TYPES}


#: The :class:`GroupModel` fields that Table 1 also prints for the whole cohort, with their stems.
TABLE1_TOTALS = {
    "age": "age",
    "sessions": "sessions",
    "time_in_care": "time_in_care_days",
    "followup_days": "followup_days",
}


def _default_totals() -> dict[str, Moments]:
    """Table 1's total column: the whole cohort's moments of each variable (age: no median)."""
    totals = {}
    for name, stem in TABLE1_TOTALS.items():
        if name == "age":
            totals[name] = Moments(
                printed("table1.age.mean", "total"),
                printed("table1.age.sd", "total"),
                printed_count("cohort.age.min"),
                printed_count("cohort.age.max"),
            )
        else:
            totals[name] = _table1_moments(stem, "total")
    return totals


@dataclass(frozen=True)
class PopulationModel:
    """Every parameter of the synthetic population, with the paper's calibration as defaults.

    Alliance items. Each person has a rate :math:`\\lambda_i` with
    :math:`\\log \\lambda_i \\sim N(\\mu_g + \\delta_{sex}, \\tau^2)`; each item
    response on each rated session is :math:`5 - \\min(4, K)` with
    :math:`K \\sim \\text{Poisson}(\\lambda_i)`. This puts most answers at the
    ceiling (5) and makes the person's bond and goals means correlate through
    :math:`\\lambda_i`, which sets Cronbach's alpha.

    Follow-up WHO-5 of screened-positive people (Table 2;
    :mod:`helpers.synthetic.outcome`):
    :math:`f = \\beta_0 + \\beta_{age} \\text{age} + \\beta_{male} \\text{male}
    + \\beta_{care} \\text{care} + \\beta_{base} \\text{base}
    + \\beta_{all} \\text{alliance} + \\gamma_g + \\varepsilon`, with group shifts
    :math:`\\gamma_g` that give each utilization type its published mean
    change, rounded to the WHO-5's steps of 4 and kept within 0–100.

    Defaults read from the paper's printed values are noted with their key;
    the others are tuning.
    """

    #: The sum of ``fates`` (6,500 by default).
    registrants: int = REGISTRANTS
    #: Registrants per fate at the default scale (sums to ``registrants``).
    fates: dict[str, int] = field(default_factory=_default_fates)
    groups: dict[str, GroupModel] = field(default_factory=_default_groups)
    #: Table 1's total column (``table1.*`` [total]): matched mode picks each group's mean
    #: and SD within its printed rounding so that the pooled cohort also matches these.
    totals: dict[str, Moments] = field(default_factory=_default_totals)
    window_start: str = WINDOW_START
    window_end: str = WINDOW_END

    # alliance items
    #: Tuning: raise of the log rate in each group's tail of poor alliance (with the
    #: groups' low shares; towards Table 1's alliance means and SDs).
    alliance_low_shift: float = 1.8
    #: Tuning: SD of each person's item-specific log rate (bond vs goals); calibrated to
    #: alpha = .72 (``aim1.alliance.cronbach_alpha``).
    alliance_item_sd_log_rate: float = 0.4
    #: Tuning: log-rate shifts by sex, towards women rating higher than men as in the paper
    #: (``aim1.sex.median`` 4.88 vs 4.67, ``aim1.sex.mwu.W`` = 767,724): over sample-mode
    #: cohorts of the paper's size (seeds 1-8) these give W about 765,000 on average.
    alliance_female_shift: float = -0.1
    alliance_male_shift: float = 0.1
    #: Tuning (not printed): share of a person's further sessions that they rate.
    rated_session_share: float = 0.8
    #: Tuning (not printed): share of ratings with one of the two items skipped.
    item_missing: float = 0.03

    # aim 1: the targets of matched mode's alliance search (helpers.synthetic.alliance)
    #: Dunn's Z of the pairs the paper prints (``aim1.utilization.dunn.z``), by pair label.
    alliance_dunn_z: dict[str, float] = field(default_factory=_dunn_targets)
    #: W and p of the rank-sum tests by sex, country and baseline screen
    #: (``aim1.<stem>.mwu.W`` and ``.p``), by comparison label.
    alliance_rank_sums: dict[str, tuple[float, float]] = field(default_factory=_rank_sum_targets)
    #: Alliance medians of the subgroups of those tests (``aim1.<stem>.median``), by stem
    #: and subgroup.
    alliance_subgroup_medians: dict[str, dict[str, float]] = field(
        default_factory=_subgroup_median_targets
    )
    #: Cronbach's alpha of the two items' person-level means (``aim1.alliance.cronbach_alpha``).
    alliance_alpha: float = printed("aim1.alliance.cronbach_alpha", "all")
    #: Spearman's rho of age and alliance and its p (``aim1.age.spearman.rho`` and ``.p``).
    alliance_age_spearman: tuple[float, float] = (
        printed("aim1.age.spearman.rho", "all"),
        printed("aim1.age.spearman.p", "all"),
    )

    # WHO-5 at baseline, on the raw 0-25 scale (total / 4)
    #: Mean baseline WHO-5 of screened-positive people. The paper prints it only through
    #: aim 2's mean change and its percentage improvement, so it is derived from them:
    #: ``aim2.change.mean`` / (``aim2.change.pct_improvement`` / 100) = 15.42 / 0.755
    #: = 20.42 (20.4238), on the raw scale (/ 4).
    baseline_positive_mean_raw: float = (
        printed("aim2.change.mean", _POSITIVE)
        / (printed("aim2.change.pct_improvement", _POSITIVE) / 100)
        / WHO5_STEP
    )
    #: Tuning (not printed): SD of the screened-positive baseline (7.1 WHO-5 points); with
    #: the follow-up spread it sets Cohen's d_av (``aim2.change.cohen_d``).
    baseline_positive_sd_raw: float = 7.1 / 4
    #: Share of screened-positive people with sex missing: those outside aim 3's complete
    #: cases, (``aim2.n`` - ``aim3.n``) / ``aim2.n`` = (835 - 675) / 835.
    screened_sex_missing: float = (
        printed_count("aim2.n", _POSITIVE) - printed_count("aim3.n", _POSITIVE)
    ) / printed_count("aim2.n", _POSITIVE)
    #: Tuning (not printed): mean baseline of screened-negative people (WHO-5 52).
    baseline_negative_mean_raw: float = 13.0

    # follow-up WHO-5 (Table 2 and aim 2): the coefficients are Table 2's full model
    followup_intercept: float = printed("aim3.intercept.b", _TABLE2)
    followup_age: float = printed("aim3.age.b", _TABLE2)
    followup_male: float = printed("aim3.sex_male.b", _TABLE2)
    followup_time_in_care: float = printed("aim3.time_in_care.b", _TABLE2)
    followup_baseline: float = printed("aim3.baseline_who5.b", _TABLE2)
    followup_alliance: float = printed("aim3.alliance.b", _TABLE2)
    #: Tuning (not printed): SD of the residual in sample mode (matched mode rescales it),
    #: towards the printed Cohen's d_av of 1.06 (sample-mode cohorts give about 1.08).
    followup_residual_sd: float = 18.3
    #: Matched mode scales the residual so the alliance coefficient has this SE
    #: (``aim3.alliance.se``, Table 2).
    followup_alliance_se: float = printed("aim3.alliance.se", _TABLE2)
    #: Matched mode spreads the follow-up of people outside the complete cases to give this
    #: Cohen's d_av for the whole screened-positive group (``aim2.change.cohen_d``).
    followup_cohen_d: float = printed("aim2.change.cohen_d", _POSITIVE)
    #: ... and this one-way ANOVA F of the change across utilization types (``aim2.anova.F``);
    #: with the exact group means it fixes the within-group variance, hence the CI of the
    #: mean change and the Tukey p's.
    followup_anova_f: float = printed("aim2.anova.F", "utilization")
    #: Tuning (not printed): gamma shape of the residual (right skew: more large gains
    #: than large losses); the smaller, the more skewed.
    followup_residual_skew: float = 10.0
    #: Tuning (not printed): mean and SD of the WHO-5 change of screened-negative people.
    negative_change_mean: float = 2.0
    negative_change_sd: float = 14.0

    def __post_init__(self) -> None:
        if self.registrants < 1:
            raise ValueError("registrants: need at least one registrant")
        if set(self.fates) != set(FATES):
            raise ValueError(f"fates: expected counts for {', '.join(FATES)}")
        if sum(self.fates.values()) != self.registrants:
            raise ValueError("fates: the counts must add up to registrants")
        if set(self.groups) != set(UTILIZATION_TYPES):
            raise ValueError(f"groups: expected {', '.join(UTILIZATION_TYPES)}")

    def to_dict(self) -> dict:
        """The parameters as plain data (written to the data set's manifest)."""
        return dataclasses.asdict(self)
