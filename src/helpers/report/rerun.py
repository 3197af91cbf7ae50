"""The paper's Results section, re-run: each printed number beside this run's, with its verdict.

The page follows the paper's Results section sentence by sentence, under the
paper's own subheadings, and lays out Tables 1 and 2 as the paper does. Every
sentence is written in this project's words, closely following the paper's, and
names the numbers it prints by placeholders ``{key|group}``, the claims of
``data/published_values.csv``. Rendering a sentence turns each placeholder into
the printed value followed by this run's value and the scorecard's verdict, in
words and in colour (never colour alone)::

    Women reported a higher median alliance than men (4.88 (this run: 4.800 · differs) vs. ...

A placeholder ``{=text}`` marks a number the paper prints in its Results that
``data/published_values.csv`` does not list, so no verdict exists for it; it is
shown as printed and said to be "not scored": the shares of the three utilization
types (18%, 65%, 17%), the degrees of freedom of the ANOVA (F(2, 832)) and the
P < 0.001 printed with the R² of each of the three moderation models. A ``%``
right after a placeholder belongs to the number: ``{cohort.sex.female.pct|all}%``
shows ``54.1% (this run: 54.07% · matches as printed)``.

Not on this page
----------------
Printed numbers that appear only in the Abstract or the Methods (:data:`NOT_ON_PAGE`):

- Cronbach's alpha of the two alliance items, 0.72 (``aim1.alliance.cronbach_alpha``,
  Abstract and Methods); the scorecard (notebook 05) still judges it;
- the Abstract's rounded restatements of Results numbers (M age 36 ± 9 years, 54%
  female, the utilization shares, P = .01 for sex, "57%" improvement, "Ps > .07",
  "Ps > .34"): the Results print the same quantities more precisely, and those are here;
- the Methods' design constants (the WHO-5 cut-off of 28, the 10-point improvement
  threshold, the 1–5 response scale, the study dates): definitions, not results.

Examples
--------
>>> placeholders("median {aim1.sex.median|female} vs {aim1.sex.median|male}")
[('aim1.sex.median', 'female'), ('aim1.sex.median', 'male')]
>>> format_replicated(4.8, "4.88"), format_replicated(3087.0, "3087")
('4.800', '3087')
>>> format_replicated(0.0149, "<0.001"), format_replicated(1.9e-9, "0.004")
('0.0149', '< 0.0001')
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers.report.published import load_published, printed_values
from helpers.report.scorecard import NOT_COMPUTED, NOT_ESTIMABLE, VERDICTS, WITHHELD
from helpers.report.verdicts import DIFFERS, MATCH, WITHIN, parse_printed

__all__ = [
    "NOT_ON_PAGE",
    "SECTIONS",
    "TABLES",
    "Section",
    "Table",
    "claims_on_page",
    "format_replicated",
    "legend",
    "load_scorecard",
    "not_on_page",
    "placeholders",
    "render_claim",
    "render_section",
    "render_sentence",
    "render_table",
    "section",
    "table",
    "validate",
]


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
_TOKEN = re.compile(
    r"\{(?:=(?P<unscored>[^{}]*)|(?P<key>[^{}|]+)\|(?P<group>[^{}|]+))\}(?P<unit>%?)"
)
_BRACE = re.compile(r"[{}]")

_STYLE = {  # verdict: (class, background, accent)
    MATCH: ("match", "#dafbe1", "#1a7f37"),
    WITHIN: ("within", "#fff8c5", "#9a6700"),
    DIFFERS: ("differs", "#ffebe9", "#cf222e"),
    NOT_ESTIMABLE: ("not-estimable", "#fbefff", "#8250df"),
    WITHHELD: ("withheld", "#ddf4ff", "#0969da"),
    NOT_COMPUTED: ("not-computed", "#eaeef2", "#57606a"),
}
_UNSCORED = "not in the published values: not scored"
_MEANING = {
    MATCH: "this run's value rounds to the printed one",
    WITHIN: "outside the printed rounding interval, by no more than the sampling tolerance",
    DIFFERS: "further from the printed value than rounding and sampling explain",
    NOT_ESTIMABLE: "the run wrote it as missing: these data cannot support it",
    WITHHELD: "the run withheld it: it describes too few people",
    NOT_COMPUTED: "the run did not compute it",
}
_COLUMNS = ("key", "group", "label", "printed", "replicated", "verdict")


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


def load_scorecard(path: str | Path) -> pd.DataFrame:
    """Read ``scorecard.csv`` (or ``<path>/scorecard.csv`` for a directory) as the page needs it.

    Parameters
    ----------
    path : str or pathlib.Path
        ``scorecard.csv``, or the output directory that holds it.

    Returns
    -------
    pandas.DataFrame
        The scorecard. Printed values stay text as printed (``"4.80"``,
        ``"<0.001"``); ``replicated`` is a float, NaN where the run wrote no value.

    Raises
    ------
    ValueError
        If the file is missing, lacks a column the page reads, or holds a
        replicated value that is not a number.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "scorecard.csv"
    if not path.exists():
        raise ValueError(
            f"rerun: no scorecard at {path}; run the report notebook (05) first, "
            "it writes <output_dir>/scorecard.csv"
        )
    card = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(_COLUMNS) - set(card.columns)
    if missing:
        raise ValueError(f"rerun: {path} lacks column(s) {sorted(missing)}")
    try:
        replicated = [float(text) if text.strip() else math.nan for text in card["replicated"]]
    except ValueError as error:
        raise ValueError(f"rerun: {path}: a replicated value is not a number ({error})") from None
    return card.assign(replicated=replicated)


