"""Rivers from arcs: real hydrography has one feature per stretch between junctions.

Arcs that share a ``river_code`` are one river; without a code column, arcs that share a
name and join end to end (within :data:`JOIN_TOLERANCE_M`) are one river. A river's arcs
are line-merged where they chain in their digitised direction; a braid, or a river whose
arcs do not all join, stays one row with a MultiLineString. Arcs of one name that do not
join are different rivers (two streams called 小溪 are common): they are kept apart, each
gets its own generated code, and a note names them, so a register that names such a river
is refused as ambiguous rather than matched to one of them. Catalogue fields that differ
between the arcs of one river refuse that river, every arc named, rather than pick one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyproj
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gis.crs import STORAGE_EPSG, gk_epsg_for_lon
from gis.io.reasons import Reason
from gis.io.validate import Problem

#: end points of two arcs closer than this (metres) join: arcs cut from one digitised
#: network share their end vertices exactly; 1 m absorbs rounding in a reprojection
JOIN_TOLERANCE_M = 1.0


@dataclass
class Merged:
    """The rows after merging: ``keep`` positions (one per river, plus every refused arc),
    ``geoms`` their geometries, ``problems`` refused arcs by position, ``notes``, and
    ``others``: a merged river's kept position -> the positions of its other arcs."""

    keep: list[int]
    geoms: list[Any]
    problems: dict[int, Problem] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    others: dict[int, list[int]] = field(default_factory=dict)


def merge_arcs(
    geoms: np.ndarray,
    cols: dict[str, list[Any]],
    key: str,
    rows: list[int],
    rejected: set[int],
) -> Merged:
    """Group the arcs of each river and merge their lines.

    Parameters
    ----------
    geoms : array of shapely lines (storage CRS)
        One per arc (row).
    cols : dict
        The catalogue fields as checked, by name; ``cols[key]`` is the code when the file
        has a code column, else absent.
    key : str
        The code field (``river_code``).
    rows : list of int
        Row numbers as the file counts them, for the messages.
    rejected : set of int
        Positions already refused. A river with a refused arc is refused whole (its other
        arcs name the refused one): written without it, it would be a river with a hole.

    Returns
    -------
    Merged
    """
    groups = _groups(geoms, cols, key)
    out = Merged([], [])
    n_arcs = n_rivers = 0
    for members in groups:
        if len(members) == 1:
            out.keep.append(members[0])
            out.geoms.append(geoms[members[0]])
            n_arcs += members[0] not in rejected
            n_rivers += members[0] not in rejected
            continue
        refused = [i for i in members if i in rejected]
        differ = (
            _with_refused(members, refused, cols, key, rows)
            if refused
            else _differing(members, cols, key, rows)
        )
        if differ is not None:  # refused whole: nothing merged, so not counted
            out.keep += members
            out.geoms += [geoms[i] for i in members]
            out.problems.update(
                {i: replace(differ, row=rows[i]) for i in members if i not in rejected}
            )
            continue
        n_arcs += len(members)
        n_rivers += 1
        out.keep.append(members[0])
        out.others[members[0]] = members[1:]
        out.geoms.append(_merge([geoms[i] for i in members]))
    order = np.argsort(out.keep, kind="stable")
    out.keep = [out.keep[i] for i in order]
    out.geoms = [out.geoms[i] for i in order]
    if n_rivers < n_arcs:
        said: dict[str, float] = {"arcs": n_arcs, "rivers": n_rivers}
        if key in cols:
            out.notes.append(Reason("note.arcs_merged", said))
        else:
            said["tolerance"] = JOIN_TOLERANCE_M
            out.notes.append(Reason("note.arcs_merged_names", said))
    if key not in cols:
        out.notes += _split_names(groups, cols, rows, rejected)
    return out


def _groups(geoms: np.ndarray, cols: dict[str, list[Any]], key: str) -> list[list[int]]:
    """Positions of each river's arcs, in file order (first arc first)."""
    names = cols.get("name", [None] * len(geoms))
    label = list(cols[key]) if key in cols else _components(geoms, names)
    by: dict[Any, list[int]] = {}
    out: list[list[int]] = []
    for i, lab in enumerate(label):
        if lab is None:
            out.append([i])
        elif lab in by:
            by[lab].append(i)
        else:
            by[lab] = [i]
            out.append(by[lab])
    return out


