"""Running the notebooks and keeping their outputs traceable.

- :mod:`helpers.pipeline.run`: ``make replicate`` and ``make whatif`` (papermill);
- :mod:`helpers.pipeline.engine`: one warm kernel for every notebook of a run;
- :mod:`helpers.pipeline.parameters`: every parameter's name, type and value, checked first;
- :mod:`helpers.pipeline.outputs`: a locked output directory, replaced whole or not at all;
- :mod:`helpers.pipeline.results`: each notebook's estimates, assembled into ``estimates.csv``;
- :mod:`helpers.pipeline.provenance`: code version, data fingerprint, parameters, packages;
- :mod:`helpers.pipeline.book`: the executed notebooks as a book (Sphinx, myst-nb).
"""
