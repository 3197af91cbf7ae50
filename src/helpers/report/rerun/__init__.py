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

from helpers.report.rerun.paper import (
    NOT_ON_PAGE,
    SECTIONS,
    TABLES,
    Section,
    Table,
    claims_on_page,
    placeholders,
    section,
    table,
    validate,
)
from helpers.report.rerun.render import (
    format_replicated,
    legend,
    load_scorecard,
    not_on_page,
    render_claim,
    render_section,
    render_sentence,
    render_table,
)

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
