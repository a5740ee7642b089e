"""What every page needs: the data path, the language, and cached loaders.

Loaders are keyed on the store's path and mtime (never on a GeoDataFrame): a re-import
invalidates them, a rerun does not recompute.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import streamlit as st

from gis import datasets, maps
from gis.store import GeoPackageStore

DATA = Path(os.environ.get("RIVERCHIEF_DATA") or datasets.get_path("demo"))


def lang() -> str:
    return st.session_state.get("lang", "zh")


def mtime() -> float:
    return DATA.stat().st_mtime


@st.cache_data(show_spinner=False)
def load_meta(path: str, mtime: float) -> dict:
    return GeoPackageStore(path).meta()


@st.cache_data(show_spinner=False)
def load_layers(path: str, mtime: float) -> dict:
    # the heavy part (read + simplify); folium maps are rebuilt every run, identically
    # (stable ids), because a folium element must not be rendered twice
    return maps.overview_layers(GeoPackageStore(path))


def hillshade(path: str) -> tuple[Path | None, Path | None]:
    """The offline hillshade, shipped for the demo county only."""
    if Path(path).resolve() == datasets.get_path("demo").resolve():
        return datasets.get_path("demo_hillshade"), datasets.get_path("demo_hillshade_bounds")
    return None, None


_RESOURCES: dict[str, tuple[tuple, object]] = {}
_LOCK = threading.Lock()


def keyed_resource(name: str, key: tuple, build):
    """One shared object per ``name``, rebuilt when ``key`` (path, mtime, ...) changes.

    Like ``st.cache_resource`` but ``build`` may write progress to the page: Streamlit
    replays elements drawn inside a cached function, which breaks for placeholders.
    The lock makes concurrent sessions wait for one build instead of starting another.
    """
    with _LOCK:
        hit = _RESOURCES.get(name)
        if hit is None or hit[0] != key:
            _RESOURCES.pop(name, None)  # free the old version before building the new one
            _RESOURCES[name] = (key, build())
        return _RESOURCES[name][1]
