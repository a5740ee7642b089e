"""River-type sources: zones measured along the channel from the intake (HJ 338-2018)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import shapely

from gis.channel import Channel, Spot, Walk

#: Segments per quarter circle of every zone buffer (river, reservoir, well): round joins
#: close enough to circles for 0.5% area checks.
QUAD_SEGS = 32


def river_zones(
    channel: Channel, intake: Spot, distances: pd.DataFrame, half_width: Callable[[int], float]
) -> dict[str, dict]:
    """Level 1 and level 2 zones of a river intake.

    Parameters
    ----------
    channel : Channel
        The walkable network (metric CRS).
    intake : Spot
        The intake on the network (:meth:`Channel.locate`).
    distances : DataFrame
        The ``river_zone_distances`` rule table: one row per level.
    half_width : callable
        Channel half-width in metres of an edge: the water zone of a line-only network.

    Returns
    -------
    dict
        ``{"level1": {...}, "level2": {...}}``, each with ``water``, ``land`` (polygons),
        ``lines`` (the channel stretches) and ``stops`` (where a walk ended early).
    """
    d = distances.set_index("level")
    up1, down1, land1 = (
        float(d.loc["level1", k]) for k in ("upstream_m", "downstream_m", "land_width_m")
    )
    up2, down2, land2 = (
        float(d.loc["level2", k]) for k in ("upstream_m", "downstream_m", "land_width_m")
    )
    walks1 = [
        channel.upstream(intake, start_m=0, end_m=up1),
        channel.downstream(intake, start_m=0, end_m=down1),
    ]
    walks2 = [
        channel.upstream(intake, start_m=up1, end_m=up1 + up2),
        channel.downstream(intake, start_m=down1, end_m=down1 + down2),
    ]
    water1 = _band(channel, walks1, half_width, 0.0)
    total1 = _band(channel, walks1, half_width, land1).union(water1)
    water2 = _band(channel, walks2, half_width, 0.0).difference(total1)
    total2 = _band(channel, walks1 + walks2, half_width, land2).union(water2).difference(total1)
    land_1, land_2 = total1.difference(water1), total2.difference(water2)
    return {
        "level1": {
            "water": water1,
            "land": land_1,
            "lines": _lines(channel, walks1),
            "stops": _stops(walks1, 1),
        },
        "level2": {
            "water": water2,
            "land": land_2,
            "lines": _lines(channel, walks2),
            "stops": _stops(walks2, 2),
        },
    }


def _band(channel: Channel, walks: list[Walk], half_width, extra: float):
    """Flat-ended band of half-width + ``extra`` around the walked stretches.

    Stretches are merged per width first, so consecutive edges join without notches.
    """
    groups: dict[float, list] = {}
    for w in walks:
        for piece in w.pieces:
            groups.setdefault(float(half_width(piece[0])) + extra, []).append(piece)
    parts = [
        shapely.line_merge(channel.geometry(pieces)).buffer(
            width, cap_style="flat", quad_segs=QUAD_SEGS
        )
        for width, pieces in groups.items()
        if width > 0
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _lines(channel: Channel, walks: list[Walk]):
    return channel.geometry([p for w in walks for p in w.pieces])


def _stops(walks: list[Walk], level: int) -> list[dict]:
    return [dict(s, level=f"level{level}") for w in walks for s in w.stops]
