"""The protection-zone map: zones by level, sources, a proposal, the query and a drawing tool."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
from folium.plugins import Draw
from jinja2 import Template

from gis import catalogue
from gis.i18n import label, t
from gis.maps.base import Backdrop, add_layer, base_map, finish, fit_to, json_safe
from gis.maps.county import ZONE_ORDER
from gis.maps.style import SYMBOLS, styler, zone_label
from gis.maps.tooltips import tooltip, worded


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
    for level in ZONE_ORDER:
        z = layers.get(f"zones_{level}")
        if z is not None and len(z):
            add_layer(
                m,
                folium.GeoJson(
                    worded(z, lang),
                    name=zone_label(level, lang),
                    style_function=styler(f"zones_{level}"),
                    tooltip=tooltip(["zone_id", "source_code", "level"], lang),
                ),
                f"zones_{level}",
            )
    if proposal is not None and len(proposal):
        p = json_safe(
            proposal.to_crs(4326)[["zone_id", "source_code", "level", "area_m2", "geometry"]]
        )
        base = SYMBOLS["proposal"].path()
        worded_level1 = label(catalogue.ZONE_LEVELS["level1"], lang)
        add_layer(
            m,
            folium.GeoJson(
                worded(p, lang),
                name=t("proposal", lang),
                # the inner (level-1) zone of a proposal darker than its level-2 ring
                style_function=lambda f, b=base, inner=worded_level1: {
                    **b,
                    "fillOpacity": 0.6 if f["properties"]["level"] == inner else 0.3,
                },
                tooltip=tooltip(["zone_id", "level", "area_m2"], lang),
            ),
            "proposal",
        )
        fit_to(m, p)
    src = layers["water_sources"]
    if len(src):
        add_layer(
            m,
            folium.GeoJson(
                worded(src, lang),
                name=t("water_sources", lang),
                marker=folium.CircleMarker(radius=SYMBOLS["water_sources"].radius, fill=True),
                style_function=styler("water_sources"),
                tooltip=tooltip(["name", "source_type"], lang),
            ),
            "water_sources",
        )
    # the query point's symbol is named before a query too: the legend says what a click shows
    extra = (("query_point", t("query_point", lang)),)
    if point is not None:
        _point_marker(point).add_to(m)
    if drawn is not None:
        add_layer(
            m,
            folium.GeoJson(
                drawn,
                name=t("drawn_area", lang),
                style_function=styler("drawn_area"),
            ),
            "drawn_area",
        )
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
    return finish(m, lang, extra=extra)


def query_point_group(point: tuple[float, float] | None, lang: str = "zh") -> folium.FeatureGroup:
    """The queried point (lon, lat) as a group to add to a drawn :func:`zone_map` (a new
    query changes only this, not the map); an empty group without one."""
    fg = folium.FeatureGroup(name=t("query_point", lang), control=False)
    if point is not None:
        _point_marker(point).add_to(fg)
    return fg


def _point_marker(point: tuple[float, float]) -> folium.CircleMarker:
    q = SYMBOLS["query_point"]
    return folium.CircleMarker(
        [point[1], point[0]],
        radius=q.radius,
        color=q.color,
        weight=2,
        fill=True,
        fill_color=q.fill,
        fill_opacity=1,
        tooltip=f"{point[0]:.5f}, {point[1]:.5f}",
    )


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
