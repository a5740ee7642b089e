"""A page's map built and rendered once, then sent again as the same strings on every rerun.

``st_folium`` builds the whole folium map into HTML and script on every call: 0.7-1 s for the
demo's maps on this machine, before 1.25 MB go to the browser, on every click or select. Here
the base map (layers, legend, map tools) is rendered once per key (the page's inputs: store
version, language, basemap...) and kept; a rerun renders only the groups that change (a
selection, a highlight), which streamlit-folium's front end adds to the map it already drew
(``feature_group_to_add``), so the map is not redrawn either. A kept map's script is
published as a file the browser fetches once (named by its content) instead of being resent
with every rerun: a click sends a few kB, not the map's 1.25 MB.

A published map is also kept on disk (``keep``, see :mod:`ui.kept_output`), so the first
visit after a restart reads it back (milliseconds) instead of reading the layers, building
and rendering the map again (1-2 s a page).

This calls the component the way ``streamlit_folium.st_folium`` does (its version is pinned
in pyproject.toml; ``tests/test_app_browser.py`` drives it in Chromium).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import streamlit as st
import streamlit_folium as sf

from gis.io.atomic import atomic_path
from ui import kept_output

MAX_MAPS = 24  # rendered base maps kept (a few MB each): pages x languages x basemaps
MAX_FILES = 96  # published map scripts kept in the folder (older store versions go first)

_LOCK = threading.Lock()  # sessions run in threads and share the rendered maps
_MAPS: OrderedDict[Hashable, Rendered] = OrderedDict()


@dataclass
class Rendered:
    """One folium map rendered as the component takes it."""

    map: folium.Map
    script: str
    html: str
    header: str
    map_id: str
    bounds: dict
    zoom: Any
    css_links: list[str]
    js_links: list[str]
    note: Any = None  # what building it had to say (a basemap that failed), said every run
    hashes: dict[str, str] = field(default_factory=dict)  # component key, by widget key
    file: Path | None = None  # where its script was published


def rendered(
    key: Hashable | None,
    build: Callable[[], tuple[folium.Map, Any]],
    *,
    publish: tuple[Path, str] | None = None,
    keep: Path | None = None,
) -> Rendered:
    """The base map of ``key``, built by ``build() -> (map, note)`` the first time; with no
    key (a map that changes with every run), built and rendered now and not kept.

    ``publish``: (folder, its URL) where a kept map's script is written for the browser to
    fetch; where it cannot be written the script stays inline (the same map, heavier).
    ``keep``: a folder where a published map is kept for the next server (see the module);
    ``key`` must then say everything the map is built from, by value (its ``repr``); None:
    not kept."""
    if key is None:
        m, note = build()
        return _render(m, note)
    with _LOCK:
        hit = _MAPS.get(key)
        if hit is not None:
            _MAPS.move_to_end(key)
            return hit
    r = None if keep is None or publish is None else _read_kept(keep, key, *publish)
    if r is None:
        m, note = build()
        r = _render(m, note)
        if publish is not None:
            needs = _needs(r.script, publish[1])
            _publish(r, *publish)
            if keep is not None and r.file is not None and note is None:
                _keep(r, keep, key, needs)
    with _LOCK:
        _MAPS[key] = r
        while len(_MAPS) > MAX_MAPS:
            _MAPS.popitem(last=False)
        if r.file is not None:
            _prune(r.file.parent)
    return r


def _render(m: folium.Map, note: Any) -> Rendered:
    m.get_root().render()
    m.render()
    html, header = sf._get_html(m), sf._get_header(m)  # before the script: it alters the map
    script = sf._get_map_string(m)
    (s, w), (n, e) = m.get_bounds()
    css: list[str] = []
    js: list[str] = []
    for elem in _walk(m):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return Rendered(
        map=m,
        script=script,
        html=html,
        header=header,
        map_id=sf.get_full_id(m),
        bounds={"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        zoom=m.options.get("zoom"),
        css_links=list(dict.fromkeys(css)),
        js_links=list(dict.fromkeys(js)),
        note=note,
    )


def _publish(r: Rendered, folder: Path, url: str) -> None:
    """Move ``r``'s script into a file of ``folder``, loaded by the component before its
    (now empty) inline script, in the page's global scope as the inline one was."""
    data = r.script.encode()
    name = f"map-{hashlib.sha256(data).hexdigest()[:20]}.js"
    target = folder / name
    try:
        if not target.exists():  # whole: a browser never reads half a file
            folder.mkdir(parents=True, exist_ok=True)
            with atomic_path(target, private=True) as tmp:
                tmp.write_bytes(data)
    except OSError:
        return
    r.script = f"/* {name} */\n"  # the component's key is a hash of this: one per map
    r.js_links = [*r.js_links, f"{url.rstrip('/')}/{name}"]
    r.file = target


