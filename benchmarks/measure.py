"""Run a command and measure it: wall time and the peak memory of its whole process tree.

Peak memory is the largest sum of resident set sizes (RSS) over the process and
all its descendants (for ``make replicate``: the runner, its Jupyter kernel and
the book builder; for R: ``Rscript``), sampled every 50 ms with psutil. Memory
shared between processes is counted once per process, so the sum can
overstate what the tree needs; it never misses a child.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import psutil

__all__ = ["INTERVAL_S", "RunFailed", "run_measured", "tree_rss"]

#: How often the process tree's memory is sampled, in seconds.
INTERVAL_S = 0.05


class RunFailed(RuntimeError):
    """A measured command ended with a non-zero exit status.

    Attributes
    ----------
    returncode : int
        The exit status; negative when a signal ended the command (``-9``: SIGKILL,
        which the kernel's out-of-memory killer sends).
    last_line : str
        The last non-empty line the command wrote to standard error.
    """

    def __init__(self, message: str, returncode: int, last_line: str) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.last_line = last_line


def tree_rss(process: psutil.Process) -> int:
    """Resident memory, in bytes, of ``process`` and all its descendants now.

    Parameters
    ----------
    process : psutil.Process
        The root of the tree.

    Returns
    -------
    int
        The sum of the RSS of every process of the tree; a process that ends
        between being listed and being read counts as 0.
    """
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # ended between listing and reading
            total += member.memory_info().rss
    return total


def run_measured(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    interval: float = INTERVAL_S,
) -> dict:
    """Run ``command`` to its end; its wall time and the peak RSS of its process tree.

    Parameters
    ----------
    command : sequence of str
        The program and its arguments (never run through a shell).
    env : mapping, optional
        Extra environment variables, added to this process's environment.
    cwd : path, optional
        Working directory of the command.
    interval : float
        Seconds between memory samples.

    Returns
    -------
    dict
        ``wall_s`` (seconds from start to exit, rounded to 0.01) and
        ``peak_tree_rss_mib`` (MiB, rounded to 1).

    Raises
    ------
    RunFailed
        The command exited with a non-zero status; the message ends with the
        last lines of its standard error.

    Examples
    --------
    >>> run_measured(["true"])["wall_s"] >= 0
    True
    """
    environment = {**os.environ, **(env or {})}
    start = time.perf_counter()
    child = subprocess.Popen(
        list(command),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
        cwd=cwd,
    )
    watched, peak = psutil.Process(child.pid), 0
    with contextlib.suppress(psutil.Error):
        while child.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(interval)
    # stderr is read only at the end: the commands measured here write a few lines at most
    errors = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    child.wait()
    wall = time.perf_counter() - start
    if child.returncode != 0:
        lines = errors.strip().splitlines()
        tail = "\n".join(lines[-5:])
        raise RunFailed(
            f"{Path(command[0]).name} exited with status {child.returncode}:\n{tail}",
            child.returncode,
            lines[-1].strip() if lines else "",
        )
    return {"wall_s": round(wall, 2), "peak_tree_rss_mib": round(peak / 2**20)}
