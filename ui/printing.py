"""The sidebar's 打印/导出 button on every page: the map sheet of what the page is about
(the river or township its link names, else the county), as a PDF with title, legend,
scale bar, north arrow and CGCS2000 ticks, printed by the server's browser."""

from __future__ import annotations

import contextlib

import shapely
import streamlit as st

from gis._errors import InputError
from gis.dossier.pdf import find_browser
from gis.i18n import t
from gis.io.findings import as_download
from gis.kept import kept_json
from gis.maps import basemaps
from gis.store_pg import open_data
from ui.common import DATA_KEY, mtime


@st.cache_data(show_spinner=False)
def _codes(path: str, mtime: str) -> tuple[frozenset[str], frozenset[str]]:
    """The store's river and township codes (read once per store version, not per page, and
    kept beside the store: reading both layers whole took 0.17 s of a restart's first page)."""
    store = open_data(path)

    def compute() -> list[list[str]]:
        admin = store.read("admin_units")
        towns = admin.loc[admin["level"] == "township", "admin_code"]
        rivers = store.read("rivers")["river_code"]
        return [sorted(rivers.dropna().astype(str)), sorted(towns.dropna().astype(str))]

    def check(value) -> tuple[frozenset[str], frozenset[str]]:
        rivers, towns = value  # a file of another shape: ValueError, TypeError (made again)
        if not all(isinstance(c, str) for c in [*rivers, *towns]):
            raise TypeError("codes are text")
        return frozenset(rivers), frozenset(towns)

    return kept_json(store, "print_codes", [], compute, check=check)


def view_bbox() -> tuple[float, float, float, float]:
    """The link's ``?bbox=W,S,E,N`` in CGCS2000 degrees (a GCJ-02 map's extent, said by
    ``?crs=gcj02``, shifted back).

    Raises
    ------
    InputError
        Not an extent (``map.bad_bbox``).
    """
    from gis.dossier.printmap import parse_bbox

    bbox = parse_bbox(st.query_params.get("bbox", ""))
    if st.query_params.get("crs") == "gcj02":
        w, s, e, n = basemaps.drawn_to_cgcs2000(shapely.box(*bbox), "gaode").bounds
        bbox = (w, s, e, n)
    return bbox


def sheet_scope() -> tuple[str, str | None]:
    """What the page's link names: ``?bbox=`` (an extent, the print page's), ``?river=``
    (a code), else ``?township=``, else the county. A code the store lacks or an extent
    that is none falls back to the county, never an error page."""
    rivers, towns = _codes(DATA_KEY, mtime())
    river, town = st.query_params.get("river"), st.query_params.get("township")
    if st.query_params.get("bbox"):
        with contextlib.suppress(InputError):
            return "view", ",".join(f"{v:.6f}" for v in view_bbox())
    if river in rivers:
        return "river", river
    if town in towns:
        return "township", town
    return "county", None


def print_button(lang: str) -> None:
    """A download button that prints the sheet only when clicked (a minute of nothing on
    every page load otherwise)."""
    if find_browser() is None:
        st.sidebar.caption(t("dossier.pdf_unavailable", lang))
        return
    scope, target = sheet_scope()

    def build() -> bytes:
        from gis.dossier.printmap import compose_map, parse_bbox, write_map

        store = open_data(DATA_KEY)
        if scope == "view":  # target: the extent, already in CGCS2000
            sheet = compose_map(store, scope="view", bbox=parse_bbox(str(target)), lang=lang)
        else:
            sheet = compose_map(store, scope=scope, target=target, lang=lang)
        return as_download(lambda out: [write_map(sheet, out)], "map.pdf")

    st.sidebar.download_button(
        t("dossier.print_map", lang),
        data=build,
        file_name=f"{scope if scope == 'view' else target or 'county'}_map.pdf",
        mime="application/pdf",
        key="print_map",
        on_click="ignore",
        help=t(f"dossier.print_help_{scope}", lang),
    )
