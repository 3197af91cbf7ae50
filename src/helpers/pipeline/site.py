"""Render the executed notebooks of an output directory as a small static site.

``<output_dir>/site/`` gets one HTML page per executed notebook (nbconvert's
``lab`` template; figures are embedded, so the folder is self-contained) and
an ``index.html`` that links the report and each aim. The pages keep the code
cells: the notebooks are literate, and a reviewer can see how each number was
computed.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

__all__ = ["notebook_title", "render_site"]


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


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1f2328; }}
.banner {{ border-left: 4px solid #bf8700; background: #fff8c5; padding: .6rem 1rem; }}
.banner.real {{ border-color: #0969da; background: #ddf4ff; }}
li {{ margin-bottom: .8rem; }}
code {{ font-size: .9em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="banner{banner_class}">{banner}</p>
<h2>Pages</h2>
<ul>
{items}
</ul>
<h2>Files</h2>
<ul>
{files}
</ul>
</body>
</html>
"""

_FILES = (
    ("scorecard.csv", "every published number beside its replicated value and verdict"),
    ("estimates.csv", "every number the run computed (key, group, value)"),
    ("provenance.json", "code version, data fingerprint, parameters, package versions"),
)


def _banner(output_dir: Path) -> tuple[str, str]:
    path = output_dir / "provenance.json"
    synthetic = None
    if path.exists():
        synthetic = json.loads(path.read_text(encoding="utf-8"))["data"]["synthetic"]
    if synthetic is False:
        return (
            " real",
            "Data: a raw export without a synthetic-data manifest. Outputs are aggregates only.",
        )
    return (
        "",
        "<strong>SYNTHETIC DATA.</strong> These results come from synthetic data calibrated "
        "to the paper. Agreement with the paper checks the pipeline; it is not evidence "
        "about the study's question.",
    )


def render_site(output_dir: str | Path, title: str | None = None) -> Path:
    """Render ``<output_dir>/notebooks/*.ipynb`` to ``<output_dir>/site/`` with an index.

    Parameters
    ----------
    output_dir : path
        An output directory of ``make replicate``.
    title : str, optional
        The index page's title.

    Returns
    -------
    pathlib.Path
        The index page.

    Raises
    ------
    ValueError
        If the output directory holds no executed notebooks.
    """
    output_dir = Path(output_dir)
    # the report first: it is where a reviewer starts
    notebooks = sorted(
        (output_dir / "notebooks").glob("*.ipynb"), key=lambda p: ("report" not in p.stem, p.name)
    )
    if not notebooks:
        raise ValueError(f"{output_dir / 'notebooks'}: no executed notebooks to render")
    site = output_dir / "site"
    site.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    items = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        (site / f"{path.stem}.html").write_text(body, encoding="utf-8")
        heading, paragraph = notebook_title(notebook)
        items.append(
            f'<li><a href="{path.stem}.html">{html.escape(heading or path.stem)}</a>'
            f"<br>{html.escape(paragraph)}</li>"
        )
    files = [
        f'<li><a href="../{name}"><code>{name}</code></a>: {description}</li>'
        for name, description in _FILES
        if (output_dir / name).exists()
    ]
    banner_class, banner = _banner(output_dir)
    index = site / "index.html"
    index.write_text(
        _PAGE.format(
            title=html.escape(
                title
                or "Replication of Sagui-Henson et al. (2022): therapeutic alliance and well-being"
            ),
            banner_class=banner_class,
            banner=banner,
            items="\n".join(items),
            files="\n".join(files),
        ),
        encoding="utf-8",
    )
    return index
