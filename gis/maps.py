"""Folium maps of the county, built only from local assets (no CDN, no tiles).

Nothing here imports streamlit: the app, notebooks and scripts share these builders.
"""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template

from gis.i18n import t
from gis.privacy import mask_frame
from gis.safe import html_text
from gis.store import Store

#: Where the app serves vendored assets (Streamlit static serving of ./static).
STATIC_URL = "/app/static/vendor"

RIVER_STYLE = {"county": ("#0b4f9c", 3.2), "township": ("#2b83d6", 1.8), "village": ("#74b4ea", 0.9)}
SIMPLIFY_M = {"admin": 25.0, "rivers": 15.0, "polygons": 10.0}


def use_offline_assets(base_url: str = STATIC_URL) -> None:
    """Point folium at the vendored Leaflet and drop the CDN-only extras we do not use.

    folium's class-level lists name CDNs (jsdelivr, cdnjs, code.jquery.com); on a network
    with no internet the map would stay blank. Only Leaflet itself is needed for the
    layers built here (no awesome-markers, Bootstrap or jQuery).
    """
    folium.Map.default_js = [("leaflet", f"{base_url}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{base_url}/leaflet/leaflet.css")]
    for cls in (folium.GeoJson, folium.LayerControl, folium.raster_layers.ImageOverlay):
        cls.default_js, cls.default_css = [], []
    # the patrols page's time slider (leaflet.timeline, moment) and the zones page's
    # drawing tool (Leaflet.draw), vendored
    from folium.plugins import Draw, Timeline, TimelineSlider

    Draw.default_js = [("leaflet_draw_js", f"{base_url}/leaflet.draw/leaflet.draw.js")]
    Draw.default_css = [("leaflet_draw_css", f"{base_url}/leaflet.draw/leaflet.draw.css")]

    for cls in (Timeline, TimelineSlider):
        cls.default_js = [("timeline", f"{base_url}/leaflet.timeline/leaflet.timeline.js"),
                          ("moment", f"{base_url}/moment/moment.min.js")]


def _simplified(gdf: gpd.GeoDataFrame, metres: float, metric_crs) -> gpd.GeoDataFrame:
    """Simplify in metres (never in degrees), return in EPSG:4326 for Leaflet."""
    out = gdf.to_crs(metric_crs)
    out["geometry"] = out.geometry.simplify(metres, preserve_topology=True)
    return out.to_crs(4326)


