"""Fixed costs of `make replicate`'s parts beside the R reference's whole run, at 1x.

The 1x targets compare `make replicate` with `benchmarks/reference.R`, which
reads, checks and analyses the bundled data in about half a second. This
script times, alternately and side by side, the parts that `make replicate`
cannot do without whatever the data: a Python process importing pandas, one
Jupyter kernel started, used once and stopped (papermill runs the notebooks in
one), and Sphinx with myst-nb and the book theme building one empty page (the
reviewer's book). Medians over the runs, and each as a multiple of R's.

Usage::

    python benchmarks/fixed_costs.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "sagui-henson-2022"
_KERNEL_ONCE = (
    "from jupyter_client.manager import start_new_kernel; "
    f"km, kc = start_new_kernel(kernel_name={KERNEL!r}); "
    "kc.execute_interactive('1', timeout=60); kc.stop_channels(); km.shutdown_kernel()"
)
_CONF = 'extensions = ["myst_nb"]\nhtml_theme = "sphinx_book_theme"\nnb_execution_mode = "off"\n'


def commands(scratch: Path) -> dict[str, list[str]]:
    """What is timed, by name; the first is the reference."""
    book = scratch / "book"
    book.mkdir()
    (book / "conf.py").write_text(_CONF, encoding="utf-8")
    (book / "index.md").write_text("# Empty\n\nOne page.\n", encoding="utf-8")
    return {
        "R: benchmarks/reference.R, the whole analysis": [
            "Rscript",
            str(ROOT / "benchmarks" / "reference.R"),
            str(ROOT / "data" / "synthetic"),
            str(scratch / "r.csv"),
        ],
        "Python: import pandas": [sys.executable, "-c", "import pandas"],
        "Jupyter: start a kernel, run one cell, stop it": [sys.executable, "-c", _KERNEL_ONCE],
        "Sphinx (myst-nb, book theme): one empty page": [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-E",
            "-b",
            "html",
            str(book),
            str(scratch / "site"),
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="alternating runs of each (default 5)")
    runs = parser.parse_args(argv).runs
    with tempfile.TemporaryDirectory(prefix="fixed-costs-") as folder:
        timed = commands(Path(folder))
        seconds: dict[str, list[float]] = {name: [] for name in timed}
        for _ in range(runs):
            for name, command in timed.items():
                start = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                seconds[name].append(time.perf_counter() - start)
    reference = statistics.median(next(iter(seconds.values())))
    print(f"| part | median of {runs} | multiple of R |\n|---|---|---|")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} s | {median / reference:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
