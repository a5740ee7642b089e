"""The county's river network at a glance (``riverchief network``): how many rivers, arcs,
nodes, pieces and outlets, every cycle, the highest Strahler order, and every problem found.

Built from the store's ``rivers`` layer for any store: an empty or partial store, or lines
the engine cannot use, give findings in ``problems``, never an exception.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyproj
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gis.catalogue import LINE_KINDS
from gis.network import build_network, line_kinds

#: The keys of :func:`describe`, in the order the text output prints the counts.
COUNTS = ("rivers", "arcs", "nodes", "components", "outlets", "strahler_max")
_LONLAT = 4490  # CGCS2000 geographic, the store's own CRS


def describe(store: Any) -> dict[str, Any]:
    """The network of ``store``'s rivers layer, as plain JSON-ready values.

    Parameters
    ----------
    store : Store
        Any county store (demo, partial, empty).

    Returns
    -------
    dict
        ``rivers`` (lines of kind river; waterbody lines, connectors and coastlines are in
        ``line_kinds``), ``arcs`` (flowlines after cutting at confluences), ``nodes``,
        ``components`` (connected pieces), ``outlets``, ``cycles`` (``[{"arcs", "kind",
        "rivers"}]``, :class:`gis.network.Cycle`), ``strahler_max`` (None without arcs),
        ``problems`` (``[{"kind", "arc", "river_code", "lon", "lat", "detail"}]``).

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> d = describe(GeoPackageStore(datasets.get_path("demo")))
    >>> d["rivers"], d["outlets"], d["cycles"], d["strahler_max"]
    (337, 44, [], 5)
    """
    rivers = store.read("rivers")
    problems: list[dict[str, Any]] = []
    rivers, kinds = _usable(rivers, problems)
    out: dict[str, Any] = {
        "rivers": int((kinds == "river").sum()),
        "line_kinds": {k: int((kinds == k).sum()) for k in LINE_KINDS},
        "arcs": 0,
        "nodes": 0,
        "components": 0,
        "outlets": 0,
        "cycles": [],
        "strahler_max": None,
        "problems": problems,
    }
    if len(rivers) == 0:
        problems.append(_problem("no_rivers", None, None, None, "the rivers layer has no lines"))
        return out
    net = build_network(rivers)
    codes = _codes(rivers, net)
    flows = net.flows
    used = np.unique(np.concatenate([net.src[flows], net.dst[flows]]))
    a, b = np.searchsorted(used, net.src[flows]), np.searchsorted(used, net.dst[flows])
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(used), len(used)))
    order = net.strahler()
    cycles: list[dict[str, Any]] = []
    for c in net.cycles:
        named = sorted({code for e in c.lines if (code := codes[e])})
        cycles.append({"arcs": list(c.lines), "kind": c.kind, "rivers": named})
    out.update(
        arcs=int(flows.sum()),
        nodes=len(used),
        components=int(connected_components(graph, directed=False)[0]) if len(used) else 0,
        outlets=len(net.outlets()),
        cycles=cycles,
        strahler_max=int(order[flows].max()) if flows.any() else None,
    )
    to_lonlat = pyproj.Transformer.from_crs(net.lines.crs, _LONLAT, always_xy=True)
    for r in net.issues.itertuples():
        lon, lat = to_lonlat.transform(r.x, r.y)
        problems.append(_problem(r.kind, int(r.edge), codes[int(r.edge)], (lon, lat), r.detail))
    return out


def _usable(rivers: pd.DataFrame, problems: list[dict[str, Any]]) -> tuple[Any, np.ndarray]:
    """The lines the engine can build on, with their kinds; each left-out line a problem."""
    keep = np.ones(len(rivers), dtype=bool)
    geoms = rivers.geometry.values if len(rivers) else []
    for i, g in enumerate(geoms):
        if g is None or g.is_empty or g.length == 0 or "Line" not in g.geom_type:
            keep[i] = False
            problems.append(
                _problem("no_line", None, _code(rivers, i), None, "no geometry or zero length")
            )
    if "line_kind" in rivers:
        given = rivers["line_kind"]
        known = given.isna() | given.astype(str).str.strip().isin(["", *LINE_KINDS])
        for j in np.nonzero(~known.to_numpy() & keep)[0].tolist():
            keep[j] = False
            problems.append(
                _problem(
                    "unknown_line_kind",
                    None,
                    _code(rivers, j),
                    None,
                    f"line_kind '{given.iloc[j]}' is not one of {', '.join(LINE_KINDS)}",
                )
            )
    rivers = rivers[keep].reset_index(drop=True)
    kinds = line_kinds(rivers) if len(rivers) else np.array([], dtype=object)
    return rivers, kinds


def _codes(rivers: pd.DataFrame, net: Any) -> list[str | None]:
    """The river code of each arc (via the line it was cut from)."""
    rows = net.lines["source_row"].to_numpy()
    return [_code(rivers, int(r)) for r in rows]


def _code(rivers: pd.DataFrame, i: int) -> str | None:
    if "river_code" not in rivers:
        return None
    v = rivers["river_code"].iloc[i]
    return None if v is None or pd.isna(v) else str(v)


def _problem(
    kind: str, arc: int | None, code: str | None, lonlat: tuple[float, float] | None, detail: str
) -> dict[str, Any]:
    lon, lat = (round(float(v), 6) for v in lonlat) if lonlat else (None, None)
    return {"kind": kind, "arc": arc, "river_code": code, "lon": lon, "lat": lat, "detail": detail}
