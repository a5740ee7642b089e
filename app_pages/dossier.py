"""一河一档: one river's archive on screen, and as HTML or PDF to print."""

from __future__ import annotations

import datetime as dt

import streamlit as st
import streamlit.components.v1 as components

from gis.auth import UNMASKED_READ
from gis.dossier import county_context
from gis.dossier.pdf import find_browser, html_to_pdf
from gis.dossier.write import render
from gis.i18n import t
from gis.io.findings import as_download
from gis.patrols import compliance
from gis.safe import md_text
from gis.store_pg import open_data
from ui import kept_output
from ui.common import DATA_KEY, audited, keyed_resource, lang, may, mtime
from ui.patrol_views import judged_patrols, period_inputs


@st.cache_data(show_spinner=False)
def river_choices(path: str, mtime: str) -> dict[str, str]:
    rivers = open_data(path).read("rivers").sort_values("river_code")
    return dict(zip(rivers["river_code"], rivers["name"].astype(str), strict=True))


def county(path: str, mt: str, period: tuple | None, report):
    """The county's analyses, once per store version (and patrol period, when the archive
    has one), shared by every session."""
    return keyed_resource(
        "dossier",
        (path, mt, period),
        lambda: county_context(open_data(path), patrols=report),
    )


@st.cache_data(show_spinner=False, max_entries=32)
def page_html(
    path: str, mt: str, code: str, lg: str, staff: bool, period: tuple | None, _report
) -> str:
    # keyed on the period (track file, from, to); its judged report is not hashed. Kept for
    # the next server too (a store without an as_of date is dated today: a key per day),
    # but never the staff's archive: its phones are not copied to another disk file
    return kept_output.kept_text(
        "dossier",
        (path, mt, code, lg, period, dt.date.today()),
        lambda: render(
            open_data(path), code, lang=lg, staff=staff, county=county(path, mt, period, _report)
        ),
        folder=None if staff else kept_output.folder_for(path),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def patrol_report(path: str, mt: str, period: tuple, _a, _net):
    return compliance(_a, _net, start=period[1], end=period[2])


def patrol_period(lg: str):
    """With the toggle on: the period's patrol report (the judged patrols shared with the
    patrols page) and its key; else (None, None)."""
    if not st.toggle(t("dossier.with_patrols", lg), key="dossier_patrols"):
        return None, None
    tk, (a, net, (dmin, dmax)) = judged_patrols(open_data(path), path, mt, lg)
    start, end = period_inputs(dmin, dmax, key="d", lg=lg)
    period = (tk, start, end)
    return period, patrol_report(path, mt, period, a, net)


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("dossier.title", lg))
choices = river_choices(path, mt)
if not choices:
    st.warning(t("dossier.no_rivers", lg))
    st.stop()
codes = list(choices)
wanted = st.query_params.get("river")
code = st.selectbox(
    t("river", lg),
    codes,
    index=codes.index(wanted) if wanted in choices else 0,
    format_func=lambda c: f"{choices[c]} ({c})",
    key="dossier_river",
)
st.query_params["river"] = code  # a link to this page opens this river's archive
staff = bool(may(UNMASKED_READ))  # asked on the server at every run
period, report = patrol_period(lg)
with st.spinner(t("dossier.making", lg)):
    html_text = page_html(path, mt, code, lg, staff, period, report)
left, right = st.columns(2)
name = f"{code}_{t('dossier.title', lg)}"
html_bytes = html_text.encode("utf-8")
left.download_button(
    t("dossier.download_html", lg),
    # phones shown to staff: the download goes to the audit log, as every unmasked export
    data=audited("export_unmasked", f"{name}.html", lambda: html_bytes) if staff else html_bytes,
    file_name=f"{name}.html",
    mime="text/html",
    key="dossier_html",
    on_click="ignore",
)
if find_browser():

    def pdf_bytes() -> bytes:
        return as_download(lambda out: [html_to_pdf(html_text, out)], f"{name}.pdf")

    right.download_button(
        t("dossier.download_pdf", lg),
        data=audited("export_unmasked", f"{name}.pdf", pdf_bytes) if staff else pdf_bytes,
        file_name=f"{name}.pdf",
        mime="application/pdf",
        key="dossier_pdf",
        on_click="ignore",
    )
else:
    right.caption(md_text(t("dossier.pdf_unavailable", lg)))
components.html(html_text, height=900, scrolling=True)
