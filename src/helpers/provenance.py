"""What produced an output: package versions (the notebooks' watermark)."""

from __future__ import annotations

import platform
from importlib import metadata

__all__ = ["PACKAGES", "package_versions", "watermark"]

#: The packages whose versions shape the results.
PACKAGES = (
    "numpy", "scipy", "pandas", "pyarrow", "pandera", "pingouin", "statsmodels",
    "matplotlib", "seaborn", "papermill",
)  # fmt: skip


def package_versions() -> dict[str, str]:
    """Installed versions of :data:`PACKAGES`, and Python's major.minor."""
    versions = {"python": ".".join(platform.python_version_tuple()[:2])}
    versions.update({name: metadata.version(name) for name in PACKAGES})
    return versions


def watermark() -> str:
    """One line per package, for the end of each notebook.

    Python is given as major.minor only, so a patch release does not change
    the committed notebooks' outputs; the packages are pinned exactly.
    """
    return "\n".join(f"{name:<12} {version}" for name, version in package_versions().items())
