"""履职考核: every chief's scorecard for a period, by level: grades, the chiefs with the
lowest totals first, and one chief's indicators with the patrols, problems and water-quality
months each was counted from. Staff only: a grade is a personnel matter."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gis import catalogue
from gis.assessment import GRADES, assess_chiefs
from gis.assessment.bulletin import bulletin
from gis.auth import UNMASKED_READ
from gis.catalogue import CHIEF_LEVELS
from gis.i18n import LABELS, label, t
from gis.maps import patrol_map, reach_layer
from gis.maps.events import event_group
from gis.patrols import compliance
from gis.patrols.lines import recency, track_pieces
from gis.rules import load
from gis.safe import md_frame
from gis.store_pg import open_data
from ui.common import DATA_KEY, backdrop, lang, load_layers, may, mtime, show_map
from ui.downloads import FORMATS, tables_file
from ui.patrol_views import judged_patrols, level_colours, period_inputs


@st.cache_data(show_spinner=False, max_entries=8)
def scorecard(path: str, mt: str, tk: tuple, start: dt.date, end: dt.date, _a, _net):
    # keyed on the data version, the track file and the period; the judged patrols (_a,
    # _net) are the shared object the patrols page made, not hashed
    report = compliance(_a, _net, start=start, end=end)
    card = assess_chiefs(open_data(path), start=start, end=end, patrol_report=report, net=_net)
    return card, reach_layer(_net.reaches, report.reaches, recency(report.reaches, end))


#: Grades best first, green to red, the same in both languages.
GRADE_COLOURS = dict(zip(GRADES, ("#1a9850", "#91cf60", "#fc8d59", "#d73027"), strict=True))


def readable(rows: pd.DataFrame, layers: tuple[str, ...], lg: str) -> pd.DataFrame:
    """Evidence rows with the catalogue's words for codes and headings, else the page's."""
    out = rows.copy()
    if "distance_m" in out:
        out["distance_m"] = (out.pop("distance_m") / 1000).round(2)
        out = out.rename(columns={"distance_m": "distance_km"})
    heads = {}
    for col in out.columns:
        spec = next(
            (
                catalogue.get_layer(n).field(col)
                for n in layers
                if col in catalogue.get_layer(n).field_names
            ),
            None,
        )
        if spec is not None and spec.codes:
            out[col] = [label(spec.codes[v], lg) if v in spec.codes else v for v in out[col]]
        if out[col].dtype == bool:
            out[col] = [t(f"dossier.{'yes' if v else 'no'}", lg) for v in out[col]]
        heads[col] = (
            label((spec.zh, spec.en), lg)
            if spec is not None
            else t(f"assess.{col}", lg)
            if f"assess.{col}" in LABELS
            else t(col, lg)
            if col in LABELS
            else col
        )
    return out.rename(columns=heads)


def _words(v, key: str, lg: str):
    return t(f"assess.{key}_{v}", lg) if isinstance(v, str) else "—"


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("assess.page", lg))
if not may(UNMASKED_READ):  # asked on the server at every run, not only by hiding the page
    st.info(t("assess.staff_only", lg))
    st.stop()
store = open_data(path)
tk, (a, net, (dmin, dmax)) = judged_patrols(store, path, mt, lg)
c1, c2, c3 = st.columns(3)
levels = [lv for lv in CHIEF_LEVELS if lv in set(net.chiefs["level"])]
level = c3.selectbox(
    t("level", lg), levels, index=len(levels) - 1, format_func=lambda v: t(f"level_{v}", lg)
)
start, end = period_inputs(dmin, dmax, key="a", lg=lg, cols=(c1, c2))
with st.spinner(t("assess.making", lg)):
    card, reach_gdf = scorecard(path, mt, tk, start, end, a, net)

chiefs = card.chiefs[card.chiefs["level"] == level]
cols = st.columns(len(GRADES))
for col, g in zip(cols, GRADES, strict=True):
    col.metric(t(f"assess.grade_{g}", lg), int((chiefs["grade"] == g).sum()))
counts = (
    card.chiefs.groupby(["level", "grade"]).size().unstack("level").reindex(list(GRADES))
).fillna(0)
counts = counts[[lv for lv in levels if lv in counts.columns]]
counts.index = [t(f"assess.grade_{g}", lg) for g in counts.index]
st.caption(t("assess.grades_by_level", lg))
st.bar_chart(
    counts.rename(columns=lambda v: t(f"level_{v}", lg)),
    color=level_colours(list(counts.columns)),
    horizontal=True,  # the grades read across, best first
    sort=False,
    stack=False,
    height=220,
)
st.caption(t("assess.fairness", lg))
fair = card.fairness.assign(level=[t(f"level_{v}", lg) for v in card.fairness["level"]])
heads = {c: t("level", lg) if c == "level" else t(f"assess.{c}", lg) for c in fair.columns}
# our own numbers and words, no text from a file: shown as they are (no markdown escapes)
st.dataframe(fair.rename(columns=heads), hide_index=True, use_container_width=True)
towns = card.by_township.dropna(subset=["mean_total"]).set_index("township")
if len(towns):
    st.caption(t("assess.by_township", lg))
    st.bar_chart(
        towns[list(GRADES)].rename(columns=lambda g: t(f"assess.grade_{g}", lg)),
        color=[GRADE_COLOURS[g] for g in GRADES],
        height=260,
    )
stem = f"{t('assess.bulletin', lg)}_{start:%Y%m%d}-{end:%Y%m%d}"
st.download_button(
    t("assess.download_bulletin", lg),
    data=lambda: tables_file(bulletin(card, lg), stem, ".xlsx"),  # written on the click
    file_name=f"{stem}.xlsx",
    mime=dict(FORMATS)[".xlsx"],
    on_click="ignore",
)
table = chiefs.sort_values("total", na_position="first")
shown = pd.DataFrame(
    {
        t("col.chief_id", lg): table["chief_id"],
        t("name", lg): table["name"],
        t("assess.total", lg): table["total"],
        t("assess.grade", lg): [_words(g, "grade", lg) for g in table["grade"]],
        t("assess.capped_by", lg): table["capped_by"].fillna("—"),
    }
)
st.dataframe(md_frame(shown), hide_index=True, height=300, use_container_width=True)

names = dict(zip(table["chief_id"], table["name"], strict=True))
if not names:
    st.stop()
chief = st.selectbox(
    t("assess.pick_chief", lg), list(names), format_func=lambda c: f"{names[c]} {c}"
)
spec = load("assessment_indicators").set_index("indicator")
mine = card.indicators[card.indicators["chief_id"] == chief]
basis = [
    "—" if pd.isna(d) or d == 0 else f"{n:g} / {d:g}"
    for n, d in zip(mine["numerator"], mine["denominator"], strict=True)
]
st.table(
    md_frame(
        pd.DataFrame(
            {
                t("assess.indicator", lg): [t(f"assess.{i}", lg) for i in mine["indicator"]],
                t("assess.raw", lg): ["—" if pd.isna(v) else f"{v:.3f}" for v in mine["raw"]],
                t("assess.basis", lg): basis,
                t("assess.score", lg): [
                    t(f"assess.{s}", lg) if isinstance(s, str) else f"{v:.1f}"
                    for s, v in zip(mine["status"], mine["score"], strict=True)
                ],
                t("assess.weight", lg): [f"{w:g}" for w in mine["weight"]],
                t("assess.raw_measured", lg): [
                    "" if not isinstance(a, str) else f"{v:.3f} ({a})"
                    for v, a in zip(mine["raw_measured"], mine["appeal_id"], strict=True)
                ],
                t("assess.definition", lg): [
                    spec.loc[i, "definition_zh" if lg == "zh" else "definition"]
                    for i in mine["indicator"]
                ],
            }
        )
    )
)
ev = card.evidence
# the evidence on the map: his stretches by when last patrolled, his tracks of the period
# (valid and suspicious, on the time slider) and the problems due on his watch
held = net.reaches["reach_id"].iloc[net.assigned.loc[net.assigned["chief_id"] == chief, "reach"]]
trips = ev["patrols"].loc[ev["patrols"]["chief_id"] == chief, "patrol_id"]
due = ev["events_due"][ev["events_due"]["chief_id"] == chief]


def build_map():
    m = patrol_map(
        load_layers(path, mt),
        reach_gdf[reach_gdf["reach_id"].isin(set(held))],
        track_pieces(a, tuple(trips), net.crs) if len(trips) else None,
        lang=lg,
        backdrop=backdrop(path),
    )
    if not len(trips) and len(held):
        b = reach_gdf[reach_gdf["reach_id"].isin(set(held))].total_bounds
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]], max_zoom=15)  # a 40 m stretch in its setting
    return m


group = None
if "events" in store.layers():
    events = store.read("events")
    group = event_group(
        events[events["event_id"].isin(set(due["event_id"]))],
        due.set_index("event_id")["on_time"],
        name=t("assess.evidence_events", lg),
        lang=lg,
    )
show_map(  # built once per chief and period; the events due are a group on top
    build_map,
    base=("assess", path, mt, *tk, start, end, chief),
    height=480,
    key="assess-map",
    feature_group_to_add=group,
)
for key, frame, layers in (
    ("evidence_patrols", ev["patrols"], ()),
    ("evidence_events", ev["events_due"], ("events",)),
    ("evidence_sections", ev["section_months"], ("monitoring_sections", "section_measurements")),
    ("evidence_plans", ev["plan_items_due"], ("plan_items",)),
    ("evidence_appeals", ev["appeals"], ("appeals",)),
):
    rows = frame[frame["chief_id"] == chief] if "chief_id" in frame else frame.iloc[0:0]
    with st.expander(f"{t(f'assess.{key}', lg)} ({len(rows)})"):
        st.dataframe(
            md_frame(readable(rows.drop(columns="chief_id"), layers, lg)),
            hide_index=True,
            use_container_width=True,
        )
