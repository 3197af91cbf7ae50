"""Helpers for the open replication of Sagui-Henson et al. (2022).

A small statistics library. Its packages follow the data, from a raw export
to the report::

    raw data directory ──► data ──► stats ──► report
       ▲                   (cohort)  (aims 1–3)  (beside the paper)
       synthetic                     whatif (re-runs the study many times)

    design and claims: the facts and keys every package imports
    pipeline: runs the notebooks, keeps their outputs traceable

The map
-------
:mod:`helpers.design`
    The study's design, each fact once: the utilization types, the study window,
    the WHO-5 cut-offs, the eligibility steps, Table 2's terms and the moderators.
:mod:`helpers.claims`
    The registry of every number the notebooks write: each key is built here from
    the design (Table 2's alliance coefficient is ``table2_key("alliance_score",
    "b")`` = ``aim3.alliance.b``), with its groups, its notebook and whose sample
    size it is about. ``data/published_values.csv`` says each published one in words.
:mod:`helpers.paths`
    Where the project's files live (``data/``, ``notebooks/``, ``docs/``).
:mod:`helpers.data`
    Raw data to analysis cohort.

    - :mod:`~helpers.data.contract`: the raw data contract as data (tables, columns,
      rules), ``docs/raw-data-contract.md`` for the code;
    - :mod:`~helpers.data.files` and :mod:`~helpers.data.rawdata`: read a raw data directory,
      stop at the first broken rule;
    - :mod:`~helpers.data.scoring`: WHO-5 totals, alliance scores, Cronbach's alpha,
      clinical flags;
    - :mod:`~helpers.data.cohort`: :func:`~helpers.data.cohort.derive_cohort` applies
      every derivation rule (baseline, follow-up, eligibility, utilization type, …),
      one numbered step each in its Notes and in its code;
    - :mod:`~helpers.data.memo`: loads and cohorts remembered by content within a kernel.
:mod:`helpers.stats`
    The paper's statistics, each as R computes it (``docs/analysis-plan.md``):
    :mod:`~helpers.stats.descriptive`, :mod:`~helpers.stats.nonparametric` (aim 1),
    :mod:`~helpers.stats.change` (aim 2), :mod:`~helpers.stats.regression` (aim 3); a
    statistic R gives as NA is NaN with its reason (:mod:`~helpers.stats.notes`).
:mod:`helpers.report`
    Where results meet the paper (the only code that reads the printed values):
    :mod:`~helpers.report.published`, :mod:`~helpers.report.verdicts`,
    :mod:`~helpers.report.scorecard`, :mod:`~helpers.report.audit`,
    :mod:`~helpers.report.disclosure` (statistics of fewer than ``min_cell_size``
    people withheld), :mod:`~helpers.report.tables`, :mod:`~helpers.report.figures`.
:mod:`helpers.synthetic`
    SYNTHETIC raw data calibrated to the paper (``make data``).
:mod:`helpers.whatif`
    :mod:`~helpers.whatif.simulate` (power, type S and M errors), :mod:`~helpers.whatif.batch`
    (the statistics of many simulated data sets at once) and
    :mod:`~helpers.whatif.multiverse` (robustness to analysis choices).
:mod:`helpers.pipeline`
    :mod:`~helpers.pipeline.run` (``make replicate``, ``make whatif``),
    :mod:`~helpers.pipeline.engine` (one warm kernel for every notebook of a run),
    :mod:`~helpers.pipeline.parameters` (every parameter checked before a run),
    :mod:`~helpers.pipeline.outputs` (a locked, atomic output directory),
    :mod:`~helpers.pipeline.results` (``estimates.csv``, refusing unregistered keys),
    :mod:`~helpers.pipeline.provenance`, :mod:`~helpers.pipeline.book` (the reviewer's book).

Sagui-Henson, S. J., et al. (2022). Understanding components of therapeutic
alliance and well-being from use of a global digital mental health benefit
during the COVID-19 pandemic. *Journal for Technology in Behavioral Science*,
7, 439–450.
"""

__version__ = "0.1.0"