def _decimals(printed: str) -> int:
    """Decimals a printed value shows (for a bound such as ``<0.001``, those of the bound)."""
    decimals = parse_printed(printed).decimals
    if decimals is None:
        decimals = parse_printed(printed.strip().lstrip("<>=").strip()).decimals
    return decimals or 0


def format_replicated(value: float, printed: str) -> str:
    """This run's value, to the printed precision plus one decimal.

    A whole number beside a printed whole number is shown whole (``3087``, not
    ``3087.0``); a value that would round to zero but is not zero is shown as a
    bound (``< 0.0001``), never as ``0.0000``.

    Parameters
    ----------
    value : float
        The replicated value, unrounded.
    printed : str
        The value as printed (``"4.88"``, ``"3087"``, ``"<0.001"``); a bound's
        precision is that of its number.

    Returns
    -------
    str
        The value rounded to one decimal more than ``printed`` shows.

    Raises
    ------
    ValueError
        If ``value`` is missing or infinite (the page never shows "nan").
    """
    number = _float(value)
    if number is None or math.isinf(number):
        raise ValueError(f"rerun: cannot show {value!r} beside {printed!r}: not a finite number")
    decimals = _decimals(printed)
    if decimals == 0 and number.is_integer():
        return str(int(number))
    shown = decimals + 1
    text = f"{number:.{shown}f}"
    if number != 0 and Decimal(text) == 0:
        unit = f"{Decimal(1).scaleb(-shown):.{shown}f}"
        return f"< {unit}" if number > 0 else f"> -{unit}"
    return text


def _float(value: object) -> float | None:
    """A replicated value as a float; None when missing (None, "", NaN)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"rerun: the replicated value {value!r} is not a number") from None
    return None if math.isnan(number) else number


def _shown_printed(printed: str) -> str:
    """The printed text for display: a bound gets a space (``< 0.001``)."""
    text = printed.strip()
    bound = re.match(r"^([<>]=?)\s*(.+)$", text)
    return f"{bound[1]} {bound[2]}" if bound else text


Index = dict[tuple[str, str], dict[str, object]]


def _index(card: pd.DataFrame) -> Index:
    """The scorecard's rows by ``(key, group)``, checked."""
    if not isinstance(card, pd.DataFrame):
        raise ValueError(f"rerun: the scorecard must be a DataFrame, got {type(card).__name__}")
    missing = set(_COLUMNS) - set(card.columns)
    if missing:
        raise ValueError(f"rerun: the scorecard lacks column(s) {sorted(missing)}")
    index: Index = {}
    for row in card[list(_COLUMNS)].itertuples(index=False):
        claim = (row.key, row.group)
        if claim in index:
            raise ValueError(f"rerun: the scorecard has {row.key} [{row.group}] twice")
        if row.verdict not in _STYLE:
            raise ValueError(
                f"rerun: {row.key} [{row.group}] has verdict {row.verdict!r}; "
                f"expected one of {list(VERDICTS)}"
            )
        replicated = _float(row.replicated)
        if replicated is None and row.verdict in (MATCH, WITHIN, DIFFERS):
            raise ValueError(
                f"rerun: {row.key} [{row.group}] is judged {row.verdict!r} but has no "
                "replicated value"
            )
        index[claim] = {
            "label": str(row.label),
            "printed": str(row.printed),
            "replicated": replicated,
            "verdict": row.verdict,
        }
    return index


