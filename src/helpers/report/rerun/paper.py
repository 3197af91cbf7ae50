"""The paper's Results section and Tables 1 and 2 as data: sentences whose placeholders
name published claims (``{key|group}``), and the checks that every claim is on the page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.report.published import PLACEHOLDER, printed_values


@dataclass(frozen=True)
class Section:
    """One subsection of the paper's Results: its subheading and its sentences.

    Attributes
    ----------
    name : str
        A short identifier (``"participants"``, ``"aim1"``, ``"aim2"``, ``"aim3"``).
    title : str
        The paper's subheading.
    aim : str
        Which aim of the paper the subsection reports ("" for the participants).
    sentences : tuple of str
        The subsection's sentences, in the paper's order, with ``{key|group}``
        placeholders.
    """

    name: str
    title: str
    aim: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One of the paper's tables, laid out as printed.

    Attributes
    ----------
    name : str
        ``"table1"`` or ``"table2"``.
    title : str
        The table's number and caption, in words.
    header : tuple of str
        The column headings (placeholders allowed).
    rows : tuple of tuple of str
        One tuple per row: its label, then one cell per column after the first
        (placeholders allowed). A row of only a label is a subheading.
    note : str
        The table's note (placeholders allowed).
    """

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str


_GROUPS = ("therapy", "coaching", "both", "total")


def _per_group(label: str, template: str) -> tuple[str, ...]:
    """A Table 1 row: ``template`` once per utilization type and the total (``@`` = group)."""
    return (label, *(template.replace("@", group) for group in _GROUPS))


def _summary_rows(stem: str) -> tuple[tuple[str, ...], ...]:
    """The "M (SD)" and "Median [min, max]" rows of one of Table 1's continuous variables."""
    return (
        _per_group("M (SD)", f"{{{stem}.mean|@}} ({{{stem}.sd|@}})"),
        _per_group(
            "Median [min, max]", f"{{{stem}.median|@}} [{{{stem}.min|@}}, {{{stem}.max|@}}]"
        ),
    )


def _model_row(label: str, term: str, r2: str = "", delta: str = "") -> tuple[str, ...]:
    """A row of Table 2: b, beta, SE, 95% CI, P of ``term`` in the full model, then R², ΔR²."""
    cell = f"{{aim3.{term}.%s|full model}}"
    return (
        label,
        cell % "b",
        cell % "beta",
        cell % "se",
        f"{cell % 'ci_low'} to {cell % 'ci_high'}",
        cell % "p",
        r2,
        delta,
    )


def _moderation(moderator: str) -> str:
    """β, SE, 95% CI and P of the interaction of alliance with ``moderator``."""
    cell = f"{{aim3.moderation.{moderator}.%s|moderation}}"
    return (
        f"β = {cell % 'beta'}, SE = {cell % 'se'}, 95% CI {cell % 'ci_low'} to "
        f"{cell % 'ci_high'}, P = {cell % 'p'}"
    )


def _moderation_fit(moderator: str) -> str:
    """R² and ΔR² of the moderation model of ``moderator``, and its unlisted P < 0.001."""
    cell = f"{{aim3.moderation.{moderator}.%s|moderation}}"
    return f"R² = {cell % 'r2'}, ΔR² = {cell % 'delta_r2'}, P {{=< 0.001}}"


_N = "{cohort.analyzed|all}"
_SCREENED = "screened_positive"

