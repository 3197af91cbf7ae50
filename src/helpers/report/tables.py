"""Table 1 and the eligibility flow, as tidy estimates and as a readable table.

Keys and groups follow the published values file (``cohort.*``, ``table1.*``)
so the report can join them one to one. Percentages follow the raw data
contract: sex and screened-positive shares are of the whole group (missing
included), country shares of the people with a known country.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from helpers.design import TABLE1_CONTINUOUS, UTILIZATION_TYPES
from helpers.report.disclosure import DEFAULT, EXTREMES, Disclosure

__all__ = [
    "flow_estimates",
    "flow_sentence",
    "flow_table",
    "html_table",
    "require_analysed",
    "table1_display",
    "table1_estimates",
    "utilization_sentence",
    "withhold_cells",
]

_COLUMNS = ["key", "group", "value", "note"]


def _describe(
    values: pd.Series, stem: str, group: str, nobody: str = "nobody in this group"
) -> list[tuple[str, str, float, str]]:
    """Mean, SD, median, min and max of ``values``, each with why it is missing (or "")."""
    n = int(values.notna().sum())
    empty = nobody if n == 0 else ""
    lonely = empty or ("only one person: no standard deviation" if n == 1 else "")
    return [
        (f"{stem}.mean", group, values.mean(), empty),
        (f"{stem}.sd", group, values.std(ddof=1), lonely),
        (f"{stem}.median", group, values.median(), empty),
        (f"{stem}.min", group, values.min(), empty),
        (f"{stem}.max", group, values.max(), empty),
    ]


def _share(count: int, total: int, nobody: str) -> tuple[float, str]:
    """100 count / total, or NaN and why when the total is zero."""
    return (100 * count / total, "") if total else (math.nan, nobody)


def _rows_for(frame: pd.DataFrame, group: str) -> list[tuple[str, str, float, str]]:
    n = len(frame)
    nobody = "nobody in this group"
    rows = [("table1.n", group, n, "")]
    rows += _describe(frame["age"], "table1.age", group)[:2]  # mean and SD
    for level in ("female", "male"):
        count = int((frame["sex"] == level).sum())
        rows += [
            (f"table1.sex.{level}.n", group, count, ""),
            (f"table1.sex.{level}.pct", group, *_share(count, n, nobody)),
        ]
    missing = int(frame["sex"].isna().sum())
    rows += [
        ("table1.sex.missing.n", group, missing, ""),
        ("table1.sex.missing.pct", group, *_share(missing, n, nobody)),
    ]
    known = int(frame["country_group"].notna().sum())
    unknown = nobody if n == 0 else "nobody in this group has a known country"
    for level in ("us", "non_us"):
        count = int((frame["country_group"] == level).sum())
        rows.append((f"table1.country.{level}.n", group, count, ""))
        rows.append((f"table1.country.{level}.pct", group, *_share(count, known, unknown)))
    for stem, column in TABLE1_CONTINUOUS.items():
        rows += _describe(frame[column], f"table1.{stem}", group)
    positive = int(frame["screened_positive"].sum())
    rows += [
        ("table1.screened_positive.n", group, positive, ""),
        ("table1.screened_positive.pct", group, *_share(positive, n, nobody)),
    ]
    return rows


def table1_estimates(participants: pd.DataFrame) -> pd.DataFrame:
    """Table 1 by utilization type and in total, plus the cohort summary keys.

    Parameters
    ----------
    participants : pandas.DataFrame
        ``Cohort.participants``.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``group``, ``value``, ``note``: every ``table1.*`` cell (groups
        ``therapy``, ``coaching``, ``both``, ``total``) and the
        ``cohort.*`` summary of the Results section (group ``all``).
        SDs use :math:`n - 1`; medians of even counts average the middle two,
        as R's ``median``. A statistic a group cannot give (any statistic of
        an empty group, the SD of one person, a percentage of nobody) is NaN,
        and ``note`` says why.
    """
    rows = []
    for group in UTILIZATION_TYPES:
        rows += _rows_for(participants[participants["utilization"] == group], group)
    rows += _rows_for(participants, "total")
    n = len(participants)
    nobody = "nobody analysed"
    rows += [("cohort.analyzed", "all", n, "")]
    age = _describe(participants["age"], "cohort.age", "all", nobody)
    rows += [row for row in age if not row[0].endswith(".median")]
    for level in ("female", "male"):
        count = int((participants["sex"] == level).sum())
        rows.append((f"cohort.sex.{level}.n", "all", count, ""))
        rows.append((f"cohort.sex.{level}.pct", "all", *_share(count, n, nobody)))
    missing = int(participants["sex"].isna().sum())
    rows.append(("cohort.sex.missing.n", "all", missing, ""))
    rows.append(("cohort.sex.missing.pct", "all", *_share(missing, n, nobody)))
    for group in UTILIZATION_TYPES:
        count = int((participants["utilization"] == group).sum())
        rows.append((f"cohort.utilization.{group}.n", "all", count, ""))
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return frame.astype({"value": float}).reset_index(drop=True)


def flow_estimates(flow: pd.DataFrame) -> pd.DataFrame:
    """The eligibility flow as estimates.

    ``cohort.completed_assessments`` (after the follow-up step) and
    ``cohort.analyzed`` are the paper's keys; every step also gets
    ``cohort.flow.<step>.n`` and ``cohort.flow.<step>.excluded``. Every
    count is estimable: ``note`` is empty.
    """
    rows = [
        (
            "cohort.completed_assessments",
            "all",
            float(flow.set_index("step").loc["followup", "n"]),
            "",
        )
    ]
    for _, step in flow.iterrows():
        rows.append((f"cohort.flow.{step['step']}.n", "all", float(step["n"]), ""))
        rows.append((f"cohort.flow.{step['step']}.excluded", "all", float(step["excluded"]), ""))
    return pd.DataFrame(rows, columns=_COLUMNS)


#: Keys that count people, besides those ending in ``.n`` or ``.excluded``.
_COUNTS = ("cohort.analyzed", "cohort.completed_assessments")
#: The key that counts the people of a group's cells (``all``: the analysed cohort).
_GROUP_SIZE = {"all": ("cohort.analyzed", "all")}


def _is_count(key: str) -> bool:
    return key in _COUNTS or key.endswith((".n", ".excluded"))


def withhold_cells(estimates: pd.DataFrame, disclosure: Disclosure = DEFAULT) -> pd.DataFrame:
    """Table 1's and the flow's estimates with the small cells withheld.

    Parameters
    ----------
    estimates : pandas.DataFrame
        :func:`table1_estimates` or :func:`flow_estimates` output.
    disclosure : helpers.report.disclosure.Disclosure
        The run's ``min_cell_size`` and ``withhold_extremes``.

    Returns
    -------
    pandas.DataFrame
        The same rows, where a withheld value is NaN and its note says why: a
        count of 1 to ``min_cell_size - 1`` people, a percentage of such a count,
        any other statistic of a group that small (the group's ``table1.n``, or
        ``cohort.analyzed`` for ``all``), and, with ``withhold_extremes``, every
        minimum and maximum.
    """
    value = estimates.set_index(["key", "group"])["value"]
    frame = estimates.copy()
    for position, row in enumerate(estimates.itertuples(index=False)):
        if _is_count(row.key):
            why = disclosure.count_reason if disclosure.small(row.value) else ""
        elif row.key.endswith(".pct"):
            count = value.get((row.key.removesuffix(".pct") + ".n", row.group), math.nan)
            why = disclosure.count_reason if disclosure.small(count) else ""
        else:
            size = value.get(_GROUP_SIZE.get(row.group, ("table1.n", row.group)), math.nan)
            why = disclosure.reason(people=size)
            if not why and disclosure.withhold_extremes and row.key.endswith(EXTREMES):
                why = disclosure.extremes_reason
        if why:
            frame.iloc[position, frame.columns.get_loc("value")] = math.nan
            frame.iloc[position, frame.columns.get_loc("note")] = why
    return frame


def flow_table(flow: pd.DataFrame, disclosure: Disclosure = DEFAULT) -> pd.DataFrame:
    """The eligibility flow for display, with counts below ``min_cell_size`` in words.

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["registered", "adult"], "criterion": ["registered",
    ...     "aged 18 or older"], "n": [1200, 1197], "excluded": [0, 3]})
    >>> flow_table(flow)["excluded"].tolist()
    ['0', 'fewer than 5']
    """
    table = flow[["step", "criterion"]].copy()
    for column in ("n", "excluded"):
        table[column] = [disclosure.shown(count) for count in flow[column]]
    return table


#: Each eligibility step's requirement, in words (``Cohort.flow``'s ``step``).
_REQUIREMENTS = {
    "adult": "the age requirement",
    "in_window_session": "the in-window session requirement",
    "baseline": "the baseline requirement",
    "followup": "the follow-up requirement",
    "rated": "the rating requirement",
}


def require_analysed(flow: pd.DataFrame, disclosure: Disclosure = DEFAULT) -> None:
    """Stop when nobody is left to analyse, naming the step at which everyone left.

    Raises
    ------
    ValueError
        When the flow's last step counts nobody: "nobody is eligible ... everyone
        left at step <step> (<criterion>)", with the flow's counts (those below
        ``disclosure.min_cell_size`` in words).

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["registered", "adult"], "criterion": ["registered",
    ...     "aged 200 or older"], "n": [18, 0], "excluded": [0, 18]})
    >>> require_analysed(flow)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: nobody is eligible: everyone left at step 'adult' (aged 200 or older), ...
    """
    counts = flow["n"].to_numpy()
    if len(counts) and counts[-1] > 0:
        return
    if len(counts) == 0 or counts[0] == 0:
        raise ValueError("nobody is eligible: the raw data directory has no registrants")
    last = flow[flow["n"] > 0].index.max()
    step = flow.loc[last + 1]
    shown = disclosure.shown
    summary = " -> ".join(f"{row.step} {shown(row.n)}" for row in flow.itertuples())
    raise ValueError(
        f"nobody is eligible: everyone left at step {step['step']!r} ({step['criterion']}), "
        f"where {shown(step['excluded'])} of {shown(flow.loc[last, 'n'])} were excluded. "
        f"Eligibility flow: {summary}. Check the raw data directory and the cohort parameters."
    )


def flow_sentence(flow: pd.DataFrame, disclosure: Disclosure = DEFAULT) -> str:
    """The flow in one sentence, with its largest single exclusion (counts from ``flow``).

    A count below ``min_cell_size`` is said as "fewer than <min_cell_size>".
    """
    steps = flow.set_index("step")
    counts = steps["n"].map(disclosure.shown)
    excluded = steps.loc[steps.index != "registered", "excluded"]
    largest = excluded.idxmax()
    text = (
        f"Of {counts['registered']} registrants, {counts['followup']} received care and "
        f"completed both assessments, and {counts['rated']} of them rated at least one "
        "session: the analysed cohort."
    )
    if excluded.max() == 0:
        return f"{text} Nobody was excluded."
    return (
        f"{text} {_REQUIREMENTS[largest].capitalize()} is the largest single exclusion "
        f"({disclosure.shown(excluded[largest])} people)."
    )


#: Utilization types in words, for sentences.
_ROUTES = {"therapy": "therapy alone", "coaching": "coaching alone", "both": "both"}


def utilization_sentence(table1: pd.DataFrame, disclosure: Disclosure = DEFAULT) -> str:
    """The routes into care by size, and who screened positive on each (from Table 1's cells).

    Parameters
    ----------
    table1 : pandas.DataFrame
        :func:`table1_estimates` output, small cells withheld (:func:`withhold_cells`).
    disclosure : helpers.report.disclosure.Disclosure
        The run's ``min_cell_size``, to say how small a withheld group is.
    """
    value = table1.set_index(["key", "group"])["value"]
    sizes = {group: value["table1.n", group] for group in UTILIZATION_TYPES}
    held = [g for g in UTILIZATION_TYPES if pd.isna(sizes[g])]  # withheld: a small group
    known = {g: int(n) for g, n in sizes.items() if g not in held}
    used = sorted((g for g in known if known[g]), key=lambda g: -known[g])
    unused = [_ROUTES[g] for g in known if not known[g]]
    if not used and not held:
        return "Nobody was analysed."
    parts = []
    if used:
        first, *rest = used
        parts.append(
            f"{_ROUTES[first].capitalize()} was the most common route into care "
            f"({known[first]:,} people)"
        )
        if len(used) == 1 and not held:
            parts = [f"Everyone analysed used {_ROUTES[first]} ({known[first]:,} people)"]
        elif rest:
            parts[0] += ", then " + " and ".join(f"{_ROUTES[g]} ({known[g]:,})" for g in rest)
    if held:
        fewer = f"fewer than {disclosure.min_cell_size} people"
        parts.append(f"{' and '.join(_ROUTES[g] for g in held)}: {fewer} (withheld)")
    if unused:
        parts.append(f"nobody used {' or '.join(unused)}")
    shares = ", ".join(
        f"{_ROUTES[g]} {value['table1.screened_positive.pct', g]:.1f}%"
        for g in used
        if pd.notna(value["table1.screened_positive.pct", g])
    )
    text = "; ".join(parts)
    text = text[0].upper() + text[1:]
    return f"{text}." + (f" Screened positive for depressive symptoms: {shares}." if shares else "")


class _Blank:
    """A missing cell: formats as a dash whatever the number format."""

    def __format__(self, spec: str) -> str:
        return "–"


_BLANK = _Blank()


def table1_display(estimates: pd.DataFrame) -> pd.DataFrame:
    """Lay Table 1 out as the paper prints it: rows of characteristics, a column per group.

    Parameters
    ----------
    estimates : pandas.DataFrame
        :func:`table1_estimates` output (or the published values with a
        numeric ``value`` column, to print the paper's table the same way).
        A missing value shows as a dash.
    """
    value = estimates.set_index(["key", "group"])["value"]
    groups = [g for g in (*UTILIZATION_TYPES, "total") if ("table1.n", g) in value.index]

    def number(key: str, group: str):
        found = value.get((key, group), math.nan)
        return _BLANK if pd.isna(found) else found

    def cell(fmt: str, *keys: str):
        return [fmt.format(*(number(k, g) for k in keys)) for g in groups]

    lines = {
        "n": cell("{:.0f}", "table1.n"),
        "Age, M (SD)": cell("{:.2f} ({:.2f})", "table1.age.mean", "table1.age.sd"),
        "Female, n (%)": cell("{:.0f} ({:.1f}%)", "table1.sex.female.n", "table1.sex.female.pct"),
        "Male, n (%)": cell("{:.0f} ({:.1f}%)", "table1.sex.male.n", "table1.sex.male.pct"),
        "Sex missing, n (%)": cell(
            "{:.0f} ({:.1f}%)", "table1.sex.missing.n", "table1.sex.missing.pct"
        ),
        "Within USA, n (%)": cell(
            "{:.0f} ({:.1f}%)", "table1.country.us.n", "table1.country.us.pct"
        ),
        "Outside USA, n (%)": cell(
            "{:.0f} ({:.1f}%)", "table1.country.non_us.n", "table1.country.non_us.pct"
        ),
        "Alliance, M (SD)": cell("{:.2f} ({:.2f})", "table1.alliance.mean", "table1.alliance.sd"),
        "Alliance, Median [min, max]": cell(
            "{:.2f} [{:.0f}, {:.0f}]",
            "table1.alliance.median",
            "table1.alliance.min",
            "table1.alliance.max",
        ),
        "Screened positive, n (%)": cell(
            "{:.0f} ({:.1f}%)", "table1.screened_positive.n", "table1.screened_positive.pct"
        ),
    }
    for stem, label in (
        ("followup_days", "Follow-up period (days)"),
        ("sessions", "Total session utilization"),
        ("time_in_care_days", "Time in care (days)"),
    ):
        lines[f"{label}, M (SD)"] = cell(
            "{:.2f} ({:.2f})", f"table1.{stem}.mean", f"table1.{stem}.sd"
        )
        lines[f"{label}, Median [min, max]"] = cell(
            "{:.0f} [{:.0f}, {:.0f}]",
            f"table1.{stem}.median",
            f"table1.{stem}.min",
            f"table1.{stem}.max",
        )
    return pd.DataFrame(lines, index=groups).T


def html_table(frame: pd.DataFrame) -> str:
    """A plain HTML table for a notebook: text read from the left, numbers from the right.

    Unlike :meth:`pandas.DataFrame.to_html`, text columns are left-aligned (the
    notebook's stylesheet right-aligns every cell), and nothing in the markup
    changes from run to run.

    Examples
    --------
    >>> html_table(pd.DataFrame({"check": ["p from F"], "n": [1]}))[:60]
    '<table><thead><tr><th style="text-align:left">check</th><th '
    """
    left = [
        not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]

    def cell(tag: str, text: object, is_left: bool) -> str:
        align = "left" if is_left else "right"
        return f'<{tag} style="text-align:{align}">{html.escape(str(text))}</{tag}>'

    head = "".join(cell("th", c, is_left) for c, is_left in zip(frame.columns, left, strict=True))
    body = "".join(
        "<tr>"
        + "".join(cell("td", v, is_left) for v, is_left in zip(row, left, strict=True))
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