def _span(
    css: str, background: str, accent: str, printed: str, note: str, title: str, unit: str = ""
) -> str:
    style = (
        f"background:{background};border-bottom:2px solid {accent};border-radius:3px;padding:0 2px"
    )
    title_attribute = f' title="{html.escape(title)}"' if title else ""
    return (
        f'<span class="claim {css}" style="{style}"{title_attribute}>'
        f"{html.escape(_shown_printed(printed) + unit)} <small>({note})</small></span>"
    )


def _claim(key: str, group: str, index: Index, unit: str = "") -> str:
    validate(f"{{{key}|{group}}}")
    row = index.get((key, group))
    if row is None:
        row = {
            "label": "",
            "printed": printed_values()[key, group],
            "replicated": None,
            "verdict": NOT_COMPUTED,
        }
    css, background, accent = _STYLE[row["verdict"]]
    word = html.escape(row["verdict"])
    if row["verdict"] in (MATCH, WITHIN, DIFFERS):
        value = html.escape(format_replicated(row["replicated"], row["printed"]) + unit)
        note = f"this run: {value} · {word}"
    else:
        note = f"this run: {word}"
    title = f"{row['label']} ({key} [{group}])" if row["label"] else f"{key} [{group}]"
    return _span(css, background, accent, row["printed"], note, title, unit)


def _unscored(text: str, unit: str = "") -> str:
    return _span("unscored", "transparent", "#8c959f", text, _UNSCORED, "", unit)


def _render(text: str, index: Index) -> str:
    validate(text)
    parts, last = [], 0
    for match in _TOKEN.finditer(text):
        parts.append(html.escape(text[last : match.start()], quote=False))
        if match["key"] is None:
            parts.append(_unscored(match["unscored"], match["unit"]))
        else:
            parts.append(_claim(match["key"], match["group"], index, match["unit"]))
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


def render_claim(key: str, group: str, card: pd.DataFrame) -> str:
    """One claim as HTML: the printed value, then this run's value and its verdict.

    Parameters
    ----------
    key, group : str
        A claim of ``data/published_values.csv``.
    card : pandas.DataFrame
        The scorecard (:func:`load_scorecard`): ``key``, ``group``, ``label``,
        ``printed``, ``replicated``, ``verdict``. A claim it lacks is shown as
        not computed.

    Returns
    -------
    str
        ``<span class="claim match" ...>4.88 <small>(this run: 4.880 · matches as
        printed)</small></span>``, shaded by verdict; without a replicated
        value, the verdict alone (``this run: not computed``). Text from the
        data is escaped.

    Raises
    ------
    ValueError
        If the claim is not a published one, or the scorecard is malformed.
    """
    return _claim(key, group, _index(card))


def render_sentence(sentence: str, card: pd.DataFrame) -> str:
    """A sentence as HTML, each placeholder rendered by :func:`render_claim`.

    Parameters
    ----------
    sentence : str
        Plain text with placeholders (:func:`placeholders`); the text is escaped.
    card : pandas.DataFrame
        The scorecard (:func:`load_scorecard`).

    Returns
    -------
    str
        The sentence as HTML.

    Raises
    ------
    ValueError
        Naming a placeholder whose ``(key, group)`` is not a published claim.
    """
    return _render(sentence, _index(card))


def _tally(claims: list[tuple[str, str]], unscored: int, index: Index) -> str:
    distinct = list(dict.fromkeys(claims))
    verdicts = [index[claim]["verdict"] if claim in index else NOT_COMPUTED for claim in distinct]
    counts = [f"{verdicts.count(word)} {word}" for word in VERDICTS if verdicts.count(word)]
    text = f"{len(distinct)} printed numbers beside this run's: " + ", ".join(counts) + "."
    if unscored:
        text += f" {unscored} more printed here are {_UNSCORED}."
    return f'<p class="tally"><small>{html.escape(text)}</small></p>'


def _unscored_count(texts: list[str]) -> int:
    return sum(1 for text in texts for match in _TOKEN.finditer(text) if match["key"] is None)


