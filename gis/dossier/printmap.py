"""Printed thematic maps (专题图): a river, a township or the county on A4/A3 with a
title, legend, scale bar in metres, north arrow, CGCS2000 grid ticks, date, producing
unit and data source, offline (the county's own layers, no tiles).

The map itself is drawn by matplotlib; the sheet (title, legend, notes) is HTML, printed
to PDF or PNG by the machine's Chromium-family browser, so Chinese text is real,
embedded text in the PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from pyproj import Transformer  # noqa: E402

from gis import catalogue  # noqa: E402
from gis._errors import (  # noqa: E402
    AmbiguousNameError,
    InputError,
    OutputError,
    UnknownNameError,
)
from gis.crs import to_metric  # noqa: E402
from gis.dossier.figures import cjk_font, draw_lines, north_arrow, scale_bar  # noqa: E402
from gis.dossier.html import colon  # noqa: E402
from gis.dossier.paper import ORIENTATIONS, PAPERS, SCOPES  # noqa: E402
from gis.dossier.pdf import html_to_pdf, html_to_png  # noqa: E402
from gis.dossier.river import resolve_river  # noqa: E402
from gis.i18n import LOCALES, t  # noqa: E402
from gis.maps.style import SYMBOLS, zone_label  # noqa: E402
from gis.store import Store  # noqa: E402

#: Printed resolution of the map image, and of a PNG sheet.
DPI = 200
PNG_DPI = 150
#: Layers drawn, bottom up, with their symbol and label key (the one symbology table).
LEVEL_KEYS = {lv: f"rivers_{lv}" for lv in catalogue.CHIEF_LEVELS}


@dataclass
class Sheet:
    """A composed map: the HTML page, and what it shows (for tests and captions)."""

    html: str
    title: str
    legend: list[tuple[str, str]]  # (symbol key, label)
    extent: tuple[float, float, float, float]  # metric CRS
    body: str  # the sheet's own markup, for an atlas of sheets
    size: tuple[float, float]  # the page, millimetres


def _polys(ax, gdf: gpd.GeoDataFrame, key: str) -> None:
    sym = SYMBOLS[key]
    for geom in gdf.geometry:
        if geom is None or geom.is_empty:
            continue
        for p in getattr(geom, "geoms", [geom]):
            rings = [np.asarray(p.exterior.coords), *(np.asarray(r.coords) for r in p.interiors)]
            codes = np.concatenate(
                [
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY]
                    for r in rings
                ]
            )
            path = MplPath(np.concatenate(rings), codes)
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor=sym.fill or "none",
                    alpha=sym.fill_opacity or 1.0,
                    edgecolor=sym.color,
                    linewidth=sym.weight * 0.6,
                )
            )


def _dots(ax, gdf: gpd.GeoDataFrame, key: str) -> None:
    if gdf.empty:
        return
    sym = SYMBOLS[key]
    ax.scatter(
        gdf.geometry.x,
        gdf.geometry.y,
        s=(sym.radius * 2) ** 2 / 3,
        c=sym.fill or sym.color,
        edgecolors=sym.color,
        linewidths=0.5,
        zorder=4,
    )


def _ticks(ax, crs) -> None:
    """Graticule ticks in CGCS2000 degrees along the bottom and left edges."""
    to_ll = Transformer.from_crs(crs, 4490, always_xy=True)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    xs = np.linspace(x0, x1, 400)
    lons, _ = to_ll.transform(xs, np.full_like(xs, y0))
    ys = np.linspace(y0, y1, 400)
    _, lats = to_ll.transform(np.full_like(ys, x0), ys)

    def place(values, coords):
        span = values.max() - values.min()
        step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0) if span / s <= 6)
        ticks = np.arange(np.ceil(values.min() / step) * step, values.max(), step)
        return np.interp(ticks, values, coords), ticks

    tx, tlon = place(lons, xs)
    ty, tlat = place(lats, ys)
    ax.set_xticks(tx, [f"{v:.2f}°E" for v in tlon], fontsize=6)
    ax.set_yticks(ty, [f"{v:.2f}°N" for v in tlat], fontsize=6, rotation=90, va="center")
    ax.tick_params(direction="in", length=3, top=True, right=True)


def _draw(ax, store, scope, name, rivers, admin, focus, lang) -> list[tuple[str, str]]:  # noqa: PLR0913
    """The county's layers, bottom up; the legend rows of what was drawn."""
    legend: list[tuple[str, str]] = []
    crs = rivers.crs
    zones = store.read("protection_zones")
    if not zones.empty:
        zones = zones.to_crs(crs)
        for lv in ("level2", "level1"):
            z = zones[zones["level"] == lv]
            if not z.empty:
                _polys(ax, z, f"zones_{lv}")
                legend.append((f"zones_{lv}", zone_label(lv, lang)))
    res = store.read("reservoirs")
    if not res.empty:
        _polys(ax, res.to_crs(crs), "reservoirs")
        legend.append(("reservoirs", t("reservoirs", lang)))
    if scope != "county":
        villages = admin[admin["level"] == "village"]
        draw_lines(ax, villages, "villages", scale=0.7)
        legend.append(("villages", t("villages", lang)))
    draw_lines(ax, admin[admin["level"] == "township"], "townships", scale=0.7)
    legend.append(("townships", t("townships", lang)))
    draw_lines(ax, admin[admin["level"] == "county"], "county", scale=0.7)
    legend.append(("county", t("county_boundary", lang)))
    for lv in reversed(catalogue.CHIEF_LEVELS):
        r = rivers[rivers["management_level"] == lv]
        if not r.empty:
            draw_lines(ax, r, LEVEL_KEYS[lv], scale=0.7)
            legend.append((LEVEL_KEYS[lv], t(LEVEL_KEYS[lv], lang)))
    if scope == "river":
        draw_lines(ax, focus, "selected_reaches", scale=0.6)
        legend.append(("selected_reaches", name))
    elif scope == "township":
        draw_lines(ax, focus, "drawn_area", scale=1.2)
    font = cjk_font()
    if font:  # township names; without a CJK font the legend and title carry the words
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        towns = admin[admin["level"] == "township"]
        for name_, geom in zip(towns["name"], towns.geometry, strict=True):
            at = geom.representative_point()
            if x0 < at.x < x1 and y0 < at.y < y1:
                ax.text(  # a name from a file is text, never mathtext ("$...$")
                    at.x,
                    at.y,
                    str(name_),
                    fontsize=7,
                    color=SYMBOLS["townships"].color,
                    family=font,
                    ha="center",
                    parse_math=False,
                    clip_on=True,
                    zorder=5,
                )
    for layer in ("water_sources", "quarries"):
        pts = store.read(layer)
        if not pts.empty:
            _dots(ax, pts.to_crs(crs), layer)
            legend.append((layer, t(layer, lang)))
    return legend


