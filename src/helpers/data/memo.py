"""A small, bounded memory of results keyed by content, for the warm kernel of a run.

Every analysis notebook of a run loads the same raw data and derives the same
cohort. In the run's one kernel (:mod:`helpers.pipeline.engine`) the modules
stay imported between notebooks, so a result remembered here is found again by
the next notebook: :func:`helpers.data.rawdata.load_raw` remembers by the
SHA-256 of the files it reads and the day of the run,
:func:`helpers.data.cohort.derive_cohort` by that fingerprint and its
parameters (defaults filled in). Keys are content, never paths or times, so a
changed file or parameter is never served a stale result; callers get copies,
so a notebook that edits a table cannot change what the next one gets. Only
the last :data:`SIZE` results are kept, so memory stays bounded; nothing is
written to disk.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

__all__ = ["SIZE", "Memo", "file_digest"]

#: Results each memory keeps (the latest used).
SIZE = 2
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Memo:
    """The last ``size`` results by key.

    Examples
    --------
    >>> memo = Memo(size=1)
    >>> memo.put("a", 1); memo.put("b", 2)
    >>> memo.get("a") is None, memo.get("b")
    (True, 2)
    """

    def __init__(self, size: int = SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"Memo: size must be a whole number of at least 1, got {size!r}")
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0

    def get(self, key: Hashable) -> Any:
        """The result remembered for ``key``, or None."""
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Remember ``value`` for ``key``, forgetting the oldest beyond the size."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        self._items.clear()
