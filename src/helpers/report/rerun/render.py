"""Rendering the paper's Results, re-run: each placeholder as the printed value beside
this run's value and the scorecard's verdict, in words and in colour."""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers.report.published import load_published, printed_values
from helpers.report.rerun.paper import (
    _TOKEN,
    NOT_ON_PAGE,
    placeholders,
    section,
    table,
    validate,
)
from helpers.report.scorecard import NOT_COMPUTED, NOT_ESTIMABLE, VERDICTS, WITHHELD
from helpers.report.verdicts import DIFFERS, MATCH, WITHIN, parse_printed

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
