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

from gis._errors import InputError, UnknownNameError

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


# --- the user's own county: the default store --------------------------------------------

#: The environment variable naming the county store commands and the app use by default.
DATA_ENV = "RIVERCHIEF_DATA"
#: The key of the config file (``data = "/path/county.gpkg"``) naming the default store.
CONFIG_KEY = "data"
#: Where :func:`default_store` found the store: the environment, the config file, the demo.
SOURCES = ("env", "config", "demo")


def config_path() -> Path:
    """The user's config file: ``$XDG_CONFIG_HOME/riverchief/config.toml``, else
    ``~/.config/riverchief/config.toml`` (``%APPDATA%\\riverchief\\config.toml`` on Windows).

    Returns
    -------
    pathlib.Path
        Where the file is or would be; it need not exist.
    """
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "riverchief" / "config.toml"


def default_store() -> tuple[Path, str]:
    """The county store used when none is named, and where that choice came from.

    ``$RIVERCHIEF_DATA``, else ``data = "..."`` in :func:`config_path`, else the shipped
    demo county (which commands only read: see :func:`is_demo`).

    Returns
    -------
    (pathlib.Path, str)
        The store's path and its source, one of :data:`SOURCES`.

    Raises
    ------
    InputError
        The config file exists but is not TOML or names no store.

    Examples
    --------
    With no ``$RIVERCHIEF_DATA`` and no config file, the demo; after ``write_config``, the
    store it names:

    >>> import tempfile
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"XDG_CONFIG_HOME": tempfile.mkdtemp()}):
    ...     _ = os.environ.pop(DATA_ENV, None)
    ...     before = default_store()
    ...     _ = write_config(Path("/srv/gis/西湖区.gpkg"))
    ...     after = default_store()
    >>> before == (get_path("demo"), "demo"), str(after[0]), after[1]
    (True, '/srv/gis/西湖区.gpkg', 'config')
    """
    data, source = default_data()
    return Path(data), source


#: What names a PostGIS store instead of a file (:mod:`gis.store_pg`).
URL_SCHEMES = ("postgresql://", "postgres://")


def default_data() -> tuple[str, str]:
    """As :func:`default_store`, the store as given: a path, or a ``postgresql://`` URL
    (which a ``Path`` would mangle).

    Returns
    -------
    (str, str)
        The store and its source, one of :data:`SOURCES`.
    """
    if os.environ.get(DATA_ENV):
        return os.environ[DATA_ENV], "env"
    config = config_path()
    if config.is_file():
        import tomllib

        try:
            value = tomllib.loads(config.read_text(encoding="utf-8")).get(CONFIG_KEY)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                code="config.unreadable", params={"path": str(config), "why": str(exc)}
            ) from exc
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                code="config.unreadable",
                params={"path": str(config), "why": f'no {CONFIG_KEY} = "..." line'},
            )
        if value.startswith(URL_SCHEMES):
            return value, "config"
        return str(Path(value).expanduser()), "config"
    return str(get_path("demo")), "demo"


def write_config(store: Path | str) -> Path:
    """Make ``store`` the default county store (:func:`default_store`) in the config file.

    Parameters
    ----------
    store : pathlib.Path or str
        The county store; a path is written absolute, a ``postgresql://`` URL as given.

    Returns
    -------
    pathlib.Path
        The config file written.
    """
    import json

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    # a JSON string is a TOML basic string (quotes, backslashes and control characters escaped)
    value = store if str(store).startswith(URL_SCHEMES) else str(Path(store).absolute())
    text = f"{CONFIG_KEY} = {json.dumps(value, ensure_ascii=False)}\n"
    config.write_text(text, encoding="utf-8")
    return config


def is_demo(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is the shipped demo county store (also through a link).

    Parameters
    ----------
    path : path

    Returns
    -------
    bool
    """
    demo, there = get_path("demo"), Path(path)
    try:
        return there.exists() and demo.exists() and os.path.samefile(there, demo)
    except OSError:
        return False
