"""Run the notebooks with papermill on any raw data directory (``make replicate``).

Papermill only warns about a parameter a notebook does not declare; a typo
would silently run the default analysis. Here every parameter is checked
against the notebooks' ``parameters`` cells first: an unknown name or a value
of the wrong type stops the run with one clear error.

Command line::

    python -m helpers.pipeline.run --data-dir DATA --output-dir OUT [-p name value ...]
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
import yaml

from helpers import claims
from helpers.paths import NOTEBOOK_DIR
from helpers.pipeline.provenance import add_parameters
from helpers.pipeline.results import assemble
from helpers.pipeline.site import render_site

__all__ = [
    "KERNEL",
    "NOTEBOOKS",
    "REPORT",
    "WHATIF",
    "check_parameters",
    "effective_parameters",
    "notebook_parameters",
    "recorded_parameters",
    "run_all",
    "run_whatif",
    "strip_volatile_metadata",
]

#: The report runs last: it reads what the others wrote, and is told how they ran.
REPORT = "05_report.ipynb"
#: The notebooks, in the order they run: those that write claims, then the report.
NOTEBOOKS = (*(f"{name}.ipynb" for name in claims.NOTEBOOKS), REPORT)
#: The students' what-if notebook (power, multiverse): run on its own by ``make whatif``.
WHATIF = "06_whatif.ipynb"
#: Parameters the runner sets itself.
RESERVED = ("data_dir", "output_dir", "run_parameters")
KERNEL = "sagui-henson-2022"

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
}


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares: ``{name: {"type", "default", "help"}}``."""
    inspected = pm.inspect_notebook(str(notebook))
    return {
        name: {
            "type": info["inferred_type_name"],
            "default": info["default"],
            "help": info["help"],
        }
        for name, info in inspected.items()
    }