#: The paper's Results section, subsection by subsection, in the paper's order.
SECTIONS: tuple[Section, ...] = (
    Section(
        name="participants",
        title="Study participants",
        aim="",
        sentences=(
            "During the study period, {cohort.completed_assessments|all} adults received care "
            "and completed both assessments.",
            f"Of these, {_N} had rated the adapted therapeutic alliance at least once and could "
            "be analysed.",
            "Their mean age was {cohort.age.mean|all} years (SD {cohort.age.sd|all}; range "
            "{cohort.age.min|all}–{cohort.age.max|all}); {cohort.sex.female.pct|all}% "
            f"({{cohort.sex.female.n|all}}/{_N}) identified as female and "
            f"{{cohort.sex.male.pct|all}}% ({{cohort.sex.male.n|all}}/{_N}) as male.",
            f"Sex was not recorded for {{cohort.sex.missing.pct|all}}% "
            f"({{cohort.sex.missing.n|all}}/{_N}) of the sample.",
            f"As for utilization, {{=18}}% ({{cohort.utilization.therapy.n|all}}/{_N}) saw a "
            f"therapist, {{=65}}% ({{cohort.utilization.coaching.n|all}}/{_N}) a professional "
            f"coach, and {{=17}}% ({{cohort.utilization.both.n|all}}/{_N}) both kinds of provider.",
            "Table 1 gives the demographic, clinical and utilization characteristics of the whole "
            "sample and of each utilization type.",
        ),
    ),
    Section(
        name="aim1",
        title="Components of therapeutic alliance and demographic and clinical factors",
        aim="Aim 1: participants' ratings of the alliance, and whether they differ by group",
        sentences=(
            "The median adapted alliance rating was {aim1.alliance.median|all}, the mean "
            "{aim1.alliance.mean|all} (SD = {aim1.alliance.sd|all}, range "
            "{table1.alliance.min|total}–{table1.alliance.max|total}).",
            "Women reported a higher median alliance than men ({aim1.sex.median|female} vs. "
            "{aim1.sex.median|male}, W = {aim1.sex.mwu.W|female vs male}, "
            "P = {aim1.sex.mwu.p|female vs male}), a negligible effect "
            "(r = {aim1.sex.mwu.r|female vs male}).",
            "The alliance score differed significantly by utilization type (Kruskal–Wallis "
            "chi-square = {aim1.utilization.kruskal.H|all}, P = {aim1.utilization.kruskal.p|all}).",
            "In a Dunn post hoc test, people using telecoaching alone (mdn = "
            "{aim1.utilization.median|coaching}) rated the alliance higher than people using "
            "teletherapy alone (mdn = {aim1.utilization.median|therapy}, "
            "Z = {aim1.utilization.dunn.z|coaching vs therapy}, "
            "P = {aim1.utilization.dunn.p_adj|coaching vs therapy}) or both (mdn = "
            "{aim1.utilization.median|both}, Z = {aim1.utilization.dunn.z|coaching vs both}, "
            "P = {aim1.utilization.dunn.p_adj|coaching vs both}), again a negligible effect "
            "(η² = {aim1.utilization.kruskal.eta2|all}).",
            "The alliance score was not associated with age (rho = {aim1.age.spearman.rho|all}, "
            "P = {aim1.age.spearman.p|all}).",
            "The distributions of the alliance score did not differ significantly by country "
            "({aim1.country.median|us} within the USA vs. {aim1.country.median|non_us} outside "
            "it, W = {aim1.country.mwu.W|non_us vs us}, P = {aim1.country.mwu.p|non_us vs us}) "
            "or by the baseline WHO-5 screen ({aim1.baseline.median|screened_positive} for "
            "WHO-5 ≤ 28 vs. {aim1.baseline.median|screened_negative} for WHO-5 > 28, "
            "W = {aim1.baseline.mwu.W|positive vs negative}, "
            "P = {aim1.baseline.mwu.p|positive vs negative}).",
        ),
    ),
    Section(
        name="aim2",
        title="Changes in subjective well-being and depressive symptoms",
        aim="Aim 2: change in well-being among people who screened positive at baseline",
        sentences=(
            f"Among those who screened positive for depressive symptoms at baseline "
            f"(n = {{aim2.n|{_SCREENED}}}), the WHO-5 rose on average by "
            f"{{aim2.change.mean|{_SCREENED}}} points from baseline to follow-up (95% CI "
            f"{{aim2.change.ci_low|{_SCREENED}}}–{{aim2.change.ci_high|{_SCREENED}}}, "
            f"P {{aim2.change.p|{_SCREENED}}}), "
            f"that is, a {{aim2.change.pct_improvement|{_SCREENED}}}% improvement in well-being "
            f"and a large effect (Cohen d = {{aim2.change.cohen_d|{_SCREENED}}}).",
            "The change in well-being differed significantly by utilization type "
            "(F({=2}, {=832}) = {aim2.anova.F|utilization}, P {aim2.anova.p|utilization}).",
            "People who used both teletherapy and telecoaching (an increase of "
            "{aim2.change.mean|both} points) improved less than those who used teletherapy only "
            "({aim2.change.mean|therapy} points, P = {aim2.tukey.p|both vs therapy}) or "
            "telecoaching only ({aim2.change.mean|coaching} points, "
            "P {aim2.tukey.p|both vs coaching}).",
            "The change did not differ between teletherapy only and telecoaching only "
            "(P = {aim2.tukey.p|therapy vs coaching}).",
            f"Of these participants, {{aim2.recovery.pct|{_SCREENED}}}% "
            f"({{aim2.recovery.n|{_SCREENED}}}/{{aim2.n|{_SCREENED}}}) recovered clinically from "
            f"depressive symptoms and {{aim2.improvement.pct|{_SCREENED}}}% "
            f"({{aim2.improvement.n|{_SCREENED}}}/{{aim2.n|{_SCREENED}}}) improved clinically, "
            "by the WHO-5.",
        ),
    ),
    Section(
        name="aim3",
        title="Components of therapeutic alliance and subjective well-being",
        aim="Aim 3: does the alliance predict well-being at follow-up?",
        sentences=(
            "Table 2 gives the regression of follow-up well-being on the alliance score among "
            f"the participants who screened positive at baseline (n = {{aim3.n|{_SCREENED}}} "
            "complete cases).",
            "In the linear regression, age (b = {aim3.age.b|full model}, "
            "β = {aim3.age.beta|full model}), sex (men: b = {aim3.sex_male.b|full model}, "
            "β = {aim3.sex_male.beta|full model}) and time in care "
            "(b = {aim3.time_in_care.b|full model}, β = {aim3.time_in_care.beta|full model}) "
            "did not significantly predict well-being at follow-up; "
            "baseline WHO-5 did, predicting higher well-being at follow-up "
            "(b = {aim3.baseline_who5.b|full model}, β = {aim3.baseline_who5.beta|full model}; "
            "R² = {aim3.covariates.r2|covariate model}, P {aim3.covariates.p|covariate model}).",
            "Added to these covariates, the adapted alliance score "
            "(b = {aim3.alliance.b|full model}, β = {aim3.alliance.beta|full model}) "
            "incrementally predicted follow-up well-being (R² = {aim3.full.r2|full model}, "
            "ΔR² = {aim3.full.delta_r2|full model}, P {aim3.full.delta_r2_p|full model}).",
            "So for every one-point increase in the alliance score, well-being at follow-up was "
            "{aim3.alliance.b|full model} points higher.",
            "Exploratory moderated regressions, adjusted for age, sex, baseline WHO-5 (except in "
            "the model of baseline WHO-5 as the moderator) and time in care, asked whether "
            "utilization type, baseline WHO-5 or total session utilization moderated the "
            "association between alliance and well-being.",
            "The association did not differ by utilization type (telecoaching: "
            f"{_moderation('utilization.coaching')}; both providers: "
            f"{_moderation('utilization.both')}; {_moderation_fit('utilization')}), "
            f"by baseline WHO-5 ({_moderation('baseline_who5')}; "
            f"{_moderation_fit('baseline_who5')}), "
            f"or by total session utilization ({_moderation('sessions')}; "
            f"{_moderation_fit('sessions')}).",
        ),
    ),
)