def render_section(card: pd.DataFrame, name: str) -> str:
    """One subsection of the Results as HTML: its aim, its numbered sentences and a tally.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (:func:`load_scorecard`).
    name : str
        The subsection (:data:`SECTIONS`): ``participants``, ``aim1``, ``aim2``, ``aim3``.

    Returns
    -------
    str
        ``<div class="rerun-section">`` with the aim in italics, one list item
        per sentence of the paper, and the number of claims per verdict.
    """
    part = section(name)
    index = _index(card)
    items = "".join(f"<li>{_render(sentence, index)}</li>" for sentence in part.sentences)
    aim = f"<p><em>{html.escape(part.aim)}</em></p>" if part.aim else ""
    claims = [claim for sentence in part.sentences for claim in placeholders(sentence)]
    tally = _tally(claims, _unscored_count(list(part.sentences)), index)
    return (
        f'<div class="rerun-section" id="{part.name}">{aim}'
        f'<ol style="line-height:1.9">{items}</ol>{tally}</div>'
    )


def render_table(card: pd.DataFrame, name: str) -> str:
    """One of the paper's tables as HTML, each printed cell beside this run's value and verdict.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (:func:`load_scorecard`).
    name : str
        ``table1`` or ``table2`` (:data:`TABLES`).

    Returns
    -------
    str
        ``<div class="rerun-table">``: the title, the table with the paper's rows
        and columns (each number rendered by :func:`render_claim`), the note and
        the number of claims per verdict.
    """
    tab = table(name)
    index = _index(card)
    width = len(tab.header)

    def cell(tag: str, text: str, left: bool) -> str:
        style = "text-align:left;white-space:nowrap" if left else "text-align:right"
        return f'<{tag} style="{style};vertical-align:top">{_render(text, index)}</{tag}>'

    head = "".join(cell("th", text, i == 0) for i, text in enumerate(tab.header))
    body = []
    for row in tab.rows:
        if len(row) == 1:
            body.append(
                f'<tr><th colspan="{width}" style="text-align:left">{html.escape(row[0])}</th></tr>'
            )
            continue
        if len(row) != width:
            raise ValueError(f"rerun: a row of {tab.name} has {len(row)} cells, not {width}")
        body.append(
            "<tr>" + "".join(cell("td", text, i == 0) for i, text in enumerate(row)) + "</tr>"
        )
    texts = [*tab.header, tab.note, *(text for row in tab.rows for text in row)]
    claims = [claim for text in texts for claim in placeholders(text)]
    return (
        f'<div class="rerun-table" id="{tab.name}"><p><strong>{html.escape(tab.title)}</strong></p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<p><small>{_render(tab.note, index)}</small></p>"
        f"{_tally(claims, _unscored_count(texts), index)}</div>"
    )


def legend() -> str:
    """How to read the page: one sample per verdict, in its colour and in words."""
    items = [
        f"<li>{_span(css, background, accent, 'printed', f'this run: … · {html.escape(word)}', '')}"
        f" {html.escape(_MEANING[word])}</li>"
        for word, (css, background, accent) in _STYLE.items()
    ]
    items.append(
        f"<li>{_unscored('printed')} a number the paper prints that "
        "<code>data/published_values.csv</code> does not list</li>"
    )
    return f'<ul class="rerun-legend" style="line-height:1.9">{"".join(items)}</ul>'


def not_on_page() -> str:
    """Markdown: the published claims this page leaves out (Abstract or Methods only), and why."""
    published = load_published()
    claims = zip(published["key"], published["group"], strict=True)
    labels = dict(zip(claims, published["label"], strict=True))
    lines = [
        f"- {labels[claim]} (`{claim[0]}` [{claim[1]}]), printed {printed_values()[claim]} "
        "in the Abstract and the Methods only; the scorecard still judges it."
        for claim in NOT_ON_PAGE
    ]
    lines.append(
        "- The Abstract's rounded restatements of Results numbers (M age 36 ± 9 years, 54% "
        'female, P = .01 for sex, 57% improvement, "Ps > .07", "Ps > .34"): the Results print '
        "the same quantities more precisely, and those are on this page."
    )
    lines.append(
        "- The Methods' design constants (the WHO-5 cut-off of 28, the 10-point improvement "
        "threshold, the 1–5 response scale, the study dates): definitions, not results."
    )
    return "\n".join(lines)