def _needs(script: str, url: str) -> list[str]:
    """The files of the published folder a script loads (the hillshade's image)."""
    return sorted(set(re.findall(re.escape(url.rstrip("/")) + r"/([\w.-]+)", script)))


def _keep(r: Rendered, folder: Path, key: Hashable, needs: list[str]) -> None:
    assert r.file is not None
    record = {
        "key": kept_output.digest(key),
        "script": r.script,
        "html": r.html,
        "header": r.header,
        "map_id": r.map_id,
        "bounds": r.bounds,
        "zoom": r.zoom,
        "css_links": r.css_links,
        "js_links": r.js_links,
        "needs": [r.file.name, *needs],
    }
    with contextlib.suppress(TypeError, ValueError):  # not kept: built next time
        text = json.dumps(record, ensure_ascii=False, allow_nan=False)
        kept_output.write(kept_output.path_of("map", key, folder=folder), text)


def _read_kept(folder: Path, key: Hashable, published: Path, url: str) -> Rendered | None:
    """The map kept for ``key``, if its record and every file it loads are there."""
    try:
        record = json.loads(kept_output.path_of("map", key, folder=folder).read_text("utf-8"))
        if record["key"] != kept_output.digest(key) or not all(
            (published / name).is_file() for name in record["needs"]
        ):
            return None
        stand_in = folium.Map(tiles=None)  # what the changing groups are rendered into
        stand_in._id = record["map_id"].removeprefix("map_")
        if sf.get_full_id(stand_in) != record["map_id"]:
            return None
        return Rendered(
            map=stand_in,
            script=record["script"],
            html=record["html"],
            header=record["header"],
            map_id=record["map_id"],
            bounds=record["bounds"],
            zoom=record["zoom"],
            css_links=list(record["css_links"]),
            js_links=list(record["js_links"]),
            file=published / record["needs"][0],
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):  # damaged
        return None


def _prune(folder: Path) -> None:
    """The oldest published scripts beyond MAX_FILES removed, never one a kept map sends
    (called under the lock)."""
    kept = {r.file for r in _MAPS.values()}
    with contextlib.suppress(OSError):  # a file another server removed first
        old = sorted(folder.glob("map-*.js"), key=lambda p: p.stat().st_mtime)
        for p in old[:-MAX_FILES]:
            if p not in kept:
                p.unlink(missing_ok=True)


def _walk(el):
    if isinstance(el, folium.elements.JSCSSMixin):
        yield el
    for child in getattr(el, "_children", {}).values():
        yield from _walk(child)


#: what the component answers before the user has done anything, by returned object
_DEFAULTS = {
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_count": None,
    "last_object_clicked_tooltip": None,
    "last_object_clicked_popup": None,
    "all_drawings": None,
    "last_active_drawing": None,
    "last_circle_radius": None,
    "last_circle_polygon": None,
    "selected_layers": None,
    "selected_tags": None,
    "last_geocoder_result": None,
}


def draw(
    r: Rendered,
    *,
    key: str,
    height: int,
    returned_objects: list[str],
    groups: list[folium.FeatureGroup],
    center=None,
    zoom=None,
):
    """The component for the rendered map ``r`` with ``groups`` on top; its answer."""
    with _LOCK:  # the groups are rendered as children of the shared map
        fg = "".join(
            sf._get_feature_group_string(g, map=r.map, idx=i) for i, g in enumerate(groups)
        )
        hkey = r.hashes.get(key)
        if hkey is None:
            hkey = r.hashes[key] = sf.generate_js_hash(r.script, key, False)
    defaults = {k: v for k, v in _DEFAULTS.items() if k in returned_objects}
    if "bounds" in returned_objects:
        defaults["bounds"] = r.bounds
    if "zoom" in returned_objects:
        defaults["zoom"] = r.zoom

    def _on_change():
        st.session_state[key] = st.session_state.get(hkey, {})

    return sf._component_func(
        script=r.script,
        header=r.header,
        html=r.html,
        id=r.map_id,
        key=hkey,
        height=height,
        width=None,
        returned_objects=returned_objects,
        default=defaults,
        zoom=zoom,
        center=center,
        feature_group=fg or None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=r.css_links,
        js_links=r.js_links,
        on_change=_on_change,
        wrap_longitude=False,
    )
