"""Protection zones: zones by level; which zones a place falls in (typed, clicked, drawn
or uploaded) and what lies inside each; the sources without a zone; a proposed zone."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry
import streamlit as st
from shapely.geometry import Point

from gis import catalogue, coords, maps
from gis._errors import RiverChiefError
from gis.i18n import t
from gis.maps.basemaps import drawn_to_cgcs2000
from gis.safe import md_frame
from gis.store_pg import open_data
from gis.zones import delineate
from gis.zones.query import inside_zone, parse_point, read_places, sources_without_zone, zones_at
from ui import urlstate, zone_answer
from ui.common import (
    DATA_KEY,
    backdrop,
    basemap,
    lang,
    load_layers,
    map_answer,
    mtime,
    show_error,
    show_map,
)

# The systems a typed-in point may be in; converted by gis.coords, as the CLI converts.
SYSTEMS = {"CGCS2000 / WGS84": "cgcs2000", "GCJ-02 (高德/腾讯)": "gcj02", "BD-09 (百度)": "bd09"}


@st.cache_data(show_spinner=False)
def load_unzoned(path: str, mtime: float) -> pd.DataFrame:
    return pd.DataFrame(sources_without_zone(open_data(path)).drop(columns="geometry"))


@st.cache_data(show_spinner=False)
def load_proposal(path: str, mtime: float, source: str) -> gpd.GeoDataFrame:
    return delineate(open_data(path), sources=[source]).zones


@st.cache_data(show_spinner=False)
def query(path: str, mtime: float, place: str) -> list[dict]:
    """Zones at a place given as GeoJSON text (a point or a drawn polygon), CGCS2000."""
    geom = shapely.from_geojson(place)
    return zones_at(open_data(path), gpd.GeoSeries([geom], crs=4490))[0]


@st.cache_data(show_spinner=False)
def inside(path: str, mtime: float, zone_id: str) -> dict[str, pd.DataFrame]:
    return {
        k: pd.DataFrame(v.drop(columns="geometry"))
        for k, v in inside_zone(open_data(path), zone_id).items()
    }


@st.cache_data(show_spinner=False, max_entries=8)
def query_file(path: str, mtime: float, name: str, data: bytes, crs: str) -> list[list[dict]]:
    """The zones each feature of an uploaded file falls in (keyed on its bytes: a rerun
    does not read and query the file again)."""
    with tempfile.TemporaryDirectory(prefix="riverchief-upload-") as tmp:
        src = Path(tmp) / Path(name).name
        src.write_bytes(data)
        places = read_places(src, crs=crs or None)
    return zones_at(open_data(path), places)


def code_word(codes: dict[str, tuple[str, str]], value) -> str:
    return zone_answer.code_word(codes, value, lg)


@st.cache_data(show_spinner=False)
def count_sources(path: str, mtime: float) -> int:
    return len(open_data(path).read("water_sources"))


@st.cache_data(show_spinner=False)
def load_zones(path: str, mtime: float) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """The zones (for highlighting an answer) and each source's name by its code."""
    store = open_data(path)
    src = store.read("water_sources")
    return store.read("protection_zones"), dict(zip(src["source_code"], src["name"], strict=True))


def show_found(found: list[dict]) -> None:
    """The zones at the place, and what lies inside each of them."""
    if not found:
        st.info(t("in_no_zone", lg))
        return
    zone_answer.show_zones(found, source_names, lg)
    for z in found:
        contents = inside(path, mt, z["zone_id"])
        zone_answer.show_contents(z, contents, source_names.get(z["source_code"], ""), lg)


def set_place(place) -> None:
    """A new query: its place replaces the old one, and the old one's error goes with it."""
    st.session_state["zone_place"] = place
    st.session_state.pop("zone_error", None)
    if place is not None and place.geom_type == "Point":
        urlstate.put(at=f"{place.x:.6f},{place.y:.6f}")
    else:
        urlstate.put(at=None)


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("page_zones", lg))
unzoned = load_unzoned(path, mt)
all_zones, source_names = load_zones(path, mt)
if "_url_seeded_zone_at" not in st.session_state:  # a shared link: its point is the query
    st.session_state["_url_seeded_zone_at"] = True
    with contextlib.suppress(RiverChiefError):  # no point in the link: nothing asked yet
        st.session_state["zone_place"] = Point(parse_point(urlstate.get("at") or ""))

# what the map answered (a click, a drawing) is the query of this run: the answer and the
# map's marker follow at once, with no second run
answer = map_answer(f"zone-map-{st.session_state.get('zone-how', 'point')}")
click, drawing = (
    answer.get("last_clicked"),
    (answer.get("last_active_drawing") or {}).get("geometry"),
)
if st.session_state.get("zone-how") == "draw":
    if drawing and drawing != st.session_state.get("zone_drawing"):
        st.session_state["zone_drawing"] = drawing
        set_place(drawn_to_cgcs2000(shapely.geometry.shape(drawing), basemap()))
elif click and (click["lng"], click["lat"]) != st.session_state.get("zone_click"):
    st.session_state["zone_click"] = (click["lng"], click["lat"])
    set_place(Point(click["lng"], click["lat"]))

