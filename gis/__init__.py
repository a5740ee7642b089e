"""River Chief GIS (河长制 GIS): the library behind the app, the CLI and the notebooks."""

from gis._errors import (
    AmbiguousNameError,
    CRSError,
    InputError,
    RiverChiefError,
    StoreError,
    UnknownNameError,
)

__version__ = "0.1.0"
__all__ = [
    "AmbiguousNameError",
    "CRSError",
    "InputError",
    "RiverChiefError",
    "StoreError",
    "UnknownNameError",
    "__version__",
]