Extent = tuple[float, float, float, float]


def parse_bbox(text: str) -> Extent:
    """``"W,S,E,N"`` in decimal degrees (CGCS2000) as four numbers.

    Raises
    ------
    InputError
        Not four finite numbers, west not left of east, south not below north, or outside
        longitude/latitude ranges (``map.bad_bbox``).

    Examples
    --------
    >>> parse_bbox("105.1,30.2,105.4,30.5")
    (105.1, 30.2, 105.4, 30.5)
    """
    try:
        w, s, e, n = (float(v) for v in str(text).split(","))
    except ValueError:
        raise InputError(code="map.bad_bbox", params={"text": str(text)[:80]}) from None
    if not (np.isfinite([w, s, e, n]).all() and -180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(code="map.bad_bbox", params={"text": str(text)[:80]})
    return w, s, e, n


def _frame(store: Store, scope: str, target: str | None, bbox: Extent | None = None):
    """(title words, the layers in one metric CRS, the target's frame, the target)."""
    rivers = to_metric(store.read("rivers"))
    crs = rivers.crs
    admin = store.read("admin_units").to_crs(crs)
    if scope == "view":
        if bbox is None:
            raise InputError(code="map.bad_bbox", params={"text": ""})
        county = admin.to_crs(4490).total_bounds
        if not shapely.box(*bbox).intersects(shapely.box(*county)):
            params = {"box": _box_words(bbox), "county": _box_words(tuple(county))}
            raise InputError(code="map.view_outside", params=params)
        view = gpd.GeoDataFrame(geometry=[shapely.box(*bbox)], crs=4490).to_crs(crs)
        return str(store.meta().get("county_name") or ""), rivers, admin, view
    if scope == "river":
        code = resolve_river(rivers, target or "")
        focus = rivers[rivers["river_code"] == code]
        name = str(focus["name"].iloc[0])
    elif scope == "township":
        towns = admin[admin["level"] == "township"]
        hit = towns[(towns["admin_code"] == target) | (towns["name"] == target)]
        if len(hit) != 1:
            if len(hit) > 1:
                raise AmbiguousNameError("township", str(target), list(hit["admin_code"]))
            raise UnknownNameError("township", str(target), list(towns["name"][:10]))
        focus, name = hit, str(hit["name"].iloc[0])
    else:
        focus = admin[admin["level"] == "county"]
        if focus.empty:
            focus = admin
        name = str(store.meta().get("county_name") or "")
    return name, rivers, admin, focus


def _box_words(b) -> str:
    return ",".join(f"{v:.4f}" for v in b)


def compose_map(  # noqa: PLR0913 -- a sheet's options, all keyword-only
    store: Store,
    *,
    scope: str = "county",
    target: str | None = None,
    bbox: Extent | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str = "zh",
    title: str | None = None,
) -> Sheet:
    """A printable map sheet of the county, a township, a river or an extent.

    Parameters
    ----------
    store : Store
        The county store.
    scope : {"river", "township", "county", "view"}
        What the map is of; ``target`` names the river or township (code or unique name).
    bbox : (west, south, east, north), optional
        The extent of ``scope="view"`` in degrees, CGCS2000 (see :func:`parse_bbox`); the
        sheet shows at least this, widened to the paper's shape.
    paper : {"A4", "A3"}
    orientation : {"landscape", "portrait"}
    lang : {"zh", "en"}
    title : str, optional
        The sheet's title (default: the name and the kind of map).

    Returns
    -------
    Sheet
    """
    for what, value, valid in (
        ("map scope", scope, SCOPES),
        ("paper size", paper, tuple(PAPERS)),
        ("orientation", orientation, ORIENTATIONS),
    ):
        if value not in valid:
            raise UnknownNameError(what, value, valid)
    name, rivers, admin, focus = _frame(store, scope, target, bbox)
    w_mm, h_mm = PAPERS[paper] if orientation == "portrait" else PAPERS[paper][::-1]
    map_w, map_h = (w_mm - 70) / 25.4, (h_mm - 45) / 25.4  # legend column and title band
    fig, ax = plt.subplots(figsize=(map_w, map_h), dpi=DPI)
    try:
        minx, miny, maxx, maxy = focus.total_bounds
        pad = 0.0 if scope == "view" else 0.05 * max(maxx - minx, maxy - miny, 500.0)
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        aspect = map_w / map_h
        if (maxx - minx) / (maxy - miny) < aspect:
            grow = ((maxy - miny) * aspect - (maxx - minx)) / 2
            minx, maxx = minx - grow, maxx + grow
        else:
            grow = ((maxx - minx) / aspect - (maxy - miny)) / 2
            miny, maxy = miny - grow, maxy + grow
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal")
        crs = rivers.crs
        legend = _draw(ax, store, scope, name, rivers, admin, focus, lang)
        _ticks(ax, crs)
        scale_bar(ax, maxx - minx)
        north_arrow(ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.02)
    finally:
        plt.close(fig)
    heading = title or t(f"dossier.sheet_{scope}", lang).format(name=name)
    body = _sheet_body(heading, buf.getvalue(), legend, store=store, lang=lang)
    page = sheets_html([body], title=heading, lang=lang, size=(w_mm, h_mm))
    return Sheet(page, heading, legend, (minx, miny, maxx, maxy), body, (w_mm, h_mm))


def _swatch(key: str) -> str:
    sym = SYMBOLS[key]
    if sym.kind == "line":
        return f'<span class="sw line" style="border-color:{sym.color}"></span>'
    if sym.kind == "dot":
        return (
            f'<span class="sw dot" style="background:{sym.fill};border-color:{sym.color}"></span>'
        )
    return f'<span class="sw box" style="background:{sym.fill};border-color:{sym.color}"></span>'


def _sheet_body(
    heading: str, png: bytes, legend: list[tuple[str, str]], *, store: Store, lang: str
) -> str:
    """One sheet's markup (a ``section.sheet``): title, map, legend, notes."""
    county = str(store.meta().get("county_name") or "")
    notes = [
        t("dossier.crs_note", lang),
        f"{t('dossier.made_on', lang)}{colon(lang)}{dt.date.today().isoformat()}",
        f"{t('dossier.made_by', lang)}{colon(lang)}"
        + t("dossier.office", lang).format(county=county),
        t("dossier.sources", lang).format(store=Path(str(getattr(store, "path", ""))).name),
    ]
    items = "".join(f"<li>{_swatch(k)}{html.escape(text)}</li>" for k, text in legend)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<section class="sheet"><h1>{html.escape(heading)}</h1>'
        f'<div class="map"><img alt="{html.escape(heading)}" '
        f'src="data:image/png;base64,{data}"></div>'
        f'<div class="legend"><h2>{html.escape(t("legend", lang))}</h2><ul>{items}</ul></div>'
        f"<footer>{' · '.join(html.escape(n) for n in notes)}</footer></section>"
    )


