"""Jurisdiction: pick a township, village, river or chief and see their reaches; click a
reach for its chiefs at every level (name, post, phone), length, chainage and signboards."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import maps
from gis.admin_codes import ABOVE_COUNTY
from gis.auth import UNMASKED_READ
from gis.i18n import t
from gis.jurisdiction import SELECT_BY, find_jurisdiction
from gis.maps import jurisdiction_map, lines_of, reach_lines, selection_group
from gis.safe import md_frame, md_text
from gis.store_pg import open_data
from ui import urlstate
from ui.common import (
    DATA_KEY,
    backdrop,
    keyed_resource,
    lang,
    load_layers,
    map_answer,
    may,
    mtime,
    show_map,
)
from ui.downloads import download_buttons, tables_file


def load(path: str, mt: float):
    j = find_jurisdiction(open_data(path))
    return j, reach_lines(j.reaches, j.rivers)


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("page_jurisdiction", lg))
with st.spinner(t("building_reaches", lg)):
    j, lines = keyed_resource("jurisdiction", (path, mt), lambda: load(path, mt))
if j.cut_level != "village":
    st.info(t(f"cut_by_{j.cut_level}" if j.cut_level else "cut_none", lg))
# levels with no polygons: their chiefs cannot be matched to a reach, so never "no chief"
bounded = set(j.admin["level"])
if j.cut_level == "village" and "township" not in bounded:
    st.info(t("no_township_bounds", lg))
if j.rivers.empty:
    st.info(t("no_rivers_no_reaches", lg))

c1, c2 = st.columns([1, 3])
urlstate.seed("juris-by", "by", SELECT_BY)  # a link: ?by=river&code=...&reach=...
by = c1.selectbox(
    t("select_by", lg), SELECT_BY, format_func=lambda b: t(f"by_{b}", lg), key="juris-by"
)
opts = j.choices(by)
label = dict(zip(opts["code"], opts["label"] + " " + opts["code"], strict=True))
urlstate.seed(f"pick-{by}", "code", list(opts["code"]))
code = c2.selectbox(
    t(f"by_{by}", lg), ["—", *opts["code"]], format_func=lambda c: label.get(c, c), key=f"pick-{by}"
)
if "_url_seeded_juris_reach" not in st.session_state:
    st.session_state["_url_seeded_juris_reach"] = True
    reach = urlstate.get("reach")
    if reach is not None and reach in set(j.reaches["reach_id"]):
        st.session_state["juris_reach"] = reach
# a click on the map: its reach, before the map is drawn, so the same run shows it
click = map_answer("juris-map").get("last_clicked")
if click and (click["lng"], click["lat"]) != st.session_state.get("juris_click"):
    st.session_state["juris_click"] = (click["lng"], click["lat"])
    st.session_state["juris_reach"] = j.nearest(click["lng"], click["lat"])
urlstate.put(by=by, code=None if code == "—" else code, reach=st.session_state.get("juris_reach"))
selected = j.reaches.loc[j.select(by, code), "reach_id"].tolist() if code != "—" else []
if st.session_state.get("juris_sel") != (by, code):  # a new selection frames the map once
    st.session_state["juris_sel"] = (by, code)
    st.session_state["juris_view"] = maps.view_of(lines_of(lines, selected))
view = st.session_state.get("juris_view")

left, right = st.columns([1.5, 1])
with left:
    show_map(
        lambda: jurisdiction_map(load_layers(path, mt), lines, lang=lg, backdrop=backdrop(path)),
        base=("jurisdiction", path, mt),
        key="juris-map",
        returned_objects=["last_clicked"],
        feature_group_to_add=selection_group(
            lines, selected, st.session_state.get("juris_reach"), lang=lg
        ),
        center=view[0] if view else None,
        zoom=view[1] if view else None,
    )

with right:
    rid = st.session_state.get("juris_reach")
    if rid:
        unmasked = bool(may(UNMASKED_READ))  # asked on the server at every run, not remembered
        card = j.card(rid, staff=unmasked)
        st.markdown(f"**{md_text(card['river_name'])}** · {md_text(rid)}")
        place = f"{card['township'] or ''} {card['village'] or ''}" + (
            f" / {card['shared_with']} ({t('shared_reach', lg)})" if card["shared_with"] else ""
        )
        st.metric(t("length_m", lg), f"{card['length_m']:,.0f}")
        st.markdown(f"{t('chainage', lg)}: **{md_text(card['chainage'])}** · {md_text(place)}")
        st.markdown(f"**{t('chiefs', lg)}**")
        if card["chiefs"]:
            st.table(
                md_frame(
                    pd.DataFrame(
                        [
                            {
                                t("level", lg): t(f"level_{c['level']}", lg),
                                t("name", lg): c["name"]
                                or f"{c['chief_id']} ({t('not_in_register', lg)})",
                                t("post", lg): c["post"],
                                t("phone", lg): c["phone"] or "",
                            }
                            for c in card["chiefs"]
                        ]
                    )
                )
            )
        for lv in card["levels_without_chief"]:
            if lv in bounded or (lv in ABOVE_COUNTY and "county" in bounded):  # named by code
                st.error(f"{t(f'level_{lv}', lg)}: {t('no_chief', lg)}")
            else:
                st.warning(t(f"level_{lv}", lg) + t("chief_not_checked", lg))
        st.markdown(f"**{t('signboards', lg)}** ({len(card['signboards'])})")
        if card["signboards"]:
            st.table(
                md_frame(
                    pd.DataFrame(
                        [
                            {
                                t("board_id", lg): s["board_id"],
                                t("chief", lg): s["chief_name"],
                                t("phone", lg): s["chief_phone"] or "",
                                t("distance_m_plain", lg): f"{s['distance_m']:,.0f}",
                            }
                            for s in card["signboards"]
                        ]
                    )
                )
            )
        if not unmasked:
            st.caption(t("phones_masked", lg))
    elif len(j.reaches):
        st.info(t("click_a_reach", lg))
    if selected:
        rows = j.summary(j.reaches["reach_id"].isin(selected))
        st.markdown(
            f"**{md_text(label.get(code, code))}**: {len(rows)} {t('reaches', lg)}, "
            f"{sum(r['length_m'] for r in rows) / 1000:,.2f} km"
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("reach_id", lg): r["reach_id"],
                        t("river", lg): r["river_name"],
                        t("chainage", lg): r["chainage"],
                        t("length_m", lg): r["length_m"],
                        **{t(f"level_{lv}", lg): "、".join(r[lv]) for lv in j.levels},
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            height=300,
        )
    st.markdown(f"**{t('download', lg)}**")  # reaches and chief ids: no names or phones
    download_buttons(
        "jurisdiction", lambda suffix: tables_file(j.tables(), "jurisdiction", suffix), key="j-dl"
    )
