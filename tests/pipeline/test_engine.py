"""One warm kernel for a run's notebooks: reset between notebooks, outputs as if run alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from fresh_process import python_output

from helpers.paths import NOTEBOOK_DIR
from helpers.pipeline.engine import ENGINE, WarmKernelEngine, warm_kernel
from helpers.pipeline.kernel import notebook_imports, start_kernel, warm_up_code
from helpers.pipeline.run import KERNEL, NOTEBOOKS

#: Cells whose output may differ by design: the run's parameters, the code version.
_SKIPPED = {"injected-parameters", "nbval-ignore-output"}


def _outputs(cell: dict) -> list[dict]:
    """A cell's outputs without their execution counts."""
    return [{k: v for k, v in out.items() if k != "execution_count"} for out in cell["outputs"]]


def _code_cells(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and not _SKIPPED & set(cell["metadata"].get("tags", []))
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_run_alone_gives_the_outputs_of_the_shared_run(report, name):
    """The committed notebooks ran alone (make notebooks: papermill, a kernel each); the
    report fixture's ran in one warm kernel. Same outputs (execution counts differ by the
    cell papermill injects when given parameters; the reset test checks the counter)."""
    alone, shared = _code_cells(NOTEBOOK_DIR / name), _code_cells(report / "notebooks" / name)
    assert len(alone) == len(shared)
    for index, (first, second) in enumerate(zip(alone, shared, strict=True)):
        assert _outputs(first) == _outputs(second), (name, index, first["source"][:80])


def _notebook(path: Path, *sources: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": KERNEL, "display_name": KERNEL, "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_the_kernel_is_reset_between_notebooks(tmp_path):
    first = _notebook(
        tmp_path / "first.ipynb",
        "left_over = 1\nimport matplotlib.pyplot as plt\nplt.figure()",
        "import os\nos.getpid()",
    )
    second = _notebook(
        tmp_path / "second.ipynb",
        "print('left_over' in globals(), 'plt' in globals())",
        "import matplotlib.pyplot as plt\nprint(len(plt.get_fignums()))",
        "import os\nos.getpid()",
    )
    with warm_kernel(KERNEL, tmp_path):
        one = pm.execute_notebook(
            str(first), str(tmp_path / "1.ipynb"), engine_name=ENGINE, progress_bar=False
        )
        two = pm.execute_notebook(
            str(second), str(tmp_path / "2.ipynb"), engine_name=ENGINE, progress_bar=False
        )
    assert two.cells[0].outputs[0]["text"] == "False False\n"  # the namespace was cleared
    assert two.cells[1].outputs[0]["text"] == "0\n"  # and every figure closed
    assert [cell.execution_count for cell in two.cells] == [1, 2, 3]  # counted afresh
    pid = one.cells[1].outputs[0]["data"]["text/plain"]
    assert two.cells[2].outputs[0]["data"]["text/plain"] == pid  # one kernel for both
    assert WarmKernelEngine.kernel is None  # shut down on the way out


def test_the_engine_runs_only_inside_a_warm_kernel(tmp_path):
    notebook = _notebook(tmp_path / "n.ipynb", "1 + 1")
    with pytest.raises(RuntimeError, match="runs only inside warm_kernel"):
        pm.execute_notebook(
            str(notebook), str(tmp_path / "out.ipynb"), engine_name=ENGINE, progress_bar=False
        )
    with (
        warm_kernel(KERNEL, tmp_path),
        pytest.raises(RuntimeError, match="already running"),
        warm_kernel(KERNEL, tmp_path),
    ):
        pass


def test_the_notebooks_never_import_the_runner_into_the_kernel():
    """Every helpers module a notebook imports loads without papermill, nbformat, nbconvert,
    jupyter_client or Sphinx: those serve the runner, and cost the kernel seconds."""
    modules = set()
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                modules |= set(re.findall(r"^\s*from (helpers[\w.]*) import", cell.source, re.M))
    assert "helpers.report.published" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(modules)!r}: importlib.import_module(name)\n"
        "heavy = ('papermill', 'nbformat', 'nbconvert', 'jupyter_client', 'sphinx')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    loaded = python_output(code)
    assert loaded.strip() == "[]"


# --- a kernel started first (helpers.pipeline.kernel) ----------------------------------------

_PROBE = (
    "import sys\n"
    "print('colorsys' in sys.modules, 'colorsys' in globals(), 'shades' in globals(), "
    "'_warm_up' in globals(), len(In))"
)


def test_a_kernel_started_first_imports_what_the_notebooks_import_and_leaves_no_trace(tmp_path):
    notebook = _notebook(tmp_path / "probe.ipynb", _PROBE, "1 + 1")
    shown = {}
    for warm_up in ((), ("import colorsys as shades",)):
        started = start_kernel(KERNEL, tmp_path, warm_up=warm_up)
        with warm_kernel(KERNEL, tmp_path, started=started):
            ran = pm.execute_notebook(
                str(notebook), str(tmp_path / "out.ipynb"), engine_name=ENGINE, progress_bar=False
            )
        assert not started.manager.has_kernel  # shut down on the way out
        shown[warm_up] = ran.cells[0].outputs[0]["text"]
        assert [cell.execution_count for cell in ran.cells] == [1, 2]
    assert shown[()] == "False False False False 2\n"  # a plain kernel has not imported it
    assert shown[("import colorsys as shades",)] == "True False False False 2\n"


def test_the_warm_up_runs_the_notebooks_top_level_imports_once_each(tmp_path):
    notebook = _notebook(
        tmp_path / "imports.ipynb",
        "import pandas as pd\nfrom helpers.design import (\n    MODERATORS,\n    TUKEY_PAIRS,\n)",
        "%matplotlib inline\nimport seaborn",  # not plain Python: left to the notebook
        "def later():\n    import scipy\n\nimport pandas as pd\nfrom . import nothing",
    )
    assert notebook_imports([notebook, notebook]) == [
        "import pandas as pd",
        "from helpers.design import MODERATORS, TUKEY_PAIRS",
    ]
    namespace: dict = {}
    exec(warm_up_code(["import json", "import no_such_module_here"]), namespace)
    assert [name for name in namespace if name != "__builtins__"] == []  # a failure is passed


def test_the_runs_warm_up_covers_every_notebooks_imports():
    imports = notebook_imports(NOTEBOOK_DIR / name for name in NOTEBOOKS)
    assert "from helpers.report import figures" in imports
    assert "from helpers.report import audit, review, scorecard" in imports
    assert not [line for line in imports if re.search(r"papermill|nbformat|jupyter_client", line)]


def test_the_notebooks_imports_leave_out_statsmodels_whole_api():
    """helpers.stats.ols takes OLS and add_constant from their modules: statsmodels.api
    would also import its graphics, time series and formula front ends (0.3 s a kernel)."""
    code = (
        "import sys\n"
        "from helpers.pipeline.kernel import notebook_imports, warm_up_code\n"
        "from helpers.pipeline.run import NOTEBOOKS\n"
        "from helpers.paths import NOTEBOOK_DIR\n"
        "exec(warm_up_code(notebook_imports(NOTEBOOK_DIR / n for n in NOTEBOOKS)), {})\n"
        "print([m for m in ('statsmodels.api', 'statsmodels.graphics.api', 'statsmodels.tsa.api')"
        " if m in sys.modules], 'statsmodels.regression.linear_model' in sys.modules)\n"
    )
    loaded = python_output(code)
    assert loaded == "[] True\n"