def sheets_html(bodies: list[str], *, title: str, lang: str, size: tuple[float, float]) -> str:
    """A document of sheets, one to a page of ``size`` millimetres."""
    w, h = size
    return f"""<!doctype html><html lang="{LOCALES[lang]}"><head>
<meta charset="utf-8"><title>{html.escape(title)}</title><style>
@page {{ size: {w}mm {h}mm; margin: 0; }}
html, body {{ margin: 0; }}
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }}
.sheet {{ width: {w}mm; height: {h}mm; box-sizing: border-box; padding: 10mm; display: grid;
  grid-template-columns: 1fr 50mm; grid-template-rows: 14mm 1fr 12mm; gap: 3mm;
  break-after: page; overflow: hidden; }}
.sheet:last-child {{ break-after: auto; }}
h1 {{ grid-column: 1 / 3; margin: 0; font-size: 20pt; text-align: center; }}
.map {{ border: 0.6pt solid #000; overflow: hidden; min-height: 0; }}
.map img {{ width: 100%; height: 100%; object-fit: contain; }}
.legend {{ border: 0.6pt solid #000; padding: 3mm; font-size: 9pt; }}
.legend h2 {{ font-size: 11pt; margin: 0 0 2mm; }}
.legend ul {{ list-style: none; margin: 0; padding: 0; }}
.legend li {{ margin: 1.2mm 0; display: flex; align-items: center; gap: 2mm; }}
.sw {{ display: inline-block; width: 8mm; height: 3.5mm; border: 0.8pt solid; flex: none; }}
.sw.line {{ height: 0; border-width: 1.6pt 0 0 0; }}
.sw.dot {{ width: 3mm; height: 3mm; border-radius: 50%; }}
footer {{ grid-column: 1 / 3; font-size: 8pt; color: #333; }}
</style></head><body>{"".join(bodies)}</body></html>"""


