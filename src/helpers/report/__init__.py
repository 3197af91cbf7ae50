"""Where results meet the paper: printed values, verdicts, scorecard, audit, tables, figures.

Only this package (and the synthetic generator, which is calibrated to the paper) reads
``data/published_values.csv``; the analysis never does.

- :mod:`helpers.report.published`: the printed values, and the data banner;
- :mod:`helpers.report.verdicts`: does a replicated value match a printed one?
- :mod:`helpers.report.scorecard`: every printed number beside its replicated value;
- :mod:`helpers.report.audit`: the paper's printed numbers checked against each other, one
  module per part of the paper (``cohort``, ``nonparametric``, ``change``, ``regression``);
- :mod:`helpers.report.intervals`: the audit's engine, interval arithmetic over printed
  numbers that knows no paper;
- :mod:`helpers.report.disclosure`: what a run may publish (small cells withheld);
- :mod:`helpers.report.tables`, :mod:`helpers.report.figures`: Table 1 and the figures.
"""
