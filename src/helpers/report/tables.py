"""Table 1 and the eligibility flow, as tidy estimates and as a readable table.

Keys and groups follow the published values file (``cohort.*``, ``table1.*``)
so the report can join them one to one. Percentages follow the raw data
contract: sex and screened-positive shares are of the whole group (missing
included), country shares of the people with a known country.
"""

from __future__ import annotations

import html

import pandas as pd

from helpers.design import TABLE1_CONTINUOUS, UTILIZATION_TYPES

__all__ = ["flow_estimates", "html_table", "table1_display", "table1_estimates"]


def _rows_for(frame: pd.DataFrame, group: str) -> list[tuple[str, str, float]]:
    n = len(frame)
    if n == 0:
        return []
    rows = [
        ("table1.age.mean", group, frame["age"].mean()),
        ("table1.age.sd", group, frame["age"].std(ddof=1)),
        ("table1.n", group, n),
    ]
    for level in ("female", "male"):
        count = int((frame["sex"] == level).sum())
        rows += [
            (f"table1.sex.{level}.n", group, count),
            (f"table1.sex.{level}.pct", group, 100 * count / n),
        ]
    missing = int(frame["sex"].isna().sum())
    rows += [
        ("table1.sex.missing.n", group, missing),
        ("table1.sex.missing.pct", group, 100 * missing / n),
    ]
    known = int(frame["country_group"].notna().sum())
    for level in ("us", "non_us"):
        count = int((frame["country_group"] == level).sum())
        rows.append((f"table1.country.{level}.n", group, count))
        if known:
            rows.append((f"table1.country.{level}.pct", group, 100 * count / known))
    for stem, column in TABLE1_CONTINUOUS.items():
        values = frame[column]
        rows += [
            (f"table1.{stem}.mean", group, values.mean()),
            (f"table1.{stem}.sd", group, values.std(ddof=1)),
            (f"table1.{stem}.median", group, values.median()),
            (f"table1.{stem}.min", group, values.min()),
            (f"table1.{stem}.max", group, values.max()),
        ]
    positive = int(frame["screened_positive"].sum())
    rows += [
        ("table1.screened_positive.n", group, positive),
        ("table1.screened_positive.pct", group, 100 * positive / n),
    ]
    return [row for row in rows if not pd.isna(row[2])]


def table1_estimates(participants: pd.DataFrame) -> pd.DataFrame:
    """Table 1 by utilization type and in total, plus the cohort summary keys.

    Parameters
    ----------
    participants : pandas.DataFrame
        ``Cohort.participants``.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``group``, ``value``: every ``table1.*`` cell (groups
        ``therapy``, ``coaching``, ``both``, ``total``) and the
        ``cohort.*`` summary of the Results section (group ``all``).
        SDs use :math:`n - 1`; medians of even counts average the middle two,
        as R's ``median``.
    """
    rows = []
    for group in UTILIZATION_TYPES:
        rows += _rows_for(participants[participants["utilization"] == group], group)
    rows += _rows_for(participants, "total")
    n = len(participants)
    rows += [("cohort.analyzed", "all", n)]
    if n:
        rows += [
            ("cohort.age.mean", "all", participants["age"].mean()),
            ("cohort.age.sd", "all", participants["age"].std(ddof=1)),
            ("cohort.age.min", "all", participants["age"].min()),
            ("cohort.age.max", "all", participants["age"].max()),
        ]
    for level in ("female", "male"):
        count = int((participants["sex"] == level).sum())
        rows.append((f"cohort.sex.{level}.n", "all", count))
        if n:
            rows.append((f"cohort.sex.{level}.pct", "all", 100 * count / n))
    missing = int(participants["sex"].isna().sum())
    rows.append(("cohort.sex.missing.n", "all", missing))
    if n:
        rows.append(("cohort.sex.missing.pct", "all", 100 * missing / n))
    for group in UTILIZATION_TYPES:
        rows.append(
            (
                f"cohort.utilization.{group}.n",
                "all",
                int((participants["utilization"] == group).sum()),
            )
        )
    frame = pd.DataFrame(rows, columns=["key", "group", "value"])
    frame = frame.dropna(subset=["value"])
    return frame.astype({"value": float}).reset_index(drop=True)


def flow_estimates(flow: pd.DataFrame) -> pd.DataFrame:
    """The eligibility flow as estimates.

    ``cohort.completed_assessments`` (after the follow-up step) and
    ``cohort.analyzed`` are the paper's keys; every step also gets
    ``cohort.flow.<step>.n`` and ``cohort.flow.<step>.excluded``.
    """
    rows = [
        ("cohort.completed_assessments", "all", float(flow.set_index("step").loc["followup", "n"]))
    ]
    for _, step in flow.iterrows():
        rows.append((f"cohort.flow.{step['step']}.n", "all", float(step["n"])))
        rows.append((f"cohort.flow.{step['step']}.excluded", "all", float(step["excluded"])))
    return pd.DataFrame(rows, columns=["key", "group", "value"])


def table1_display(estimates: pd.DataFrame) -> pd.DataFrame:
    """Lay Table 1 out as the paper prints it: rows of characteristics, a column per group.

    Parameters
    ----------
    estimates : pandas.DataFrame
        :func:`table1_estimates` output (or the published values with a
        numeric ``value`` column, to print the paper's table the same way).
    """
    value = estimates.set_index(["key", "group"])["value"]
    groups = [g for g in (*UTILIZATION_TYPES, "total") if ("table1.n", g) in value.index]

    def cell(fmt: str, *keys: str):
        return [fmt.format(*(value.get((k, g), float("nan")) for k in keys)) for g in groups]

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
