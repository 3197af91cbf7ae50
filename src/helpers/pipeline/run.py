"""Run the notebooks with papermill on any raw data directory (``make replicate``, ``make whatif``).

A run is checked before it starts and atomic when it ends:

1. Every parameter's name, type and value is checked against the notebooks'
   ``parameters`` cells and :data:`helpers.pipeline.parameters.RULES`.
2. ``OUTPUT_DIR`` is locked, must not overlap ``DATA_DIR``, and may hold only
   what an earlier run wrote (:mod:`helpers.pipeline.outputs`).
3. The notebooks run into a staging folder; the executed notebooks are
   scrubbed of machine paths, the site is rendered, and only then does the
   staging folder replace ``OUTPUT_DIR``. A failure leaves ``OUTPUT_DIR`` as
   it was and keeps the failed run next to it; an interrupt (Ctrl-C, a kill
   of the runner or of ``make``) ends the kernels and leaves nothing behind.

The command line starts the kernel before it imports anything heavy
(:mod:`helpers.pipeline.kernel`): the kernel boots and imports what the notebooks
import while the runner loads papermill and checks the parameters. The book's
builder starts with the notebooks and imports Sphinx on the other core
(:class:`helpers.pipeline.book.BookBuilder`), and each executed notebook is
scrubbed while the kernel runs the next.

Command line::

    python -m helpers.pipeline.run --data-dir DATA --output-dir OUT [-p name value ...]
    python -m helpers.pipeline.run --from-env     # DATA_DIR, OUTPUT_DIR, PARAMS from make
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import json
import os
import shlex
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only what a run needs before it starts the kernel: papermill, nbformat and the engine are
# imported where they are used, while the kernel boots (main() starts it first thing).
from helpers import claims
from helpers.paths import NOTEBOOK_DIR
from helpers.pipeline.book import BookBuilder, build_book
from helpers.pipeline.kernel import StartedKernel, notebook_imports, start_kernel
from helpers.pipeline.lean import skip_iri_grammar
from helpers.pipeline.outputs import (
    DATA_PLACEHOLDER,
    OUTPUT_PLACEHOLDER,
    Staging,
    check_output_dir,
    check_places,
    locked,
    scrub_notebook,
    scrubbed,
)
from helpers.pipeline.parameters import (
    RESERVED,
    add_parameter_option,
    check_parameters,
    effective_parameters,
    notebook_parameters,
    parse_value,
)

if TYPE_CHECKING:
    import nbformat

__all__ = [
    "KERNEL",
    "NOTEBOOKS",
    "REPORT",
    "RERUN",
    "WHATIF",
    "Interrupted",
    "NotebookFailed",
    "run_all",
    "run_whatif",
]

#: The report runs after the notebooks that write claims: it reads what they wrote, and is
#: told how they ran.
REPORT = "05_report.ipynb"
#: The paper's Results section re-run: each printed number beside this run's (reads the scorecard).
RERUN = "07_paper_rerun.ipynb"
#: The notebooks, in the order they run: those that write claims, the report, the re-run.
NOTEBOOKS = (*(f"{name}.ipynb" for name in claims.NOTEBOOKS), REPORT, RERUN)
#: The students' what-if notebook (power, multiverse): run on its own by ``make whatif``.
WHATIF = "06_whatif.ipynb"
KERNEL = "sagui-henson-2022"
#: The kernel keeps its log to itself: no "Kernel is running over TCP without encryption",
#: and no error log of a kernel stopped mid-cell when the run is interrupted.
_KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


class Interrupted(BaseException):
    """The run was stopped by a signal (Ctrl-C, SIGTERM, or ``make`` dying)."""


class NotebookFailed(Exception):
    """A notebook stopped with an error; the message says which, where and why, in one line."""


# --- signals -------------------------------------------------------------------------


def _raise_interrupted(signum: int, _frame: Any) -> None:
    raise Interrupted("interrupted" if signum == signal.SIGINT else signal.Signals(signum).name)


def _end_with_parent() -> None:
    """Ask Linux to send SIGTERM when ``make`` (the parent) dies, however it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: Ctrl-C and SIGTERM still work
        pass


def _handle_signals() -> None:
    # Ctrl-C too: with Python's own handler in place, asyncio (which jupyter_client runs
    # to start and stop the kernel) swaps in its handler, and an interrupt that lands
    # there can end the process by the signal instead of this runner's cleanup
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_interrupted)
    _end_with_parent()


# --- running --------------------------------------------------------------------------


def _places(data_dir: str | Path, output_dir: str | Path) -> tuple[Path, Path]:
    data_dir, output_dir = Path(data_dir).resolve(), Path(output_dir).resolve()
    if not data_dir.is_dir():
        raise ValueError(f"DATA_DIR ({data_dir}) is not a directory")
    check_places(data_dir, output_dir)
    return data_dir, output_dir


