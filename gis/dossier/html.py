"""A river archive as one self-contained HTML page (maps inlined, no link leaves the file),
laid out to print on A4: what ``riverchief dossier --out x.html`` writes and what the PDF
is printed from.

Every value from the store is escaped; codes are shown in words of the reader's language.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from gis import catalogue
from gis.dossier import figures
from gis.dossier.river import Part, RiverDossier, plan_completion
from gis.i18n import LABELS, LOCALES, label, t

#: The parts in the order printed, with the catalogue layer whose fields name their columns.
PART_LAYERS = {
    "reaches": None,
    "chiefs": "chiefs",
    "points": None,
    "zones": "protection_zones",
    "quarries": "quarries",
    "gaps": None,
    "plan": "plan_items",
    "patrols": None,
    "events": "events",
    "events_attention": "events",
    "water_quality": "monitoring_sections",
    "freshness": None,
}
#: Columns not printed (ids kept in the export, metres shown as chainage).
HIDDEN = {
    "reaches": {"reach_id", "from_m", "to_m"},
    "points": {"layer", "chainage_m"},
    "gaps": {"admin_code", "detail"},
    "plan": {"item_id", "river_code", "plan_start", "plan_end"},
    "events_attention": {"river_code", "admin_code", "chief_id", "reporter", "patrol_id"},
    "water_quality": {"river_code"},
}
#: Base-sheet rows worded by a label another table already holds.
BASE_KEYS = {"river_code": "col.river_code"}
#: The largest map count per archive: a river crossing more townships gets the overview
#: and the longest stretches (the tables list every reach).
MAX_STRETCH_MAPS = 12

CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
  sans-serif; font-size: 10.5pt; color: #111; max-width: 190mm; margin: auto; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; border-bottom: 1.5pt solid #0B4F9C; margin: 14pt 0 6pt; break-after: avoid; }
p.meta { color: #444; font-size: 9pt; margin: 2pt 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4pt 0; }
th, td { border: 0.5pt solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #E8EEF6; }
tr { break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { color: #8A4B00; font-style: italic; }
figure { margin: 6pt 0; break-inside: avoid; }
figure img { width: 100%; border: 0.5pt solid #999; }
figcaption { font-size: 8.5pt; color: #444; }
.maps { display: grid; grid-template-columns: 1fr 1fr; gap: 6pt; }
"""


def colon(lang: str) -> str:
    """The colon after a label: full-width in Chinese text."""
    return "：" if lang == "zh" else ": "


def _words(codes: dict[str, tuple[str, str]], lang: str) -> Callable[[Any], Any]:
    return lambda v: label(codes[v], lang) if isinstance(v, str) and v in codes else v


def _levels(lang: str) -> Callable[[Any], Any]:
    one = _words(catalogue.LEVELS, lang)
    return lambda v: "、".join(one(x) for x in v) if isinstance(v, list | tuple) else one(v)


def _cell_words(part: str, col: str, lang: str) -> Callable[[Any], Any] | None:
    """How a column's codes read in ``lang`` (None: shown as they are)."""
    if col in ("level", "management_level", "levels_without_chief"):
        if part == "zones":
            return _words(catalogue.ZONE_LEVELS, lang)
        return _levels(lang)
    if part == "points" and col == "kind":
        kinds = {**catalogue.STRUCTURE_KINDS, **{k: LABELS[k] for k in figures.POINT_SYMBOLS}}
        return _words(kinds, lang)
    if part == "freshness" and col == "layer":
        return lambda v: label((catalogue.get_layer(v).zh, catalogue.get_layer(v).en), lang)
    if part == "freshness" and col == "last_import_utc":
        return lambda v: v if isinstance(v, str) and v else t("dossier.no_record", lang)
    if part == "water_quality" and col == "worst_class":
        return _words(getattr(catalogue, "WATER_CLASSES", {}), lang)
    if part == "gaps" and col == "kind":
        return lambda v: t(f"finding.{v}", lang)
    if part == "quarries" and col == "rules":
        return lambda v: (
            "、".join(t(f"rule_{r}", lang) for r in v.split("、")) if isinstance(v, str) else v
        )
    layer = PART_LAYERS.get(part)
    if layer and layer in catalogue.LAYER_NAMES:
        spec = catalogue.get_layer(layer)
        if col in spec.field_names and spec.field(col).codes:
            return _words(spec.field(col).codes or {}, lang)
        if col in spec.field_names and spec.field(col).dtype == "datetime":
            return _minute
    return None


def _minute(v: Any) -> Any:
    """A stored ISO time as a register writes it: ``2026-07-08 12:20``."""
    return v.replace("T", " ")[:16] if isinstance(v, str) else v


def header(part: str, col: str, lang: str) -> str:
    """A column's heading: the archive's own label, else the catalogue field's, else the
    app's label of that key."""
    if f"dossier.col_{col}" in LABELS:
        return t(f"dossier.col_{col}", lang)
    if col.startswith("chiefs_"):
        return t(f"level_{col.removeprefix('chiefs_')}", lang)
    layer = PART_LAYERS.get(part)
    if layer and layer in catalogue.LAYER_NAMES:
        spec = catalogue.get_layer(layer)
        if col in spec.field_names:
            f = spec.field(col)
            return f.zh if lang == "zh" else f.en
    return t(col, lang)


def _fmt(v: Any, lang: str) -> str:
    if v is None or (not isinstance(v, list | tuple | str) and pd.isna(v)):
        return ""
    if isinstance(v, bool):
        return t("dossier.yes" if v else "dossier.no", lang)
    if isinstance(v, float):
        return f"{v:,.1f}"
    return str(v)


