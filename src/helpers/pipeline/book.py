"""The reviewer's book: the executed notebooks of a run as a Sphinx site.

``<output_dir>/site/`` is built with Sphinx, ``myst-nb`` and ``sphinx-book-theme``
(the Jupyter Book 1 stack, which builds offline): a sidebar with every page, the
report first, previous and next links, search, one page per executed notebook.
The notebooks are rendered as they ran, never executed again
(``nb_execution_mode = "off"``). For the book only, a copy of each notebook is
prepared for a reader (:func:`for_reader`): its code cells are folded (one click
shows them) and its parameters cells become a small table of the parameters it
ran with. A banner on every page says when the data are synthetic, and names any
parameter that departs from the paper's specification.

The build is deterministic and self-contained: no page fetches anything from the
network, no page holds a path of the machine, and the same run gives the same
bytes. It runs in a process of its own (:class:`BookBuilder`), which a run starts
with its notebooks: Sphinx and its extensions are imported on the idle core while
the notebooks run, and only the build itself is left when they are done.
"""

from __future__ import annotations

import ast
import contextlib
import html
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.pipeline.lean import skip_iri_grammar
from helpers.pipeline.parameters import RESERVED, notebook_parameters

if TYPE_CHECKING:
    import nbformat

__all__ = ["BOOK_TITLE", "build_book", "departures", "for_reader", "notebook_title"]

#: The book's title, in the sidebar and on the landing page.
BOOK_TITLE = "Therapeutic alliance and well-being: an open replication"
#: Cell tags (papermill's and myst-nb's).
_PARAMETERS, _INJECTED = "parameters", "injected-parameters"
_HIDE_INPUT, _REMOVE = "hide-input", "remove-cell"
#: Files of the output directory the landing page links, with what each holds.
_FILES = (
    ("scorecard.csv", "every published number beside its replicated value and verdict"),
    ("estimates.csv", "every number the run computed (key, group, value, note)"),
    ("provenance.json", "code version, data fingerprint, parameters, package versions"),
)

_CONF = """\
# Written by helpers.pipeline.book for one run; not a file to edit.
project = {title!r}
html_title = {title!r}
extensions = ["myst_nb"]
nb_execution_mode = "off"
nb_merge_streams = True
html_theme = "sphinx_book_theme"
html_theme_options = {{
    "home_page_in_toc": True,
    "use_download_button": False,
    "show_toc_level": 2,
    "announcement": {announcement!r},
}}
html_context = {{"default_mode": "auto"}}  # else the theme logs an error on a first visit
html_static_path = []
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["mystnb.unknown_mime_type"]
"""


def notebook_title(notebook: nbformat.NotebookNode) -> tuple[str, str]:
    """The first H1 of a notebook and the paragraph that follows it."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if lines and lines[0].startswith("# "):
            paragraph = []
            for line in lines[1:]:
                if paragraph and not line.strip():
                    break
                if line.strip():
                    paragraph.append(line.strip())
            return lines[0][2:].strip(), " ".join(paragraph)
    return "", ""


#: Pages a reviewer reads first, in this order; the others follow in the notebooks' order.
_FIRST = ("05_report", "07_paper_rerun")


def _order(path: Path) -> tuple[int, str]:
    """The report first, then the paper's results re-run, then the notebooks in their order."""
    return (_FIRST.index(path.stem) if path.stem in _FIRST else len(_FIRST), path.name)


