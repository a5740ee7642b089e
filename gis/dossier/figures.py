"""Static maps of a river archive (matplotlib, offline): the whole river and each township
stretch, with a scale bar in metres, a north arrow and the county's own layers only.

Colours are the app's symbology table (:mod:`gis.maps.style`), so a printed map and the
screen agree. Text on the maps is drawn only with a CJK font found on the machine; without
one the map has no labels (the archive's tables carry every name).
"""

from __future__ import annotations

import io
from functools import cache

import geopandas as gpd
import matplotlib
import numpy as np
import shapely

matplotlib.use("Agg")  # no display: archives are made on servers and in batch

import matplotlib.pyplot as plt  # noqa: E402 -- after the backend is chosen
from matplotlib import font_manager  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from gis.maps.style import SYMBOLS  # noqa: E402

#: CJK faces looked for, in order (Linux, Windows, macOS).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Source Han Sans SC",
)
#: Point layers drawn on the maps and their symbol in the symbology table.
POINT_SYMBOLS = {
    "signboards": "signboards",
    "water_sources": "water_sources",
    "quarries": "quarries",
    "structures": "query_point",
}


@cache
def cjk_font() -> str | None:
    """The name of a CJK font matplotlib can use here, or None."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in have), None)


def draw_lines(
    ax, gdf: gpd.GeoDataFrame, key: str, *, width: float | None = None, scale: float = 0.8
) -> None:
    """Lines (and polygon outlines) of ``gdf`` in the symbol ``key`` of the symbology table;
    ``width`` in points, else the symbol's screen weight times ``scale`` (print is finer)."""
    sym = SYMBOLS[key]
    geoms = shapely.get_parts(np.asarray(gdf.geometry.dropna(), dtype=object))
    if len(geoms):  # polygons by their outer ring; one vectorised coordinate read
        polys = shapely.get_type_id(geoms) == 3
        geoms[polys] = shapely.get_exterior_ring(geoms[polys])
        geoms = geoms[~shapely.is_empty(geoms)]
    xy, which = shapely.get_coordinates(geoms, return_index=True)
    segs = np.split(xy, np.flatnonzero(np.diff(which)) + 1) if len(xy) else []
    if len(segs):
        ax.add_collection(
            LineCollection(
                segs,
                colors=sym.color,
                linewidths=width if width is not None else sym.weight * scale,
                alpha=sym.opacity,
            )
        )


def scale_bar(ax, width_m: float) -> None:
    """A bar of a round length (1, 2 or 5 × 10^n m) about a fifth of the map wide."""
    target = width_m / 5
    base = 10 ** int(f"{target:e}".split("e")[1])
    length = max((m * base for m in (1, 2, 5) if m * base <= target), default=base)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([x, x + length], [y, y], color="black", linewidth=3, solid_capstyle="butt")
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x + length / 2, y + 0.02 * (y1 - y0), text, ha="center", va="bottom", fontsize=7)


def north_arrow(ax) -> None:
    ax.annotate(
        "N",
        xy=(0.95, 0.93),
        xytext=(0.95, 0.80),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2},
    )


def draw(  # noqa: PLR0913 -- the layers of one map
    *,
    townships: gpd.GeoDataFrame,
    river: gpd.GeoDataFrame,
    reaches: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    extent: tuple[float, float, float, float],
    size: tuple[float, float] = (7.0, 5.0),
    dpi: int = 110,
    labels: bool = True,
) -> bytes:
    """One map as PNG bytes: township lines, the river, its unassigned reaches thick,
    the points of interest, a scale bar and a north arrow. All frames in one metric CRS.

    Parameters
    ----------
    townships, river, reaches, points : GeoDataFrame
        ``reaches`` with a ``levels_without_chief`` column (drawn thick where set);
        ``points`` with a ``layer`` column.
    extent : (minx, miny, maxx, maxy)
        The map's frame in metres; widened to the figure's aspect.
    size, dpi : optional
        Figure size in inches and resolution.
    labels : bool
        Township names (when a CJK font is available).

    Returns
    -------
    bytes
        A PNG image.
    """
    fig, ax = plt.subplots(figsize=size, dpi=dpi)
    fig.subplots_adjust(left=0.005, right=0.995, bottom=0.005, top=0.995)
    try:
        minx, miny, maxx, maxy = extent
        pad = 0.06 * max(maxx - minx, maxy - miny, 500.0)
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        aspect = size[0] / size[1]
        w, h = maxx - minx, maxy - miny
        if w / h < aspect:
            grow = (h * aspect - w) / 2
            minx, maxx = minx - grow, maxx + grow
        else:
            grow = (w / aspect - h) / 2
            miny, maxy = miny - grow, maxy + grow
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        townships = townships.cx[minx:maxx, miny:maxy]  # only what the frame shows
        draw_lines(ax, townships, "townships")
        draw_lines(ax, river, "rivers_county", width=2.2)
        empty = reaches[reaches["levels_without_chief"].notna()]
        draw_lines(ax, empty, "unassigned_village", width=4.0)
        for layer, key in POINT_SYMBOLS.items():
            pts = points[points["layer"] == layer]
            if pts.empty:
                continue
            sym = SYMBOLS[key]
            ax.scatter(
                pts.geometry.x,
                pts.geometry.y,
                s=(sym.radius * 2.2) ** 2 / 4,
                c=sym.fill or sym.color,
                edgecolors=sym.color,
                linewidths=0.5,
                zorder=3,
            )
        font = cjk_font()
        if labels and font:
            box = (minx, miny, maxx, maxy)
            for name, geom in zip(townships["name"], townships.geometry, strict=True):
                at = geom.representative_point()
                if box[0] < at.x < box[2] and box[1] < at.y < box[3]:
                    ax.text(  # a name from a file is text, never mathtext ("$...$")
                        at.x,
                        at.y,
                        str(name),
                        fontsize=7,
                        color="#6B4F1D",
                        family=font,
                        parse_math=False,
                        clip_on=True,
                    )
        scale_bar(ax, maxx - minx)
        north_arrow(ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")  # no ticks: the frame is the figure, drawn once
        return buf.getvalue()
    finally:
        plt.close(fig)
