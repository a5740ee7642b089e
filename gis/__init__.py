"""River Chief GIS (河长制 GIS): the library behind the app, the CLI and the notebooks."""

from gis._errors import CRSError, InputError, RiverChiefError, StoreError, UnknownNameError

__version__ = "0.1.0"
__all__ = [
    "CRSError",
    "InputError",
    "RiverChiefError",
    "StoreError",
    "UnknownNameError",
    "__version__",
]
