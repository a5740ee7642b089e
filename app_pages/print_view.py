"""打印此视图: the map extent a user had on screen (``?bbox=W,S,E,N`` from the map's
button) as a sheet with title, legend, scale bar, north arrow and CGCS2000 ticks; a
preview here, PDF/PNG/HTML to download."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from gis._errors import RiverChiefError
from gis.dossier.paper import ORIENTATIONS, PAPERS
from gis.dossier.pdf import find_browser
from gis.i18n import t
from gis.io.findings import as_download
from gis.safe import md_text
from gis.store_pg import open_data
from ui.common import DATA_KEY, lang, mtime, show_error
from ui.printing import view_bbox


@st.cache_data(show_spinner=False, max_entries=16)
def view_sheet(path: str, mt: str, bbox: tuple, paper: str, orientation: str, lg: str):
    """The composed sheet (plain strings and numbers: cached by value)."""
    from gis.dossier.printmap import compose_map

    store = open_data(path)
    return compose_map(
        store, scope="view", bbox=bbox, paper=paper, orientation=orientation, lang=lg
    )


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("dossier.print_page", lg))
if not st.query_params.get("bbox"):
    st.info(t("dossier.no_view", lg))
    st.stop()
try:
    bbox = view_bbox()
except RiverChiefError as exc:
    show_error(exc, lg)
    st.stop()
left, right = st.columns(2)
paper = left.selectbox(t("dossier.paper", lg), list(PAPERS), key="print_paper")
orientation = right.selectbox(
    t("dossier.orientation", lg),
    ORIENTATIONS,
    format_func=lambda o: t(f"dossier.orientation_{o}", lg),
    key="print_orientation",
)
try:
    with st.spinner(t("dossier.print_preview", lg) + "…"):
        sheet = view_sheet(path, mt, bbox, paper, orientation, lg)
except RiverChiefError as exc:  # an extent outside the county: said, never a traceback
    show_error(exc, lg)
    st.stop()
stem = "map_" + "_".join(f"{v:.3f}" for v in bbox)
cols = st.columns(3)
if find_browser():
    from gis.dossier.printmap import write_map

    def printed(suffix: str):
        def build() -> bytes:  # printed only when clicked
            return as_download(lambda out: [write_map(sheet, out)], f"{stem}{suffix}")

        return build

    cols[0].download_button(
        t("dossier.download_pdf", lg),
        data=printed(".pdf"),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        key="print_pdf",
        on_click="ignore",
    )
    cols[1].download_button(
        t("dossier.download_png", lg),
        data=printed(".png"),
        file_name=f"{stem}.png",
        mime="image/png",
        key="print_png",
        on_click="ignore",
    )
else:
    cols[0].caption(md_text(t("dossier.pdf_unavailable", lg)))
cols[2].download_button(
    t("dossier.download_html", lg),
    data=sheet.html.encode("utf-8"),
    file_name=f"{stem}.html",
    mime="text/html",
    key="print_html",
    on_click="ignore",
)
st.caption(t("dossier.print_preview", lg))
# the sheet at its paper size, shrunk to the column's width (a preview, not the print)
FIT = (
    "<script>addEventListener('load', () => { const b = document.body;"
    " b.style.zoom = Math.min(1, innerWidth / b.scrollWidth); });</script>"
)
w_mm, h_mm = sheet.size
components.html(sheet.html + FIT, height=round(h_mm / 25.4 * 96 * 0.85) + 40, scrolling=True)
