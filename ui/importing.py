"""The Data page's import form: what ``riverchief import`` takes as flags, as controls.

After an upload the file's header is read (:func:`gis.io.preview.preview`); each source
column gets a field (pre-filled by the header recognition), required fields the file lacks
get a default, a file without a CRS gets one chosen. The choices become the arguments of
:func:`gis.io.importer.import_file`. The report is ``ui/import_report.py``.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from gis import catalogue
from gis._errors import RiverChiefError
from gis.crs import gk_epsg_for_lon
from gis.i18n import label, t
from gis.io.preview import HELPERS, Preview, preview
from gis.io.reasons import say
from gis.safe import md_text
from ui.common import show_error

KEEP, DROP = "\x00keep", "\x00drop"  # choices no column or field can be named
ENCODINGS = ("", "gbk", "gb18030", "utf-8", "big5")
OTHER = "\x00other"


@dataclass
class Choices:
    """The form's answers: the keyword arguments of ``import_file`` they stand for."""

    field_map: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    crs: str | None = None
    encoding: str | None = None
    swap_xy: bool = False
    allow_outside_china: bool = False
    source_layer: str | None = None
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


def _preview(upload, layer: str, choices: Choices) -> Preview | RiverChiefError:
    """The preview of this upload for ``layer``, once per file, layer, encoding and layer
    in the file."""
    data = upload.getvalue()
    enc, source = choices.encoding, choices.source_layer
    key = ("preview", hashlib.sha256(data).hexdigest(), upload.name, layer, enc, source)
    hit = st.session_state.get("import_preview")
    if hit is None or hit[0] != key:
        with tempfile.TemporaryDirectory(prefix="riverchief-upload-") as tmp:
            src = saved(upload, tmp)
            try:
                got: Preview | RiverChiefError = preview(
                    src, layer, encoding=enc, source_layer=source
                )
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
    found = _preview(upload, layer, choices)
    if isinstance(found, RiverChiefError) and found.code == "file.several_layers":
        layers = [str(n) for n in found.params["layers"]]  # options are plain text, not Markdown
        choices.source_layer = a.selectbox(t("source_layer", lg), layers)
        found = _preview(upload, layer, choices)
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
