"""What a run's own processes leave unimported: an optional grammar no step of a run uses.

nbformat validates notebooks with jsonschema (and fastjsonschema), and importing
jsonschema imports its optional format checkers, among them the IRI syntax of
``rfc3987_syntax``, which builds an Earley parser for RFC 3987 on import: about a
second, in every process that reads or writes a notebook (the runner, the book's
builder). No step of a run checks an IRI: nbformat validates without format
checkers, and neither papermill, nbclient nor Sphinx and myst-nb use jsonschema's.
jsonschema treats the package as optional (it registers the ``iri`` and
``iri-reference`` checkers only if the import succeeds), so :func:`skip_iri_grammar`
tells Python's import system, in the process that calls it, that the package is
absent. Nothing is uninstalled or patched: other processes (a Jupyter server, whose
jupyter_events does check IRIs) import it as before, and a process that imported
it already keeps it.
"""

from __future__ import annotations

import sys

__all__ = ["IRI_GRAMMAR", "skip_iri_grammar"]

#: The package whose import builds the IRI grammar.
IRI_GRAMMAR = "rfc3987_syntax"


def skip_iri_grammar() -> None:
    """Make ``import rfc3987_syntax`` fail in this process, unless it is imported already.

    Call it first thing in a process of a run, before anything imports nbformat or
    jsonschema (``None`` in :data:`sys.modules` makes an import raise ImportError).
    """
    sys.modules.setdefault(IRI_GRAMMAR, None)
