"""Patrols: a date range, reaches coloured by when they were last patrolled, a chief's
tracks on a time slider, weekly and per-township compliance charts, suspicious patrols."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gis import maps
from gis.catalogue import CHIEF_LEVELS
from gis.i18n import t
from gis.maps import patrol_map, reach_layer
from gis.patrols import FLAGS, compliance
from gis.patrols.clean import LOCAL_TZ
from gis.patrols.lines import recency, track_pieces
from gis.store_pg import open_data
from ui import patrol_views, urlstate
from ui.common import (
    DATA_KEY,
    backdrop,
    lang,
    load_layers,
    mtime,
    show_map,
)
from ui.patrol_views import judged_patrols, period_inputs


@st.cache_data(show_spinner=False, max_entries=8)
def load_report(
    path: str,
    mtime: float,
    tracks: str | None,
    tracks_mtime: float,
    start: dt.date,
    end: dt.date,
    _a,
    _net,
):
    # keyed on the data version and period; the assessment (_a, _net) is not hashed
    a, net = _a, _net
    report = compliance(a, net, start=start, end=end)
    return report, reach_layer(net.reaches, report.reaches, recency(report.reaches, end))


@st.cache_data(show_spinner=False, max_entries=32)
def load_tracks(
    path: str,
    mtime: float,
    tracks: str | None,
    tracks_mtime: float,
    patrol_ids: tuple[str, ...],
    _a,
    _net,
):
    return track_pieces(_a, patrol_ids, _net.crs)


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("page_patrols", lg))
store = open_data(path)
tk, (a, net, (dmin, dmax)) = judged_patrols(store, path, mt, lg)

start, end = period_inputs(dmin, dmax, key="p", lg=lg)
report, reach_gdf = load_report(path, mt, *tk, start, end, a, net)

ch, sus = report.chiefs, report.suspicious
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    t("chiefs_compliant", lg),
    f"{int(ch['compliant'].sum())} / {len(ch)}",
    f"{100 * ch['compliant'].mean():.1f}%",
    delta_color="off",
    delta_arrow="off",
)
m2.metric(t("valid_patrols", lg), f"{int(ch['valid'].sum()):,}")
m3.metric(t("suspicious_patrols", lg), f"{len(sus):,}")
never = report.reaches["never_patrolled"]
m4.metric(
    t("reaches_never_patrolled", lg),
    f"{int(never.sum())} / {len(never)}",
    f"{report.reaches.loc[never, 'length_m'].sum() / 1000:.1f} km",
    delta_color="off",
    delta_arrow="off",
)

# chiefs with patrols in the period; the default is the one with the most suspicious patrols
p = a.patrols
local_date = p["start"].dt.tz_convert(LOCAL_TZ).dt.date
in_period = p[(local_date >= start) & (local_date <= end)]
counts = in_period.groupby("chief_id").size()
worst = (
    sus.groupby("chief_id")
    .size()
    .reindex(counts.index)
    .fillna(0)
    .sort_values(ascending=False, kind="stable")
)
# plain dicts: a frame's .at for each of hundreds of chiefs took 0.15 s a run
names = dict(zip(net.chiefs["chief_id"], net.chiefs["name"], strict=True))
levels = dict(zip(net.chiefs["chief_id"], net.chiefs["level"], strict=True))
label = {
    c: f"{names[c]} · {t('level_' + levels[c], lg)} · {c}" if c in names else c
    for c in counts.index
}
left, right = st.columns([1.5, 1])
with right:
    # the county first: a chief's tracks only once one is picked (the worst listed first)
    urlstate.seed("p_chief", "chief", list(worst.index))
    chief = st.selectbox(
        t("choose_chief", lg),
        ["", *worst.index],
        format_func=lambda c: label.get(c, c) if c else t("county_view", lg),
        key="p_chief",
    )
    urlstate.put(chief=chief or None)
    mine = in_period[in_period["chief_id"] == chief].sort_values("start")
    when = mine["start"].dt.tz_convert(LOCAL_TZ).dt.strftime("%m-%d %H:%M")
    choices = [t("all_patrols", lg)] + [
        f"{pid} · {w}{'' if v else ' ⚠'}"
        for pid, w, v in zip(mine["patrol_id"], when, mine["valid"], strict=True)
    ]
    pick = st.selectbox(t("choose_patrol", lg), choices, key="p_patrol")
    ids = tuple(mine["patrol_id"]) if pick == choices[0] else (pick.split(" · ")[0],)
    if chief:
        st.caption(t("slider_help", lg))
    shown = mine[mine["patrol_id"].isin(ids)]
    if not chief:  # an empty table would say "empty" in English: say what fills it
        st.caption(t("patrols_after_chief", lg))
    elif shown.empty:
        st.caption(t("no_patrols_of_chief", lg))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("flags", lg): [
                        "；".join(t(f"flag_{f}", lg) for f in fl) or "✓" for fl in shown["flags"]
                    ],
                    t("choose_patrol", lg): shown["patrol_id"],
                    t("date", lg): shown["start"]
                    .dt.tz_convert(LOCAL_TZ)
                    .dt.strftime("%Y-%m-%d %H:%M"),
                    t("distance_km", lg): (shown["distance_m"] / 1000).round(2),
                    t("duration_min", lg): (shown["duration_s"] / 60).round(0),
                }
            ),
            hide_index=True,
            height=260,
            column_config={t("flags", lg): st.column_config.TextColumn(width="medium")},
        )
    st.markdown(f"**{t('reaches_never_patrolled', lg)}** ({int(never.sum())})")
    never_rows = patrol_views.never_rows(report.reaches, net.admin_names, lg)
    if never_rows.empty:
        st.caption(t("no_never_patrolled", lg))
    else:
        st.dataframe(never_rows, hide_index=True, height=220)
    ids_never = list(never_rows.iloc[:, 0])
    pick = st.selectbox(
        t("locate_on_map", lg),
        [None, *ids_never],
        format_func=lambda r: t("locate_pick", lg) if r is None else r,
        key="p_locate",
        disabled=not ids_never,
    )
picked = reach_gdf[reach_gdf["reach_id"] == pick] if pick else reach_gdf.iloc[0:0]
view = maps.view_of(picked.to_crs(4326), width_px=600) if len(picked) else None
with left:
    show_map(
        lambda: patrol_map(
            load_layers(path, mt),
            reach_gdf,
            load_tracks(path, mt, *tk, ids, a, net) if chief else None,
            lang=lg,
            backdrop=backdrop(path),
        ),
        base=("patrols", path, mt, *tk, start, end, chief, ids),
        height=620,
        key="patrol-map",
        feature_group_to_add=[
            patrol_views.never_group(reach_gdf, report.reaches.loc[never, "reach_id"], lg),
            maps.located(picked, lang=lg),
        ],
        center=view[0] if view else None,
        zoom=view[1] if view else None,
    )

g1, g2 = st.columns(2)
with g1:
    st.markdown(f"**{t('patrols_per_week', lg)}**")
    wk = report.weekly.set_index("week")
    wk = wk[[c for c in CHIEF_LEVELS if c in wk.columns]]
    st.bar_chart(
        wk.rename(columns=lambda c: t(f"level_{c}", lg)),
        color=patrol_views.level_colours(wk.columns),  # by code: the same in both languages
        x_label=t("week", lg),
        y_label=t("valid_patrols", lg),
    )
with g2:
    st.markdown(f"**{t('compliance_by_township', lg)}**")
    rate = t("compliance_rate", lg)
    tw = pd.DataFrame(
        {
            t("township", lg): report.by_township["township"],
            rate: report.by_township["compliance_rate"],
        }
    )
    st.bar_chart(
        tw,
        x=t("township", lg),
        y=rate,
        horizontal=True,
        sort=f"-{rate}",
        height=max(300, 14 * len(tw)),
        x_label="",
        y_label=rate,
    )

st.markdown(f"**{t('suspicious_patrols', lg)}** ({len(sus):,})")
names = net.admin_names
if sus.empty:
    st.caption(t("no_suspicious_patrols", lg))
else:
    st.dataframe(
        pd.DataFrame(
            {
                t("flags", lg): [
                    "；".join(t(f"flag_{f}", lg) for f in fl if f in FLAGS) for fl in sus["flags"]
                ],
                t("choose_patrol", lg): sus["patrol_id"],
                t("chief", lg): [label.get(c, c) for c in sus["chief_id"]],
                t("township", lg): [names.get(c, c) for c in sus["township_code"]],
                t("date", lg): sus["start"].dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m-%d %H:%M"),
                t("distance_km", lg): (sus["distance_m"] / 1000).round(2),
                t("speed_ms", lg): sus["mean_speed_ms"].round(2),
            }
        ),
        hide_index=True,
        height=320,
        column_config={t("flags", lg): st.column_config.TextColumn(width="large")},
    )
