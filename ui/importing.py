"""The Data page's import form: what ``riverchief import`` takes as flags, as controls.

After an upload the file's header is read (:func:`gis.io.preview.preview`); each source
column gets a field (pre-filled by the header recognition), required fields the file lacks
get a default, a file without a CRS gets one chosen. The choices become the arguments of
:func:`gis.io.importer.import_file`. Every word is the app's own: a reason's fix names this
form's controls (:data:`HINTS`), never a command-line flag or a server path.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from gis import catalogue
from gis._errors import RiverChiefError
from gis.crs import gk_epsg_for_lon
from gis.i18n import label, t
from gis.io.preview import HELPERS, Preview, preview
from gis.io.reasons import rejects_in, say
from gis.safe import md_frame, md_text
from ui.common import show_error

KEEP, DROP = "\x00keep", "\x00drop"  # choices no column or field can be named
ENCODINGS = ("", "gbk", "gb18030", "utf-8", "big5")
OTHER = "\x00other"
#: code of a row's reason or a note -> the label key of what to do on this page
HINTS = {
    "row.swapped": "hint_swap",
    "note.all_swapped": "hint_swap",
    "row.outside_china": "hint_outside",
    "row.off_globe_lon": "hint_crs",
    "row.off_globe_lat": "hint_crs",
    "row.off_globe_not_finite": "hint_crs",
    "row.not_finite_after_crs": "hint_crs",
    "row.id_exists": "hint_replace",
    "note.salvaging_encoding": "hint_encoding",
    "import.field_map_twice": "hint_map",
}


@dataclass
class Choices:
    """The form's answers: the keyword arguments of ``import_file`` they stand for."""

    field_map: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    crs: str | None = None
    encoding: str | None = None
    swap_xy: bool = False
    allow_outside_china: bool = False
    clip: bool = True


def saved(upload, folder: str) -> Path:
    """The upload written under its own file name (the suffix picks the reader)."""
    src = Path(folder) / Path(upload.name).name
    src.write_bytes(upload.getvalue())
    return src


def field_words(layer: str, lg: str) -> dict[str, str]:
    """Field and helper-column names of ``layer`` -> ``中文名(name)`` words."""
    spec = catalogue.get_layer(layer)
    pairs = {f.name: (f.zh, f.en) for f in spec.fields} | HELPERS
    return {k: f"{label(v, lg)} ({k})" for k, v in pairs.items()} | {
        "geometry": "geometry" if lg == "en" else "几何(geometry)"
    }


def _preview(upload, layer: str, encoding: str | None) -> Preview | RiverChiefError:
    """The preview of this upload for ``layer``, once per file, layer and encoding."""
    data = upload.getvalue()
    key = ("preview", hashlib.sha256(data).hexdigest(), upload.name, layer, encoding)
    hit = st.session_state.get("import_preview")
    if hit is None or hit[0] != key:
        with tempfile.TemporaryDirectory(prefix="riverchief-upload-") as tmp:
            src = saved(upload, tmp)
            try:
                got: Preview | RiverChiefError = preview(src, layer, encoding=encoding)
            except RiverChiefError as exc:
                exc.rename_file(str(src), upload.name)
                got = exc
        st.session_state["import_preview"] = hit = (key, got)
    return hit[1]


def import_form(upload, layer: str, lg: str) -> Choices | None:
    """Draw the form for ``upload``; its choices, or None when the file cannot be read."""
    spec = catalogue.get_layer(layer)
    a, b = st.columns(2)
    enc = a.selectbox(
        t("encoding", lg), ENCODINGS, format_func=lambda e: e.upper() or t("encoding_auto", lg)
    )
    choices = Choices(encoding=enc or None)
    choices.swap_xy = b.checkbox(t("swap_xy", lg))
    choices.allow_outside_china = b.checkbox(t("allow_outside", lg))
    if spec.geometry is not None:
        choices.clip = b.checkbox(t("clip_county", lg), value=True)
    if upload is None:
        return choices
    found = _preview(upload, layer, choices.encoding)
    if isinstance(found, RiverChiefError):
        show_error(found, lg)
        return None
    st.caption(md_text(t("preview_rows", lg).format(n=f"{found.rows:,}")))
    st.dataframe(found.sample, hide_index=True, width="stretch")
    for note in found.notes:
        st.caption(md_text(say(note, lg)))
    mapping = _mapping(found, lg, choices)
    choices.defaults = _defaults(found, mapping, lg)
    if spec.geometry is not None:
        choices.crs = _crs(found, a, lg)
        if not found.has_geometry and not {"lon", "lat"} <= set(mapping.values()):
            st.warning(t("needs_lonlat", lg))
    return choices


def _mapping(found: Preview, lg: str, choices: Choices) -> dict[str, str | None]:
    """One select per source column; fills ``choices.field_map``; the chosen targets."""
    st.markdown(f"**{t('column_mapping', lg)}**")
    st.caption(t("column_mapping_note", lg))
    words = field_words(found.layer, lg)
    options = [KEEP, DROP, *found.targets]
    names = {KEEP: t("map_keep", lg), DROP: t("map_drop", lg), **words}
    token = hashlib.sha256(repr((found.file, found.layer, found.columns)).encode()).hexdigest()
    chosen: dict[str, str | None] = {}
    cells = _grid()
    for i, col in enumerate(found.columns):
        suggested = found.mapping[col] or KEEP
        pick = next(cells).selectbox(
            md_text(col),
            options,
            index=options.index(suggested),
            format_func=names.__getitem__,
            key=f"map-{token[:16]}-{i}",
        )
        if pick == DROP:
            choices.field_map[col] = ""
        elif pick == KEEP:
            if col in found.recognised:  # the import would rename it: kept under its own name
                choices.field_map[col] = col
        else:
            choices.field_map[col] = pick
        chosen[col] = None if pick in (KEEP, DROP) else pick
    return chosen