def _components(geoms: np.ndarray, names: list[Any]) -> list[Any]:
    """A label per arc: (name, component) for arcs of one name joined end to end."""
    n = len(geoms)
    ok = np.array(
        [names[i] is not None and geoms[i] is not None and not geoms[i].is_empty for i in range(n)],
        dtype=bool,
    )
    idx = np.flatnonzero(ok)
    label: list[Any] = [None] * n
    if not len(idx):
        return label
    parts, owner = shapely.get_parts(geoms[idx], return_index=True)
    ends = np.concatenate(
        [shapely.get_point(parts, 0), shapely.get_point(parts, -1)]
    )  # start and end point of every part
    arc = idx[np.concatenate([owner, owner])]
    xy = shapely.get_coordinates(ends)
    gk = pyproj.CRS.from_epsg(gk_epsg_for_lon(float(np.median(xy[:, 0]))))
    x, y = pyproj.Transformer.from_crs(STORAGE_EPSG, gk, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    pts = shapely.points(x, y)
    a, b = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=JOIN_TOLERANCE_M)
    a, b = arc[a], arc[b]
    name = np.asarray(names, dtype=object)
    same = (a != b) & (name[a] == name[b])
    graph = coo_matrix((np.ones(int(same.sum())), (a[same], b[same])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    for i in idx.tolist():
        label[i] = (names[i], int(comp[i]))
    return label


def _differing(
    members: list[int], cols: dict[str, list[Any]], key: str, rows: list[int]
) -> Problem | None:
    """The refusal of a river whose arcs disagree on a catalogue field, or None."""
    for name, values in cols.items():
        seen = list(dict.fromkeys(_comparable(values[i]) for i in members))
        if name == key or len(seen) == 1:
            continue
        river = cols[key][members[0]] if key in cols else cols["name"][members[0]]
        said = {
            "rows": [str(rows[i]) for i in members],
            "river": str(river),
            "field": name,
            "values": [str(v) for v in seen[:5]],
        }
        return Problem.of(rows[members[0]], name, Reason("import.river_arcs_differ", said))
    return None


def _with_refused(
    members: list[int], refused: list[int], cols: dict[str, list[Any]], key: str, rows: list[int]
) -> Problem:
    """The refusal of the other arcs of a river one of whose arcs was refused."""
    river = cols[key][members[0]] if key in cols else cols["name"][members[0]]
    said = {
        "river": str(river),
        "refused": [str(rows[i]) for i in refused],
        "rows": [str(rows[i]) for i in members],
    }
    why = Reason("import.river_arc_refused", said)
    return Problem.of(rows[members[0]], key if key in cols else "name", why)


def _comparable(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else v


def _merge(lines: list[Any]) -> Any:
    """One geometry for a river's arcs: a LineString where they chain, else a
    MultiLineString (a braid, a gap, an arc digitised against the flow)."""
    parts = shapely.get_parts(np.asarray(lines, dtype=object))
    merged = shapely.line_merge(shapely.multilinestrings(parts), directed=True)
    if merged.geom_type == "LineString":
        return merged
    return shapely.multilinestrings(_upstream_first(list(merged.geoms), list(parts)))


def _upstream_first(parts: list[Any], arcs: list[Any]) -> list[Any]:
    """``parts`` ordered so that a part comes after the parts that flow into it (a braid's
    channels after the stretch above them), ties in the file order of the arcs they start
    with: the merge itself returns them in no particular order."""
    first_arc: dict[tuple[float, ...], int] = {}
    for k, arc in enumerate(arcs):
        first_arc.setdefault(tuple(arc.coords[0]), k)
    starts = [tuple(p.coords[0]) for p in parts]
    ends = [tuple(p.coords[-1]) for p in parts]
    after = {j: [i for i in range(len(parts)) if ends[i] == starts[j]] for j in range(len(parts))}
    rank = {j: first_arc.get(starts[j], len(arcs)) for j in range(len(parts))}
    done: list[int] = []
    while len(done) < len(parts):
        ready = [j for j in range(len(parts)) if j not in done and set(after[j]) <= set(done)]
        # a loop leaves no part ready: take the next in file order
        pool = ready or [j for j in range(len(parts)) if j not in done]
        done.append(min(pool, key=lambda j: (rank[j], j)))
    return [parts[j] for j in done]


def _split_names(
    groups: list[list[int]], cols: dict[str, list[Any]], rows: list[int], rejected: set[int]
) -> list[Reason]:
    """Notes naming the names given to several rivers whose arcs do not join."""
    names = cols.get("name")
    if names is None:
        return []
    firsts: dict[Any, list[int]] = {}
    for members in groups:
        i = members[0]
        if i not in rejected and names[i] is not None:
            firsts.setdefault(names[i], []).append(rows[i])
    return [
        Reason("note.arcs_name_split", {"name": str(nm), "n": len(at), "rows": at[:10]})
        for nm, at in firsts.items()
        if len(at) > 1
    ]
