"""The patrols page's lists and highlights: the reaches never patrolled in the period
(drawn thick and listed), the patrol tables with their problems first, and one fixed
colour per chief level for the charts (the same in both languages)."""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gis._errors import InputError
from gis.catalogue import CHIEF_LEVELS
from gis.demo.patrols import quarter_for
from gis.i18n import t
from gis.patrols.clean import LOCAL_TZ
from gis.patrols.io import tracks_for
from gis.patrols.persist import cached_assessment
from gis.patrols.report import check_period
from gis.safe import html_text, md_text
from gis.store_pg import open_data
from ui.common import keyed_resource, show_error

#: one colour per chief level, by code (Okabe-Ito, colour-blind safe): a level keeps its
#: colour whatever the language or the levels present
LEVEL_COLOURS = dict(
    zip(CHIEF_LEVELS, ("#0072b2", "#009e73", "#e69f00", "#cc79a7", "#56b4e9"), strict=True)
)
NEVER_COLOUR = "#d55e00"


def level_colours(levels) -> list[str]:
    """The colours of ``levels`` (codes), in their order, for ``st.bar_chart(color=)``."""
    return [LEVEL_COLOURS[lv] for lv in levels]


def never_rows(reaches: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The reaches never patrolled in the period, as a table in ``lang``."""
    never = reaches[reaches["never_patrolled"]].sort_values("length_m", ascending=False)
    return pd.DataFrame(
        {
            t("reach_id", lang): never["reach_id"],
            t("township", lang): [names.get(c, c) for c in never["township_code"]],
            t("length_m", lang): never["length_m"].round(0).astype(int),
        }
    )


def never_group(reach_gdf: gpd.GeoDataFrame, never_ids, lang: str) -> folium.FeatureGroup:
    """The never-patrolled reaches drawn thick over the map, so a short one is seen."""
    fg = folium.FeatureGroup(name=t("reaches_never_patrolled", lang))
    hit = reach_gdf[reach_gdf["reach_id"].isin(set(never_ids))]
    if len(hit):
        hit = hit[["reach_id", "geometry"]].to_crs(4326)
        hit["reach_id"] = [html_text(r) for r in hit["reach_id"]]  # tooltips are HTML
        folium.GeoJson(
            hit.to_json(),
            style_function=lambda _f: {"color": NEVER_COLOUR, "weight": 9, "opacity": 0.85},
            tooltip=folium.GeoJsonTooltip(["reach_id"], aliases=[t("reach_id", lang)]),
        ).add_to(fg)
    return fg


#: The point columns the maps draw (the per-point id strings are hundreds of MB)
DRAWN = ("patrol", "seg", "x", "y", "t")


def load_assessment(path: str, tracks: str | None, say):
    """Clean, match and judge every patrol (millions of points: one shared object, not
    copied on every rerun; the patrols and assessment pages share it). Only what the pages
    draw is kept."""
    # kept beside the store: a restarted app reads it back in seconds
    a, net = cached_assessment(open_data(path), tracks=tracks, points=DRAWN, progress=say)
    local = a.patrols["start"].dt.tz_convert(LOCAL_TZ)
    first, last = local.min().date(), local.max().date()
    # whole months around the data: a quarter of tracks reads as that quarter
    nxt = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return a, net, (first.replace(day=1), nxt - dt.timedelta(days=1))


def judged_patrols(store, path: str, mt: str, lg: str):
    """``(track key, (assessment, network, (first day, last day)))`` of the store's
    patrols, the demo's simulated quarter when it has none, judged once per store version
    and shared by the patrols and assessment pages. A store without tracks is said (the
    library's message) and the page stops."""
    status = st.empty()
    try:
        tracks = tracks_for(
            store,
            tracks=quarter_for(
                store, progress=lambda f: status.progress(f, text=t("analysing_patrols", lg))
            ),
        )
    except Exception as e:  # no patrols: say so and how to import (the library's message)
        st.info(t("no_patrol_data", lg))
        show_error(e, lg, box=st.caption)
        st.stop()
    tk = (str(tracks) if tracks else None, tracks.stat().st_mtime if tracks else 0.0)
    with st.spinner(t("analysing_patrols", lg)):
        judged = keyed_resource(
            "patrols",
            (path, mt, *tk),
            lambda: load_assessment(
                path,
                tk[0],
                lambda msg: status.caption(f"{t('analysing_patrols', lg)}: {md_text(msg)}"),
            ),
        )
    status.empty()
    return tk, judged


def period_inputs(dmin: dt.date, dmax: dt.date, *, key: str, lg: str, cols=None):
    """The period's two date fields (YYYY/MM/DD, the way a 河长办 writes dates, in either
    language) within the tracks' days, checked by the library's coded refusal: the page
    stops with the error in the user's language when the end is before the start."""
    c1, c2 = cols or st.columns(2)
    start = c1.date_input(
        t("period_from", lg),
        value=dmin,
        min_value=dmin,
        max_value=dmax,
        key=f"{key}_from",
        format="YYYY/MM/DD",
    )
    end = c2.date_input(
        t("period_to", lg),
        value=dmax,
        min_value=dmin,
        max_value=dmax,
        key=f"{key}_to",
        format="YYYY/MM/DD",
    )
    try:
        check_period(start, end)
    except InputError as exc:
        show_error(exc, lg)
        st.stop()
    return start, end