left, right = st.columns([1.4, 1])
with right:
    st.markdown(f"**{t('query', lg)}** — {t('query_help', lg)}")
    how = st.radio(
        t("query_how", lg),
        ["point", "draw", "file"],
        horizontal=True,
        format_func=lambda k: t(f"query_by_{k}", lg),
        key="zone-how",
    )
    if how == "point":
        with st.form("zone-query"):
            text = st.text_input(t("coords", lg), placeholder="105.35,30.21")
            system = st.selectbox(t("coord_system", lg), list(SYSTEMS))
            if st.form_submit_button(t("query", lg)) and text:
                try:
                    x, y = parse_point(text)
                    src = SYSTEMS[system]
                    set_place(Point(coords.convert_point(x, y, src=src, dst="cgcs2000")))
                except RiverChiefError as exc:
                    set_place(None)  # no old answer under the error
                    st.session_state["zone_error"] = exc
    elif how == "draw":
        st.caption(t("draw_help", lg))
    else:
        upload = st.file_uploader(
            t("upload_places", lg), type=["gpkg", "zip", "geojson", "json", "kml", "gpx"]
        )
        crs = st.text_input(t("crs_if_missing", lg), placeholder="EPSG:4490", key="places-crs")
        if upload is not None:
            try:
                found_per = query_file(path, mt, upload.name, upload.getvalue(), crs)
                st.table(
                    md_frame(
                        pd.DataFrame(
                            {
                                t("feature", lg): range(1, len(found_per) + 1),
                                t("in_zones", lg): [
                                    "、".join(
                                        f"{z['zone_id']} "
                                        f"({code_word(catalogue.ZONE_LEVELS, z['level'])})"
                                        for z in f
                                    )
                                    or "—"
                                    for f in found_per
                                ],
                            }
                        ).set_index(t("feature", lg))
                    )
                )
            except RiverChiefError as exc:
                show_error(exc, lg, box=st.warning)
    if st.session_state.get("zone_error") is not None:  # said until the next query
        show_error(st.session_state["zone_error"], lg, box=st.warning)
    place = st.session_state.get("zone_place")
    if place is not None:
        try:
            found = query(path, mt, shapely.to_geojson(place))
            st.caption(
                f"{place.x:.6f}, {place.y:.6f} (CGCS2000)"
                if place.geom_type == "Point"
                else f"{t('drawn_area', lg)} · {place.geom_type} (CGCS2000)"
            )
            show_found(found)
        except RiverChiefError as exc:
            show_error(exc, lg, box=st.warning)
    if not count_sources(path, mt):  # no source: "(0)" would read as every source zoned
        st.warning(t("no_sources_not_checked", lg))
    else:
        st.markdown(f"**{t('no_zone_sources', lg)}** ({len(unzoned)})")
    if len(unzoned):
        st.table(
            md_frame(
                unzoned[["source_code", "name", "source_type"]]
                .assign(
                    source_type=[
                        code_word(catalogue.SOURCE_TYPES, v) for v in unzoned["source_type"]
                    ]
                )
                .rename(
                    columns={
                        "source_code": t("source_code", lg),
                        "name": t("name", lg),
                        "source_type": t("source_type", lg),
                    }
                )
                .set_index(t("source_code", lg))
            )
        )

with left:
    chosen = st.selectbox(t("propose_for", lg), ["—"] + unzoned["source_code"].tolist())
    proposal = load_proposal(path, mt, chosen) if chosen != "—" else None
    point = (place.x, place.y) if place is not None and place.geom_type == "Point" else None
    drawn = (
        shapely.geometry.mapping(place)
        if place is not None and place.geom_type != "Point"
        else None
    )

    def m():
        return maps.zone_map(
            load_layers(path, mt),
            proposal=proposal,
            drawn=drawn,
            lang=lg,
            backdrop=backdrop(path),
        )

    # while drawing, map clicks are vertices, not queries: return only the finished drawing
    # (a map per mode: st_folium keeps the returned_objects it was first mounted with)
    watch = ["last_active_drawing"] if how == "draw" else ["last_clicked"]
    try:
        found_here = query(path, mt, shapely.to_geojson(place)) if place is not None else []
    except RiverChiefError:
        found_here = []  # said beside the map
    out = (
        show_map(
            m,
            base=("zones", path, mt, chosen, None if drawn is None else shapely.to_geojson(place)),
            height=620,
            returned_objects=watch,
            key=f"zone-map-{how}",
            feature_group_to_add=[
                zone_answer.zones_group(all_zones, [z["zone_id"] for z in found_here], lg),
                maps.query_point_group(point, lang=lg),
            ],
        )
        or {}
    )
    if proposal is not None and len(proposal):
        st.table(
            md_frame(
                pd.DataFrame(
                    {
                        t("zone_id", lg): proposal["zone_id"],
                        t("level", lg): [
                            code_word(catalogue.ZONE_LEVELS, v) for v in proposal["level"]
                        ],
                        t("area_ha", lg): [f"{a / 1e4:,.2f}" for a in proposal["area_m2"]],
                        t("notes", lg): proposal["notes"].fillna(""),
                    }
                ).set_index(t("zone_id", lg))
            )
        )