def check_parameters(
    parameters: dict[str, Any], notebooks: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Split ``parameters`` per notebook, refusing unknown names and wrong types.

    Parameters
    ----------
    parameters : dict
        Name to value, as given by the user.
    notebooks : dict
        Notebook name to its declared parameters (:func:`notebook_parameters`).

    Returns
    -------
    dict
        Notebook name to the parameters it takes.

    Raises
    ------
    ValueError
        Naming the parameter, what was given, and what the notebooks accept.
    """
    declared: dict[str, str] = {}
    for spec in notebooks.values():
        for name, info in spec.items():
            declared.setdefault(name, info["type"])
    for name, value in parameters.items():
        if name not in declared:
            known = ", ".join(sorted(declared))
            raise ValueError(f"unknown parameter {name!r}; the notebooks take: {known}")
        expected = declared[name]
        allowed = _TYPES.get(expected)
        wrong_bool = isinstance(value, bool) and expected != "bool"
        if allowed is not None and (wrong_bool or not isinstance(value, allowed)):
            raise ValueError(
                f"parameter {name!r} must be {expected}, got {type(value).__name__} {value!r}"
            )
    return {
        notebook: {name: value for name, value in parameters.items() if name in spec}
        for notebook, spec in notebooks.items()
    }


def effective_parameters(
    notebook: str | Path, given: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The parameters a notebook runs with: its declared defaults, overridden by ``given``.

    Examples
    --------
    >>> effective_parameters(NOTEBOOK_DIR / "03_aim2_wellbeing.ipynb", {"who5_cutoff": 32})[
    ...     "who5_cutoff"]
    32
    """
    defaults = {
        name: ast.literal_eval(info["default"])
        for name, info in notebook_parameters(Path(notebook)).items()
    }
    return {**defaults, **(given or {})}


def recorded_parameters(
    run_parameters: str, data_dir: str | Path, output_dir: str | Path
) -> dict[str, dict[str, Any]]:
    """Every notebook's parameters, for ``provenance.json``.

    Parameters
    ----------
    run_parameters : str
        JSON that :func:`run_all` passes to the report; empty when the
        notebooks were run by hand (or by nbval) with their defaults, in which
        case the declared defaults are recorded, with ``data_dir`` and
        ``output_dir`` as the report has them.
    """
    if run_parameters:
        try:
            recorded = json.loads(run_parameters)
        except json.JSONDecodeError as error:
            raise ValueError(f"run_parameters is not JSON: {error}") from None
        if not isinstance(recorded, dict):
            raise ValueError("run_parameters must be a JSON object: notebook -> parameters")
        return recorded
    places = {"data_dir": str(data_dir), "output_dir": str(output_dir)}
    return {name: effective_parameters(NOTEBOOK_DIR / name, places) for name in NOTEBOOKS}


def _checked_run(
    data_dir: str | Path, output_dir: str | Path, parameters: dict[str, Any] | None
) -> tuple[Path, Path, dict[str, Any]]:
    """Absolute directories and the user's parameters, refusing what the runner sets itself."""
    data_dir, output_dir = Path(data_dir).resolve(), Path(output_dir).resolve()
    if not data_dir.is_dir():
        raise ValueError(f"data_dir: {data_dir} is not a directory")
    given = dict(parameters or {})
    for reserved in RESERVED:
        if reserved in given:
            raise ValueError(f"{reserved} is set by the runner, not as a parameter")
    return data_dir, output_dir, given


def _execute(name: str, target: Path, parameters: dict[str, Any], progress_bar: bool) -> None:
    """Run one notebook with papermill into ``target``, then strip its run timestamps."""
    pm.execute_notebook(
        str(NOTEBOOK_DIR / name),
        str(target),
        parameters=parameters,
        kernel_name=KERNEL,
        progress_bar=progress_bar,
        cwd=str(NOTEBOOK_DIR),
    )
    strip_volatile_metadata(target)


def run_all(
    data_dir: str | Path,
    output_dir: str | Path,
    parameters: dict[str, Any] | None = None,
    notebooks: tuple[str, ...] = NOTEBOOKS,
    progress_bar: bool = True,
) -> Path:
    """Execute every notebook into ``output_dir``, then render the site.

    The analysis notebooks run first; the report then assembles
    ``estimates.csv``, writes ``scorecard.csv`` and ``provenance.json``
    (told every notebook's parameters), and the executed notebooks, stripped
    of run timestamps, are rendered to ``<output_dir>/site/``.

    Returns
    -------
    pathlib.Path
        The assembled ``estimates.csv``.
    """
    data_dir, output_dir, given = _checked_run(data_dir, output_dir, parameters)
    specs = {name: notebook_parameters(NOTEBOOK_DIR / name) for name in notebooks}
    per_notebook = check_parameters(given, specs)
    places = {"data_dir": str(data_dir), "output_dir": str(output_dir)}
    effective = {
        name: effective_parameters(NOTEBOOK_DIR / name, {**per_notebook[name], **places})
        for name in notebooks
    }
    executed = output_dir / "notebooks"
    executed.mkdir(parents=True, exist_ok=True)
    for name in notebooks:
        run = {**per_notebook[name], **places}
        if name == REPORT:
            run["run_parameters"] = json.dumps(effective, sort_keys=True)
        _execute(name, executed / name, run, progress_bar)
    if REPORT not in notebooks:
        assemble(output_dir)
    render_site(output_dir)
    return output_dir / "estimates.csv"


def run_whatif(
    data_dir: str | Path,
    output_dir: str | Path,
    parameters: dict[str, Any] | None = None,
    progress_bar: bool = True,
) -> Path:
    """Execute the what-if notebook into ``output_dir`` and add it to the site.

    Returns
    -------
    pathlib.Path
        The executed notebook.
    """
    data_dir, output_dir, given = _checked_run(data_dir, output_dir, parameters)
    per_notebook = check_parameters(given, {WHATIF: notebook_parameters(NOTEBOOK_DIR / WHATIF)})
    executed = output_dir / "notebooks" / WHATIF
    executed.parent.mkdir(parents=True, exist_ok=True)
    run = {"data_dir": str(data_dir), "output_dir": str(output_dir), **per_notebook[WHATIF]}
    _execute(WHATIF, executed, run, progress_bar)
    if (output_dir / "provenance.json").exists():
        add_parameters(output_dir, WHATIF, effective_parameters(NOTEBOOK_DIR / WHATIF, run))
    render_site(output_dir)
    return executed


#: Cell metadata that records when a run happened, not what it computed.
VOLATILE_CELL_METADATA = ("papermill", "execution")


def strip_volatile_metadata(notebook: str | Path) -> None:
    """Remove run timestamps and durations so a re-executed notebook has stable bytes.

    Papermill and the kernel client stamp every cell with start and end
    times; the committed notebooks keep only what the code computed.
    """
    path = Path(notebook)
    content = nbformat.read(path, as_version=4)
    content.metadata.pop("papermill", None)
    for cell in content.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nbformat.write(content, path)


def _read_value(text: str) -> Any:
    """YAML for numbers and booleans; dates stay the text they were written as."""
    value = yaml.safe_load(text)
    return text if isinstance(value, dt.date) else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data-dir", type=Path, help="raw data directory")
    parser.add_argument("--output-dir", type=Path, help="where results go")
    parser.add_argument(
        "--strip",
        nargs="+",
        type=Path,
        metavar="NOTEBOOK",
        help="only remove run timestamps from these notebooks (make notebooks)",
    )
    parser.add_argument(
        "--whatif",
        action="store_true",
        help="run the what-if notebook (power, multiverse) instead of the replication",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a notebook parameter; VALUE is read as YAML (28, 0.05, true, text)",
    )
    arguments = parser.parse_args(argv)
    if arguments.strip:
        for notebook in arguments.strip:
            strip_volatile_metadata(notebook)
        return 0
    if arguments.data_dir is None or arguments.output_dir is None:
        parser.error("--data-dir and --output-dir are required")
    parameters = {name: _read_value(value) for name, value in arguments.parameter}
    runner, name = (run_whatif, "make whatif") if arguments.whatif else (run_all, "make replicate")
    try:
        path = runner(arguments.data_dir, arguments.output_dir, parameters)
    except ValueError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
