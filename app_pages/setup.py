"""Set up a county (staff only): upload its boundary, give its code and name.

The served store is set up in place when it holds nothing yet (``streamlit run app.py`` on
a new county); a store that already holds data is never set up again, so the new county's
store is then built aside and offered as a download for the administrator to serve.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import streamlit as st

from gis._errors import RiverChiefError
from gis.auth import IMPORT, authorize
from gis.county import can_init, init_county
from gis.i18n import t
from ui.common import DATA, ON_POSTGIS, audit_fields, lang, may, session, show_error

#: Boundary files the page takes (a shapefile comes zipped: one upload, all its parts).
BOUNDARY_TYPES = ["zip", "gpkg", "geojson", "json", "kml"]
REPORT_KEY = "setup_report"  # the last set-up's message, shown again after the rerun
log = logging.getLogger("riverchief.app")


def allowed(code: str):
    """Staff of the served store, or of the county being set up, may set it up."""
    served = may(IMPORT)
    return served if served else authorize(session(), IMPORT, code.strip() or None)


def build(upload, code: str, name: str, crs: str, target: Path | None):
    """Run :func:`init_county` on the upload; ``target`` None builds a store to download.
    Returns (report, the new store's bytes or None)."""
    with tempfile.TemporaryDirectory(prefix="riverchief-setup-") as tmp:
        src = Path(tmp) / Path(upload.name).name
        src.write_bytes(upload.getvalue())
        out = target or Path(tmp) / f"{code.strip() or 'county'}.gpkg"
        try:
            report = init_county(
                out,
                code=code,
                name=name,
                boundary=src,
                crs=crs.strip() or None,
                audit=audit_fields(upload.name),
            )
        except RiverChiefError as exc:
            exc.rename_file(str(src), upload.name)  # the user's own file name
            raise
        return report, None if target else out.read_bytes()


def done_text(report, lg: str) -> str:
    """The report's first line (the county, its boundary and zone), without the server's path."""
    return report.format(lg).splitlines()[0]


lg = lang()
st.subheader(t("page_setup", lg))
if ON_POSTGIS:  # a database county is loaded by its administrator, never from a page
    st.info(t("setup_postgis", lg))
    st.stop()
st.markdown(t("setup_intro", lg))
if REPORT_KEY in st.session_state:
    st.success(st.session_state.pop(REPORT_KEY))
in_place = can_init(DATA)
if not in_place:
    st.info(t("setup_has_data", lg))
upload = st.file_uploader(t("setup_boundary", lg), type=BOUNDARY_TYPES)
a, b, c = st.columns(3)
code = a.text_input(t("setup_code", lg), placeholder="330106")
name = b.text_input(t("setup_name", lg), placeholder="西湖区")
crs = c.text_input(t("setup_crs", lg), placeholder="EPSG:4490")
go = st.button(t("setup_button", lg), disabled=upload is None, type="primary")
if go:
    decision = allowed(code)  # in the handler: a forged click is refused here
    if not decision:
        log.warning(
            "set-up refused for %s (%s): %s", session().user, session().role, decision.reason
        )
        st.error(t("setup_staff_only", lg))
    elif upload is not None:
        try:
            report, new_store = build(upload, code, name, crs, DATA if in_place else None)
        except RiverChiefError as exc:
            show_error(exc, lg)  # nothing was written
        else:
            if new_store is None:
                st.session_state[REPORT_KEY] = done_text(report, lg)
                st.rerun()  # the served store exists now: every page is there
            st.success(done_text(report, lg))
            st.download_button(
                t("setup_download", lg),
                new_store,
                file_name=f"{report.name}.gpkg",
                mime="application/geopackage+sqlite3",
            )
