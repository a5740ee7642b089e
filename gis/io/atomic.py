"""Write a file all or nothing: beside its target, then moved into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: Path, *, private: bool = False) -> Iterator[Path]:
    """A fresh temporary path beside ``path`` (same suffix, so writers pick the format);
    moved onto ``path`` when the block ends normally, removed otherwise.

    The writer creates the file (the mode of any file this user makes); ``private``: an
    empty file readable by this user only is there to write into instead."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    if not private:
        tmp.unlink()  # GDAL refuses to create a GeoPackage over an empty file
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
