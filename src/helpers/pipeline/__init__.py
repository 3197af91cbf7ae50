"""Running the notebooks and keeping their outputs traceable.

- :mod:`helpers.pipeline.run`: ``make replicate`` and ``make whatif`` (papermill);
- :mod:`helpers.pipeline.engine`: one warm kernel for every notebook of a run;
- :mod:`helpers.pipeline.kernel`: that kernel started first, importing what the notebooks import;
- :mod:`helpers.pipeline.lean`: what a run's own processes need not import;
- :mod:`helpers.pipeline.parameters`: every parameter's name, type and value, checked first;
- :mod:`helpers.pipeline.outputs`: a locked output directory, replaced whole or not at all;
- :mod:`helpers.pipeline.results`: each notebook's estimates, assembled into ``estimates.csv``;
- :mod:`helpers.pipeline.provenance`: code version, data fingerprint, parameters, packages;
- :mod:`helpers.pipeline.book`: the executed notebooks as a book (Sphinx, myst-nb), built by a
  process started with the run.
"""
