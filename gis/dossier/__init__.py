"""一河一档: the per-river archive, as tables (:func:`river_dossier`), an HTML page that
prints on A4, and a PDF; :func:`write_dossiers` makes many rivers' in one run;
:mod:`gis.dossier.printmap` composes printed map sheets.

The names load on first use (as :mod:`gis` does), so ``gis.dossier.paper`` is light."""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "County": "gis.dossier.river",
    "RiverDossier": "gis.dossier.river",
    "county_context": "gis.dossier.river",
    "river_dossier": "gis.dossier.river",
    "write_dossier": "gis.dossier.write",
    "write_dossiers": "gis.dossier.write",
}
__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gis.dossier' has no attribute {name!r}")
