"""Data: upload a file, map its columns and give defaults (ui/importing.py), check it row
by row (nothing written; ui/import_report.py), import it (staff only); export the county
GeoPackage and its tables."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import streamlit as st

from gis import catalogue, datasets
from gis._errors import RiverChiefError
from gis.audit import TABLE as AUDIT_TABLE
from gis.auth import EXPORT_UNMASKED, IMPORT
from gis.i18n import t
from gis.io.findings import as_download, export_store
from gis.io.importer import import_file
from gis.io.readers import SUPPORTED
from gis.store_pg import open_data
from ui.common import (
    DATA,
    DATA_KEY,
    DATA_NAME,
    DATA_STEM,
    ON_POSTGIS,
    audit_fields,
    audited,
    lang,
    may,
    mtime,
    session,
    show_error,
)
from ui.import_report import show_report
from ui.importing import Choices, import_form, saved

IMPORTABLE = [n for n in catalogue.LAYER_NAMES if n not in catalogue.SYSTEM_LAYERS]
log = logging.getLogger("riverchief.app")


def export_now(path: str, suffix: str, masked: bool) -> bytes:
    """The store's layers as GeoPackage, XLSX, or CSV files in one zip; phones masked
    unless for staff (staff get a consistent copy of the store itself). The audit log
    names who logs in from where: it goes only into unmasked exports, which are therefore
    built on each click (the cache key, the store's version, ignores audit rows)."""
    if suffix == ".gpkg" and not masked:
        return open_data(path).snapshot()
    store = open_data(path)
    layers = [
        n
        for n in catalogue.LAYER_NAMES
        if n in store.layers() and not (masked and n == AUDIT_TABLE)
    ]
    return as_download(
        lambda out: export_store(store, out, layers=layers, mask_phones=masked), f"county{suffix}"
    )


@st.cache_data(show_spinner=False, max_entries=8)
def exported(path: str, mtime: str, suffix: str) -> bytes:
    """The masked export, the same for every visitor until the data changes."""
    return export_now(path, suffix, masked=True)


def run_import(upload, layer: str, choices: Choices, *, mode: str, dry_run: bool):
    """Import the uploaded file with the form's choices; a write carries its audit row in
    the same transaction. Errors name the user's own file, never the server's copy."""
    with tempfile.TemporaryDirectory(prefix="riverchief-upload-") as tmp:
        src = saved(upload, tmp)
        rejects = Path(tmp) / "rejects.csv"
        kwargs = dict(
            **({"store": open_data(DATA_KEY)} if ON_POSTGIS else {"data": DATA}),
            crs=choices.crs,
            encoding=choices.encoding,
            field_map=choices.field_map,
            defaults=choices.defaults,
            mode=mode,
            swap_xy=choices.swap_xy,
            allow_outside_china=choices.allow_outside_china,
            source_layer=choices.source_layer,
            rejects=rejects,
            dry_run=dry_run,
            audit=audit_fields(upload.name),
        )
        kwargs["clip"] = choices.clip
        try:
            report = import_file(src, layer, **kwargs)
        except RiverChiefError as exc:
            exc.rename_file(str(src), upload.name)  # the user's own file name, not the copy's
            raise
        report.file = upload.name
        rejected_csv = rejects.read_bytes() if rejects.exists() else None
    return report, rejected_csv


lg = lang()
st.subheader(t("page_data", lg))
st.markdown(f"**{t('import', lg)}**")
upload = st.file_uploader(t("upload_file", lg), type=[s.lstrip(".") for s in SUPPORTED])
a, d = st.columns(2)
layer = a.selectbox(
    t("target_layer", lg),
    IMPORTABLE,
    format_func=lambda n: f"{n} · {getattr(catalogue.get_layer(n), lg if lg == 'zh' else 'en')}",
)
mode = d.selectbox(
    t("import_mode", lg), ["append", "replace"], format_func=lambda m: t(f"mode_{m}", lg)
)
choices = import_form(upload, layer, lg)
check_col, write_col = st.columns(2)
may_import = may(IMPORT)
check = check_col.button(t("check_file", lg), disabled=upload is None or choices is None)
# `disabled` only hints the browser: a forged click still reaches the handler below
write = write_col.button(
    t("import_file", lg),
    disabled=upload is None or choices is None or not may_import,
    type="primary",
)
if not may_import:
    write_col.caption(
        t(
            "import_staff_only"
            if may_import.reason == "auth_need_login"
            else "auth_not_this_county",
            lg,
        )
    )
# the shipped demo is never written from the app: a file can be checked against it, and an
# office sets up its own store on the 建立县库 page (the CLI refuses the same unless named)
demo_read_only = datasets.is_demo(DATA)
if demo_read_only:
    write_col.caption(t("demo_read_only", lg))
if write and not may_import:  # checked before the upload is even read
    log.warning("import refused for %s (%s): %s", session().user, session().role, may_import.reason)
    st.error(t(may_import.reason, lg))
elif write and demo_read_only:
    st.error(t("demo_read_only", lg))
elif upload is not None and choices is not None and (check or write):
    try:
        report, rejected_csv = run_import(upload, layer, choices, mode=mode, dry_run=not write)
    except RiverChiefError as exc:
        show_error(exc, lg)  # the whole file was refused; the store is unchanged
    else:
        show_report(report, rejected_csv, lg)

st.divider()
st.markdown(f"**{t('export', lg)}**")
path, mt = DATA_KEY, mtime()
masked = not may(EXPORT_UNMASKED)


def download(suffix: str):
    if masked:
        return lambda: exported(path, mt, suffix)
    return audited(
        "export_unmasked", f"{DATA_NAME}{suffix}", lambda: export_now(path, suffix, masked=False)
    )


e1, e2, e3 = st.columns(3)
e1.download_button(
    t("export_gpkg", lg),
    data=download(".gpkg"),
    file_name=DATA_NAME,
    mime="application/geopackage+sqlite3",
)
e2.download_button(
    t("export_xlsx", lg),
    data=download(".xlsx"),
    file_name=f"{DATA_STEM}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
e3.download_button(
    t("export_csv", lg),
    data=download(".csv"),
    file_name=f"{DATA_STEM}.csv.zip",
    mime="application/zip",
)
st.caption(t("export_note", lg) + (" " + t("export_masked", lg) if masked else ""))