def _step_of(notebook: nbformat.NotebookNode, index: int) -> str:
    """The heading of the section a cell belongs to, for naming the failed step."""
    for cell in reversed(notebook.cells[: index + 1]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return "the first cells"


def _execute(name: str, target: Path, parameters: dict[str, Any], say: Callable) -> None:
    """Run one notebook into ``target``; a failure becomes one :class:`NotebookFailed` line."""
    import nbformat
    import papermill as pm

    from helpers.pipeline.engine import ENGINE

    started = time.perf_counter()
    say(f"  running {Path(name).stem} …")
    try:
        pm.execute_notebook(
            str(NOTEBOOK_DIR / name),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL,
            engine_name=ENGINE,
            progress_bar=False,
            cwd=str(NOTEBOOK_DIR),
        )
    except pm.PapermillExecutionError as error:
        executed = nbformat.read(target, as_version=4)
        cause = f"{error.ename}: {str(error.evalue).splitlines()[0] if error.evalue else ''}"
        raise NotebookFailed(
            f'{Path(name).stem} failed at the step "{_step_of(executed, error.cell_index)}" '
            f"(cell {error.cell_index + 1}): {cause}"
        ) from error
    say(f"  {Path(name).stem} done in {time.perf_counter() - started:.0f} s")


def _replacements(data_dir: Path, stage: Path) -> dict[str, str]:
    return {str(stage): OUTPUT_PLACEHOLDER, str(data_dir): DATA_PLACEHOLDER}


def _kernel(notebooks: tuple[str, ...]) -> StartedKernel:
    """Start the run's kernel, importing what ``notebooks`` import while the runner goes on."""
    imports = notebook_imports(NOTEBOOK_DIR / name for name in notebooks)
    return start_kernel(KERNEL, NOTEBOOK_DIR, _KERNEL_ARGUMENTS, warm_up=imports)


def _run_in_stage(
    staging: Staging,
    data_dir: Path,
    runs: list[tuple[str, dict[str, Any]]],
    say: Callable,
    kernel: StartedKernel,
) -> None:
    """Execute ``runs`` (notebook, parameters) into the staging folder, scrub, render.

    Each notebook is scrubbed as soon as it ran, while the kernel runs the next.
    """
    from helpers.pipeline.engine import warm_kernel

    stage = staging.path
    (stage / "notebooks").mkdir(exist_ok=True)
    replacements = _replacements(data_dir, stage)
    with warm_kernel(KERNEL, NOTEBOOK_DIR, _KERNEL_ARGUMENTS, started=kernel):  # one for all
        for name, parameters in runs:
            _execute(name, stage / "notebooks" / name, parameters, say)
            scrub_notebook(stage / "notebooks" / name, replacements)


def _book(output_dir: Path, say: Callable, builder: BookBuilder) -> None:
    """Build the book of ``output_dir``, saying so and how long it took."""
    say("  building the book …")
    started = time.perf_counter()
    build_book(output_dir, builder)
    say(f"  the book built in {time.perf_counter() - started:.1f} s")


def _verdict_counts(card: Path) -> Counter:
    """How many claims of a scorecard have each verdict, most frequent first."""
    with open(card, newline="", encoding="utf-8") as handle:
        return Counter(row["verdict"] for row in csv.DictReader(handle))


def _summary(output_dir: Path, given: dict[str, Any], scorecard: bool = True) -> list[str]:
    """The closing lines: where the results are, the verdict counts, the changed parameters."""
    lines = [f"wrote {output_dir}; open {output_dir / 'site' / 'index.html'}"]
    card = output_dir / "scorecard.csv"
    if scorecard and card.exists():
        verdicts = _verdict_counts(card).most_common()
        lines.append("scorecard: " + ", ".join(f"{count} {verdict}" for verdict, count in verdicts))
    lines.append(
        "parameters that differ from the paper's: "
        + (", ".join(f"{name} = {value!r}" for name, value in sorted(given.items())) or "none")
    )
    return lines


def _guarded(
    output_dir: Path, run: Callable[[Staging, BookBuilder], None], start_from_current: bool
) -> None:
    """Lock, stage, run, publish; on failure keep the staging folder, on interrupt drop it.

    The book's builder starts with the run, so it imports Sphinx while the notebooks
    run; it is stopped, if it did not build, whatever happens.
    """
    with locked(output_dir):
        check_output_dir(output_dir)
        staging = Staging(output_dir, start_from_current=start_from_current)
        builder = BookBuilder()
        try:
            run(staging, builder)
        except (Interrupted, KeyboardInterrupt):
            builder.stop()
            staging.discard()
            raise Interrupted(f"interrupted; {output_dir} was left as it was") from None
        except Exception as error:
            builder.stop()
            failed = staging.keep_failed()
            raise NotebookFailed(
                f"{error} — {output_dir} was left as it was; the failed run, with each "
                f"notebook's full traceback, is in {failed}"
            ) from error
        staging.publish()


def run_all(
    data_dir: str | Path,
    output_dir: str | Path,
    parameters: dict[str, Any] | None = None,
    notebooks: tuple[str, ...] = NOTEBOOKS,
    say: Callable = lambda _text: None,
    kernel: StartedKernel | None = None,
) -> Path:
    """Execute every notebook into ``output_dir``, atomically, then build the book.

    The analysis notebooks run first; the report then assembles
    ``estimates.csv``, writes ``scorecard.csv`` and ``provenance.json`` (told
    every notebook's parameters), and the executed notebooks, scrubbed of run
    timestamps and machine paths, are built into the book ``<output_dir>/site/``
    (:func:`helpers.pipeline.book.build_book`, by a process started when the
    notebooks start, which imports Sphinx meanwhile).

    Parameters
    ----------
    say : callable
        Where progress lines go (the command line prints them).
    kernel : StartedKernel, optional
        The kernel for the notebooks, started earlier (:func:`main` starts it before
        its own imports); by default one is started, importing what the notebooks
        import, once the parameters are checked. Either way the run shuts it down.

    Returns
    -------
    pathlib.Path
        The assembled ``estimates.csv``.

    Raises
    ------
    ValueError
        Before anything runs: a bad parameter, directory or lock.
    NotebookFailed
        A notebook stopped; ``output_dir`` is as it was.
    """
    try:
        data_dir, output_dir = _places(data_dir, output_dir)
        given = dict(parameters or {})
        specs = {name: notebook_parameters(NOTEBOOK_DIR / name) for name in notebooks}
        per_notebook = check_parameters(given, specs)
        if kernel is None:
            kernel = _kernel(notebooks)

        def run(staging: Staging, builder: BookBuilder) -> None:
            places = {"data_dir": str(data_dir), "output_dir": str(staging.path)}
            effective = {
                name: effective_parameters(NOTEBOOK_DIR / name, {**per_notebook[name], **places})
                for name in notebooks
            }
            recorded = scrubbed(effective, _replacements(data_dir, staging.path))
            runs = []
            for name in notebooks:
                run_parameters = {**per_notebook[name], **places}
                if name == REPORT:
                    run_parameters["run_parameters"] = json.dumps(recorded, sort_keys=True)
                runs.append((name, run_parameters))
            _run_in_stage(staging, data_dir, runs, say, kernel)
            if REPORT not in notebooks:
                from helpers.pipeline.results import assemble  # pandas: only on this path

                assemble(staging.path)
            _book(staging.path, say, builder)

        _guarded(output_dir, run, start_from_current=False)
    finally:
        if kernel is not None:
            kernel.stop()
    for line in _summary(output_dir, given):
        say(line)
    return output_dir / "estimates.csv"


def run_whatif(
    data_dir: str | Path,
    output_dir: str | Path,
    parameters: dict[str, Any] | None = None,
    say: Callable = lambda _text: None,
    kernel: StartedKernel | None = None,
) -> Path:
    """Execute the what-if notebook into ``output_dir`` beside a replication; rebuild the book.

    ``output_dir`` may be new, or hold a replication of the same data (its
    ``provenance.json`` has the same data fingerprint); anything else is refused,
    so every page of the site comes from the data ``provenance.json`` names.
    ``kernel`` is as for :func:`run_all`.

    Returns
    -------
    pathlib.Path
        The executed notebook.
    """
    from helpers.pipeline.provenance import add_parameters, data_fingerprint

    try:
        data_dir, output_dir = _places(data_dir, output_dir)
        given = dict(parameters or {})
        specs = {WHATIF: notebook_parameters(NOTEBOOK_DIR / WHATIF)}
        per_notebook = check_parameters(given, specs)
        record = output_dir / "provenance.json"
        if record.exists():
            recorded = json.loads(record.read_text(encoding="utf-8"))["data"]["sha256"]
            if recorded != data_fingerprint(data_dir)["sha256"]:
                raise ValueError(
                    f"OUTPUT_DIR ({output_dir}) holds a replication of other data than "
                    "DATA_DIR; run make replicate with this DATA_DIR first, or choose another "
                    "OUTPUT_DIR"
                )
        if kernel is None:
            kernel = _kernel((WHATIF,))

        def run(staging: Staging, builder: BookBuilder) -> None:
            places = {"data_dir": str(data_dir), "output_dir": str(staging.path)}
            parameters = {**places, **per_notebook[WHATIF]}
            _run_in_stage(staging, data_dir, [(WHATIF, parameters)], say, kernel)
            effective = effective_parameters(NOTEBOOK_DIR / WHATIF, parameters)
            add_parameters(
                staging.path,
                WHATIF,
                scrubbed(effective, _replacements(data_dir, staging.path)),
                data_dir,
            )
            _book(staging.path, say, builder)

        _guarded(output_dir, run, start_from_current=True)
    finally:
        if kernel is not None:
            kernel.stop()
    for line in _summary(output_dir, given, scorecard=False):
        say(line)
    return output_dir / "notebooks" / WHATIF


# --- command line ------------------------------------------------------------------------


def _parameters(pairs: list[list[str]], notebooks: tuple[str, ...]) -> dict[str, Any]:
    """Command-line ``-p name value`` pairs, each value read as its declared type."""
    declared: dict[str, str] = {}
    for name in notebooks:
        for parameter, info in notebook_parameters(NOTEBOOK_DIR / name).items():
            declared.setdefault(parameter, info["type"])
    values = {}
    for name, text in pairs:
        if name in declared and name not in RESERVED:
            try:
                values[name] = parse_value(text, declared[name])
            except ValueError as error:
                raise ValueError(f"parameter {name!r}: {error}") from None
        else:
            values[name] = text  # check_parameters names what is wrong with it
    return values


def _from_env(parser: argparse.ArgumentParser) -> tuple[str, str, list[list[str]]]:
    """``make``'s DATA_DIR, OUTPUT_DIR and PARAMS, passed as environment values, never as shell."""
    data_dir, output_dir = os.environ.get("RUN_DATA_DIR", ""), os.environ.get("RUN_OUTPUT_DIR", "")
    if not data_dir or not output_dir:
        parser.error("--from-env needs RUN_DATA_DIR and RUN_OUTPUT_DIR (make sets them)")
    try:
        words = shlex.split(os.environ.get("RUN_PARAMS", ""))
    except ValueError as error:
        raise ValueError(f"PARAMS: {error}") from None
    pairs = []
    while words:
        if words[0] not in ("-p", "--parameter") or len(words) < 3:
            raise ValueError(
                f"PARAMS: expected '-p NAME VALUE' pairs, got {' '.join(words)!r} "
                "(quote a value that holds spaces)"
            )
        pairs.append([words[1], words[2]])
        words = words[3:]
    return data_dir, output_dir, pairs


def main(argv: list[str] | None = None) -> int:
    """The command line: start the kernel first, then load the rest of the runner and run.

    The kernel boots and imports what the notebooks import (:func:`_kernel`) while
    this process imports papermill and nbformat and checks the parameters.
    """
    skip_iri_grammar()  # before anything imports nbformat (helpers.pipeline.lean)
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data-dir", type=Path, help="raw data directory")
    parser.add_argument("--output-dir", type=Path, help="where results go")
    parser.add_argument(
        "--from-env", action="store_true", help="read RUN_DATA_DIR, RUN_OUTPUT_DIR, RUN_PARAMS"
    )
    parser.add_argument(
        "--whatif",
        action="store_true",
        help="run the what-if notebook (power, multiverse) instead of the replication",
    )
    parser.add_argument("--traceback", action="store_true", help="print a failure's traceback")
    add_parameter_option(parser, "a notebook parameter, read as its declared type")
    parser.add_argument(
        "--strip",
        nargs="+",
        type=Path,
        metavar="NOTEBOOK",
        help="only remove run timestamps from these notebooks (make notebooks)",
    )
    arguments = parser.parse_args(argv)
    if arguments.strip:
        for notebook in arguments.strip:
            scrub_notebook(notebook)
        return 0
    name = "make whatif" if arguments.whatif else "make replicate"
    _handle_signals()
    kernel = None
    try:
        if arguments.from_env:
            data_dir, output_dir, pairs = _from_env(parser)
        else:
            if arguments.data_dir is None or arguments.output_dir is None:
                parser.error("--data-dir and --output-dir are required")
            data_dir, output_dir, pairs = (
                arguments.data_dir,
                arguments.output_dir,
                arguments.parameter,
            )
        notebooks = (WHATIF,) if arguments.whatif else NOTEBOOKS
        kernel = _kernel(notebooks)  # first: it boots while the runner loads papermill
        parameters = _parameters(pairs, notebooks)
        runner = run_whatif if arguments.whatif else run_all
        runner(data_dir, output_dir, parameters, say=print, kernel=kernel)
    except ValueError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    except NotebookFailed as error:
        print(f"{name}: {error}", file=sys.stderr)
        if arguments.traceback and error.__cause__ is not None:
            import traceback

            traceback.print_exception(error.__cause__)
        return 1
    except (Interrupted, KeyboardInterrupt) as error:
        print(f"{name}: {str(error) or 'interrupted'}", file=sys.stderr)
        return 130
    finally:
        if kernel is not None:  # the run shuts it down; not if it stopped before the run
            kernel.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
