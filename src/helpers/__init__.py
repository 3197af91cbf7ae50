"""Helpers for the open replication of Sagui-Henson et al. (2022).

A small statistics library, one module per concern:

- :mod:`helpers.rawdata`: read a raw data directory and enforce the raw data contract;
- :mod:`helpers.scoring`: WHO-5 totals, alliance scores, Cronbach's alpha, clinical flags;
- :mod:`helpers.cohort`: derive the analysis cohort and its eligibility flow;
- :mod:`helpers.synthetic`: SYNTHETIC raw data calibrated to the paper;
- :mod:`helpers.nonparametric`, :mod:`helpers.change`, :mod:`helpers.regression`:
  the statistics of aims 1, 2 and 3, following R's conventions.

Sagui-Henson, S. J., et al. (2022). Understanding components of therapeutic
alliance and well-being from use of a global digital mental health benefit
during the COVID-19 pandemic. *Journal for Technology in Behavioral Science*,
7, 439–450.
"""

__version__ = "0.1.0"
