"""The registry of claims: every number the notebooks write, under one key each.

A *claim* is a row of ``estimates.csv``: a ``key`` such as
``aim3.alliance.b`` and a ``group`` such as ``full model``. The keys of the
numbers the paper prints are the keys of ``data/published_values.csv``, whose
``label`` column says each in words; the notebooks write the same keys, plus a
few the paper does not print (the flow's steps, ``t``, ``df``, d_z, …).

Every key is built here, from the names of the study's design
(:mod:`helpers.design`), and nowhere else: a notebook asks
:func:`table2_key`, :func:`moderation_key` or :func:`pair_label` for the
names it writes, :class:`helpers.pipeline.results.Estimates` refuses a key or
group this registry does not know (:func:`check`), and the report and the
audit find a claim's sample size here (:func:`population_size`). Tests check
that every published key has a producer and that every key a notebook writes
is registered to that notebook.

Examples
--------
>>> table2_key("alliance_score", "b")
'aim3.alliance.b'
>>> moderation_key("utilization", "beta", dummy="coaching")
'aim3.moderation.utilization.coaching.beta'
>>> claim("aim3.alliance.b").notebook
'04_aim3_alliance_outcome'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from helpers.design import (
    DUNN_PAIRS,
    FLOW_STEPS,
    MODERATORS,
    RANK_SUM_COMPARISONS,
    TABLE1_CONTINUOUS,
    TABLE2_TERMS,
    TUKEY_PAIRS,
    UTILIZATION_DUMMIES,
    UTILIZATION_TYPES,
)

__all__ = [
    "ALL",
    "ANALYSED",
    "COVARIATE_MODEL",
    "FULL_MODEL",
    "MODEL_FIELDS",
    "MODERATION",
    "MODERATION_FIELDS",
    "NOTEBOOKS",
    "POPULATIONS",
    "REGISTRY",
    "SAME_QUANTITY",
    "SCREENED",
    "SUBGROUP_SIZES",
    "TABLE2_FIELDS",
    "TOTAL",
    "Claim",
    "anchor",
    "check",
    "claim",
    "moderation_key",
    "pair_groups",
    "pair_label",
    "population_size",
    "subgroup_size",
    "table2_key",
]

# --- the groups a claim can be about ----------------------------------------------
ALL = "all"  #: the whole analysed cohort
TOTAL = "total"  #: Table 1's total column
SCREENED = "screened_positive"  #: aims 2 and 3: people screened positive at baseline
FULL_MODEL = "full model"  #: Table 2, step 2
COVARIATE_MODEL = "covariate model"  #: Table 2, step 1
MODERATION = "moderation"  #: the moderation models of aim 3
UTILIZATION = "utilization"  #: the ANOVA of change by utilization type

# --- the notebooks that produce claims (``notebooks/<name>.ipynb``) -----------------
COHORT_NOTEBOOK = "01_cohort"
AIM1_NOTEBOOK = "02_aim1_alliance"
AIM2_NOTEBOOK = "03_aim2_wellbeing"
AIM3_NOTEBOOK = "04_aim3_alliance_outcome"
#: Every notebook that writes estimates, in the order they run.
NOTEBOOKS = (COHORT_NOTEBOOK, AIM1_NOTEBOOK, AIM2_NOTEBOOK, AIM3_NOTEBOOK)

# --- whose sample size a claim is about (the scorecard's standard errors) -------------
GROUP = "group"  #: the Table 1 column of the claim's group
ANALYSED = "analysed"  #: the analysed cohort
SUBGROUP = "subgroup"  #: aim 1's subgroups (a comparison: both of its groups)
SCREENED_POSITIVE = "screened positive"  #: aim 2 (a utilization type: its positives)
COMPLETE_CASES = "complete cases"  #: aim 3's complete cases
POPULATIONS = (GROUP, ANALYSED, SUBGROUP, SCREENED_POSITIVE, COMPLETE_CASES)

#: The claim that counts each subgroup of aim 1 (``screened_negative`` is the rest of
#: the analysed cohort).
SUBGROUP_SIZES = {
    "female": ("table1.sex.female.n", TOTAL),
    "male": ("table1.sex.male.n", TOTAL),
    "us": ("table1.country.us.n", TOTAL),
    "non_us": ("table1.country.non_us.n", TOTAL),
    "screened_positive": ("table1.screened_positive.n", TOTAL),
    **{group: ("table1.n", group) for group in UTILIZATION_TYPES},
}
_ANALYSED_SIZE = ("cohort.analyzed", ALL)
_TABLE1_SIZE = "table1.n"


@dataclass(frozen=True)
class Claim:
    """One key of ``estimates.csv``: the groups it comes in, who writes it, whom it counts.

    Attributes
    ----------
    key : str
    groups : tuple of str
        Every group the key may be written for.
    notebook : str
        The notebook that writes it (one of :data:`NOTEBOOKS`).
    population : str
        Whose sample size the statistic is about (one of :data:`POPULATIONS`).
    """

    key: str
    groups: tuple[str, ...]
    notebook: str
    population: str


def pair_label(first: str, second: str) -> str:
    """The group of a two-group comparison: ``"coaching vs therapy"``."""
    return f"{first} vs {second}"


def table2_key(term: str, field: str) -> str:
    """The key of one field (``b``, ``beta``, ``se``, ``ci_low``, ``ci_high``, ``p``) of a term.

    ``term`` is the model column (:data:`helpers.design.TABLE2_TERMS`: ``Intercept``,
    ``age``, ``male``, ``time_in_care_days``, ``who5_baseline``, ``alliance_score``).
    """
    if term not in TABLE2_TERMS:
        raise ValueError(
            f"table2_key: unknown term {term!r}; Table 2 has {', '.join(TABLE2_TERMS)}"
        )
    return f"aim3.{TABLE2_TERMS[term]}.{field}"


def moderation_key(moderator: str, field: str, dummy: str | None = None) -> str:
    """The key of one field of a moderation model.

    ``moderator`` is a model column of :data:`helpers.design.MODERATORS`; the
    utilization moderator's interaction fields name their dummy (``coaching``
    or ``both``), its model fields (``r2``, ``delta_r2``, ``delta_r2_p``) do not.
    """
    if moderator not in MODERATORS:
        raise ValueError(f"moderation_key: unknown moderator {moderator!r}")
    if dummy is not None and (moderator != "utilization" or dummy not in UTILIZATION_DUMMIES):
        raise ValueError(f"moderation_key: {moderator} has no dummy {dummy!r}")
    middle = "" if dummy is None else f".{dummy}"
    return f"aim3.moderation.{MODERATORS[moderator]}{middle}.{field}"


# --- the registry ---------------------------------------------------------------------


def _cohort() -> Iterator[Claim]:
    def one(key: str, population: str = ANALYSED) -> Claim:
        return Claim(key, (ALL,), COHORT_NOTEBOOK, population)

    yield one("cohort.completed_assessments")
    yield one("cohort.analyzed")
    for step in FLOW_STEPS:
        yield one(f"cohort.flow.{step}.n")
        yield one(f"cohort.flow.{step}.excluded")
    for statistic in ("mean", "sd", "min", "max"):
        yield one(f"cohort.age.{statistic}")
    for level in ("female", "male", "missing"):
        yield one(f"cohort.sex.{level}.n")
        yield one(f"cohort.sex.{level}.pct")
    for group in UTILIZATION_TYPES:
        yield one(f"cohort.utilization.{group}.n")
    columns = (*UTILIZATION_TYPES, TOTAL)
    keys = [_TABLE1_SIZE, "table1.age.mean", "table1.age.sd"]
    keys += [
        f"table1.sex.{level}.{s}" for level in ("female", "male", "missing") for s in ("n", "pct")
    ]
    keys += [f"table1.country.{level}.{s}" for level in ("us", "non_us") for s in ("n", "pct")]
    keys += [
        f"table1.{stem}.{statistic}"
        for stem in TABLE1_CONTINUOUS
        for statistic in ("mean", "sd", "median", "min", "max")
    ]
    keys += ["table1.screened_positive.n", "table1.screened_positive.pct"]
    yield from (Claim(key, columns, COHORT_NOTEBOOK, GROUP) for key in keys)


def _aim1() -> Iterator[Claim]:
    def one(key: str, groups: tuple[str, ...] = (ALL,), population: str = ANALYSED) -> Claim:
        return Claim(key, groups, AIM1_NOTEBOOK, population)

    for statistic in ("median", "mean", "sd", "min", "max", "cronbach_alpha"):
        yield one(f"aim1.alliance.{statistic}")
    yield one("aim1.alliance.cronbach_alpha_sessions")
    for comparison in RANK_SUM_COMPARISONS:
        yield one(f"{comparison.stem}.median", (comparison.first, comparison.second), SUBGROUP)
        for field in ("W", "p", "r"):
            yield one(f"{comparison.stem}.mwu.{field}", (comparison.label,), SUBGROUP)
    yield one("aim1.age.spearman.rho")
    yield one("aim1.age.spearman.p")
    for field in ("H", "p", "eta2"):
        yield one(f"aim1.utilization.kruskal.{field}")
    yield one("aim1.utilization.median", UTILIZATION_TYPES, SUBGROUP)
    pairs = tuple(pair_label(*pair) for pair in DUNN_PAIRS)
    yield one("aim1.utilization.dunn.z", pairs, SUBGROUP)
    yield one("aim1.utilization.dunn.p_adj", pairs, SUBGROUP)


def _aim2() -> Iterator[Claim]:
    def one(key: str, groups: tuple[str, ...] = (SCREENED,)) -> Claim:
        return Claim(key, groups, AIM2_NOTEBOOK, SCREENED_POSITIVE)

    yield one("aim2.n")
    yield one("aim2.change.mean", (SCREENED, *UTILIZATION_TYPES))
    for field in ("ci_low", "ci_high", "p", "t", "df", "cohen_d", "cohen_d_z", "pct_improvement"):
        yield one(f"aim2.change.{field}")
    for field in ("F", "p", "df1", "df2", "eta2"):
        yield one(f"aim2.anova.{field}", (UTILIZATION,))
    pairs = tuple(pair_label(*pair) for pair in TUKEY_PAIRS)
    yield one("aim2.tukey.p", pairs)
    yield one("aim2.tukey.difference", pairs)
    for outcome in ("recovery", "improvement"):
        yield one(f"aim2.{outcome}.n")
        yield one(f"aim2.{outcome}.pct")


#: The fields written for each Table 2 term and each moderation product.
TABLE2_FIELDS = ("b", "beta", "se", "ci_low", "ci_high", "p")
MODERATION_FIELDS = ("beta", "se", "ci_low", "ci_high", "p")
MODEL_FIELDS = ("r2", "delta_r2", "delta_r2_p")


def _aim3() -> Iterator[Claim]:
    def one(key: str, group: str) -> Claim:
        return Claim(key, (group,), AIM3_NOTEBOOK, COMPLETE_CASES)

    yield one("aim3.n", SCREENED)
    for term in TABLE2_TERMS:
        for field in TABLE2_FIELDS:
            yield one(table2_key(term, field), FULL_MODEL)
    yield one("aim3.covariates.r2", COVARIATE_MODEL)
    yield one("aim3.covariates.p", COVARIATE_MODEL)
    for field in MODEL_FIELDS:
        yield one(f"aim3.full.{field}", FULL_MODEL)
    for moderator in MODERATORS:
        dummies = UTILIZATION_DUMMIES if moderator == "utilization" else (None,)
        for dummy in dummies:
            for field in MODERATION_FIELDS:
                yield one(moderation_key(moderator, field, dummy), MODERATION)
        for field in MODEL_FIELDS:
            yield one(moderation_key(moderator, field), MODERATION)


def _registry() -> dict[str, Claim]:
    registry: dict[str, Claim] = {}
    for made in (_cohort, _aim1, _aim2, _aim3):
        for item in made():
            if item.key in registry:
                raise RuntimeError(f"claims: {item.key} is registered twice")
            registry[item.key] = item
    return registry


#: Every key the notebooks write: key -> :class:`Claim`.
REGISTRY: dict[str, Claim] = _registry()

#: Numbers the paper prints twice, in the Results and in Table 1: pairs of (key, group)
#: that measure the same quantity.
SAME_QUANTITY = (
    (("cohort.age.mean", ALL), ("table1.age.mean", TOTAL)),
    (("cohort.age.sd", ALL), ("table1.age.sd", TOTAL)),
    (("aim1.alliance.mean", ALL), ("table1.alliance.mean", TOTAL)),
    (("aim1.alliance.sd", ALL), ("table1.alliance.sd", TOTAL)),
    (("aim1.alliance.median", ALL), ("table1.alliance.median", TOTAL)),
    (("aim2.n", SCREENED), ("table1.screened_positive.n", TOTAL)),
    *((("aim1.utilization.median", g), ("table1.alliance.median", g)) for g in UTILIZATION_TYPES),
    *(
        ((f"cohort.sex.{level}.{s}", ALL), (f"table1.sex.{level}.{s}", TOTAL))
        for level in ("female", "male", "missing")
        for s in ("n", "pct")
    ),
)


def claim(key: str) -> Claim:
    """The registered claim of ``key``.

    Raises
    ------
    ValueError
        If no notebook writes ``key``.
    """
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(
            f"claims: {key!r} is not a registered key; every key a notebook writes is "
            "built in helpers.claims"
        ) from None


def check(key: str, group: str) -> Claim:
    """The claim of ``key``, refusing a group it is not written for."""
    found = claim(key)
    if group not in found.groups:
        raise ValueError(
            f"claims: {key} is written for {', '.join(found.groups)}, not for {group!r}"
        )
    return found


def population_size(
    key: str, group: str, lookup: Callable[[str, str], float | None]
) -> float | None:
    """The number of people behind the claim ``key`` [``group``].

    Parameters
    ----------
    key, group : str
    lookup : callable
        ``lookup(key, group)`` returns a claim's value, or None when it is missing
        (the replicated estimates, or the printed values).

    Returns
    -------
    float or None
        None when a count it needs is missing.

    Notes
    -----
    By the claim's population: a Table 1 cell counts its column; a whole-cohort
    statistic the analysed cohort; an aim 1 subgroup its own count (a comparison
    both of its groups, ``screened_negative`` the analysed who are not screened
    positive); an aim 2 statistic the screened-positive people (of its
    utilization type, for a group mean); an aim 3 statistic the complete cases.
    """
    population = claim(key).population
    if population == GROUP:
        return lookup(_TABLE1_SIZE, group)
    if population == ANALYSED or group == ALL:
        analysed = lookup(*_ANALYSED_SIZE)
        return analysed if analysed is not None else lookup(_TABLE1_SIZE, TOTAL)
    if population == SUBGROUP:
        return subgroup_size(group, lookup)
    if population == SCREENED_POSITIVE:
        if group in UTILIZATION_TYPES:
            return lookup("table1.screened_positive.n", group)
        return lookup("aim2.n", SCREENED)
    return lookup("aim3.n", SCREENED)


def subgroup_size(group: str, lookup: Callable[[str, str], float | None]) -> float | None:
    """The number of people in one of aim 1's subgroups, or in both groups of a comparison."""
    if " vs " in group:
        parts = [subgroup_size(part, lookup) for part in pair_groups(group)]
        return None if None in parts else sum(parts)
    if group == "screened_negative":
        total, positive = lookup(_TABLE1_SIZE, TOTAL), lookup(*SUBGROUP_SIZES[SCREENED])
        return None if total is None or positive is None else total - positive
    if group not in SUBGROUP_SIZES:
        return None
    return lookup(*SUBGROUP_SIZES[group])


def anchor(key: str, group: str) -> str:
    """The HTML id that marks the notebook cell which wrote ``key`` [``group``].

    :class:`helpers.pipeline.results.Estimates` places it in the cell's output; the
    report links each claim to ``<notebook>.html#<anchor>``.

    Examples
    --------
    >>> anchor("aim1.sex.mwu.p", "female vs male")
    'claim-aim1-sex-mwu-p--female-vs-male'
    """
    slug = "--".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in (key, group))
    return f"claim-{slug}"


def pair_groups(group: str) -> tuple[str, str]:
    """The two subgroups of a comparison label (``"positive vs negative"`` names the screens)."""
    first, second = group.split(" vs ")
    names = {"positive": "screened_positive", "negative": "screened_negative"}
    return names.get(first, first), names.get(second, second)
