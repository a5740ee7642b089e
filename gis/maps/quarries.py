"""The quarry map: quarries coloured by compliance, the rules they break in the tooltip."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from gis.i18n import t
from gis.maps.base import Backdrop, add_layer, base_map, finish, json_safe
from gis.maps.style import SYMBOLS, styler
from gis.maps.tooltips import tooltip, worded


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
    for bad, key in ((True, "quarries_violating"), (False, "quarries_compliant")):
        part = json_safe(q[q["bad"] == bad].drop(columns="bad"))
        if len(part):
            add_layer(
                m,
                folium.GeoJson(
                    worded(part, lang),
                    name=t(key, lang),
                    marker=folium.CircleMarker(radius=SYMBOLS[key].radius, fill=True),
                    style_function=styler(key),
                    tooltip=tooltip(["quarry_id", "name", "status", "rules"], lang),
                ),
                key,
            )
    return finish(m, lang)
