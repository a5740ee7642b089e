"""The overview map of the county: its layers, prepared once, and the map drawn from them."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import pyproj

from gis.admin_codes import ABOVE_COUNTY
from gis.catalogue import ADMIN_LEVELS
from gis.crs import metric_crs
from gis.i18n import t
from gis.maps.base import (
    POINT_COLORS,
    RIVER_STYLE,
    SIMPLIFY_M,
    TOWNSHIP_COLOR,
    ZONE_COLORS,
    Backdrop,
    Legend,
    framed_map,
    json_safe,
    legend_rows,
    stable_ids,
)
from gis.privacy import mask_frame
from gis.store import Store

#: Point layers of the overview and the columns their tooltips show.
POINT_LAYERS = {
    "water_sources": ["name", "source_type", "population_served"],
    "quarries": ["name", "status"],
    "signboards": ["board_id", "chief_name"],
}


def _simplified(gdf: gpd.GeoDataFrame, metres: float, metric: pyproj.CRS) -> gpd.GeoDataFrame:
    """Simplify in metres (never in degrees), return in EPSG:4326 for Leaflet."""
    out = gdf.to_crs(metric)
    out["geometry"] = out.geometry.simplify(metres, preserve_topology=True)
    return out.to_crs(4326)


def overview_layers(store: Store) -> dict[str, gpd.GeoDataFrame]:
    """The layers every map draws on, read, simplified in metres and put in EPSG:4326.

    This is the heavy part; callers cache it (the app keys it on path and version). Every
    layer has passed :func:`gis.maps.json_safe`, and a phone number typed into a name is
    masked (the maps are the same for everyone).

    Parameters
    ----------
    store : Store
        The county store.

    Returns
    -------
    dict of GeoDataFrame
        ``admin_<level>``, ``zones_<level>``, ``rivers_<level>``, ``reservoirs`` and the
        :data:`POINT_LAYERS`.

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> layers = overview_layers(GeoPackageStore(datasets.get_path("demo")))
    >>> len(layers["admin_township"]), layers["rivers_county"].crs.to_epsg()
    (63, 4326)
    """
    admin = store.read("admin_units")
    gk = metric_crs(admin)
    out: dict[str, gpd.GeoDataFrame] = {}
    for level in ADMIN_LEVELS:
        out[f"admin_{level}"] = _simplified(
            admin[admin["level"] == level][["admin_code", "name", "geometry"]],
            SIMPLIFY_M["admin"],
            gk,
        )
    zones = store.read("protection_zones")
    for level in ("level2", "level1"):
        out[f"zones_{level}"] = _simplified(
            zones[zones["level"] == level][["zone_id", "source_code", "level", "geometry"]],
            SIMPLIFY_M["polygons"],
            gk,
        )
    rivers = store.read("rivers")
    for level in RIVER_STYLE:
        out[f"rivers_{level}"] = _simplified(
            rivers[rivers["management_level"] == level][["river_code", "name", "geometry"]],
            SIMPLIFY_M["rivers"],
            gk,
        )
    out["reservoirs"] = _simplified(
        store.read("reservoirs")[["reservoir_code", "name", "scale", "geometry"]],
        SIMPLIFY_M["polygons"],
        gk,
    )
    for name, cols in POINT_LAYERS.items():
        df = store.read(name)
        out[name] = df.to_crs(4326)[cols + ["geometry"]]
    # the maps are the same for everyone: a number typed into a name is masked in them
    return {k: json_safe(mask_frame(v)) for k, v in out.items()}


def county_map(
    layers: dict[str, gpd.GeoDataFrame], *, lang: str = "zh", backdrop: Backdrop | None = None
) -> folium.Map:
    """The overview map: backdrop, admin units, rivers by level, reservoirs, sources,
    zones, quarries and signboards, with layer control and legend.

    Cheap to call: build it afresh on every run (a folium map must not be rendered twice).

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`overview_layers`.
    lang : {"zh", "en"}
        Language of layer names and legend.
    backdrop : Backdrop, optional
        The offline basemap (:meth:`Backdrop.for_store`); none by default.

    Returns
    -------
    folium.Map
        With stable ids (:func:`gis.maps.stable_ids`).

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> layers = overview_layers(GeoPackageStore(datasets.get_path("demo")))
    >>> "rc-legend" in county_map(layers, lang="en").get_root().render()
    True
    """
    m = framed_map(layers, lang=lang, backdrop=backdrop)

    def add(
        gdf: gpd.GeoDataFrame | None,
        name: str,
        style: dict[str, Any],
        tooltip: list[str] | None = None,
        show: bool = True,
    ) -> None:
        if gdf is None or len(gdf) == 0:
            return
        fields = [f for f in (tooltip or []) if f in gdf.columns]
        folium.GeoJson(
            gdf,
            name=name,
            style_function=lambda _f, s=style: s,
            tooltip=folium.GeoJsonTooltip(fields) if fields else None,
            show=show,
            marker=folium.CircleMarker(radius=style.get("radius", 4), fill=True),
        ).add_to(m)

    add(
        layers["admin_village"],
        t("villages", lang),
        {"color": "#8c8c8c", "weight": 0.5, "fillOpacity": 0, "dashArray": "2 3"},
        ["name"],
        show=False,
    )
    add(
        layers["admin_township"],
        t("townships", lang),
        {"color": TOWNSHIP_COLOR, "weight": 1.6, "fillOpacity": 0},
        ["name", "admin_code"],
    )
    for level, color in ZONE_COLORS.items():
        add(
            layers[f"zones_{level}"],
            f"{t('protection_zones', lang)} ({level[-1]})",
            {"color": color, "weight": 1, "fillColor": color, "fillOpacity": 0.25},
            ["zone_id", "source_code", "level"],
        )
    for level, (color, weight) in RIVER_STYLE.items():
        add(
            layers.get(f"rivers_{level}"),
            t(f"rivers_{level}", lang),
            {"color": color, "weight": weight},
            ["name", "river_code"],
        )
    add(
        layers["reservoirs"],
        t("reservoirs", lang),
        {"color": "#08519c", "weight": 1, "fillColor": "#4292c6", "fillOpacity": 0.7},
        ["name", "scale"],
    )
    for name, cols in POINT_LAYERS.items():
        color = POINT_COLORS[name]
        add(
            layers[name],
            t(name, lang),
            {
                "color": color,
                "fillColor": color,
                "fillOpacity": 0.9,
                "weight": 1,
                "radius": 2.5 if name == "signboards" else 3.5,
            },
            cols,
            show=name != "signboards",
        )
    folium.LayerControl(collapsed=False).add_to(m)
    m.add_child(Legend(_legend_html(lang, layers)))
    return stable_ids(m)


def _legend_html(lang: str, layers: dict[str, gpd.GeoDataFrame]) -> str:
    rows = [  # rivers managed above the county, where the county has some
        (RIVER_STYLE[lv][0], "line", t(f"rivers_{lv}", lang))
        for lv in ABOVE_COUNTY
        if len(layers.get(f"rivers_{lv}", ()))
    ]
    rows += [
        (RIVER_STYLE["county"][0], "line", t("rivers_county", lang)),
        (RIVER_STYLE["township"][0], "line", t("rivers_township", lang)),
        (RIVER_STYLE["village"][0], "line", t("rivers_village", lang)),
        ("#4292c6", "box", t("reservoirs", lang)),
        (TOWNSHIP_COLOR, "line", t("townships", lang)),
        (ZONE_COLORS["level1"], "box", t("protection_zones", lang)),
        (POINT_COLORS["water_sources"], "dot", t("water_sources", lang)),
        (POINT_COLORS["quarries"], "dot", t("quarries", lang)),
    ]
    return legend_rows(rows, lang)
