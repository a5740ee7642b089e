"""Coverage gaps: reaches with no chief on the map, a table filterable by township, and
the findings as GeoPackage, XLSX or CSV (zipped) downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import maps
from gis.admin_codes import ABOVE_COUNTY
from gis.auth import EXPORT_UNMASKED
from gis.coverage import LEVELS, REGISTER_TABLES, find_gaps
from gis.i18n import t
from gis.linref import format_k
from gis.network import rivers_only
from gis.privacy import mask_frame
from gis.safe import md_frame
from gis.store import GeoPackageStore
from ui.common import DATA, backdrop, lang, load_layers, may, mtime, show_map
from ui.downloads import download_buttons, tables_file


@st.cache_data(show_spinner=False)
def load_coverage(path: str, mtime: float) -> tuple:
    store = GeoPackageStore(path)
    cov = find_gaps(store)
    admin = store.read("admin_units")
    names = dict(zip(admin["admin_code"], admin["name"], strict=True))
    # the register checks need a register: without one their zeros are "not checked"
    register = all(len(store.read(n)) for n in ("chiefs", "assignments"))
    return (
        cov.tables(),
        cov.unassigned_length_m_by_level(),
        names,
        len(rivers_only(store.read("rivers"))),
        register,
    )


@st.cache_data(show_spinner=False)
def findings_file(path: str, mtime: float, suffix: str, masked: bool) -> bytes:
    """The whole analysis written as ``suffix``; CSV's one-file-per-table comes zipped.
    Signboard findings quote phone numbers: masked unless for staff."""
    tables = load_coverage(path, mtime)[0]
    if masked:
        tables = {k: mask_frame(v) for k, v in tables.items()}
    return tables_file(tables, "gaps", suffix)


lg, path, mt = lang(), str(DATA), mtime()
st.subheader(t("page_gaps", lg))
with st.spinner("…"):
    tables, by_level, names, n_rivers, register = load_coverage(path, mt)
unassigned, holes = tables["unassigned"], tables["holes"]
unchecked = set(tables["not_checked"]["level"])  # no polygons there: never shown as 0 km
not_checked = t("not_checked", lg)
cols = st.columns(1 + len(by_level))  # province and city only where a river needs them
cols[0].metric(
    t("unassigned", lg),
    not_checked if not n_rivers or unchecked >= set(by_level) else f"{len(unassigned)}",
)
for col, level in zip(cols[1:], by_level, strict=True):
    col.metric(
        f"{t(f'level_{level}', lg)} · {t('unassigned_km', lg)}",
        not_checked if level in unchecked else f"{by_level[level] / 1000:.2f}",
    )
if not n_rivers:
    st.warning(t("no_rivers_not_checked", lg))
else:
    for r in sorted(
        tables["not_checked"].itertuples(), key=lambda r: LEVELS.index(r.level)
    ):  # province/city: no county boundary; below: no polygons of the level
        st.warning(
            t(f"level_{r.level}", lg)
            + t("level_not_checked_above" if r.level in ABOVE_COUNTY else "level_not_checked", lg)
        )
    if not unchecked and unassigned.empty:
        st.success(t("all_checked_none_found", lg))
if not register:
    st.warning(t("register_not_checked", lg))

townships = sorted(unassigned["township_code"].dropna().unique())
choice = st.selectbox(
    t("township", lg), [t("all", lg)] + [f"{names.get(c, c)} {c}" for c in townships]
)
shown = (
    unassigned
    if choice == t("all", lg)
    else unassigned[unassigned["township_code"] == choice.split()[-1]]
)

left, right = st.columns([1.3, 1])
with left:
    show_map(
        maps.gaps_map(load_layers(path, mt), shown, lang=lg, backdrop=backdrop(path)),
        height=600,
        key="gaps-map",
    )
with right:
    st.markdown(f"**{t('unassigned', lg)}** ({len(shown)})")
    if shown.empty:  # an empty table would say "empty": say whether it was checked
        st.markdown(t("none_found", lg) if n_rivers else not_checked)
    else:
        st.table(
            md_frame(
                pd.DataFrame(
                    {
                        t("reach_id", lg): shown["reach_id"],
                        t("river", lg): shown["river_name"],
                        t("level", lg): [t(f"level_{v}", lg) for v in shown["level"]],
                        t("township", lg): [
                            "—" if pd.isna(c) else names.get(c, c) for c in shown["township_code"]
                        ],
                        t("chainage", lg): [
                            f"{format_k(a)} – {format_k(b)}"
                            for a, b in zip(shown["from_m"], shown["to_m"], strict=True)
                        ],
                        t("length_m", lg): [f"{v:,.0f}" for v in shown["length_m"]],
                    }
                ).set_index(t("reach_id", lg))
            )
        )
    st.markdown(f"**{t('holes', lg)}**: {len(holes) if register else not_checked}")
    for name in REGISTER_TABLES:  # register errors: counts here, the rows in the downloads
        st.markdown(f"**{t(name, lg)}**: {len(tables[name]) if register else not_checked}")
    st.markdown(f"**{t('download', lg)}**")
    masked = not may(EXPORT_UNMASKED)
    download_buttons(
        "gaps",
        lambda suffix: findings_file(path, mt, suffix, masked),
        key="dl",
        unmasked=not masked,
    )
