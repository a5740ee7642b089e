"""Who answers for each metre of river: village-level reaches joined to their chiefs at
every level, selection by township, village, river or chief, and one reach's card
(chiefs with name, post and phone; length and chainage; its signboards).

Pure functions over frames; :func:`find_jurisdiction` (``gis.find_jurisdiction``; the old
name :func:`jurisdiction_of` stays) builds the whole thing from a store.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gis import _deprecation
from gis._errors import AmbiguousNameError, InputError, UnknownNameError
from gis.admin_codes import ABOVE_COUNTY, CODE_SHAPES
from gis.catalogue import CHIEF_LEVELS as LEVELS
from gis.coverage import CoverageRules, above_codes, build_reaches, managed_at_or_above
from gis.crs import STORAGE_EPSG, metric_crs
from gis.linref import format_k
from gis.network import rivers_only
from gis.privacy import mask_phone, mask_text
from gis.reaches import REACH_COLUMNS, county_reaches
from gis.reports import records, strict
from gis.store import Store

CUT_LEVELS = ("village", "township", "county")  # finest first: reaches are cut at the first present
SELECT_BY = ("township", "village", "river", "chief")


@dataclass
class Jurisdiction:
    """``reaches``: village-level reaches (metric CRS); ``links``: one row per (reach,
    chief) with the overlapping chainage; ``chiefs``, ``rivers`` and ``admin`` for names."""

    reaches: gpd.GeoDataFrame
    links: pd.DataFrame  # reach_id, chief_id, level, from_m, to_m
    chiefs: pd.DataFrame
    rivers: pd.DataFrame  # river_code, name, management_level
    admin: pd.DataFrame  # admin_code, name, level, parent_code
    signboards: gpd.GeoDataFrame  # metric CRS
    #: The level the reaches are cut at: village, else the finest the county has polygons
    #: for (many counties have only township boundaries), None when it has none at all.
    cut_level: str | None = "village"

    def tables(self) -> dict[str, pd.DataFrame]:
        """``reaches`` (with the river's name) and ``links`` (reach, chief, level, chainage):
        chief ids only, so an export carries no names or phones."""
        names = self.rivers.set_index("river_code")["name"]
        reaches = self.reaches.copy()
        reaches.insert(
            reaches.columns.get_loc("river_code") + 1,
            "river_name",
            reaches["river_code"].map(names),
        )
        return {"reaches": reaches, "links": self.links}

    def to_json(self) -> dict:
        """The tables of :meth:`tables` as records, without geometry (metres to 0.1 m)."""
        t = self.tables()
        return {
            "reaches": records(pd.DataFrame(t["reaches"].drop(columns="geometry")), digits=1),
            "links": records(t["links"], digits=1),
        }

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels shown, top down: the county and below always; province and city when
        a chief of that level holds a river here or a river is managed at that level or
        above (a county store of rivers managed by the county shows no empty columns)."""
        managed = set(self.rivers.get("management_level", pd.Series(dtype=object)).dropna())
        held = set(self.links["level"])
        return tuple(
            lv
            for lv in LEVELS
            if lv not in ABOVE_COUNTY or lv in held or managed & set(managed_at_or_above(lv))
        )

    def _levels_of(self, river_code: str) -> tuple[str, ...]:
        """The levels a reach of ``river_code`` needs a chief at: province and city only for
        a river managed at that level or above."""
        m = self.rivers.get("management_level")
        managed = m[self.rivers["river_code"] == river_code].tolist() if m is not None else []
        return tuple(
            lv
            for lv in LEVELS
            if lv not in ABOVE_COUNTY or set(managed) & set(managed_at_or_above(lv))
        )

    def select(self, by: str, value: str) -> pd.Series:
        """Boolean mask over :attr:`reaches`: those in a township or village, on a river,
        or in a chief's charge. ``value`` is a code, or a name that is unique."""
        if by not in SELECT_BY:
            raise UnknownNameError("selection", by, SELECT_BY)
        code = self._code(by, value)
        r = self.reaches
        if by == "township":
            return (r["township_code"] == code) | r["shared_admin_code"].map(self._parent).eq(code)
        if by == "village":
            return (r["admin_code"] == code) | (r["shared_admin_code"] == code)
        if by == "river":
            return r["river_code"] == code
        return r["reach_id"].isin(self.links.loc[self.links["chief_id"] == code, "reach_id"])

    def card(self, reach_id: str, *, staff: bool = False, signboard_m: float = 1000.0) -> dict:
        """Everything the side panel shows for one reach. Phones are masked unless ``staff``;
        a blank in the registers (no river name, no post) is ``None`` (strict JSON)."""
        hit = self.reaches[self.reaches["reach_id"] == reach_id]
        if hit.empty:
            raise InputError(
                code="jurisdiction.no_reach", field="reach_id", params={"reach_id": str(reach_id)}
            )
        r = hit.iloc[0]
        names = dict(zip(self.admin["admin_code"], self.admin["name"], strict=True))
        people = self.chiefs.set_index("chief_id")
        links = self.links[self.links["reach_id"] == reach_id]
        # a number typed into a name or post ("村支书 138…") is as private as the phone field
        shown = (lambda v: v) if staff else mask_text
        chiefs = []
        for lv in LEVELS:
            for x in links[links["level"] == lv].sort_values(["from_m", "chief_id"]).itertuples():
                # an assignment may name a chief the register lacks (gaps reports it): say so
                p = (
                    people.loc[x.chief_id]
                    if x.chief_id in people.index
                    else {"name": None, "post": None, "phone": None}
                )
                chiefs.append(
                    {
                        "level": lv,
                        "chief_id": x.chief_id,
                        "name": shown(p["name"]),
                        "post": shown(p["post"]),
                        "phone": p["phone"] if staff else mask_phone(p["phone"]),
                        "from_m": round(float(x.from_m), 1),
                        "to_m": round(float(x.to_m), 1),
                    }
                )
        boards = self.signboards
        near = boards[boards["river_code"] == r["river_code"]] if len(boards) else boards
        d = near.distance(r.geometry) if len(near) else pd.Series(dtype=float)
        near = (
            near.assign(distance_m=d.round(0))[d <= signboard_m].sort_values("distance_m")
            if len(near)
            else near
        )
        card = {
            "reach_id": reach_id,
            "river_code": r["river_code"],
            "river_name": self.rivers.set_index("river_code")["name"].get(r["river_code"]),
            "admin_code": r["admin_code"],
            "village": names.get(r["admin_code"]) if self.cut_level == "village" else None,
            "township": names.get(r["township_code"]),
            "shared_with": names.get(r["shared_admin_code"])
            if isinstance(r["shared_admin_code"], str)
            else None,
            "from_m": round(float(r["from_m"]), 1),
            "to_m": round(float(r["to_m"]), 1),
            "chainage": f"{format_k(r['from_m'])} – {format_k(r['to_m'])}",
            "length_m": round(float(r["length_m"]), 1),
            "chiefs": chiefs,
            "levels_without_chief": [
                lv
                for lv in self._levels_of(r["river_code"])
                if not any(c["level"] == lv for c in chiefs)
            ],
            "signboards": [
                {
                    "board_id": b.board_id,
                    "chief_name": shown(b.chief_name),
                    "chief_phone": b.chief_phone if staff else mask_phone(b.chief_phone),
                    "distance_m": float(b.distance_m),
                }
                for b in near.itertuples()
            ],
        }
        return strict(card)

    def summary(self, mask: pd.Series) -> list[dict]:
        """One row per selected reach: river, chainage, length and the chiefs' names by level
        (a blank in the registers is ``None``: strict JSON)."""
        r = self.reaches[mask]
        names = self.chiefs.set_index("chief_id")["name"]
        links = self.links[self.links["reach_id"].isin(r["reach_id"])]
        by = links.groupby(["reach_id", "level"])["chief_id"].apply(
            lambda c: sorted(names.get(x, x) for x in set(c))
        )
        rivers = self.rivers.set_index("river_code")["name"]
        rows = [
            {
                "reach_id": x.reach_id,
                "river_code": x.river_code,
                "river_name": rivers.get(x.river_code),
                "admin_code": x.admin_code,
                "chainage": f"{format_k(x.from_m)} – {format_k(x.to_m)}",
                "length_m": round(float(x.length_m), 1),
                **{lv: by.get((x.reach_id, lv), []) for lv in self.levels},
            }
            for x in r.itertuples()
        ]
        return strict(rows)

    def choices(self, by: str) -> pd.DataFrame:
        """``code`` and ``label`` of everything one can select ``by`` (for a picker)."""
        if by not in SELECT_BY:
            raise UnknownNameError("selection", by, SELECT_BY)
        if by in ("township", "village"):
            u = self.admin[self.admin["level"] == by]
            return pd.DataFrame({"code": u["admin_code"], "label": u["name"]}).sort_values(
                "code", ignore_index=True
            )
        if by == "river":
            return pd.DataFrame(
                {"code": self.rivers["river_code"], "label": self.rivers["name"]}
            ).sort_values("code", ignore_index=True)
        c = self.chiefs[self.chiefs["chief_id"].isin(self.links["chief_id"])]
        return pd.DataFrame(
            {"code": c["chief_id"], "label": c["name"] + " · " + c["post"]}
        ).sort_values("code", ignore_index=True)

    def nearest(self, lon: float, lat: float, *, max_m: float = 500.0) -> str | None:
        """The reach nearest a CGCS2000/WGS84 point within ``max_m`` metres (a map click)."""
        x, y = pyproj.Transformer.from_crs(4490, self.reaches.crs, always_xy=True).transform(
            lon, lat
        )
        tree = shapely.STRtree(self.reaches.geometry.values)
        idx = tree.query_nearest(shapely.Point(x, y), max_distance=max_m)
        return None if len(idx) == 0 else str(self.reaches["reach_id"].iloc[int(idx.min())])

    def _code(self, by: str, value: str) -> str:
        if by in ("township", "village"):
            units = self.admin[self.admin["level"] == by]
            codes, labels = units["admin_code"], units["name"]
        elif by == "river":
            codes, labels = self.rivers["river_code"], self.rivers["name"]
        else:
            codes, labels = self.chiefs["chief_id"], self.chiefs["name"]
        if value in set(codes):
            return value
        if by in ("township", "village") and codes.empty:
            raise InputError(
                code="jurisdiction.no_level", field=by, params={"kind": by, "level": by}
            )
        match = codes[labels == value]
        if len(match) == 1:
            return str(match.iloc[0])
        if len(match) > 1:
            raise AmbiguousNameError(
                by, value, match.head(5).astype(str).tolist(), count=len(match), field=by
            )
        raise InputError(code="name.not_found", field=by, params={"kind": by, "name": str(value)})

    @property
    def _parent(self) -> dict:
        return dict(zip(self.admin["admin_code"], self.admin["parent_code"], strict=True))


def chief_links(
    reaches: pd.DataFrame,
    assignments: pd.DataFrame,
    admin: pd.DataFrame,
    *,
    overlap_min_m: float = 1.0,
) -> pd.DataFrame:
    """(reach, chief) pairs, by the rules of the coverage analysis: at level L a reach lies
    in one unit, or (a 界河) on the boundary of two. A plain river assignment of that unit
    covers the first kind, only an agreement between the two units covers the second; the
    river must be the same and the chainages overlap by more than ``overlap_min_m``."""
    parent = dict(zip(admin["admin_code"], admin["parent_code"], strict=True))
    level_of = dict(zip(admin["admin_code"], admin["level"], strict=True))
    # every reach lies in the county, so in its province and city (named by the county's code)
    named = above_codes(admin)

    def up(code, level):
        if level in ABOVE_COUNTY:
            return named.get(level) if isinstance(code, str) else None
        start = code
        while isinstance(code, str) and level_of.get(code) not in (level, None):
            code = parent.get(code)
        if isinstance(code, str) and level_of.get(code) == level:
            return code
        # a level between is missing (no township polygons): the unit's code begins with
        # the code of every unit above it, so the county is still found
        head = start[: CODE_SHAPES[level][0]] if isinstance(start, str) else None
        return head if head and level_of.get(head) == level else None

    a = assignments[assignments["target_type"] == "river"].copy()
    a["lo"] = a["from_m"].astype(float).fillna(-np.inf)
    a["hi"] = a["to_m"].astype(float).fillna(np.inf)
    a = a.drop(columns=["from_m", "to_m"])  # the overlap keeps the reach's chainage names
    a["pair"] = [
        _pair(x, y) if isinstance(y, str) else None
        for x, y in zip(a["admin_code"], a["shared_admin_code"], strict=True)
    ]
    out = []
    for lv in LEVELS:
        r = reaches[["reach_id", "river_code", "from_m", "to_m"]].copy()
        # object columns even when empty, so the merges below never meet a float key
        r["u1"] = pd.Series([up(c, lv) for c in reaches["admin_code"]], index=r.index, dtype=object)
        r["u2"] = pd.Series(
            [up(c, lv) for c in reaches["shared_admin_code"]], index=r.index, dtype=object
        )
        shared = r["u2"].notna() & (r["u1"] != r["u2"])
        al = a[a["level"] == lv]
        plain = r[~shared].merge(
            al[al["pair"].isna()],
            left_on=["river_code", "u1"],
            right_on=["river_code", "admin_code"],
        )
        rs = r[shared].assign(
            pair=pd.Series(
                [
                    _pair(x, y)
                    for x, y in zip(r.loc[shared, "u1"], r.loc[shared, "u2"], strict=True)
                ],
                index=r.index[shared],
                dtype=object,
            )
        )
        agreed = rs.merge(
            al[al["pair"].notna()].astype({"pair": object}), on=["river_code", "pair"]
        )
        for m in (plain, agreed):
            lo, hi = np.maximum(m["lo"], m["from_m"]), np.minimum(m["hi"], m["to_m"])
            keep = (hi - lo) > overlap_min_m
            out.append(
                pd.DataFrame(
                    {
                        "reach_id": m["reach_id"][keep],
                        "chief_id": m["chief_id"][keep],
                        "level": lv,
                        "from_m": lo[keep],
                        "to_m": hi[keep],
                    }
                )
            )
    links = pd.concat(out, ignore_index=True)
    return links.drop_duplicates(["reach_id", "chief_id", "from_m"]).reset_index(drop=True)


def _pair(a: str, b: str) -> str:
    """One key for an unordered pair of units."""
    return "|".join(sorted((a, b)))


def find_jurisdiction(
    store: Store,
    *,
    tolerances: CoverageRules | None = None,
    rules: CoverageRules | None = None,
) -> Jurisdiction:
    """Village-level reaches of the county store, each joined to its chiefs at every level.

    A county without village polygons is cut by township, one without those by its outline
    (:attr:`Jurisdiction.cut_level` says which); one without any polygon has no reaches.

    Parameters
    ----------
    store : Store
        The county store.
    tolerances : CoverageRules, optional
        The distances that cut rivers into reaches (those of :func:`gis.find_gaps`, so the
        two never disagree about a gap); no rule table, so no ``rule_overrides``.
    rules : CoverageRules, optional
        Deprecated name of ``tolerances``.

    Returns
    -------
    Jurisdiction
        ``select``/``card``/``summary`` for the faces; ``tables()`` and ``to_json()``.

    Examples
    --------
    >>> from gis import datasets, find_jurisdiction
    >>> from gis.store import GeoPackageStore
    >>> j = find_jurisdiction(GeoPackageStore(datasets.get_path("demo")))
    >>> sorted(j.tables())
    ['links', 'reaches']
    >>> sorted(set(j.links["level"]))
    ['county', 'township', 'village']
    """
    if rules is not None:
        _deprecation.warn("find_jurisdiction(rules=...)", "find_jurisdiction(tolerances=...)")
        if tolerances is not None:
            raise TypeError(
                "find_jurisdiction() got both rules= and tolerances=; give tolerances= only"
            )
        tolerances = rules
    rivers, admin = rivers_only(store.read("rivers")), store.read("admin_units")
    cut = next((lv for lv in CUT_LEVELS if (admin["level"] == lv).any()), None)
    if cut in ("village", "township"):
        reaches, _ = build_reaches(rivers, admin, tolerances or CoverageRules(), (cut,))
    elif cut == "county" and len(rivers):
        reaches = county_reaches(rivers, admin)
    else:
        crs = metric_crs(admin) if len(admin) else STORAGE_EPSG
        reaches = gpd.GeoDataFrame(columns=REACH_COLUMNS, geometry="geometry", crs=crs)
    reaches = reaches.reset_index(drop=True)
    boards = store.read("signboards")
    return Jurisdiction(
        reaches,
        chief_links(reaches, store.read("assignments"), admin),
        store.read("chiefs"),
        pd.DataFrame(rivers[["river_code", "name", "management_level"]]),
        pd.DataFrame(admin[["admin_code", "name", "level", "parent_code"]]),
        boards.to_crs(reaches.crs) if len(boards) else boards,
        cut,
    )


#: The old name of :func:`find_jurisdiction`.
jurisdiction_of = find_jurisdiction
