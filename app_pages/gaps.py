"""Coverage gaps: every finding kind as a tab with its rows on the map, filtered by
township (metrics, tables and downloads alike), and the report as GeoPackage, XLSX or CSV."""

from __future__ import annotations

import streamlit as st

from gis import maps
from gis.admin_codes import ABOVE_COUNTY
from gis.auth import EXPORT_UNMASKED, UNMASKED_READ
from gis.coverage import LEVELS, find_gaps
from gis.i18n import t
from gis.io.findings import as_download, write_findings
from gis.network import rivers_only
from gis.privacy import mask_frame
from gis.safe import md_frame
from gis.store_pg import open_data
from ui import urlstate
from ui.common import DATA_KEY, backdrop, lang, load_layers, may, mtime, show_map
from ui.downloads import download_buttons
from ui.gaps_findings import (
    KINDS,
    finding_group,
    in_township,
    place_rows,
    readable,
    report_tables,
    row_label,
)


@st.cache_data(show_spinner=False)
def load_coverage(path: str, mtime: float) -> tuple:
    store = open_data(path)
    cov = find_gaps(store)
    admin = store.read("admin_units")
    names = dict(zip(admin["admin_code"], admin["name"], strict=True))
    # the register checks need a register: without one their zeros are "not checked"
    register = all(len(store.read(n)) for n in ("chiefs", "assignments"))
    staffed = set(store.read("chiefs")["level"])  # a level the county names chiefs at
    return (
        cov.tables(),
        place_rows(cov.tables(), cov.reaches, store),
        names,
        len(rivers_only(store.read("rivers"))),
        register,
        staffed,
    )


@st.cache_data(show_spinner=False)
def findings_file(
    path: str, mtime: float, suffix: str, masked: bool, town: str | None, lg: str
) -> bytes:
    """The findings of township ``town`` (None: the county) written as ``suffix``: the GPKG
    with geometry, XLSX/CSV in ``lg`` with names and a per-township sheet, no geometry.
    Signboard findings quote phone numbers: masked unless for staff."""
    tables, placed, names = load_coverage(path, mtime)[:3]
    placed = {k: in_township(placed[k], town) for k in KINDS}
    by_town = tables["by_township"]
    if town is not None:
        by_town = by_town[by_town["township_code"] == town]
    if suffix == ".gpkg":
        out = {**placed, "by_township": by_town, "not_checked": tables["not_checked"]}
    else:
        out = report_tables(placed, by_town, names, lg)
    if masked:
        out = {k: mask_frame(v) for k, v in out.items()}
    return as_download(lambda dest: write_findings(out, dest), f"gaps{suffix}")


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("page_gaps", lg))
with st.spinner("…"):
    tables, placed, names, n_rivers, register, staffed = load_coverage(path, mt)
by_town_all = tables["by_township"]
towns = list(by_town_all.get("township_code", []))  # none: a county without rivers
urlstate.seed("gaps-town", "township", ["", *towns])
town = (
    st.selectbox(
        t("township", lg),
        ["", *towns],
        format_func=lambda c: f"{names.get(c, c)} {c}" if c else t("all", lg),
        key="gaps-town",
    )
    or None
)
urlstate.put(township=town)
rows = {k: in_township(placed[k], town) for k in KINDS}
unassigned = rows["unassigned"]
unchecked = set(tables["not_checked"]["level"])  # no polygons there: never shown as 0 km
not_checked = t("not_checked", lg)
# province and city only where the county has chiefs there or a river lacks one
above = set(tables["unassigned"]["level"]) | staffed
levels = [lv for lv in LEVELS if lv in above or lv not in ABOVE_COUNTY]
cols = st.columns(1 + len(levels))
cols[0].metric(
    t("unassigned", lg),
    not_checked if not n_rivers or unchecked >= set(levels) else f"{len(unassigned)}",
)
for col, level in zip(cols[1:], levels, strict=True):
    km = unassigned.loc[unassigned["level"] == level, "length_m"].sum() / 1000
    col.metric(
        f"{t(f'level_{level}', lg)} · {t('unassigned_km', lg)}",
        not_checked if level in unchecked else f"{km:.2f}",
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
    if not unchecked and tables["unassigned"].empty:
        st.success(t("all_checked_none_found", lg))
if not register:
    st.warning(t("register_not_checked", lg))


def counted(kind: str) -> str:
    needs_register = kind not in ("unassigned", "boundary_reaches_unagreed")
    n = not_checked if needs_register and not register else len(rows[kind])
    return f"{t(f'finding.{kind}', lg)} ({n})"


urlstate.seed("gaps-kind", "finding", KINDS)
kind = st.radio(
    t("finding_kind_pick", lg), KINDS, format_func=counted, horizontal=True, key="gaps-kind"
)
urlstate.put(finding=kind)
shown = rows[kind]
left, right = st.columns([1.3, 1])
with right:  # first: the row picked here frames the map on the left
    st.markdown(f"**{t(f'finding.{kind}', lg)}** ({len(shown)})")
    placed_rows = [i for i, g in enumerate(shown.geometry) if g is not None and not g.is_empty]
    labels = [row_label(r) for r in shown.to_dict("records")]
    pick = st.selectbox(
        t("locate_on_map", lg),
        [None, *placed_rows],
        format_func=lambda i: t("locate_pick", lg) if i is None else labels[i],
        key=f"gaps-locate-{kind}-{town}",
        disabled=not placed_rows,
    )
picked = shown.iloc[[pick]] if pick is not None else shown.iloc[0:0]
view = maps.view_of(picked.to_crs(4326), width_px=500) if len(picked) else None  # the map column
with left:
    show_map(
        lambda: maps.gaps_map(load_layers(path, mt), unassigned, lang=lg, backdrop=backdrop(path)),
        base=("gaps", path, mt, town),
        height=600,
        key="gaps-map",
        feature_group_to_add=[finding_group(shown, kind, lg), maps.located(picked, lang=lg)],
        center=view[0] if view else None,
        zoom=view[1] if view else None,
    )
with right:
    if shown.empty:  # an empty table would say "empty": say whether it was checked
        st.markdown(t("none_found", lg) if n_rivers else not_checked)
    else:
        table = readable(shown, names, lg)
        if not may(UNMASKED_READ):  # signboard findings quote phone numbers
            table = mask_frame(table)
        st.table(md_frame(table).set_index(t(f"col.{shown.columns[0]}", lg)))
        unplaced = int((shown.geometry.isna() | shown.geometry.is_empty).sum())
        if unplaced:
            st.caption(f"{unplaced} {t('not_placed', lg)}")
    st.markdown(f"**{t('download', lg)}**")
    masked = not may(EXPORT_UNMASKED)
    download_buttons(
        "gaps" if town is None else f"gaps-{town}",
        lambda suffix: findings_file(path, mt, suffix, masked, town, lg),
        key="dl",
        unmasked=not masked,
    )
