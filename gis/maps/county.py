"""The overview map of the county: its layers, prepared once, and the map drawn from them."""

from __future__ import annotations

import folium
import geopandas as gpd
import pyproj

from gis.catalogue import ADMIN_LEVELS
from gis.crs import metric_crs
from gis.i18n import t
from gis.maps.base import (
    RIVER_LEVELS,
    SIMPLIFY_M,
    Backdrop,
    add_labels,
    add_layer,
    finish,
    framed_map,
    json_safe,
)
from gis.maps.labels import label_points
from gis.maps.style import SYMBOLS, styler, zone_label
from gis.maps.tooltips import tooltip as field_tooltip
from gis.maps.tooltips import worded
from gis.privacy import mask_frame
from gis.store import Store

#: Protection zones by level, drawn in this order (the outer ones under the inner).
ZONE_ORDER = ("quasi", "level2", "level1")
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
        ``admin_<level>``, ``zones_<level>``, ``rivers_<level>``, ``reservoirs``, the
        :data:`POINT_LAYERS` and ``labels`` (:func:`gis.maps.labels.label_points`).

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
    for level in ZONE_ORDER:
        out[f"zones_{level}"] = _simplified(
            zones[zones["level"] == level][["zone_id", "source_code", "level", "geometry"]],
            SIMPLIFY_M["polygons"],
            gk,
        )
    rivers = store.read("rivers")
    for level in RIVER_LEVELS:
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
    safe = {k: json_safe(mask_frame(v)) for k, v in out.items()}
    safe["labels"] = label_points(safe)  # names as escaped as their layers'
    return safe


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
        key: str,
        name: str,
        tooltip: list[str] | None = None,
        show: bool = True,
    ) -> None:
        if gdf is None or len(gdf) == 0:
            return
        sym = SYMBOLS[key]
        fields = [f for f in (tooltip or []) if f in gdf.columns]
        layer = folium.GeoJson(
            worded(gdf, lang),
            name=name,
            style_function=styler(key),
            tooltip=field_tooltip(fields, lang) if fields else None,
            show=show,
            marker=folium.CircleMarker(radius=sym.radius, fill=True),
        )
        add_layer(m, layer, key)

    # the county outline is framed_map's, on every map
    add(layers["admin_township"], "townships", t("townships", lang), ["name", "admin_code"])
    add(layers["admin_village"], "villages", t("villages", lang), ["name"], show=False)
    for level in ZONE_ORDER:
        add(
            layers.get(f"zones_{level}"),
            f"zones_{level}",
            zone_label(level, lang),
            ["zone_id", "source_code", "level"],
        )
    for level in RIVER_LEVELS:
        add(
            layers.get(f"rivers_{level}"),
            f"rivers_{level}",
            t(f"rivers_{level}", lang),
            ["name", "river_code"],
        )
    add(layers["reservoirs"], "reservoirs", t("reservoirs", lang), ["name", "scale"])
    for name, cols in POINT_LAYERS.items():
        add(layers[name], name, t(name, lang), cols, show=name != "signboards")
    add_labels(m, layers, lang=lang)
    return finish(m, lang)
