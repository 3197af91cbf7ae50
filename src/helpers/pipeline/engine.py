"""One warm kernel for every notebook of a run: a papermill engine.

Papermill starts a fresh kernel per notebook by default, so every notebook of a
run pays again for the kernel's start and shutdown and for importing pandas,
statsmodels, matplotlib and the helpers. Within :func:`warm_kernel`, the engine
:data:`ENGINE` runs each notebook in one kernel started once. Each notebook is
still executed by papermill, parameterised and saved as a separate, complete
document; before each one the kernel is reset to what a fresh kernel offers a
notebook: the user namespace cleared (``%reset -f``), every figure closed, and
the execution counter back at 1. Modules already imported stay imported, which
is the point, and so do their caches (the raw data and the cohort, keyed by
content: :mod:`helpers.data.rawdata`, :mod:`helpers.data.cohort`).

A notebook run alone (nbval, Jupyter, ``jupyter nbconvert --execute``) gives the
same outputs as in the shared run; a test compares them. The kernel may have been
started earlier, before the runner's own imports, and be importing what the
notebooks import (:func:`helpers.pipeline.kernel.start_kernel`): :func:`warm_kernel`
then adopts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from jupyter_client.manager import AsyncKernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from helpers.pipeline.kernel import StartedKernel, start_kernel

__all__ = ["ENGINE", "RESET", "WarmKernelEngine", "warm_kernel"]

#: The engine's name, for ``papermill.execute_notebook(engine_name=ENGINE)``.
ENGINE = "warm-kernel"

#: Run (silently, outside the history) before each notebook: a fresh kernel's state.
RESET = """\
get_ipython().run_line_magic("reset", "-f")
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt
get_ipython().execution_count = 1
"""


class _ResettingClient(PapermillNotebookClient):
    """Papermill's client, resetting the kernel's user state before the first cell."""

    def papermill_execute_cells(self) -> None:
        reply = self.wait_for_reply(self.kc.execute(RESET, silent=True, store_history=False))
        if reply is None or reply["content"]["status"] != "ok":
            raise RuntimeError("the warm kernel could not be reset before the next notebook")
        super().papermill_execute_cells()


class WarmKernelEngine(NBClientEngine):
    """Papermill's nbclient engine, executing in the kernel of :func:`warm_kernel`."""

    kernel: ClassVar[AsyncKernelManager | None] = None

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """Execute one notebook in the warm kernel (papermill's engine interface)."""
        if cls.kernel is None:
            raise RuntimeError(f"the {ENGINE!r} engine runs only inside warm_kernel()")
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        return _ResettingClient(nb_man, km=cls.kernel, **final_kwargs).execute()


papermill_engines.register(ENGINE, WarmKernelEngine)


@contextmanager
def warm_kernel(
    kernel_name: str,
    cwd: str | Path,
    extra_arguments: list[str] | None = None,
    *,
    started: StartedKernel | None = None,
) -> Iterator[AsyncKernelManager]:
    """Start one kernel for the notebooks run inside; shut it down on the way out.

    Parameters
    ----------
    kernel_name, cwd, extra_arguments
        As for :func:`helpers.pipeline.kernel.start_kernel`.
    started : StartedKernel, optional
        A kernel already started with these arguments
        (:func:`helpers.pipeline.kernel.start_kernel`), used instead of starting one
        and shut down the same way.

    Raises
    ------
    RuntimeError
        If a warm kernel is already running in this process.
    """
    if WarmKernelEngine.kernel is not None:
        raise RuntimeError("a warm kernel is already running")
    kernel = started if started is not None else start_kernel(kernel_name, cwd, extra_arguments)
    WarmKernelEngine.kernel = kernel.manager
    try:
        yield kernel.manager
    finally:
        WarmKernelEngine.kernel = None
        kernel.stop()