def compose_atlas(
    store: Store,
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
) -> Sheet:
    """The county atlas: the county's sheet, then one sheet per township (by code).

    Parameters
    ----------
    store : Store
    paper, orientation, lang
        As :func:`compose_map`.
    progress : callable, optional
        Called with (sheets done, sheets in all).

    Returns
    -------
    Sheet
        All pages in one document (``legend`` and ``extent`` are the county sheet's).
    """
    admin = store.read("admin_units")
    towns = sorted(admin.loc[admin["level"] == "township", "admin_code"])
    first = compose_map(store, scope="county", paper=paper, orientation=orientation, lang=lang)
    bodies = [first.body]
    for i, code in enumerate(towns, start=1):
        if progress is not None:
            progress(i, len(towns) + 1)
        sheet = compose_map(
            store, scope="township", target=code, paper=paper, orientation=orientation, lang=lang
        )
        bodies.append(sheet.body)
    if progress is not None:
        progress(len(towns) + 1, len(towns) + 1)
    title = t("dossier.atlas", lang).format(name=str(store.meta().get("county_name") or ""))
    page = sheets_html(bodies, title=title, lang=lang, size=first.size)
    return Sheet(page, title, first.legend, first.extent, first.body, first.size)


def write_map(sheet: Sheet, out: str | Path) -> Path:
    """Print ``sheet`` to ``out``: ``.pdf`` (vector text, embedded fonts) or ``.png``.

    Parameters
    ----------
    sheet : Sheet
        From :func:`compose_map`.
    out : path
        ``.pdf``, ``.png`` (the paper at :data:`PNG_DPI`) or ``.html``.

    Returns
    -------
    Path
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".html":
        out.write_text(sheet.html, encoding="utf-8")
        return out
    if suffix == ".pdf":
        return html_to_pdf(sheet.html, out)
    if suffix == ".png":
        w_mm, h_mm = sheet.size
        css = (round(w_mm / 25.4 * 96), round(h_mm / 25.4 * 96))  # CSS pixels are 1/96 in
        return html_to_png(sheet.html, out, size=css, scale=PNG_DPI / 96)
    raise OutputError(code="map.bad_output", params={"name": out.name})
