"""Bundled sample data, behind :func:`get_path` (as momepy does)."""

from __future__ import annotations

from pathlib import Path

from gis._errors import UnknownNameError

#: The repository's ``layers/`` folder (the package is used from a checkout).
LAYERS_DIR = Path(__file__).resolve().parents[1] / "layers"
DEMO_DIR = LAYERS_DIR / "demo"

_FILES = {
    "demo": "demo_county.gpkg",
    "demo_dem": "dem.npz",
    "demo_hillshade": "hillshade.png",
    "demo_hillshade_bounds": "hillshade.json",
    "demo_patrols": "demo_patrols.parquet",  # generated on demand: riverchief patrols demo
}


def available() -> list[str]:
    """Names accepted by :func:`get_path`.

    Returns
    -------
    list of str
        The dataset names, the demo county store (``"demo"``) first.
    """
    return list(_FILES)


def get_path(name: str) -> Path:
    """Path of a bundled dataset, e.g. ``get_path("demo")`` for the demo county store.

    Parameters
    ----------
    name : str
        One of :func:`available`: ``"demo"`` (the demo county's GeoPackage store),
        ``"demo_dem"``, ``"demo_hillshade"``, ``"demo_hillshade_bounds"`` or
        ``"demo_patrols"`` (written by ``riverchief patrols demo``; absent until then).

    Returns
    -------
    pathlib.Path
        Where the file is; only the path, the file is not opened. Read it, never write
        into it: copy it first (``shutil.copy``) to change it.

    Raises
    ------
    UnknownNameError
        ``name`` is not a bundled dataset; the message lists the valid names.

    Examples
    --------
    >>> from gis import datasets
    >>> path = datasets.get_path("demo")
    >>> path.name, path.exists()
    ('demo_county.gpkg', True)
    >>> "demo_dem" in datasets.available()
    True
    """
    if name not in _FILES:
        raise UnknownNameError("dataset", name, available())
    return DEMO_DIR / _FILES[name]
