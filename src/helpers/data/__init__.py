"""Raw data to analysis cohort: load and validate, score the instruments, derive the cohort.

- :mod:`helpers.data.contract`: the raw data contract (``docs/raw-data-contract.md``) as
  data and its rules as SQL;
- :mod:`helpers.data.store`: the embedded database (DuckDB, bounded memory) and the cache
  of checked tables;
- :mod:`helpers.data.files`: reading each table's file, checked as a whole first;
- :mod:`helpers.data.rawdata`: read a raw data directory and enforce every rule of the
  contract, stopping at the first broken one;
- :mod:`helpers.data.scoring`: WHO-5 totals, alliance scores, Cronbach's alpha, clinical flags;
- :mod:`helpers.data.cohort`: the eligibility flow and one row per analysed person.
"""
