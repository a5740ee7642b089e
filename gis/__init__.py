"""River Chief GIS (河长制 GIS): the library behind the app, the CLI and the notebooks.

One verb per analysis, each taking a county store and keyword-only options, each returning
a :class:`~gis.reports.Report` (``tables()`` and ``to_json()``)::

    from gis import datasets, find_gaps
    from gis.store import GeoPackageStore

    gaps = find_gaps(GeoPackageStore(datasets.get_path("demo")), level="township")

The verbs are loaded on first use (module ``__getattr__``, PEP 562), so ``import gis`` stays
light: it loads the error classes only, not geopandas, and a command line that needs none
of the analyses starts fast.
"""

from importlib import import_module

from gis._errors import (
    AmbiguousNameError,
    CRSError,
    InputError,
    RiverChiefError,
    StoreError,
    UnknownNameError,
)

__version__ = "0.1.0"

#: Public name -> the module that defines it (loaded when the name is first used). The
#: analyses sit on a higher floor than this package (docs/ARCHITECTURE.md): this table is
#: the one place below them that names them, and only by string.
_LAZY = {
    "summarize": "gis.inventory",
    "find_gaps": "gis.coverage",
    "find_jurisdiction": "gis.jurisdiction",
    "check_quarries": "gis.quarries",
    "delineate_zones": "gis.zones.delineate",
    "assess_patrols": "gis.patrols",
    "search_features": "gis.search",
    "Report": "gis.reports",
}

__all__ = [
    "AmbiguousNameError",
    "CRSError",
    "InputError",
    "RiverChiefError",
    "StoreError",
    "UnknownNameError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'gis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