#: The paper's Tables 1 and 2, cell by cell, laid out as printed.
TABLES: tuple[Table, ...] = (
    Table(
        name="table1",
        title="Table 1. Demographic and clinical characteristics, by utilization type",
        header=(
            "",
            "Teletherapy (n = {cohort.utilization.therapy.n|all})",
            "Telecoaching (n = {cohort.utilization.coaching.n|all})",
            "Teletherapy and telecoaching (n = {cohort.utilization.both.n|all})",
            f"Total (n = {_N})",
        ),
        rows=(
            ("Demographic characteristics",),
            _per_group("Age, M (SD)", "{table1.age.mean|@} ({table1.age.sd|@})"),
            ("Sex",),
            _per_group("Female, n (%)", "{table1.sex.female.n|@} ({table1.sex.female.pct|@}%)"),
            _per_group("Male, n (%)", "{table1.sex.male.n|@} ({table1.sex.male.pct|@}%)"),
            _per_group("Missing, n (%)", "{table1.sex.missing.n|@} ({table1.sex.missing.pct|@}%)"),
            ("Country",),
            _per_group("Within USA, n (%)", "{table1.country.us.n|@} ({table1.country.us.pct|@}%)"),
            _per_group(
                "Outside USA, n (%)", "{table1.country.non_us.n|@} ({table1.country.non_us.pct|@}%)"
            ),
            ("Clinical characteristics",),
            ("Components of therapeutic alliance score",),
            *_summary_rows("table1.alliance"),
            ("Screened positive for depressive symptoms",),
            _per_group(
                "n (%)", "{table1.screened_positive.n|@} ({table1.screened_positive.pct|@}%)"
            ),
            ("Follow-up period (days)",),
            *_summary_rows("table1.followup_days"),
            ("Total session utilization",),
            *_summary_rows("table1.sessions"),
            ("Time in care (days)",),
            *_summary_rows("table1.time_in_care_days"),
        ),
        note=(
            "Alliance: the two adapted Working Alliance Inventory items (bonds and goals). "
            "Follow-up period: days between the baseline and follow-up assessments. Time in "
            "care: days between the first and last session. M mean, SD standard deviation. "
            "Country percentages are of the people whose country is known."
        ),
    ),
    Table(
        name="table2",
        title=(
            "Table 2. Linear regression of follow-up well-being on the components of "
            "therapeutic alliance, among participants who screened positive at baseline"
        ),
        header=("Predictors", "b", "β", "SE", "95% CI", "P", "R²", "ΔR²"),
        rows=(
            _model_row("(Intercept)", "intercept"),
            _model_row("Age", "age"),
            _model_row("Sex (male)", "sex_male"),
            _model_row("Time in care", "time_in_care"),
            _model_row(
                "Baseline well-being", "baseline_who5", r2="{aim3.covariates.r2|covariate model}"
            ),
            _model_row(
                "Components of therapeutic alliance score",
                "alliance",
                r2="{aim3.full.r2|full model}",
                delta="{aim3.full.delta_r2|full model}",
            ),
        ),
        note=(
            f"n = {{aim3.n|{_SCREENED}}}. Well-being: the WHO-5 at follow-up. Time in care: "
            "days between the first and last visit. b unstandardized coefficient, β "
            "standardized coefficient, SE standard error, CI confidence interval, R² variance "
            "explained (the covariates alone in the baseline well-being row), ΔR² variance added "
            "by the alliance score."
        ),
    ),
)

