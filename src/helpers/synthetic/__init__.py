"""Synthetic raw data calibrated to Sagui-Henson et al. (2022). SYNTHETIC, NOT STUDY DATA.

The study's data are private. This package writes a raw data directory in the
shape of the raw data contract, drawn from a documented population model whose
default parameters (:class:`PopulationModel`) are calibrated to the numbers the
paper prints. Agreement between an analysis of these data and the paper checks
the pipeline; it is not evidence about the study's question.

How the data are made
---------------------
1. **Fates.** Each registrant gets one eligibility fate: under age, no
   in-window session, no baseline, no follow-up, completed but never rated,
   or analysed. The fates reproduce the paper's flow (5,985 completed the
   assessments, 3,087 analysed) at the default scale.
2. **Person plan.** Utilization type, sex, country, age, sessions, time in
   care, follow-up period, baseline WHO-5, alliance item responses and
   follow-up WHO-5 are drawn per person (:func:`plan_people`).
3. **Events.** The plan is rendered as dated sessions, ratings and WHO-5
   item responses (:func:`render_raw`) such that deriving the cohort from
   the events returns exactly the plan's values.

Two modes
---------
``sample``
    Every variable is a draw from the population model: what a simulation
    study needs (the truth is :class:`PopulationModel`).
``matched``
    After drawing, the analysed cohort is adjusted so that its sample
    statistics hit the published ones closely by construction, as R's
    ``faux`` does with ``empirical = TRUE``: exact group sizes and category
    counts, group means of age, sessions, time in care and follow-up period,
    alliance scores found by a search that meets every printed aim 1 and
    Table 1 alliance number together (:mod:`~helpers.synthetic.alliance`:
    group means, SDs, medians and minima, Dunn's Z and so H, the rank-sum
    tests and medians by sex, country and screen, Spearman's rho with age and
    Cronbach's alpha), WHO-5 change by utilization type, and a follow-up
    WHO-5 whose complete-case regression reproduces Table 2 (its residuals
    are made orthogonal to the predictors and to the moderation products).

Modules
-------
:mod:`~helpers.synthetic.model`
    The parameters (:class:`PopulationModel`); the printed ones are read from
    ``data/published_values.csv``, the rest are the model's own tuning.
:mod:`~helpers.synthetic.outcome`
    The aim 3 outcome model (follow-up WHO-5), shared with
    :mod:`helpers.whatif.simulate`.
:mod:`~helpers.synthetic.plan`
    The person plan (:func:`plan_people`).
:mod:`~helpers.synthetic.responses`
    Alliance item responses and the follow-up WHO-5.
:mod:`~helpers.synthetic.alliance`
    Matched mode's search for alliance scores consistent with aim 1 and Table 1.
:mod:`~helpers.synthetic.matched`
    Matched mode's other adjustments.
:mod:`~helpers.synthetic.render`
    Events and CSV files (:func:`render_raw`, :func:`write_raw`).
:mod:`~helpers.synthetic.dataset`
    :func:`generate`, :func:`make_dataset` and the command line (:func:`main`).
"""

from __future__ import annotations

from helpers.synthetic.dataset import generate, main, make_dataset
from helpers.synthetic.model import FATES, GroupModel, PopulationModel
from helpers.synthetic.plan import plan_people
from helpers.synthetic.render import render_raw, write_raw

__all__ = [
    "FATES",
    "GroupModel",
    "PopulationModel",
    "generate",
    "main",
    "make_dataset",
    "plan_people",
    "render_raw",
    "write_raw",
]
