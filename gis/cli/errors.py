"""How the command line says a library error: in its language, with its own option names.

The library's messages speak of things ("give the CRS"); the options that do it are the
command line's, so the hint naming them is added here, after the message, on the same line.
The language is the global ``--lang`` option, else ``RIVERCHIEF_LANG``, else Chinese.
"""

from __future__ import annotations

import os

from gis._errors import RiverChiefError
from gis.i18n import LANGUAGES

LANG_ENV = "RIVERCHIEF_LANG"
DEFAULT_LANG = "zh"

#: error code -> the options of this command line that act on it
HINTS: dict[str, str] = {
    "input.crs_missing": "--crs EPSG:XXXX",
    "input.crs_unknown": "--crs EPSG:XXXX",
    "places.crs_missing": "--crs EPSG:XXXX",
    "points.crs_missing": "--crs EPSG:XXXX",
    "point.outside_county": "--crs EPSG:XXXX",
    "text.encoding_unknown": "--encoding gbk|big5|utf-16",
    "text.encoding_unclear": "--encoding gbk|big5|utf-16",
    "text.not_encoding": "--encoding",
    "csv.header_unreadable": "--encoding",
    "file.several_layers": "--source-layer NAME",
    "file.no_such_layer": "--source-layer NAME",
    "xlsx.no_such_sheet": "--source-layer NAME",
    "import.no_geometry": "--field-map X=lon Y=lat",
    "import.fields_missing": "--field-map SRC=FIELD, --default FIELD=VALUE",
    "import.field_map_unknown": "--field-map SRC=FIELD",
    "import.mode": "--mode append|replace",
    "point.invalid": "--point LON,LAT",
    "point.swapped": "--point LON,LAT",
    "output.unsupported_type": "--out",
    "period.reversed": "--from YYYY-MM-DD --to YYYY-MM-DD",
    "patrols.no_chief": "riverchief patrols import FILE --chief ID",
    "jurisdiction.no_reach": "riverchief jurisdiction --river CODE",
    "patrols.none": "riverchief patrols import FILE --chief ID, --tracks FILE",
    "zones.no_sources": "riverchief import FILE --layer water_sources",
    "zones.only_proposed": "riverchief import FILE --layer protection_zones",
    "river.unknown": "riverchief layers rivers",
    "cli.no_store": "--data PATH.gpkg, riverchief demo",
    "cli.dossier_river": "riverchief dossier RIVER --out RIVER.html, riverchief dossier --all",
    "dossier.bad_output": "--out RIVER.html, --out RIVER.pdf",
    "dossier.no_browser": "--out RIVER.html",
    "cli.no_store_data": "--data PATH.gpkg",
    "cli.data_not_a_store": "--data PATH.gpkg",
    "cli.not_county_store": "--data PATH.gpkg, riverchief import",
    "cli.demo_read_only": "riverchief init STORE.gpkg --code CODE --name NAME --boundary FILE "
    "--make-default; --data PATH.gpkg",
    "cli.app_no_store": "riverchief init STORE.gpkg --code CODE --name NAME --boundary FILE; "
    "--data PATH.gpkg",
    "county.outside_china": "--crs EPSG:XXXX",
    "county.store_has_data": "riverchief init NEW.gpkg",
}
#: code of an import row's reason or note -> the options that act on it (after the row)
ROW_HINTS: dict[str, str] = {
    "row.swapped": "command line: --swap-xy",
    "note.all_swapped": "command line: --swap-xy",
    "row.outside_china": "command line: --crs EPSG:XXXX, --allow-outside-china",
    "row.off_globe_lon": "command line: --crs EPSG:XXXX",
    "row.off_globe_lat": "command line: --crs EPSG:XXXX",
    "row.off_globe_not_finite": "command line: --crs EPSG:XXXX",
    "row.not_finite_after_crs": "command line: --crs EPSG:XXXX",
    "row.id_exists": "command line: --mode replace",
    "import.outside_county": "command line: --no-clip",
    "note.salvaging_encoding": "command line: --encoding gbk",
}
_HINT_WORD = {"zh": "命令行：", "en": "command line: "}
_ERROR_WORD = {"zh": "错误：", "en": "error: "}


def language(option: str | None = None) -> str:
    """The language of the command line's messages: ``option``, else the environment's."""
    lang = option or os.environ.get(LANG_ENV) or DEFAULT_LANG
    return lang if lang in LANGUAGES else DEFAULT_LANG


def render(exc: BaseException, lang: str) -> str:
    """One line for ``exc``: ``riverchief: error: <message> (command line: <options>)``."""
    if isinstance(exc, RiverChiefError):
        text = exc.message(lang)
        hint = HINTS.get(exc.code)
        if hint:
            text += (
                f"（{_HINT_WORD[lang]}{hint}）" if lang == "zh" else f" ({_HINT_WORD[lang]}{hint})"
            )
    else:  # KeyError's str() quotes its argument; the message is the argument
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return f"riverchief: {_ERROR_WORD[lang]}{' '.join(text.split())}"