#: Published claims printed only in the Abstract or the Methods, so not on this page.
NOT_ON_PAGE: tuple[tuple[str, str], ...] = (("aim1.alliance.cronbach_alpha", "all"),)

# A claim {key|group}, or a printed number the published values do not list {=text}.
_TOKEN = PLACEHOLDER
_BRACE = re.compile(r"[{}]")


def placeholders(text: str) -> list[tuple[str, str]]:
    """The claims ``(key, group)`` a sentence names, in order (``{=text}`` marks are not claims).

    A placeholder is ``{key|group}`` (a claim of ``data/published_values.csv``) or
    ``{=text}`` (a printed number the published values do not list), either
    optionally followed by ``%``, which is shown with the number.

    Parameters
    ----------
    text : str
        A sentence, a table cell or a note.

    Returns
    -------
    list of tuple of str
        The ``(key, group)`` of each ``{key|group}``, repeats included.

    Raises
    ------
    ValueError
        If a brace is not part of a well-formed placeholder.
    """
    if not isinstance(text, str):
        raise ValueError(f"rerun: a sentence must be text, got {type(text).__name__}")
    leftover = _BRACE.search(_TOKEN.sub("", text))
    if leftover:
        raise ValueError(
            f"rerun: malformed placeholder in {text!r}: write {{key|group}} or {{=printed text}}"
        )
    return [
        (match["key"], match["group"])
        for match in _TOKEN.finditer(text)
        if match["key"] is not None
    ]


def _texts() -> list[str]:
    """Every text of the page that may hold placeholders."""
    texts = [sentence for part in SECTIONS for sentence in part.sentences]
    for tab in TABLES:
        texts += [*tab.header, tab.note, *(cell for row in tab.rows for cell in row)]
    return texts


def claims_on_page() -> set[tuple[str, str]]:
    """Every published claim ``(key, group)`` that some sentence or table cell shows."""
    return {claim for text in _texts() for claim in placeholders(text)}


def validate(text: str) -> list[tuple[str, str]]:
    """Check that every placeholder of ``text`` names a published claim; return the claims.

    Parameters
    ----------
    text : str
        A sentence, a table cell or a note.

    Returns
    -------
    list of tuple of str
        The claims it names (:func:`placeholders`).

    Raises
    ------
    ValueError
        Naming the first placeholder whose ``(key, group)`` is not in
        ``data/published_values.csv``.

    Examples
    --------
    >>> validate("W = {aim1.sex.mwu.W|female vs male}")
    [('aim1.sex.mwu.W', 'female vs male')]
    """
    named = placeholders(text)
    known = printed_values()
    for key, group in named:
        if (key, group) not in known:
            raise ValueError(
                f"rerun: placeholder {{{key}|{group}}} names no published value "
                f"(no key {key!r} with group {group!r} in data/published_values.csv)"
            )
    return named


def section(name: str) -> Section:
    """The Results subsection called ``name`` (``participants``, ``aim1``, ``aim2``, ``aim3``)."""
    for part in SECTIONS:
        if part.name == name:
            return part
    names = ", ".join(part.name for part in SECTIONS)
    raise ValueError(f"rerun: no section {name!r}; the sections are {names}")


def table(name: str) -> Table:
    """The paper's table called ``name`` (``table1``, ``table2``)."""
    for tab in TABLES:
        if tab.name == name:
            return tab
    names = ", ".join(tab.name for tab in TABLES)
    raise ValueError(f"rerun: no table {name!r}; the tables are {names}")
