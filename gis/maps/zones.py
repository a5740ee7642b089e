"""The protection-zone map: zones by level, sources, a proposal, the query and a drawing tool."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
from folium.plugins import Draw
from jinja2 import Template

from gis.i18n import t
from gis.maps.base import (
    POINT_COLORS,
    ZONE_COLORS,
    Backdrop,
    Legend,
    base_map,
    fit_to,
    json_safe,
    legend_rows,
    stable_ids,
)

PROPOSAL_COLOR, QUERY_COLOR = "#cab2d6", "#ffff33"


def zone_map(
    layers: dict[str, gpd.GeoDataFrame],
    *,
    proposal: gpd.GeoDataFrame | None = None,
    point: tuple[float, float] | None = None,
    drawn: dict[str, Any] | None = None,
    lang: str = "zh",
    backdrop: Backdrop | None = None,
) -> folium.Map:
    """Protection zones by level, sources, an optional proposal, the queried point or
    ``drawn`` area, and a drawing tool for polygons and rectangles (st_folium returns
    what is drawn).

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    proposal : GeoDataFrame, optional
        Zones from :func:`gis.zones.delineate`; the map is framed on them.
    point : (lon, lat), optional
        The queried point.
    drawn : dict, optional
        The queried area, a GeoJSON geometry.
    lang : {"zh", "en"}
        Language of layer names and legend.
    backdrop : Backdrop, optional
        The offline basemap; none by default.
    """
    m = base_map(layers, lang=lang, backdrop=backdrop)
    for level, color in ZONE_COLORS.items():
        z = layers[f"zones_{level}"]
        if len(z):
            folium.GeoJson(
                z,
                name=f"{t('protection_zones', lang)} ({level[-1]})",
                style_function=lambda _f, c=color: {
                    "color": c,
                    "weight": 1,
                    "fillColor": c,
                    "fillOpacity": 0.3,
                },
                tooltip=folium.GeoJsonTooltip(["zone_id", "source_code", "level"]),
            ).add_to(m)
    if proposal is not None and len(proposal):
        p = json_safe(
            proposal.to_crs(4326)[["zone_id", "source_code", "level", "area_m2", "geometry"]]
        )
        folium.GeoJson(
            p,
            name=t("proposal", lang),
            style_function=lambda f: {
                "color": "#6a3d9a",
                "weight": 2,
                "dashArray": "5 4",
                "fillColor": PROPOSAL_COLOR,
                "fillOpacity": 0.55 if f["properties"]["level"] == "level1" else 0.3,
            },
            tooltip=folium.GeoJsonTooltip(["zone_id", "level", "area_m2"]),
        ).add_to(m)
        fit_to(m, p)
    src, src_color = layers["water_sources"], POINT_COLORS["water_sources"]
    if len(src):
        folium.GeoJson(
            src,
            name=t("water_sources", lang),
            marker=folium.CircleMarker(radius=4, fill=True),
            style_function=lambda _f: {
                "color": src_color,
                "fillColor": src_color,
                "fillOpacity": 0.9,
                "weight": 1,
            },
            tooltip=folium.GeoJsonTooltip(["name", "source_type"]),
        ).add_to(m)
    if point is not None:
        folium.CircleMarker(
            [point[1], point[0]],
            radius=8,
            color="#000",
            weight=2,
            fill=True,
            fill_color=QUERY_COLOR,
            fill_opacity=1,
            tooltip=f"{point[0]:.5f}, {point[1]:.5f}",
        ).add_to(m)
    if drawn is not None:
        folium.GeoJson(
            drawn,
            name=t("drawn_area", lang),
            style_function=lambda _f: {
                "color": "#000",
                "weight": 2,
                "dashArray": "4 3",
                "fillOpacity": 0.05,
            },
        ).add_to(m)
    m.add_child(DrawWords(lang))  # before the toolbar: it reads L.drawLocal when built
    Draw(
        draw_options={
            "polyline": False,
            "circle": False,
            "circlemarker": False,
            "marker": False,
            "polygon": {"allowIntersection": False},
            "rectangle": True,
        },
        edit_options={"edit": False, "remove": True},
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    rows = [
        (ZONE_COLORS["level1"], "box", f"{t('protection_zones', lang)} 1"),
        (ZONE_COLORS["level2"], "box", f"{t('protection_zones', lang)} 2"),
        (PROPOSAL_COLOR, "box", t("proposal", lang)),
        (src_color, "dot", t("water_sources", lang)),
        (QUERY_COLOR, "dot", t("query_point", lang)),
    ]
    m.add_child(Legend(legend_rows(rows, lang)))
    return stable_ids(m)


class DrawWords(folium.MacroElement):
    """The drawing toolbar's words (``L.drawLocal``) in ``lang``, from :mod:`gis.i18n`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(d, w) {
            var tb = d.draw.toolbar, h = d.draw.handlers, e = d.edit;
            tb.actions = {title: w.draw_cancel, text: w.draw_cancel};
            tb.finish = {title: w.draw_finish, text: w.draw_finish};
            tb.undo = {title: w.draw_undo, text: w.draw_undo};
            tb.buttons.polygon = w.draw_polygon;
            tb.buttons.rectangle = w.draw_rectangle;
            h.polygon.tooltip = {start: w.draw_start, cont: w.draw_continue, end: w.draw_end};
            h.polyline.tooltip = {start: w.draw_start, cont: w.draw_continue, end: w.draw_end};
            h.rectangle.tooltip = {start: w.draw_drag};
            h.simpleshape.tooltip = {end: w.draw_release};
            e.toolbar.actions.save = {title: w.draw_save, text: w.draw_save};
            e.toolbar.actions.cancel = {title: w.draw_cancel, text: w.draw_cancel};
            e.toolbar.actions.clearAll = {title: w.draw_clear_all, text: w.draw_clear_all};
            e.toolbar.buttons.remove = w.draw_remove;
            e.toolbar.buttons.removeDisabled = w.draw_remove_none;
            e.handlers.remove.tooltip = {text: w.draw_remove_tip};
        })(L.drawLocal, {{ this.words|tojson }});
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # folium's MacroElement is untyped
        self._name = "DrawWords"
        self.words = {k: t(k, lang) for k in DRAW_WORDS}


#: The labels of :class:`DrawWords`.
DRAW_WORDS = (
    "draw_polygon", "draw_rectangle", "draw_cancel", "draw_finish", "draw_undo", "draw_start",
    "draw_continue", "draw_end", "draw_drag", "draw_release", "draw_remove", "draw_remove_none",
    "draw_remove_tip", "draw_save", "draw_clear_all",
)  # fmt: skip
