"""The quarry map: quarries coloured by compliance, the rules they break in the tooltip."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from gis.i18n import t
from gis.maps.base import (
    RIVER_STYLE,
    TOWNSHIP_COLOR,
    Backdrop,
    Legend,
    base_map,
    json_safe,
    legend_rows,
    stable_ids,
)

COMPLIANT_COLOR, VIOLATING_COLOR = "#2ca25f", "#de2d26"


def quarry_map(
    layers: dict[str, gpd.GeoDataFrame],
    quarries: gpd.GeoDataFrame,
    violations: pd.DataFrame,
    *,
    lang: str = "zh",
    backdrop: Backdrop | None = None,
) -> folium.Map:
    """Quarries coloured by compliance over townships and rivers; the tooltip names the
    rules broken.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    quarries : GeoDataFrame
        The store's ``quarries`` layer (any CRS).
    violations : DataFrame
        :meth:`gis.quarries.QuarryReport.violations`.
    lang : {"zh", "en"}
        Language of layer names, rule names and legend.
    backdrop : Backdrop, optional
        The offline basemap; none by default.
    """
    m = base_map(layers, lang=lang, backdrop=backdrop)
    rules_of = violations.groupby("quarry_id")["rule"].apply(
        lambda r: "; ".join(t(f"rule_{x}", lang) for x in r)
    )
    q = quarries.to_crs(4326)[["quarry_id", "name", "status", "geometry"]].copy()
    q["rules"] = q["quarry_id"].map(rules_of).fillna(t("quarries_compliant", lang))
    q["bad"] = q["quarry_id"].isin(rules_of.index)
    for bad, color, label in (
        (False, COMPLIANT_COLOR, t("quarries_compliant", lang)),
        (True, VIOLATING_COLOR, t("quarries_violating", lang)),
    ):
        part = json_safe(q[q["bad"] == bad].drop(columns="bad"))
        if len(part):
            folium.GeoJson(
                part,
                name=label,
                marker=folium.CircleMarker(radius=7, fill=True),
                style_function=lambda _f, c=color: {
                    "color": "#333",
                    "weight": 1,
                    "fillColor": c,
                    "fillOpacity": 0.95,
                },
                tooltip=folium.GeoJsonTooltip(["quarry_id", "name", "status", "rules"]),
            ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    rows = [
        (VIOLATING_COLOR, "dot", t("quarries_violating", lang)),
        (COMPLIANT_COLOR, "dot", t("quarries_compliant", lang)),
        (RIVER_STYLE["county"][0], "line", t("rivers_county", lang)),
        (TOWNSHIP_COLOR, "line", t("townships", lang)),
    ]
    m.add_child(Legend(legend_rows(rows, lang)))
    return stable_ids(m)
