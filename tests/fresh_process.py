"""Run Python code in a new interpreter: for tests of what a fresh process imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def python_output(code: str, cwd: Path | None = None) -> str:
    """Run ``code`` with this interpreter in a new process; return what it printed.

    Raises ``subprocess.CalledProcessError`` when the code fails.
    """
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