def _defaults(found: Preview, mapping: dict[str, str | None], lg: str) -> dict[str, str]:
    """A default for each required field no column gives (a code list's codes to choose)."""
    missing = found.missing(mapping)
    if not missing:
        return {}
    spec = catalogue.get_layer(found.layer)
    words = field_words(found.layer, lg)
    st.markdown(f"**{t('defaults', lg)}**")
    out: dict[str, str] = {}
    cells = _grid()
    for name in missing:
        f = spec.field(name)
        title = t("default_for", lg).format(field=words[name])
        if f.codes:
            codes = ["", *f.codes]
            value = next(cells).selectbox(
                title,
                codes,
                format_func=lambda c, f=f: (
                    f"{label(f.codes[c], lg)} ({c})" if c else t("default_none", lg)
                ),
                key=f"default-{found.layer}-{name}",
            )
        else:
            value = next(cells).text_input(title, key=f"default-{found.layer}-{name}").strip()
        if value:
            out[name] = value
    return out


def _grid() -> Iterator[Any]:
    """Cells of a grid three wide, filled row by row (a phone, which stacks the columns,
    shows them in the file's order); a row is drawn when its first cell is taken."""
    while True:
        yield from st.columns(3)


def crs_options(lg: str) -> dict[str, str]:
    """The CRS a county's files come in -> their names: CGCS2000 and WGS84 degrees, then
    the CGCS2000 3-degree Gauss-Krüger zones (75°E to 135°E), plain and zone-prefixed."""
    out = {"EPSG:4490": t("crs_4490", lg), "EPSG:4326": t("crs_4326", lg)}
    for cm in range(75, 136, 3):
        out[f"EPSG:{gk_epsg_for_lon(cm)}"] = t("crs_gk", lg).format(cm=cm)
    for cm in range(75, 136, 3):
        zone = cm // 3
        out[f"EPSG:{gk_epsg_for_lon(cm) - 21}"] = t("crs_gk_prefixed", lg).format(zone=zone)
    return out


def _crs(found: Preview, where, lg: str) -> str | None:
    """The CRS to read the file in: the file's own (said), else the user's choice."""
    if found.crs is not None:
        st.caption(md_text(t("file_crs", lg).format(crs=found.crs)))
        return None
    named = crs_options(lg)
    first = t("crs_table_default", lg) if not found.has_geometry else t("crs_pick", lg)
    options = ["", *named, OTHER]
    pick = where.selectbox(
        t("crs_choice", lg),
        options,
        format_func=lambda c: first if not c else t("crs_other", lg) if c == OTHER else named[c],
        key=f"crs-{found.file}",
    )
    if pick == OTHER:
        return where.text_input(t("crs_other_input", lg), key=f"crs-other-{found.file}") or None
    return pick or None


def hint(code: str | None, lg: str) -> str:
    """This page's way to act on a reason's code ('' when it has none)."""
    key = HINTS.get(code or "")
    return t(key, lg) if key else ""


def problem_frame(problems: list, layer: str, lg: str) -> pd.DataFrame:
    """The rejected and repaired rows in ``lg``: row, field, reason, fix (with this page's
    hint), action."""
    words = field_words(layer, lg)
    rows: list[dict[str, Any]] = []
    for p in problems:
        reason, fix = p.message(lg)
        extra = hint(p.code, lg)
        fix = (
            "；".join(x for x in (fix, extra) if x)
            if lg == "zh"
            else "; ".join(x for x in (fix, extra) if x)
        )
        rows.append(
            {
                t("row", lg): p.row,
                t("field", lg): words.get(p.field or "", p.field or ""),
                t("reason", lg): reason,
                t("fix", lg): fix,
                t("action", lg): t(f"action_{p.action}", lg),
            }
        )
    return md_frame(pd.DataFrame(rows))


def rejects_csv(text: str, report, lg: str) -> bytes:
    """The rejects file with headers, fields, reasons and fixes in ``lg``."""
    row = t("feature" if report.row_word == "feature" else "row", lg)
    words = {
        f"_{report.row_word}": row,
        "_field": t("field", lg),
        "_reason": t("reason", lg),
        "_fix": t("fix", lg),
        **field_words(report.layer, lg),
    }
    return rejects_in(lg, text, report.rejected, words).encode("utf-8")


def show_report(report, rejected_csv: bytes | None, lg: str) -> None:
    """The import's report in ``lg``: the counts, notes, the problems, the rejects file."""
    c = st.columns(4)
    c[0].metric(t("rows_read", lg), f"{report.read:,}")
    c[1].metric(t("rows_accepted", lg), f"{report.accepted:,}")
    c[2].metric(t("rows_rejected", lg), f"{len(report.rejected):,}")
    c[3].metric(t("rows_repaired", lg), f"{len(report.repaired):,}")
    (st.success if report.written else st.info)(
        t("written" if report.written else "not_written", lg)
    )
    for note in report.notes:
        extra = hint(getattr(note, "code", None), lg)
        st.caption(md_text(say(note, lg) + (f"（{extra}）" if extra else "")))
    if report.lost:
        st.error(f"{t('damaged_file', lg)}: {md_text(report.lost)}")
    problems = report.rejected + report.repaired
    if problems:
        st.table(problem_frame(problems[:500], report.layer, lg))
    if rejected_csv:
        st.download_button(
            t("download_rejects", lg),
            rejects_csv(rejected_csv.decode("utf-8-sig"), report, lg),
            file_name=f"{report.file}.rejects.csv",
            mime="text/csv",
        )
