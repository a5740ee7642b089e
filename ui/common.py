"""What every page needs: the data path, the language, and cached loaders.

Loaders are keyed on the store's path and mtime (never on a GeoDataFrame): a re-import
invalidates them, a rerun does not recompute.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from gis import basemaps, datasets, maps
from gis._errors import RiverChiefError
from gis.auth import SECRET_KEY, verify_password
from gis.i18n import t
from gis.safe import md_text
from gis.store import GeoPackageStore

DATA = Path(os.environ.get("RIVERCHIEF_DATA") or datasets.get_path("demo"))


def lang() -> str:
    return st.session_state.get("lang", "zh")


def secret(name: str) -> str | None:
    """A value from Streamlit secrets, or None when there is no secrets file or key."""
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets.toml at all: Streamlit raises on first access
        return None


def is_staff() -> bool:
    return bool(st.session_state.get("staff"))


def staff_login(lang: str) -> None:
    """Sidebar: staff mode behind the password whose hash is in secrets (never in code)."""
    stored = secret(SECRET_KEY)
    if is_staff():
        st.sidebar.success(t("staff_on", lang))
        if st.sidebar.button(t("staff_logout", lang)):
            st.session_state["staff"] = False
            st.rerun()
        return
    with st.sidebar.expander(t("staff_mode", lang)):
        if not stored:
            st.caption(t("staff_not_configured", lang))
            return
        pw = st.text_input(t("password", lang), type="password", key="staff_pw")
        if st.button(t("staff_login", lang)):
            st.session_state["staff"] = verify_password(pw, stored)
            if not st.session_state["staff"]:
                st.error(t("staff_wrong", lang))
            else:
                st.rerun()


def basemap() -> str:
    return st.session_state.get("basemap", "offline")


def show_map(m, *, key: str, height: int = 620, returned_objects=(), feature_group_to_add=None, center=None, **kwargs):
    """st_folium with the chosen basemap under the data. Everything drawn (the map, the
    groups added to it, the centre) moves with the basemap; the answer's ``last_clicked``
    comes back in CGCS2000 (the Gaode shift undone)."""
    bm = basemap()
    try:
        basemaps.apply_basemap(m, bm, tianditu_key=secret("tianditu_key"))
    except RiverChiefError as exc:
        st.warning(md_text(exc))
    groups = feature_group_to_add if isinstance(feature_group_to_add, list) else [feature_group_to_add]
    for fg in groups:
        if fg is not None and bm == "gaode":
            basemaps.shift_to_gcj02(fg)
    if center is not None:
        center = basemaps.point_on(center[0], center[1], bm)
    out = st_folium(m, height=height, use_container_width=True, returned_objects=list(returned_objects),
                    key=f"{key}-{bm}", feature_group_to_add=feature_group_to_add, center=center, **kwargs)
    out = dict(out or {})  # a copy: st_folium's value stays as the browser sent it
    click = out.get("last_clicked")
    if click:
        lon, lat = basemaps.click_to_cgcs2000(click["lng"], click["lat"], bm)
        out["last_clicked"] = {"lng": lon, "lat": lat}
    return out


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