@functools.lru_cache(maxsize=4)
def _data_url(path: str, mtime: float) -> str:
    """The PNG as a data URL, encoded once per file version (not on every app rerun)."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode()


def overview_layers(store: Store) -> dict[str, gpd.GeoDataFrame]:
    """The overview's layers, read, simplified in metres and put in EPSG:4326.

    This is the heavy part; callers cache it (the app keys it on path and mtime).
    """
    from gis.crs import metric_crs

    admin = store.read("admin_units")
    gk = metric_crs(admin)
    out: dict[str, gpd.GeoDataFrame] = {}
    for level in ("county", "township", "village"):
        out[f"admin_{level}"] = _simplified(admin[admin["level"] == level][["admin_code", "name", "geometry"]], SIMPLIFY_M["admin"], gk)
    zones = store.read("protection_zones")
    for level in ("level2", "level1"):
        out[f"zones_{level}"] = _simplified(zones[zones["level"] == level][["zone_id", "source_code", "level", "geometry"]], SIMPLIFY_M["polygons"], gk)
    rivers = store.read("rivers")
    for level in RIVER_STYLE:
        out[f"rivers_{level}"] = _simplified(rivers[rivers["management_level"] == level][["river_code", "name", "geometry"]], SIMPLIFY_M["rivers"], gk)
    out["reservoirs"] = _simplified(store.read("reservoirs")[["reservoir_code", "name", "scale", "geometry"]], SIMPLIFY_M["polygons"], gk)
    for name, cols in POINT_LAYERS.items():
        df = store.read(name)
        out[name] = df.to_crs(4326)[cols + ["geometry"]]
    # the maps are the same for everyone: a number typed into a name is masked in them
    return {k: _json_safe(mask_frame(v)) for k, v in out.items()}


POINT_LAYERS = {"water_sources": ["name", "source_type", "population_served"], "quarries": ["name", "status"],
                "signboards": ["board_id", "chief_name"]}
POINT_COLORS = {"water_sources": "#00a087", "quarries": "#e64b35", "signboards": "#7e6148"}


#: Decimal places of the degrees sent to the browser: 1e-5° is about 1 m, below the
#: simplification (10-25 m), and full doubles would add a fifth to every payload.
MAP_DECIMALS = 5


def _json_safe(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """For folium (EPSG:4326): attributes as HTML-escaped strings and coordinates rounded
    to :data:`MAP_DECIMALS`.

    Every GeoJSON layer's properties pass here, once: folium's tooltips put them into the
    page as HTML, so names from data (``<img onerror=...>``) must arrive as text. Plain
    strings also because folium cannot serialise timestamps or pandas NA. Missing values
    stay ``None``.
    """
    gdf = gdf.copy()
    for col in gdf.columns:
        if col != "geometry":
            gdf[col] = gdf[col].astype(object).where(gdf[col].notna(), None).map(lambda v: v if v is None else html_text(v))
    gdf["geometry"] = shapely.transform(gdf.geometry.values, lambda c: np.round(c, MAP_DECIMALS))
    return gdf


def county_map(layers: dict[str, gpd.GeoDataFrame], *, lang: str = "zh", hillshade: Path | None = None,
               hillshade_bounds: Path | None = None) -> folium.Map:
    """The overview map from :func:`overview_layers`: hillshade, admin units, rivers by
    level, reservoirs, sources, zones, quarries and signboards, with layer control and legend.

    Cheap to call: build it afresh on every run (a folium map must not be rendered twice).
    """
    frame = layers["admin_county"] if len(layers["admin_county"]) else layers["admin_township"]
    b = frame.total_bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True, zoom_control=True, zoom_snap=0.25)
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    if hillshade and hillshade.exists() and hillshade_bounds and hillshade_bounds.exists():
        folium.raster_layers.ImageOverlay(
            _data_url(str(hillshade), hillshade.stat().st_mtime), bounds=json.loads(hillshade_bounds.read_text())["bounds"],
            name=t("hillshade", lang), opacity=0.85, zindex=1,
        ).add_to(m)

    def add(gdf, name, style, tooltip=None, show=True):
        if gdf is None or len(gdf) == 0:
            return
        fields = [f for f in (tooltip or []) if f in gdf.columns]
        folium.GeoJson(gdf, name=name, style_function=lambda _f, s=style: s,
                       tooltip=folium.GeoJsonTooltip(fields) if fields else None, show=show,
                       marker=folium.CircleMarker(radius=style.get("radius", 4), fill=True)).add_to(m)

    add(layers["admin_village"], t("villages", lang), {"color": "#8c8c8c", "weight": 0.5, "fillOpacity": 0, "dashArray": "2 3"}, ["name"], show=False)
    add(layers["admin_township"], t("townships", lang), {"color": "#6b4f1d", "weight": 1.6, "fillOpacity": 0}, ["name", "admin_code"])
    for level, color in (("level2", "#f0a500"), ("level1", "#d7301f")):
        add(layers[f"zones_{level}"], f"{t('protection_zones', lang)} ({level[-1]})",
            {"color": color, "weight": 1, "fillColor": color, "fillOpacity": 0.25}, ["zone_id", "source_code", "level"])
    for level, (color, weight) in RIVER_STYLE.items():
        add(layers[f"rivers_{level}"], t(f"rivers_{level}", lang), {"color": color, "weight": weight}, ["name", "river_code"])
    add(layers["reservoirs"], t("reservoirs", lang), {"color": "#08519c", "weight": 1, "fillColor": "#4292c6", "fillOpacity": 0.7}, ["name", "scale"])
    for name, cols in POINT_LAYERS.items():
        color = POINT_COLORS[name]
        add(layers[name], t(name, lang), {"color": color, "fillColor": color, "fillOpacity": 0.9, "weight": 1,
                                          "radius": 2.5 if name == "signboards" else 3.5}, cols, show=name != "signboards")
    folium.LayerControl(collapsed=False).add_to(m)
    m.add_child(Legend(_legend_html(lang)))
    return stable_ids(m)


def _base_map(layers, lang, hillshade, hillshade_bounds) -> folium.Map:
    """Hillshade, townships and rivers by level: the ground every feature page draws on."""
    frame = layers["admin_county"] if len(layers["admin_county"]) else layers["admin_township"]
    b = frame.total_bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True, zoom_snap=0.25)
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    if hillshade and hillshade.exists() and hillshade_bounds and hillshade_bounds.exists():
        folium.raster_layers.ImageOverlay(
            _data_url(str(hillshade), hillshade.stat().st_mtime), bounds=json.loads(hillshade_bounds.read_text())["bounds"],
            name=t("hillshade", lang), opacity=0.85, zindex=1).add_to(m)
    folium.GeoJson(layers["admin_township"], name=t("townships", lang),
                   style_function=lambda _f: {"color": "#6b4f1d", "weight": 1.2, "fillOpacity": 0}).add_to(m)
    for level, (color, weight) in RIVER_STYLE.items():
        if len(layers[f"rivers_{level}"]):
            folium.GeoJson(layers[f"rivers_{level}"], name=t(f"rivers_{level}", lang),
                           style_function=lambda _f, c=color, w=weight: {"color": c, "weight": w},
                           tooltip=folium.GeoJsonTooltip(["name", "river_code"])).add_to(m)
    return m


def zone_map(layers: dict[str, gpd.GeoDataFrame], *, proposal: gpd.GeoDataFrame | None = None,
             point: tuple[float, float] | None = None, drawn: dict | None = None, lang: str = "zh",
             hillshade: Path | None = None, hillshade_bounds: Path | None = None) -> folium.Map:
    """Protection zones by level, sources, an optional proposal, the queried point or
    ``drawn`` area (a GeoJSON geometry), and a drawing tool for polygons and rectangles."""
    m = _base_map(layers, lang, hillshade, hillshade_bounds)
    for level, color in (("level2", "#f0a500"), ("level1", "#d7301f")):
        z = layers[f"zones_{level}"]
        if len(z):
            folium.GeoJson(z, name=f"{t('protection_zones', lang)} ({level[-1]})",
                           style_function=lambda _f, c=color: {"color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.3},
                           tooltip=folium.GeoJsonTooltip(["zone_id", "source_code", "level"])).add_to(m)
    if proposal is not None and len(proposal):
        p = _json_safe(proposal.to_crs(4326)[["zone_id", "source_code", "level", "area_m2", "geometry"]])
        folium.GeoJson(p, name=t("proposal", lang),
                       style_function=lambda f: {"color": "#6a3d9a", "weight": 2, "dashArray": "5 4", "fillColor": "#cab2d6",
                                                 "fillOpacity": 0.55 if f["properties"]["level"] == "level1" else 0.3},
                       tooltip=folium.GeoJsonTooltip(["zone_id", "level", "area_m2"])).add_to(m)
        b = p.total_bounds
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    src = layers["water_sources"]
    if len(src):
        folium.GeoJson(src, name=t("water_sources", lang), marker=folium.CircleMarker(radius=4, fill=True),
                       style_function=lambda _f: {"color": "#00a087", "fillColor": "#00a087", "fillOpacity": 0.9, "weight": 1},
                       tooltip=folium.GeoJsonTooltip(["name", "source_type"])).add_to(m)
    if point is not None:
        folium.CircleMarker([point[1], point[0]], radius=8, color="#000", weight=2, fill=True, fill_color="#ffff33",
                            fill_opacity=1, tooltip=f"{point[0]:.5f}, {point[1]:.5f}").add_to(m)
    if drawn is not None:
        folium.GeoJson(drawn, name=t("drawn_area", lang),
                       style_function=lambda _f: {"color": "#000", "weight": 2, "dashArray": "4 3", "fillOpacity": 0.05}).add_to(m)
    # draw a polygon or rectangle to ask which zones it touches (st_folium returns it)
    from folium.plugins import Draw

    Draw(draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False,
                       "polygon": {"allowIntersection": False}, "rectangle": True},
         edit_options={"edit": False, "remove": True}).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    rows = [("#d7301f", "box", f"{t('protection_zones', lang)} 1"), ("#f0a500", "box", f"{t('protection_zones', lang)} 2"),
            ("#cab2d6", "box", t("proposal", lang)), ("#00a087", "dot", t("water_sources", lang)),
            ("#ffff33", "dot", t("query_point", lang))]
    m.add_child(Legend(_legend_rows(rows, lang)))
    return stable_ids(m)


GAP_COLORS = {"county": "#e31a1c", "township": "#ff7f00", "village": "#984ea3"}


def gaps_map(layers: dict[str, gpd.GeoDataFrame], unassigned: gpd.GeoDataFrame, *, lang: str = "zh",
             hillshade: Path | None = None, hillshade_bounds: Path | None = None) -> folium.Map:
    """Reaches with no chief, coloured by the level that lacks one, over the rivers."""
    m = _base_map(layers, lang, hillshade, hillshade_bounds)
    for level, color in GAP_COLORS.items():
        part = unassigned[unassigned["level"] == level]
        if len(part):
            g = _json_safe(part.to_crs(4326)[["reach_id", "river_name", "level", "length_m", "geometry"]])
            folium.GeoJson(g, name=f"{t('unassigned', lang)} · {t(f'level_{level}', lang)}",
                           style_function=lambda _f, c=color: {"color": c, "weight": 7, "opacity": 0.9},
                           tooltip=folium.GeoJsonTooltip(["reach_id", "river_name", "level", "length_m"])).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    rows = [(c, "line", f"{t('unassigned', lang)} · {t(f'level_{lv}', lang)}") for lv, c in GAP_COLORS.items()]
    rows += [(RIVER_STYLE["county"][0], "line", t("rivers_county", lang)), ("#6b4f1d", "line", t("townships", lang))]
    m.add_child(Legend(_legend_rows(rows, lang)))
    return stable_ids(m)


def quarry_map(layers: dict[str, gpd.GeoDataFrame], quarries: gpd.GeoDataFrame, violations: pd.DataFrame, *,
               lang: str = "zh", hillshade: Path | None = None, hillshade_bounds: Path | None = None) -> folium.Map:
    """Quarries coloured by compliance over townships and rivers; the tooltip names the
    rules broken. ``violations`` is :meth:`gis.quarries.QuarryReport.violations`."""
    m = _base_map(layers, lang, hillshade, hillshade_bounds)
    rules_of = violations.groupby("quarry_id")["rule"].apply(lambda r: "; ".join(t(f"rule_{x}", lang) for x in r))
    q = quarries.to_crs(4326)[["quarry_id", "name", "status", "geometry"]].copy()
    q["rules"] = q["quarry_id"].map(rules_of).fillna(t("quarries_compliant", lang))
    q["bad"] = q["quarry_id"].isin(rules_of.index)
    for bad, color, label in ((False, "#2ca25f", t("quarries_compliant", lang)), (True, "#de2d26", t("quarries_violating", lang))):
        part = _json_safe(q[q["bad"] == bad].drop(columns="bad"))
        if len(part):
            folium.GeoJson(part, name=label, marker=folium.CircleMarker(radius=7, fill=True),
                           style_function=lambda _f, c=color: {"color": "#333", "weight": 1, "fillColor": c, "fillOpacity": 0.95},
                           tooltip=folium.GeoJsonTooltip(["quarry_id", "name", "status", "rules"])).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    rows = [("#de2d26", "dot", t("quarries_violating", lang)), ("#2ca25f", "dot", t("quarries_compliant", lang)),
            (RIVER_STYLE["county"][0], "line", t("rivers_county", lang)), ("#6b4f1d", "line", t("townships", lang))]
    m.add_child(Legend(_legend_rows(rows, lang)))
    return stable_ids(m)


def _legend_html(lang: str) -> str:
    rows = [(RIVER_STYLE["county"][0], "line", t("rivers_county", lang)), (RIVER_STYLE["township"][0], "line", t("rivers_township", lang)),
            (RIVER_STYLE["village"][0], "line", t("rivers_village", lang)), ("#4292c6", "box", t("reservoirs", lang)),
            ("#6b4f1d", "line", t("townships", lang)), ("#d7301f", "box", t("protection_zones", lang)),
            ("#00a087", "dot", t("water_sources", lang)), ("#e64b35", "dot", t("quarries", lang))]
    return _legend_rows(rows, lang)


def _legend_rows(rows: list[tuple[str, str, str]], lang: str) -> str:
    """Legend HTML from (colour, 'line' | 'box' | 'dot', label) rows."""
    items = "".join(
        f'<div><span style="display:inline-block;width:18px;height:{3 if k == "line" else 10}px;background:{c};'
        f'{"border-radius:5px;" if k == "dot" else ""}margin-right:6px;vertical-align:middle"></span>{html_text(label)}</div>'
        for c, k, label in rows)
    return (f'<div style="background:white;padding:6px 8px;font:12px sans-serif;border:1px solid #999;border-radius:4px">'
            f'<b>{html_text(t("legend", lang))}</b>{items}</div>')


class Legend(folium.MacroElement):
    """A legend as a Leaflet control, so it travels with the map script (st_folium keeps
    only the map's script, not extra HTML on the page)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "rc-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, *, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position


def view_of(gdf: gpd.GeoDataFrame, *, width_px: int = 800) -> tuple[tuple[float, float], int] | None:
    """(center lat/lon, zoom) that frames ``gdf`` (EPSG:4326) on a map ``width_px`` wide;
    None when it is empty. For st_folium's ``center`` and ``zoom``."""
    import math

    if gdf is None or gdf.empty:
        return None
    x0, y0, x1, y1 = gdf.total_bounds
    span = max(x1 - x0, (y1 - y0) * 1.3, 0.005)
    zoom = int(max(8, min(16, math.floor(math.log2(360.0 * width_px / 256.0 / span)))))
    return ((y0 + y1) / 2, (x0 + x1) / 2), zoom


def stable_ids(m: folium.Element, *, prefix: str = "rc") -> folium.Element:
    """Give every element an id from its position, not a random uuid, and make every
    layer name safe for the layer control (Leaflet shows it as HTML).

    The same data then yields the same JavaScript on every run, so st_folium does not
    remount (and flicker) the map on a rerun. A feature group added to a map later needs
    its own ``prefix`` so its ids cannot collide with the map's. Every map and group is
    built through here once, so a name is escaped once (a second call leaves it alone).
    """
    counter = 0

    def walk(el):
        nonlocal counter
        el._id = f"{prefix}{counter:05d}"
        counter += 1
        name = getattr(el, "layer_name", None)
        if isinstance(name, str) and not getattr(el, "_rc_name_escaped", False):
            el.layer_name, el._rc_name_escaped = html_text(name), True
        for child in list(el._children.values()):
            walk(child)

    walk(m)
    return m
