"""The one symbology table of every map: each drawn layer's colour, symbol and group, once.

Colours come from the Okabe–Ito palette (safe for the common colour-vision deficiencies)
where a layer carries meaning (zones, quarries, gaps, patrol recency, selections), and
from one blue ramp for rivers by management level (told apart by line weight as well).
No two layers of one map share a colour: ``tests/test_maps.py`` checks every legend.
Nothing here imports folium.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gis.catalogue import ZONE_LEVELS
from gis.i18n import label, t

#: Okabe & Ito (2008), "Color Universal Design": eight colours told apart by everyone.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
_OI = OKABE_ITO

#: The layer control's groups, in their order: (中文, English).
GROUPS = {
    "base": ("基础地理", "Base geography"),
    "water": ("河湖", "Rivers and lakes"),
    "care": ("管护", "Stewardship"),
    "watch": ("监管", "Supervision"),
}

#: The map's font: the CJK faces of macOS, Windows and Linux, then any sans-serif.
FONT_STACK = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
)

#: The hillshade: greyed and smoothed by CSS, under the data at this opacity.
HILLSHADE_OPACITY = 0.55

#: Zoom from which each kind of label shows (townships at county scale, villages closer).
LABEL_MIN_ZOOM = {
    "township": 11,
    "village": 13,
    "river_major": 10,  # rivers managed at county level and above
    "river_minor": 13,  # township- and village-managed rivers
}


@dataclass(frozen=True)
class Symbol:
    """How one layer is drawn and shown in the legend.

    ``kind`` is the legend's swatch: ``"line"``, ``"box"`` (a filled polygon) or ``"dot"``
    (a point marker); ``group`` a key of :data:`GROUPS`.
    """

    color: str
    kind: str
    group: str
    weight: float = 1.0
    fill: str | None = None
    fill_opacity: float = 0.0
    opacity: float = 1.0
    dash: str | None = None
    radius: float = 4.0

    def path(self) -> dict[str, Any]:
        """Leaflet path options (a folium ``style_function``'s answer).

        Examples
        --------
        >>> SYMBOLS["townships"].path()["color"] == SYMBOLS["townships"].color
        True
        """
        out: dict[str, Any] = {
            "color": self.color,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillColor": self.fill or self.color,
            "fillOpacity": self.fill_opacity,
        }
        if self.dash:
            out["dashArray"] = self.dash
        return out

    def swatch(self) -> str:
        """The legend's colour: the fill of a polygon or point, else the line."""
        return self.fill if self.kind != "line" and self.fill else self.color


def _dot(color: str, group: str, radius: float = 4.0, edge: str = "#333333") -> Symbol:
    return Symbol(edge, "dot", group, weight=1, fill=color, fill_opacity=0.95, radius=radius)


#: Every layer's symbol, by layer key.
SYMBOLS: dict[str, Symbol] = {
    # 基础地理
    "county": Symbol("#222222", "line", "base", weight=2.2),
    "townships": Symbol("#6B4F1D", "line", "base", weight=1.4),
    "villages": Symbol("#9A9A9A", "line", "base", weight=0.6, dash="2 3"),
    # 河湖: one blue ramp, heavier for higher levels
    "rivers_province": Symbol("#08306B", "line", "water", weight=4.4),
    "rivers_city": Symbol("#08458A", "line", "water", weight=3.8),
    "rivers_county": Symbol("#0B4F9C", "line", "water", weight=3.2),
    "rivers_township": Symbol("#2B83D6", "line", "water", weight=1.8),
    "rivers_village": Symbol("#74B4EA", "line", "water", weight=0.9),
    "reservoirs": Symbol("#08519C", "box", "water", weight=1, fill="#9ECAE1", fill_opacity=0.75),
    "water_sources": _dot(_OI["bluish_green"], "water", 4.0),
    # 管护
    "zones_level1": Symbol(
        "#A2467F", "box", "care", weight=1.2, fill=_OI["reddish_purple"], fill_opacity=0.45
    ),
    "zones_level2": Symbol("#C98BB0", "box", "care", weight=1, fill="#EBC4DC", fill_opacity=0.4),
    "zones_quasi": Symbol(
        "#C9A9BC", "box", "care", weight=0.8, dash="4 3", fill="#F6E6F0", fill_opacity=0.35
    ),
    "signboards": _dot("#7E6148", "care", 2.5, edge="#7E6148"),
    "reaches": Symbol(_OI["sky_blue"], "line", "care", weight=2.5, opacity=0.8),
    "selected_reaches": Symbol(_OI["orange"], "line", "care", weight=6, opacity=0.95),
    "clicked_reach": Symbol(_OI["black"], "line", "care", weight=9),
    "proposal": Symbol(
        "#000000", "box", "care", weight=2, dash="5 4", fill=_OI["yellow"], fill_opacity=0.45
    ),
    # 监管
    "quarries": _dot(_OI["vermillion"], "watch", 3.5),
    "quarries_violating": _dot(_OI["vermillion"], "watch", 7.0),
    "quarries_compliant": _dot(_OI["bluish_green"], "watch", 7.0),
    "unassigned_province": Symbol("#332288", "line", "watch", weight=7, opacity=0.9),
    "unassigned_city": Symbol("#882255", "line", "watch", weight=7, opacity=0.9),
    "unassigned_county": Symbol(_OI["vermillion"], "line", "watch", weight=7, opacity=0.9),
    "unassigned_township": Symbol(_OI["orange"], "line", "watch", weight=7, opacity=0.9),
    "unassigned_village": Symbol(_OI["reddish_purple"], "line", "watch", weight=7, opacity=0.9),
    "recency_recent": Symbol(_OI["bluish_green"], "line", "watch", weight=4, opacity=0.85),
    "recency_month": Symbol(_OI["sky_blue"], "line", "watch", weight=4, opacity=0.85),
    "recency_older": Symbol(_OI["orange"], "line", "watch", weight=4, opacity=0.85),
    "recency_never": Symbol(_OI["vermillion"], "line", "watch", weight=7, opacity=0.95),
    "tracks_valid": Symbol(_OI["black"], "line", "watch", weight=2, opacity=0.35),
    "tracks_suspicious": Symbol(_OI["reddish_purple"], "line", "watch", weight=2, opacity=0.6),
    "drawn_area": Symbol("#000000", "line", "watch", weight=2, dash="4 3", fill_opacity=0.05),
    "query_point": _dot("#FFFFFF", "watch", 8.0, edge="#000000"),
}


def styler(key: str) -> Callable[[Any], dict[str, Any]]:
    """A folium ``style_function`` drawing every feature with ``SYMBOLS[key]``.

    Examples
    --------
    >>> styler("reaches")({})["color"] == SYMBOLS["reaches"].color
    True
    """
    path = SYMBOLS[key].path()
    return lambda _feature: path


def zone_label(level: str, lang: str) -> str:
    """A protection zone's level in words: 一级保护区 / 二级保护区 / 准保护区.

    Examples
    --------
    >>> zone_label("level1", "zh"), zone_label("quasi", "zh")
    ('一级保护区', '准保护区')
    >>> zone_label("level2", "en")
    'Protection zones (level 2)'
    """
    words = label(ZONE_LEVELS[level], lang)
    return words if lang == "zh" else f"{t('protection_zones', lang)} ({words})"


def group_title(group: str, lang: str) -> str:
    """The layer control's heading of ``group`` (a key of :data:`GROUPS`)."""
    return label(GROUPS[group], lang)