def _value(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _parameter_table(spec: dict[str, dict[str, Any]], values: dict[str, Any]) -> str:
    """The parameters a notebook ran with, and what each means: a small folded HTML table."""
    rows = [
        f"<tr><td><code>{html.escape(name)}</code></td>"
        f"<td><code>{html.escape(_value(values.get(name, _default(info['default']))))}</code></td>"
        f"<td>{html.escape(info['help'])}</td></tr>"
        for name, info in spec.items()
        if name not in RESERVED
    ]
    if not rows:
        return ""
    return (
        f'<details class="run-parameters"><summary>Parameters of this run ({len(rows)})</summary>'
        "<table><thead><tr><th>parameter</th><th>value</th><th>meaning</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def _is_anchor(output: dict) -> bool:
    """Whether an output is the invisible mark of the claims a cell recorded."""
    text = output.get("data", {}).get("text/html", "")
    text = "".join(text) if isinstance(text, list) else text
    return text.startswith('<span id="claim-')


def for_reader(
    notebook: nbformat.NotebookNode,
    spec: dict[str, dict[str, Any]],
    values: dict[str, Any],
) -> nbformat.NotebookNode:
    """A copy of an executed notebook prepared for the book.

    Every code cell is folded (``hide-input``: one click shows the code), its claim
    anchors (:class:`helpers.pipeline.results.Estimates`) first among its outputs; the
    ``parameters`` cell and papermill's ``injected-parameters`` cell give way to
    one Markdown table of the parameters the notebook ran with.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        An executed notebook (it is not changed).
    spec : dict
        Its declared parameters (:func:`helpers.pipeline.parameters.notebook_parameters`).
    values : dict
        The values it ran with (``provenance.json``'s parameters); a parameter
        without one shows its declared default.
    """
    import nbformat

    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    cells = []
    for cell in copy.cells:
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and (_PARAMETERS in tags or _INJECTED in tags):
            if _PARAMETERS in tags and (table := _parameter_table(spec, values)):
                cells.append(nbformat.v4.new_markdown_cell(table, id=f"{cell.id}-table"))
            cell.metadata["tags"] = [*tags, _REMOVE]
        elif cell.cell_type == "code":
            cell.metadata["tags"] = [*tags, _HIDE_INPUT]
            # the claims' anchors first, so a link lands on the cell, not below its output
            cell.outputs = sorted(cell.get("outputs", []), key=lambda out: not _is_anchor(out))
        cells.append(cell)
    copy.cells = cells
    return copy


def departures(record: dict[str, Any], specs: dict[str, dict[str, dict[str, Any]]]) -> dict:
    """The parameters a run set away from the paper's specification: ``{name: value}``.

    The paper's specification is each notebook's declared default;
    ``record`` is the run's ``provenance.json``.
    """
    changed: dict[str, Any] = {}
    for notebook, values in record.get("parameters", {}).items():
        for name, value in values.items():
            info = specs.get(notebook, {}).get(name)
            if name in RESERVED or info is None:
                continue
            if _value(value) != _value(_default(info["default"])):
                changed[name] = value
    return dict(sorted(changed.items()))


def _default(text: str) -> Any:
    return ast.literal_eval(text)


def _announcement(record: dict[str, Any] | None, changed: dict[str, Any]) -> str:
    if record is not None and record["data"]["synthetic"] is False:
        data = "Data: a raw export without a synthetic-data manifest. Outputs are aggregates only."
    else:
        data = (
            "<strong>SYNTHETIC DATA.</strong> These results come from synthetic data calibrated "
            "to the paper: agreement with the paper checks the pipeline, it is not evidence."
        )
    if changed:
        named = ", ".join(f"{name} = {html.escape(_value(v))}" for name, v in changed.items())
        data += f" <strong>Departs from the paper's specification:</strong> {named}."
    return data


def _landing(pages: list[tuple[str, str, str]], output_dir: Path) -> str:
    """The landing page: what the book holds, each page with its first paragraph, the files."""
    items = "\n".join(f"- [{title}]({stem}.ipynb): {paragraph}" for stem, title, paragraph in pages)
    files = "\n".join(
        f'<li><a href="../{name}"><code>{name}</code></a>: {description}</li>'
        for name, description in _FILES
        if (output_dir / name).exists()
    )
    toctree = "\n".join(stem for stem, _, _ in pages)
    return f"""# {BOOK_TITLE}

A replication of Sagui-Henson et al. (2022), *Understanding components of
therapeutic alliance and well-being from use of a global digital mental health
benefit during the COVID-19 pandemic*, Journal for Technology in Behavioral
Science 7, 439–450. Each page is a notebook as it ran; its code is folded, one
click away.

{items}

## Files of this run

```{{raw}} html
<ul>
{files}
</ul>
```

```{{toctree}}
:hidden:
:maxdepth: 1

{toctree}
```
"""


#: Modules the build imports, loaded by :class:`BookBuilder`'s process while it waits.
_BUILD_MODULES = (
    "nbformat",
    "papermill",  # the notebooks' declared parameters (helpers.pipeline.parameters)
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "myst_nb",
    "myst_nb.sphinx_ext",
    "sphinx_book_theme",
)


class BookBuilder:
    """A process of its own that builds one book; started early, it imports Sphinx meanwhile.

    Sphinx, myst-nb and the theme take seconds to import, and Sphinx registers
    docutils nodes globally, once per process, so each book is built in a new
    process (``python -m helpers.pipeline.book``). Started while the notebooks
    run, the process imports them on the idle core; :meth:`build` then hands it
    the output directory, and only the build itself is left to wait for.
    """

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "helpers.pipeline.book"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @property
    def pid(self) -> int:
        """The builder's process id."""
        return self._process.pid

    def build(self, output_dir: str | Path) -> Path:
        """Build ``<output_dir>/site/`` (:func:`build_book`); the process ends with it."""
        if self._process.poll() is not None:
            raise RuntimeError("this book builder has already built its book")
        out, err = self._process.communicate(f"{Path(output_dir).resolve()}\n")
        result = json.loads(out) if out.strip() else {}
        reported = (err + result.get("reported", "")).strip()
        status = self._process.returncode
        if status or reported or "index" not in result:
            first = reported.splitlines()[0] if reported else f"exit status {status}"
            raise RuntimeError(f"the book did not build cleanly: {first}")
        return Path(result["index"])

    def stop(self) -> None:
        """End the process unless it built its book (a run that failed or was interrupted)."""
        if self._process.returncode is None:  # not yet collected by build()
            if self._process.poll() is None:
                self._process.kill()
            self._process.communicate()


def build_book(output_dir: str | Path, builder: BookBuilder | None = None) -> Path:
    """Build ``<output_dir>/site/`` from ``<output_dir>/notebooks/*.ipynb``; return its index.

    Parameters
    ----------
    output_dir : path
        A run's output directory (its executed notebooks, ``provenance.json``).
    builder : BookBuilder, optional
        A builder started earlier, its imports done; by default one is started here.

    Raises
    ------
    ValueError
        If the output directory holds no executed notebooks.
    RuntimeError
        If Sphinx reports a warning or an error: the book would be incomplete.
    """
    output_dir = Path(output_dir)
    if not any((output_dir / "notebooks").glob("*.ipynb")):
        raise ValueError(f"{output_dir / 'notebooks'}: no executed notebooks to render")
    builder = builder if builder is not None else BookBuilder()
    try:
        return builder.build(output_dir)
    finally:
        builder.stop()


def _build_here(output_dir: Path) -> tuple[Path, str]:
    """Build the book in this process: the index, and what Sphinx reported (its warnings)."""
    import nbformat
    from sphinx.cmd.build import main as sphinx_main

    notebooks = sorted((output_dir / "notebooks").glob("*.ipynb"), key=_order)
    provenance = output_dir / "provenance.json"
    record = json.loads(provenance.read_text(encoding="utf-8")) if provenance.exists() else None
    specs = {path.name: notebook_parameters(path) for path in notebooks}
    site = output_dir / "site"
    with tempfile.TemporaryDirectory(prefix="book-") as scratch:
        source = Path(scratch) / "source"
        source.mkdir()
        pages = []
        for path in notebooks:
            notebook = nbformat.read(path, as_version=4)
            values = (record or {}).get("parameters", {}).get(path.name, {})
            nbformat.write(for_reader(notebook, specs[path.name], values), source / path.name)
            pages.append((path.stem, *notebook_title(notebook)))
        announcement = _announcement(record, departures(record or {}, specs))
        (source / "conf.py").write_text(
            _CONF.format(title=BOOK_TITLE, announcement=announcement), encoding="utf-8"
        )
        (source / "index.md").write_text(_landing(pages, output_dir), encoding="utf-8")
        built_site = Path(scratch) / "html"  # myst-nb writes beside it (jupyter_execute/)
        warnings = io.StringIO()
        with contextlib.redirect_stderr(warnings):
            status = sphinx_main(
                [
                    *("--builder", "html", "--quiet", "--no-color"),
                    *("--fresh-env", "--doctree-dir", str(Path(scratch) / "doctrees")),
                    *(str(source), str(built_site)),
                ]
            )
        reported = warnings.getvalue().replace(str(source), "book").strip()
        if status and not reported:
            reported = f"Sphinx stopped with exit status {status}"
        if reported:
            return site / "index.html", reported
        (built_site / ".buildinfo").unlink(missing_ok=True)  # Sphinx's cache key
        if site.exists():
            shutil.rmtree(site)
        shutil.copytree(built_site, site)
    sources = site / "_sources"
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()
    return site / "index.html", ""


def _serve() -> int:
    """:class:`BookBuilder`'s process: import Sphinx, wait for an output directory, build.

    Writes one JSON line, ``{"index": ..., "reported": ...}``; ends without building
    when the runner closes the pipe (a run that failed or was interrupted).
    """
    skip_iri_grammar()
    for module in _BUILD_MODULES:
        importlib.import_module(module)
    line = sys.stdin.readline().strip()
    if not line:
        return 0
    index, reported = _build_here(Path(line))
    sys.stdout.write(json.dumps({"index": str(index), "reported": reported}))
    return 0


if __name__ == "__main__":
    status = _serve()
    sys.stdout.flush()
    sys.stderr.flush()
    # the book is written and the scratch folder gone: skip the interpreter's teardown of
    # Sphinx's modules, which the run would wait for (half a second)
    os._exit(status)
