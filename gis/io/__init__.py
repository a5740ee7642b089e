"""Reading and validating what county offices bring: vector files, registers, archives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gis.io.importer import ImportReport, import_file

__all__ = ["ImportReport", "import_file"]


def __getattr__(name: str) -> Any:
    # the importer loaded when asked for: a module that only needs gis.io.atomic (the kept
    # results, the maps) does not pay its 1 s of imports
    if name in __all__:
        from gis.io import importer

        return getattr(importer, name)
    raise AttributeError(f"module 'gis.io' has no attribute {name!r}")
