"""The reviewer's book: notebooks prepared for reading, banners, a clean offline build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import psutil
import pytest
from fresh_process import python_output

from helpers.pipeline.book import BookBuilder, build_book, departures, for_reader

SPEC = {
    "data_dir": {"type": "str", "default": '"../data/synthetic"', "help": "raw data"},
    "who5_cutoff": {"type": "int", "default": "28", "help": "WHO-5 cut-off"},
    "alpha_level": {"type": "float", "default": "0.05", "help": "significance level"},
}


def _notebook(title: str = "# A page\n\nWhat this page shows.") -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('data_dir = "x"\nwho5_cutoff = 28', id="parameters")
    parameters.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell('# Parameters\ndata_dir = "$DATA_DIR"', id="injected")
    injected.metadata["tags"] = ["injected-parameters"]
    result = nbformat.v4.new_code_cell("1 + 1", id="result", execution_count=3)
    result.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    notebook.cells = [
        nbformat.v4.new_markdown_cell(title, id="title"),
        parameters,
        injected,
        result,
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def test_code_is_folded_and_parameters_become_one_table():
    prepared = for_reader(_notebook(), SPEC, {"who5_cutoff": 32})
    kinds = [(cell.cell_type, cell.metadata.get("tags", [])) for cell in prepared.cells]
    assert kinds[2] == ("code", ["parameters", "remove-cell"])
    assert kinds[3] == ("code", ["injected-parameters", "remove-cell"])
    assert kinds[4] == ("code", ["hide-input"])
    table = prepared.cells[1].source
    assert table.startswith('<details class="run-parameters"><summary>Parameters of this run (2)')
    assert "<td><code>who5_cutoff</code></td><td><code>32</code></td>" in table
    assert "<td><code>alpha_level</code></td><td><code>0.05</code></td>" in table  # the default
    assert "data_dir" not in table  # set by the runner, and a path
    assert _notebook().cells[3].metadata == {}  # the executed notebook itself is untouched


def test_departures_name_each_parameter_set_away_from_the_paper():
    record = {"parameters": {"a.ipynb": {"who5_cutoff": 32, "alpha_level": 0.05, "data_dir": "d"}}}
    assert departures(record, {"a.ipynb": SPEC}) == {"who5_cutoff": 32}
    assert departures({"parameters": {"a.ipynb": {"who5_cutoff": 28}}}, {"a.ipynb": SPEC}) == {}


def _output_dir(root: Path, synthetic: bool, parameters: dict) -> Path:
    output = root / "out"
    (output / "notebooks").mkdir(parents=True)
    for name in ("05_report", "01_cohort"):
        nbformat.write(
            _notebook(f"# {name}\n\nAbout {name}."), output / "notebooks" / f"{name}.ipynb"
        )
    record = {"data": {"synthetic": synthetic}, "parameters": {"01_cohort.ipynb": parameters}}
    (output / "provenance.json").write_text(json.dumps(record), encoding="utf-8")
    return output


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_the_book_is_offline_deterministic_and_bannered(tmp_path):
    first = _output_dir(tmp_path / "a", synthetic=False, parameters={"who5_cutoff": 32})
    index = build_book(first)
    pages = {"index.html", "05_report.html", "01_cohort.html", "search.html", "searchindex.js"}
    assert pages <= set(_pages(first / "site"))
    for name in ("index.html", "05_report.html", "01_cohort.html"):
        text = (first / "site" / name).read_text(encoding="utf-8")
        assert "Departs from the paper’s specification:</strong> who5_cutoff = 32" in text or (
            "Departs from the paper's specification:</strong> who5_cutoff = 32" in text
        ), name
        assert "raw export without a synthetic-data manifest" in text
        assert not re.search(r'(?:src|href)="https?://', text), name
        assert str(tmp_path) not in text
    landing = index.read_text(encoding="utf-8")
    assert landing.index("05_report.html") < landing.index("01_cohort.html")  # report first
    second = _output_dir(tmp_path / "b", synthetic=False, parameters={"who5_cutoff": 32})
    build_book(second)
    assert _pages(first / "site") == _pages(second / "site")


def test_a_synthetic_run_at_the_papers_values_says_synthetic_only(tmp_path):
    output = _output_dir(tmp_path, synthetic=True, parameters={"who5_cutoff": 28})
    text = build_book(output).read_text(encoding="utf-8")
    assert "SYNTHETIC DATA." in text and "Departs from" not in text


def test_a_book_that_does_not_build_cleanly_stops_with_its_first_warning(tmp_path):
    output = _output_dir(tmp_path, synthetic=True, parameters={})
    broken = _notebook("# Broken\n\n```{nonexistent-directive}\nx\n```")
    nbformat.write(broken, output / "notebooks" / "02_broken.ipynb")
    with pytest.raises(RuntimeError, match=r"the book did not build cleanly: .*nonexistent"):
        build_book(output)


def test_no_notebooks_no_book(tmp_path):
    with pytest.raises(ValueError, match="no executed notebooks to render"):
        build_book(tmp_path)


# --- the builder: a process of its own, started early ---------------------------------------


def test_a_builder_started_early_builds_the_same_book_as_one_started_at_the_end(tmp_path):
    early = BookBuilder()  # imports Sphinx while the "notebooks" are written
    first = _output_dir(tmp_path / "a", synthetic=True, parameters={"who5_cutoff": 32})
    second = _output_dir(tmp_path / "b", synthetic=True, parameters={"who5_cutoff": 32})
    build_book(first, early)
    build_book(second)
    assert _pages(first / "site") == _pages(second / "site")
    assert not psutil.pid_exists(early.pid)  # ended, and collected
    with pytest.raises(RuntimeError, match="already built its book"):
        early.build(first)


def test_a_builder_that_is_never_asked_ends_and_writes_nothing(tmp_path):
    output = _output_dir(tmp_path, synthetic=True, parameters={})
    stopped = BookBuilder()
    stopped.stop()  # a run that failed before its book: the process is ended at once
    assert not psutil.pid_exists(stopped.pid)
    orphan = BookBuilder()
    orphan._process.stdin.close()  # the runner died: the builder reads the end of its input
    assert orphan._process.wait(timeout=60) == 0
    assert not (output / "site").exists()


def test_the_builder_does_not_build_the_iri_grammar_but_validates_notebooks():
    code = (
        "import io, sys\n"
        "from helpers.pipeline import book\n"
        "sys.stdin = io.StringIO('')\n"  # no request: import, then end
        "book._serve()\n"
        "import nbformat\n"
        "notebook = nbformat.v4.new_notebook()\n"
        "nbformat.validate(notebook)\n"
        "notebook.cells = [{'cell_type': 'code'}]\n"
        "try:\n"
        "    nbformat.validate(notebook)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid refused')\n"
        "print(sys.modules['rfc3987_syntax'], 'sphinx.application' in sys.modules)\n"
    )
    shown = python_output(code)
    assert shown == "invalid refused\nNone True\n"
