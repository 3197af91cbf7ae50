"""Checks of aim 3's regressions.

Each Table 2 and moderation coefficient's p and CI from its b and SE, and the models' R²,
R² change and its p.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from scipy import stats

from helpers.claims import SCREENED, moderation_key, table2_key
from helpers.design import (
    CONF_LEVEL,
    MODERATORS,
    TABLE2_COVARIATES,
    TABLE2_FOCAL,
    TABLE2_TERMS,
    UTILIZATION_DUMMIES,
)
from helpers.report.audit._shared import ALPHA
from helpers.report.intervals import Finding, Paper, coefficient, finding, p_from_abs, p_t, span
from helpers.stats.regression import moderation_terms

#: The terms of the moderation models that the paper prints: (moderator, dummy or None).
_MODERATION_TERMS = tuple(
    (moderator, dummy)
    for moderator in MODERATORS
    for dummy in (UTILIZATION_DUMMIES if moderator == "utilization" else (None,))
)
#: The predictors of each moderation model B, for its residual df (n - predictors - 1):
#: the covariates, alliance, the moderator's column(s) and their products with alliance.
_MODERATION_PREDICTORS = {
    moderator: sum(len(terms) for terms in moderation_terms(moderator)) for moderator in MODERATORS
}


def _coefficient(
    paper: Paper, key: Callable[[str], str], group: str, estimate: str, df: float
) -> list[Finding]:
    return coefficient(paper, key, group, estimate, df, conf_level=CONF_LEVEL, alpha=ALPHA)


def coefficients(paper: Paper) -> Iterator[Finding]:
    n = paper.value("aim3.n", SCREENED)
    for term in TABLE2_TERMS:  # the intercept and the predictors: df = n - terms
        key = partial(table2_key, term)
        yield from _coefficient(paper, key, "full model", "b", n - len(TABLE2_TERMS))
    for moderator, dummy in _MODERATION_TERMS:
        key = partial(moderation_key, moderator, dummy=dummy)
        df = n - _MODERATION_PREDICTORS[moderator] - 1
        yield from _coefficient(paper, key, "moderation", "beta", df)


def model_fit(paper: Paper) -> Iterator[Finding]:
    n = paper.value("aim3.n", SCREENED)
    covariates = len(TABLE2_COVARIATES)
    df_cov, df_full = n - covariates - 1, n - len(TABLE2_TERMS)
    r2_cov = paper.box("aim3.covariates.r2", "covariate model")
    r2_full = paper.box("aim3.full.r2", "full model")
    delta = paper.box("aim3.full.delta_r2", "full model")

    def p_model(r2: float) -> float:
        f = (r2 / covariates) / ((1 - r2) / (n - covariates - 1))
        return float(stats.f.sf(f, covariates, n - covariates - 1))

    def p_change(d: float, r2: float) -> float:
        return float(stats.f.sf(d / ((1 - r2) / df_full), 1, df_full))

    alliance = [table2_key(TABLE2_FOCAL, field) for field in ("b", "se")]
    t_box = span(lambda b, s: b / s, *(paper.box(key, "full model") for key in alliance))
    b_text, se_text = (paper.text(key, "full model") for key in alliance)
    rc_text, rf_text = (
        paper.text("aim3.covariates.r2", "covariate model"),
        paper.text("aim3.full.r2", "full model"),
    )
    d_text = paper.text("aim3.full.delta_r2", "full model")
    t = paper.value(alliance[0], "full model") / paper.value(alliance[1], "full model")
    rc = paper.value("aim3.covariates.r2", "covariate model")
    rf = paper.value("aim3.full.r2", "full model")
    d = paper.value("aim3.full.delta_r2", "full model")
    yield finding(
        paper,
        check="p from R2",
        key="aim3.covariates.p",
        group="covariate model",
        recomputed=span(p_model, r2_cov),
        arithmetic=f"F({covariates}, {df_cov:g}) = ({rc:g} / {covariates}) / "
        f"((1 - {rc:g}) / {df_cov:g}); p = {p_model(rc):.3g}",
        alpha=ALPHA,
        premise=f"R² = {rc_text} with {covariates} predictors and n = {n:,.0f}",
        value=p_model(rc),
    )
    yield finding(
        paper,
        check="delta R2 from the R2 of both steps",
        key="aim3.full.delta_r2",
        group="full model",
        recomputed=span(lambda a, b: b - a, r2_cov, r2_full),
        arithmetic=f"{rf:g} - {rc:g} = {rf - rc:.3g}",
        premise=f"the difference of the two steps' R², {rf_text} − {rc_text},",
        value=rf - rc,
    )
    yield finding(
        paper,
        check="delta R2 from the added coefficient's t",
        key="aim3.full.delta_r2",
        group="full model",
        recomputed=span(lambda x, r2: x**2 * (1 - r2) / df_full, t_box, r2_full),
        arithmetic=f"one added predictor: delta R2 = t^2 (1 - R2) / df = {t:.3f}^2 x "
        f"(1 - {rf:g}) / {df_full:g} = {t**2 * (1 - rf) / df_full:.4f}",
        premise=f"t²(1 − R²) / df for one added predictor, {t:.2f}² × (1 − {rf_text}) / "
        f"{df_full:,.0f},",
        value=t**2 * (1 - rf) / df_full,
    )
    yield finding(
        paper,
        check="p of delta R2 from F-change",
        key="aim3.full.delta_r2_p",
        group="full model",
        recomputed=span(p_change, delta, r2_full),
        arithmetic=f"F(1, {df_full:g}) = {d:g} / ((1 - {rf:g}) / {df_full:g}) = "
        f"{d / ((1 - rf) / df_full):.2f}; p = {p_change(d, rf):.3g}",
        alpha=ALPHA,
        premise=f"F(1, {df_full:,.0f}) = {d_text} / ((1 − {rf_text}) / {df_full:,.0f}) = "
        f"{d / ((1 - rf) / df_full):.2f}",
        value=p_change(d, rf),
    )
    yield finding(
        paper,
        check="p of delta R2 from the added coefficient's t",
        key="aim3.full.delta_r2_p",
        group="full model",
        recomputed=p_from_abs(t_box, lambda x: p_t(x, df_full)),
        arithmetic=f"one added predictor: F-change = t^2 = {t**2:.2f}, so its p is the "
        f"coefficient's: {p_t(t, df_full):.3g}",
        alpha=ALPHA,
        premise=f"one added predictor's F-change = t² = ({b_text} / {se_text})² = {t**2:.2f}",
        value=p_t(t, df_full),
    )