def table_html(part: str, df: pd.DataFrame, lang: str) -> str:
    """One part's table, headed in ``lang``, every cell escaped."""
    cols = [c for c in df.columns if c != "geometry" and c not in HIDDEN.get(part, set())]
    if df.empty:
        return f'<p class="status">{html.escape(t("dossier.none_found", lang))}</p>'
    words = {c: _cell_words(part, c, lang) for c in cols}
    head = "".join(f"<th>{html.escape(header(part, c, lang))}</th>" for c in cols)
    body = []
    for row in df[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, row, strict=True):
            w = words[c]
            v = w(v) if w is not None else v
            num = ' class="num"' if isinstance(v, int | float) and not isinstance(v, bool) else ""
            cells.append(f"<td{num}>{html.escape(_fmt(v, lang))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _status(part: Part, lang: str) -> str:
    return f'<p class="status">{html.escape(t(f"dossier.status_{part.status}", lang))}</p>'


def _img(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def maps_html(d: RiverDossier, lang: str) -> str:
    """The overview map and one map per township stretch (the longest first)."""
    reaches = d.parts["reaches"].table
    points = d.context["points"]
    towns = d.context["townships"]
    extent = tuple(d.geometry.total_bounds)
    out = [
        _img(
            figures.draw(
                townships=towns, river=d.geometry, reaches=reaches, points=points, extent=extent
            ),
            t("dossier.overview_map", lang),
        )
    ]
    by_town = reaches.groupby("township", dropna=True)["length_m"].sum().sort_values()
    stretches = []
    for town in list(by_town.index[::-1])[:MAX_STRETCH_MAPS]:
        mine = reaches[reaches["township"] == town]
        png = figures.draw(
            townships=towns,
            river=d.geometry,
            reaches=reaches,
            points=points,
            extent=tuple(mine.total_bounds),
            size=(4.2, 3.2),
            dpi=100,
        )
        stretches.append(_img(png, t("dossier.stretch_map", lang).format(township=town)))
    legend = f'<p class="meta">{html.escape(t("dossier.map_legend", lang))}</p>'
    return out[0] + legend + f'<div class="maps">{"".join(stretches)}</div>'


def base_html(d: RiverDossier, lang: str) -> str:
    """The base sheet as a two-column table."""
    r = d.river
    rows = [
        ("river_code", r["river_code"]),
        ("river_name", r["name"]),
        ("management_level", _levels(lang)(r["management_level"])),
        ("in_register", r["in_register"]),
        ("length_km", round(r["length_m"] / 1000.0, 2)),
        ("townships", "、".join(r["townships"])),
        ("villages", r["villages"]),
        ("reaches", r["reaches"]),
    ]
    plan = plan_completion(d.parts["plan"])
    body = "".join(
        f"<tr><th>{html.escape(t(BASE_KEYS.get(k, f'dossier.{k}'), lang))}</th>"
        f"<td>{html.escape(_fmt(v, lang))}</td></tr>"
        for k, v in rows
    )
    out = f"<table>{body}</table>"
    if "items" in plan and plan["items"]:
        text = t("dossier.plan_done", lang).format(
            done=plan["done"], items=plan["items"], pct=plan["done_pct"], overdue=plan["overdue"]
        )
        out += f'<p class="meta">{html.escape(text)}</p>'
    return out


def to_html(
    d: RiverDossier, *, lang: str = "zh", county: str = "", store: str = "", staff: bool = False
) -> str:
    """The archive as one HTML page.

    Parameters
    ----------
    d : RiverDossier
        From :func:`gis.dossier.river_dossier`.
    lang : {"zh", "en"}
        The reader's language.
    county : str
        The county's name, for the producing office.
    store : str
        The store's file name, for the data source line.
    staff : bool
        Whether phones are shown (else the page says they are masked).

    Returns
    -------
    str
    """
    name = html.escape(str(d.river["name"]))
    title = f"{name}（{html.escape(d.river['river_code'])}）{t('dossier.title', lang)}"
    meta = [
        f"{t('dossier.made_on', lang)}{colon(lang)}{dt.date.today().isoformat()}",
        f"{t('dossier.made_by', lang)}{colon(lang)}"
        + t("dossier.office", lang).format(county=county),
        t("dossier.crs_note", lang),
        t("dossier.sources", lang).format(store=store),
    ]
    if not staff:
        meta.append(t("dossier.masked", lang))
    sections = [
        ("part_base", base_html(d, lang)),
        ("part_maps", maps_html(d, lang)),
    ]
    for part in PART_LAYERS:
        p = d.parts[part]
        if part == "events_attention" and d.parts["events"].status is not None:
            continue  # said once, under 问题与处理
        if p.status is not None:
            sections.append((f"part_{part}", _status(p, lang)))
        elif part == "patrols":
            summary = t("dossier.patrols_summary", lang).format(
                patrols=int(p.table["patrols"].sum()), never=int(p.table["never_patrolled"].sum())
            )
            sections.append(
                (
                    f"part_{part}",
                    f'<p class="meta">{html.escape(summary)}</p>' + table_html(part, p.table, lang),
                )
            )
        else:
            sections.append((f"part_{part}", table_html(part, p.table, lang)))
    body = "".join(
        f"<section><h2>{i}. {html.escape(t(f'dossier.{key}', lang))}</h2>{content}</section>"
        for i, (key, content) in enumerate(sections, start=1)
    )
    metas = "".join(f'<p class="meta">{html.escape(m)}</p>' for m in meta)
    return (
        f'<!doctype html><html lang="{LOCALES[lang]}"><head>'
        f'<meta charset="utf-8"><title>{title}</title><style>{CSS}</style></head>'
        f"<body><header><h1>{title}</h1>{metas}</header>{body}</body></html>"
    )
