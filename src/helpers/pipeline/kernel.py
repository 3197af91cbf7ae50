"""Start a run's kernel first, and have it import what the notebooks import while the runner loads.

A run spends its first seconds importing: the runner imports papermill, nbformat and
jupyter_client, then starts a kernel, which boots IPython and then, in the first
notebook, imports pandas, SciPy, statsmodels, matplotlib and the helpers. Started
by :func:`start_kernel` before the runner's own imports (``python -m
helpers.pipeline.run`` does so first thing), the kernel boots while the runner
loads, and then imports what the notebooks import (:func:`notebook_imports`), in a
silent request that leaves nothing in the user namespace, the history or the
execution counter; the first notebook finds them imported. The engine resets the
kernel before every notebook as before (:mod:`helpers.pipeline.engine`), so a
notebook's outputs are the same as when it runs alone: imports show no output, and
the modules a notebook imports were already imported for every notebook after the
first.

This module imports only jupyter_client: it runs before anything else of a run.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

__all__ = ["StartedKernel", "notebook_imports", "start_kernel", "warm_up_code"]


def notebook_imports(notebooks: Iterable[str | Path]) -> list[str]:
    """The import statements of the notebooks' code cells, in order, each once.

    Only statements at the top level of a cell count (not those inside a function
    or a condition); a cell that is not plain Python (a magic) is skipped.

    Parameters
    ----------
    notebooks : iterable of path
        ``.ipynb`` files.

    Returns
    -------
    list of str
        Statements such as ``"import pandas as pd"`` or
        ``"from helpers.report import figures, scorecard"``.
    """
    statements: dict[str, None] = {}
    for path in notebooks:
        for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"]
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import) or (
                    isinstance(node, ast.ImportFrom) and node.level == 0
                ):
                    statements.setdefault(ast.unparse(node))
    return list(statements)


def warm_up_code(statements: Iterable[str]) -> str:
    """Code that runs each import statement inside a function, so no name is left behind.

    A statement that fails is passed over: the notebook that needs it raises the error
    itself, in its own cell.

    Examples
    --------
    >>> namespace = {}
    >>> exec(warm_up_code(["import json", "from os import path as p"]), namespace)
    >>> sorted(name for name in namespace if not name.startswith("__"))
    []
    """
    body = "".join(
        f"    try:\n        {statement}\n    except Exception:\n        pass\n"
        for statement in statements
    )
    return "def _warm_up():\n" + (body or "    pass\n") + "\n_warm_up()\ndel _warm_up\n"


@dataclass
class StartedKernel:
    """A kernel from :func:`start_kernel`: its manager, and the client of its warm-up request."""

    manager: AsyncKernelManager
    client: BlockingKernelClient | None = None

    def stop(self) -> None:
        """End the kernel at once and close the warm-up client (again: nothing happens)."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if run_sync(self.manager.is_alive)():
            run_sync(self.manager.shutdown_kernel)(now=True)


def start_kernel(
    kernel_name: str,
    cwd: str | Path,
    extra_arguments: list[str] | None = None,
    warm_up: Iterable[str] = (),
) -> StartedKernel:
    """Start a kernel and, without waiting for it, ask it to run the ``warm_up`` imports.

    Parameters
    ----------
    kernel_name : str
        The Jupyter kernel (``sagui-henson-2022``).
    cwd : path
        The kernel's working directory (the notebooks' folder, as papermill's ``cwd``).
    extra_arguments : list of str, optional
        Command-line arguments for the kernel (e.g. its log level).
    warm_up : iterable of str
        Import statements (:func:`notebook_imports`), run silently before anything else.

    Returns
    -------
    StartedKernel
        End it with :meth:`StartedKernel.stop`, or hand it to
        :func:`helpers.pipeline.engine.warm_kernel`, which ends it.
    """
    manager = AsyncKernelManager(kernel_name=kernel_name)
    arguments = [*(extra_arguments or []), "--HistoryManager.hist_file=:memory:"]
    run_sync(manager.start_kernel)(extra_arguments=arguments, cwd=str(cwd))
    started = StartedKernel(manager)
    statements = list(warm_up)
    if statements:
        started.client = BlockingKernelClient()
        started.client.load_connection_info(manager.get_connection_info())
        started.client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        # silent: no output, no history, the execution counter untouched
        started.client.execute(warm_up_code(statements), silent=True, store_history=False)
    return started
