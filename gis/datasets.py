"""Bundled sample data, behind :func:`get_path` (as momepy does).

The demo county lives in ``layers/demo`` of a checkout; a wheel carries the same files in
``gis/layers/demo`` (setup.py copies them there). Files made on demand (the demo's simulated
patrols) are written beside the demo in a checkout and to a user cache folder otherwise
(:func:`cache_dir`), since an installed package's folder may be read-only and ``pip uninstall``
would leave them behind.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gis._errors import UnknownNameError

_PACKAGE = Path(__file__).resolve().parent
#: Where a wheel keeps the demo, relative to site-packages (setup.py writes it there).
PACKAGE_DEMO = "gis/layers/demo"
_INSTALLED_DEMO = _PACKAGE.parent / PACKAGE_DEMO
#: Installed: the wheel's copy; else the checkout's ``layers/`` folder.
LAYERS_DIR = _INSTALLED_DEMO.parent if _INSTALLED_DEMO.is_dir() else _PACKAGE.parent / "layers"
DEMO_DIR = LAYERS_DIR / "demo"
#: A folder for files made on demand; overrides the default of :func:`cache_dir`.
CACHE_ENV = "RIVERCHIEF_CACHE"

_FILES = {
    "demo": "demo_county.gpkg",
    "demo_dem": "dem.npz",
    "demo_hillshade": "hillshade.png",
    "demo_hillshade_bounds": "hillshade.json",
    "demo_patrols": "demo_patrols.parquet",  # generated on demand: riverchief patrols demo
}
#: Names made on demand, never shipped (the patrols file is 149 MB).
GENERATED = frozenset({"demo_patrols"})


def available() -> list[str]:
    """Names accepted by :func:`get_path`.

    Returns
    -------
    list of str
        The dataset names, the demo county store (``"demo"``) first.
    """
    return list(_FILES)


def shipped() -> list[str]:
    """File names of the demo county that a wheel carries (all but the generated ones)."""
    return [f for name, f in _FILES.items() if name not in GENERATED]


def cache_dir() -> Path:
    """Where files made on demand go.

    Returns
    -------
    Path
        ``$RIVERCHIEF_CACHE`` when set; else the demo folder of a checkout (as always);
        else the user's cache folder: ``$XDG_CACHE_HOME/river-chief-gis`` or
        ``~/.cache/river-chief-gis`` (``%LOCALAPPDATA%\\river-chief-gis`` on Windows).
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if not _INSTALLED_DEMO.is_dir():
        return DEMO_DIR
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "river-chief-gis"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "river-chief-gis"


def demo_build_dir() -> Path:
    """Where ``riverchief demo`` writes a rebuilt demo county: the checkout's ``layers/demo``,
    or for an installed package ``demo`` in :func:`cache_dir` (never inside site-packages).

    Returns
    -------
    pathlib.Path
    """
    return DEMO_DIR if not _INSTALLED_DEMO.is_dir() else cache_dir() / "demo"


def get_path(name: str) -> Path:
    """Path of a bundled dataset, e.g. ``get_path("demo")`` for the demo county store.

    Parameters
    ----------
    name : str
        One of :func:`available`: ``"demo"`` (the demo county's GeoPackage store),
        ``"demo_dem"``, ``"demo_hillshade"``, ``"demo_hillshade_bounds"`` or
        ``"demo_patrols"`` (written by ``riverchief patrols demo`` into
        :func:`cache_dir`; absent until then).

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
    return (cache_dir() if name in GENERATED else DEMO_DIR) / _FILES[name]
