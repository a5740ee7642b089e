"""One row of GeoPackage / XLSX / CSV (zipped) download buttons for a report's tables.

Every findings page offers its tables the way ``riverchief ... --out`` writes them
(gis.io.findings: an empty table keeps its headers, and a sheet says 未发现).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from gis.io.findings import as_download, write_findings
from ui.common import audited

#: (suffix, MIME type) of each button, in the order shown.
FORMATS = (
    (".gpkg", "application/geopackage+sqlite3"),
    (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (".csv", "application/zip"),
)


def tables_file(tables: dict[str, pd.DataFrame], stem: str, suffix: str) -> bytes:
    """``tables`` written as ``stem + suffix``; CSV's one-file-per-table comes zipped."""
    return as_download(lambda out: write_findings(tables, out), f"{stem}{suffix}")


def download_buttons(
    stem: str,
    build: Callable[[str], bytes],
    *,
    key: str,
    unmasked: bool = False,
) -> None:
    """Three buttons; ``build(suffix)`` writes the file when a button is clicked (deferred:
    not on every page load). ``unmasked`` downloads (phones shown) go to the audit log."""
    for col, (suffix, mime) in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        name = f"{stem}.csv.zip" if suffix == ".csv" else f"{stem}{suffix}"
        make = lambda s=suffix: build(s)  # noqa: E731
        col.download_button(
            suffix[1:].upper(),
            data=audited("export_unmasked", name, make) if unmasked else make,
            file_name=name,
            mime=mime,
            key=f"{key}{suffix}",
            on_click="ignore",  # a download is no input: the page is not run again
        )
