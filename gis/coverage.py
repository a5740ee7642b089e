"""Jurisdiction coverage: which reaches have no chief, holes, mismatches, duplicates,
unagreed boundary reaches, reservoirs without a chief, and the signboard audit.

Pure functions over frames; the CLI, app and notebook call :func:`find_gaps`
(``gis.find_gaps``; :func:`analyse` is its old name).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import _deprecation
from gis import reaches as reaches_mod
from gis._errors import UnknownNameError
from gis.admin_codes import ABOVE_COUNTY, above
from gis.catalogue import CHIEF_LEVELS as LEVELS
from gis.crs import STORAGE_EPSG, metric_crs
from gis.network import rivers_only
from gis.reports import records
from gis.store import Store

ALL_LEVELS = "all"  # find_gaps(level=ALL_LEVELS): every level of LEVELS
NOT_CHECKED_COLUMNS = ["level", "reason", "fix"]
_WHO = ["assignment_id", "chief_id", "chief_name", "level"]
UNKNOWN_CODE_COLUMNS = [*_WHO, "field", "code", "reason", "fix"]
ZERO_COVERAGE_COLUMNS = [*_WHO, "river_code", "river_name", "admin_code", "unit_name", "reason"]
LEVEL_MISMATCH_COLUMNS = [
    *_WHO[:3],
    "chief_level",
    "level",
    "target_code",
    "target_name",
    "admin_code",
    "unit_name",
]
#: An assignment's fields that name an admin unit.
UNIT_FIELDS = ("admin_code", "shared_admin_code")
AGREEMENT_COLUMNS = [
    "assignment_id",
    "chief_id",
    "level",
    "river_code",
    "admin_code",
    "shared_admin_code",
    "from_m",
    "to_m",
]
#: The register-error tables of a :class:`Coverage`, in the order exported.
REGISTER_TABLES = ("unknown_codes", "zero_coverage", "level_mismatches")


@dataclass(frozen=True)
class CoverageRules:
    """Tolerances of the analysis (metres). Unknown keys are refused."""

    boundary_tolerance: float = 30.0
    min_boundary_m: float = 300.0
    sliver_m: float = 20.0
    hole_min_m: float = 50.0  # above two merged slivers, so sliver merging never makes a hole
    overlap_min_m: float = 1.0
    signboard_distance_m: float = 5000.0
    signboard_min_reach_m: float = 3000.0  # township reaches at least this long need a board

    @classmethod
    def from_dict(cls, values: dict) -> CoverageRules:
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise UnknownNameError(
                "coverage rule", ", ".join(sorted(unknown)), sorted(cls.__dataclass_fields__)
            )
        return cls(**values)


@dataclass
class Coverage:
    """Every finding, as frames; :meth:`to_json` gives the stable JSON of ``riverchief gaps``."""

    reaches: gpd.GeoDataFrame
    unassigned: gpd.GeoDataFrame
    holes: pd.DataFrame
    mismatches: pd.DataFrame
    duplicates: pd.DataFrame
    orphan_chiefs: pd.DataFrame
    reservoirs_without_chief: pd.DataFrame
    boundary_reaches_unagreed: gpd.GeoDataFrame
    signboard_issues: pd.DataFrame
    by_township: pd.DataFrame
    slivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Levels that could not be checked (no polygons of that level): a finding, so that a
    #: zero unassigned length there is never read as full coverage.
    not_checked: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=NOT_CHECKED_COLUMNS)
    )
    #: Register errors (:func:`register_errors`): assignments to a river, reservoir or unit
    #: code the store does not have; assignments that cover 0 m (the river never enters the
    #: unit); chiefs assigned at a level other than their own. Empty: checked, none found.
    unknown_codes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=UNKNOWN_CODE_COLUMNS)
    )
    zero_coverage: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ZERO_COVERAGE_COLUMNS)
    )
    level_mismatches: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=LEVEL_MISMATCH_COLUMNS)
    )
    #: Boundary agreements (an assignment naming a shared unit) that match no boundary
    #: reach: the river does not run within the tolerance of that pair's shared edge there
    #: for the minimum length, so the agreement covers nothing. Never silently ignored.
    agreements_unmatched: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=AGREEMENT_COLUMNS)
    )
    #: The levels the analysis was asked for (``find_gaps(level=...)``).
    levels: tuple[str, ...] = LEVELS

    def unassigned_length_m_by_level(self) -> dict[str, float | None]:
        """Unassigned metres per level, top down: the county and the levels below it always;
        province and city when a river of the county is managed at that level or above.
        ``None`` for a level the analysis was not asked for: never checked, so never 0."""
        s = (
            self.unassigned.groupby("level")["length_m"].sum()
            if len(self.unassigned)
            else pd.Series(dtype=float)
        )
        seen = set(self.reaches["level"]) | set(self.not_checked["level"])
        shown = [lv for lv in LEVELS if lv not in ABOVE_COUNTY or lv in seen]
        return {lv: round(float(s.get(lv, 0.0)), 1) if lv in self.levels else None for lv in shown}

    def to_json(self) -> dict:
        cols = ["reach_id", "river_code", "river_name", "level", "admin_code", "length_m"]
        return {
            "unassigned": _records(self.unassigned[cols]),
            "unassigned_length_m_by_level": self.unassigned_length_m_by_level(),
            "holes": _records(self.holes),
            "mismatches": _records(self.mismatches),
            "duplicates": _records(self.duplicates),
            "orphan_chiefs": _records(self.orphan_chiefs),
            "reservoirs_without_chief": _records(self.reservoirs_without_chief),
            "boundary_reaches_unagreed": _records(
                self.boundary_reaches_unagreed.drop(columns="geometry")
            ),
            "signboard_issues": _records(self.signboard_issues),
            "by_township": _records(self.by_township),
            "not_checked": _records(self.not_checked),
            "agreements_unmatched": _records(self.agreements_unmatched),
            **{k: _records(getattr(self, k)) for k in REGISTER_TABLES},
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every finding as a named table (for GeoPackage layers, sheets or CSV files)."""
        return {
            "unassigned": self.unassigned,
            "holes": self.holes,
            "mismatches": self.mismatches,
            "duplicates": self.duplicates,
            "orphan_chiefs": self.orphan_chiefs,
            "reservoirs_without_chief": self.reservoirs_without_chief,
            "boundary_reaches_unagreed": self.boundary_reaches_unagreed,
            "signboard_issues": self.signboard_issues,
            "by_township": self.by_township,
            "not_checked": self.not_checked,
            "agreements_unmatched": self.agreements_unmatched,
            **{k: getattr(self, k) for k in REGISTER_TABLES},
        }


def _records(df: pd.DataFrame) -> list[dict]:
    return records(df, digits=2)


def managed_at_or_above(level: str) -> tuple[str, ...]:
    """The management levels whose rivers need a chief at ``level`` (a county, city or
    province level): 分级分段, each piece of a river has a chief at every level from the
    one that manages it down (DOMAIN §1), so a province-managed river needs province, city
    and county chiefs for its part in the county, a county-managed one a county chief only.
    Every river needs township and village chiefs (cut by their polygons)."""
    return LEVELS[: LEVELS.index(level) + 1]


def above_codes(admin: pd.DataFrame) -> dict[str, str]:
    """The province and city codes of the store's county unit, read off its code
    (``{}`` without a county unit, or when its code is not a county code)."""
    county = admin.loc[admin["level"] == "county", "admin_code"].dropna().tolist()
    return above(str(county[0])) if county else {}


def build_reaches(
    rivers, admin, rules: CoverageRules, levels=LEVELS
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Reaches at the given levels, in one frame: province, city and county reaches are
    whole rivers inside the county (those managed at that level or above,
    :func:`managed_at_or_above`), in the unit of that level (the province and city named
    by the county's code); township and village reaches are cut by their polygons.

    A level the county has no polygons for gives no reaches (:func:`levels_not_checked`
    names it); with none at all the frame is empty.
    """
    present = set(admin["level"].dropna())
    codes = {**above_codes(admin), "county": None}
    parts, slivers = (
        [],
        [
            pd.DataFrame(
                columns=["river_code", "admin_code", "from_m", "to_m", "merged_into", "level"]
            )
        ],
    )
    for level in [lv for lv in levels if lv in codes and "county" in present]:
        managed = rivers[rivers["management_level"].isin(managed_at_or_above(level))]
        parts.append(_whole_river_reaches(managed, admin, level, codes[level]))
    for level in [lv for lv in ("township", "village") if lv in levels and lv in present]:
        r, s = reaches_mod.segment(
            rivers,
            admin,
            level=level,
            boundary_tolerance=rules.boundary_tolerance,
            min_boundary_m=rules.min_boundary_m,
            sliver_m=rules.sliver_m,
        )
        parts.append(r)
        slivers.append(s.assign(level=level))
    if not parts:  # no polygons of any level asked for: nothing can be cut
        crs = STORAGE_EPSG if admin.empty else metric_crs(admin)
        parts.append(
            gpd.GeoDataFrame(columns=reaches_mod.REACH_COLUMNS, geometry="geometry", crs=crs)
        )
    return pd.concat(parts, ignore_index=True), pd.concat(slivers, ignore_index=True)


def _whole_river_reaches(
    rivers: gpd.GeoDataFrame, admin: gpd.GeoDataFrame, level: str, code: str | None
) -> gpd.GeoDataFrame:
    """One reach per river, its length in the county, at ``level`` in the unit ``code``
    (the county's own unit when None)."""
    reaches = reaches_mod.county_reaches(rivers, admin)
    if code is None:
        return reaches
    return reaches.assign(
        level=level,
        admin_code=code,
        reach_id=[f"{r}/{level}/0" for r in reaches["river_code"]],
    )


def find_gaps(
    store: Store,
    *,
    level: str = ALL_LEVELS,
    tolerances: CoverageRules | None = None,
    rules: CoverageRules | None = None,
) -> Coverage:
    """Find the reaches without a chief, and every other coverage finding, in a county store.

    Parameters
    ----------
    store : Store
        The county store (rivers, admin units, chiefs, assignments, reservoirs, signboards).
    level : str
        ``"province"``, ``"city"``, ``"county"``, ``"township"``, ``"village"``
        (:data:`LEVELS`) or ``"all"``. Province, city and county reaches are whole rivers
        inside the county, for rivers managed at that level or above
        (:func:`managed_at_or_above`); township and village reaches are cut by polygons.
    tolerances : CoverageRules, optional
        The distances of the analysis in metres (boundary band, slivers, holes, ...); the
        coverage analysis has no rule table under ``gis/rules/``, so no ``rule_overrides``.
    rules : CoverageRules, optional
        Deprecated name of ``tolerances``.

    Returns
    -------
    Coverage
        Every finding as frames: ``tables()`` for an export, ``to_json()`` for tools.

    Examples
    --------
    >>> from gis import datasets, find_gaps
    >>> from gis.store import GeoPackageStore
    >>> store = GeoPackageStore(datasets.get_path("demo"))
    >>> gaps = find_gaps(store, level="township")
    >>> sorted(gaps.tables())  # doctest: +NORMALIZE_WHITESPACE
    ['agreements_unmatched', 'boundary_reaches_unagreed', 'by_township', 'duplicates', 'holes',
     'level_mismatches', 'mismatches', 'not_checked', 'orphan_chiefs',
     'reservoirs_without_chief', 'signboard_issues', 'unassigned', 'unknown_codes',
     'zero_coverage']
    >>> gaps.unassigned_length_m_by_level()  # doctest: +ELLIPSIS
    {'county': None, 'township': ..., 'village': None}
    """
    if rules is not None:
        _deprecation.warn("find_gaps(rules=...)", "find_gaps(tolerances=...)")
        if tolerances is not None:
            raise TypeError("find_gaps() got both rules= and tolerances=; give tolerances= only")
        tolerances = rules
    rules = tolerances or CoverageRules()
    # chiefs are for rivers, not for a lake's line or a connector (issue 15)
    lines, admin = store.read("rivers"), store.read("admin_units")
    rivers = rivers_only(lines)
    if level != ALL_LEVELS and level not in LEVELS:
        raise UnknownNameError("level", level, (ALL_LEVELS, *LEVELS))
    levels = LEVELS if level == ALL_LEVELS else (level,)
    reaches, slivers = build_reaches(rivers, admin, rules, levels)
    assignments, chiefs = store.read("assignments"), store.read("chiefs")
    reservoirs = store.read("reservoirs")
    cov = coverage_of(
        reaches,
        assignments,
        chiefs,
        rivers=rivers,
        reservoirs=reservoirs,
        signboards=store.read("signboards"),
        admin=admin,
        rules=rules,
        slivers=slivers,
    )
    cov.levels = levels
    cov.not_checked = levels_not_checked(admin, levels, rivers=rivers)
    checked = [lv for lv in levels if lv not in set(cov.not_checked["level"])]
    found = register_errors(
        reaches,
        assignments,
        chiefs,
        rivers=lines,  # a code of a lake's line or a connector is known: not a typo
        reservoirs=reservoirs,
        admin=admin,
        checked_levels=checked,
        overlap_min_m=rules.overlap_min_m,
        slivers=slivers,
    )
    for k in REGISTER_TABLES:
        setattr(cov, k, found[k])
    return cov


def register_errors(  # noqa: PLR0913 -- the register's tables and the analysis settings
    reaches: pd.DataFrame,
    assignments: pd.DataFrame,
    chiefs: pd.DataFrame,
    *,
    rivers: pd.DataFrame,
    reservoirs: pd.DataFrame,
    admin: pd.DataFrame,
    checked_levels: list[str],
    overlap_min_m: float = 1.0,
    slivers: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Errors of the register itself, each a table named by :data:`REGISTER_TABLES`.

    ``unknown_codes``: an assignment names a river, reservoir or unit (or the shared unit)
    the store does not have, a typo that also hides the chief from ``orphan_chiefs``; a
    unit of a level the store has no polygons for is not checked (``not_checked`` says so).
    ``zero_coverage``: a river assignment at a checked level whose river has no reach of
    that level in the unit (it never enters it), so it covers 0 m. ``level_mismatches``: a
    chief assigned at a level other than their own. Names travel with the codes.

    Returns
    -------
    dict of str to DataFrame
        The three tables; empty (with their columns) when the register has no such error.
    """
    river_name = dict(zip(rivers["river_code"].tolist(), rivers["name"].tolist(), strict=True))
    res_codes = reservoirs.get("reservoir_code", pd.Series(dtype=object)).tolist()
    res_names = reservoirs.get("name", pd.Series(dtype=object)).tolist()
    res_name = dict(zip(res_codes, res_names, strict=True))
    unit_name = dict(zip(admin["admin_code"].tolist(), admin["name"].tolist(), strict=True))
    for code in above_codes(admin).values():  # the county's province and city: known by code
        unit_name.setdefault(code, None)
    managed = dict(
        zip(rivers["river_code"].tolist(), rivers["management_level"].tolist(), strict=True)
    )
    chief = {
        c: (n, lv)
        for c, n, lv in zip(
            chiefs["chief_id"].tolist(),
            chiefs["name"].tolist(),
            chiefs["level"].tolist(),
            strict=True,
        )
    }
    # metres of reach per (level, river, unit), a shared reach counted for both its units
    spans: dict[tuple, list[tuple[float, float]]] = {}
    for river, lv, unit, other, r_from, r_to in _tuples(
        reaches,
        ["river_code", "level", "admin_code", "shared_admin_code", "from_m", "to_m"],
        named=False,
    ):
        for u in (unit, other):
            if not _missing(u):
                spans.setdefault((lv, river, u), []).append((r_from, r_to))
    grazed = set()  # (level, river, unit) whose only piece was a sliver merged away
    if slivers is not None and len(slivers):
        grazed = set(_tuples(slivers, ["level", "river_code", "admin_code"], named=False))
    unknown, zero, levels = [], [], []
    present_levels = set(admin["level"].dropna())
    river_codes = set(rivers_only(rivers)["river_code"])  # the lines that have reaches
    cols = ["assignment_id", "chief_id", "level", "target_type", "river_code"]
    cols += ["reservoir_code", "admin_code", "shared_admin_code", "from_m", "to_m"]
    for aid, cid, lv, kind, river, res, unit, other, lo, hi in _tuples(
        assignments, cols, named=False
    ):
        name, c_level = chief.get(cid, (None, None))
        who = {"assignment_id": aid, "chief_id": cid, "chief_name": name, "level": lv}
        bad = _unknown_codes(kind, river, res, unit, other, river_name, res_name, unit_name)
        if lv not in present_levels and lv not in ABOVE_COUNTY:  # no polygons: unit unknown
            bad = [b for b in bad if b["field"] not in UNIT_FIELDS or b["code"] is None]
        unknown += [{**who, **b} for b in bad]
        target = river if kind == "river" else res
        if c_level is not None and c_level != lv:
            levels.append(
                {
                    **who,
                    "chief_level": c_level,
                    "target_code": target,
                    "target_name": river_name.get(target) or res_name.get(target),
                    "admin_code": unit,
                    "unit_name": unit_name.get(unit),
                }
            )
        if bad or kind != "river" or lv not in checked_levels or river not in river_codes:
            continue
        whole = _missing(lo) and _missing(hi)
        lo = -np.inf if _missing(lo) else float(lo)
        hi = np.inf if _missing(hi) else float(hi)
        covered = sum(
            max(0.0, min(hi, b) - max(lo, a)) for a, b in spans.get((lv, river, unit), ())
        )
        if covered <= overlap_min_m:
            zero.append(
                {
                    **who,
                    "river_code": river,
                    "river_name": river_name.get(river),
                    "admin_code": unit,
                    "unit_name": unit_name.get(unit),
                    "reason": _zero_reason(lv, (lv, river, unit) in grazed, managed.get(river))
                    + ("" if whole else " between its chainages"),
                }
            )
    return {
        "unknown_codes": pd.DataFrame(unknown, columns=UNKNOWN_CODE_COLUMNS),
        "zero_coverage": pd.DataFrame(zero, columns=ZERO_COVERAGE_COLUMNS),
        "level_mismatches": pd.DataFrame(levels, columns=LEVEL_MISMATCH_COLUMNS),
    }


def _zero_reason(level: str, grazed: bool, managed: str | None) -> str:
    """Why an assignment covers 0 m: a sliver, a river not managed at or above a province
    or city level, or a river that never enters the unit."""
    if grazed:
        return (
            "covers 0 m: the river only grazes this unit (a sliver merged into the "
            "neighbouring unit's reach)"
        )
    if level in ABOVE_COUNTY and managed not in managed_at_or_above(level):
        return (
            f"covers 0 m: the river is managed at {managed} level, so it has no {level} "
            f"reach (correct the river's management_level or the assignment's level)"
        )
    return f"covers 0 m: no {level} reach of this river lies in this unit"


def _unknown_codes(
    kind: str,
    river: str | None,
    res: str | None,
    unit: str | None,
    other: str | None,
    rivers: dict,
    reservoirs: dict,
    units: dict,
) -> list[dict]:
    """One row per code of an assignment that the store does not have."""
    out = []
    checks = [("admin_code", unit, units, "admin unit", "admin_units")]
    checks.append(("shared_admin_code", other, units, "admin unit", "admin_units"))
    if kind == "river":
        checks.append(("river_code", river, rivers, "river", "rivers"))
    elif kind == "reservoir":
        checks.append(("reservoir_code", res, reservoirs, "reservoir", "reservoirs"))
    for fld, code, known, what, layer in checks:
        if fld != "shared_admin_code" and _missing(code):
            out.append(
                {
                    "field": fld,
                    "code": None,
                    "reason": f"the assignment names no {what}",
                    "fix": f"fill in {fld}",
                }
            )
        elif not _missing(code) and code not in known:
            out.append(
                {
                    "field": fld,
                    "code": code,
                    "reason": f"no {what} has the code {code} (a typo?)",
                    "fix": f"correct the code in the assignments, or import the {what} ({layer})",
                }
            )
    return out


def levels_not_checked(
    admin: pd.DataFrame, levels, *, rivers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per level of ``levels`` that could not be checked: the county, township and
    village levels when the county has no polygons of that level (its rivers cannot be cut
    into reaches there) or no rivers at all (then "0 km unassigned" would read as coverage);
    the province and city levels, which need no polygons of their own, only when a river of
    ``rivers`` is managed at that level or above and the county's boundary (or a county code
    to name its province and city by) is missing. A level with nothing to check is no
    finding."""
    present = set(admin["level"].dropna())
    codes = above_codes(admin)
    no_rivers = rivers is not None and len(rivers) == 0
    rows = []
    for lv in levels:
        if lv not in ABOVE_COUNTY:
            if lv not in present:
                rows.append(
                    {
                        "level": lv,
                        "reason": f"not checked: no {lv} polygons in the county store",
                        "fix": f"import the {lv} boundaries (layer admin_units, level {lv})",
                    }
                )
            elif no_rivers:
                rows.append(
                    {
                        "level": lv,
                        "reason": "not checked: no rivers in the county store",
                        "fix": "import the rivers (layer rivers)",
                    }
                )
            continue
        if rivers is None or not rivers["management_level"].isin(managed_at_or_above(lv)).any():
            continue
        if "county" not in present:
            rows.append(
                {
                    "level": lv,
                    "reason": f"not checked: no county boundary in the store ({lv} reaches "
                    "are the rivers' parts inside it)",
                    "fix": "import the county boundary (layer admin_units, level county)",
                }
            )
        elif lv not in codes:
            rows.append(
                {
                    "level": lv,
                    "reason": f"not checked: the county unit's code is not a county code "
                    f"(XXYYZZ), so its {lv} code is not known",
                    "fix": "correct the county unit's admin_code (GB/T 2260, 6 digits)",
                }
            )
    return pd.DataFrame(rows, columns=NOT_CHECKED_COLUMNS)


#: The old name of :func:`find_gaps`.
analyse = find_gaps


def coverage_of(  # noqa: PLR0913 -- analysis signature owned by the capability reshaping
    reaches, assignments, chiefs, *, rivers, reservoirs, signboards, admin, rules, slivers=None
) -> Coverage:
    """The analysis proper, on reaches already built (a partition of a province works too)."""
    names = dict(zip(rivers["river_code"].tolist(), rivers["name"].tolist(), strict=True))
    a = assignments[assignments["target_type"] == "river"].copy()
    a["lo"] = a["from_m"].astype(float).fillna(-np.inf)
    a["hi"] = a["to_m"].astype(float).fillna(np.inf)
    # candidate assignments per reach key, as plain tuples: (lo, hi, chief_id)
    cands: dict[tuple, list] = {}
    for lv, river, unit, other, lo, hi, cid in _tuples(
        a,
        ["level", "river_code", "admin_code", "shared_admin_code", "lo", "hi", "chief_id"],
        named=False,
    ):
        key = (lv, river, unit) if _missing(other) else (lv, river, frozenset((unit, other)))
        cands.setdefault(key, []).append((lo, hi, cid))
    # a key held by one whole-river assignment covers each of its reaches fully, once
    whole = {
        k for k, v in cands.items() if len(v) == 1 and v[0][0] == -np.inf and v[0][1] == np.inf
    }
    unassigned: list[dict] = []
    unagreed: list[dict] = []
    holes: list[dict] = []
    dups: list[dict] = []
    covered_ids: list[str] = []
    cols = ["reach_id", "river_code", "level", "admin_code", "shared_admin_code", "from_m", "to_m"]
    for idx, (reach_id, river, lv, unit, other, r_from, r_to) in zip(
        reaches.index.tolist(), _tuples(reaches, cols, named=False), strict=True
    ):
        shared = not _missing(other)
        key = (lv, river, frozenset((unit, other)) if shared else unit)
        if key in whole and r_to - r_from > rules.overlap_min_m:
            covered_ids.append(idx)
            continue
        spans = [
            (max(lo, r_from), min(hi, r_to), cid)
            for lo, hi, cid in cands.get(key, ())
            if min(hi, r_to) - max(lo, r_from) > rules.overlap_min_m
        ]
        if not spans:
            (unagreed if shared else unassigned).append(idx)
            continue
        covered_ids.append(idx)
        for gap in _gaps(r_from, r_to, [(s[0], s[1]) for s in spans], rules.hole_min_m):
            holes.append(
                {
                    "reach_id": reach_id,
                    "river_code": river,
                    "level": lv,
                    "admin_code": unit,
                    "from_m": round(gap[0], 1),
                    "to_m": round(gap[1], 1),
                    "length_m": round(gap[1] - gap[0], 1),
                }
            )
        for i in range(len(spans)):
            for j in range(i + 1, len(spans)):
                (a0, a1, ca), (b0, b1, cb) = spans[i], spans[j]
                if ca != cb and min(a1, b1) - max(a0, b0) > rules.overlap_min_m:
                    dups.append(
                        {
                            "reach_id": reach_id,
                            "river_code": river,
                            "level": lv,
                            "admin_code": unit,
                            "chief_ids": f"{ca}|{cb}",
                            "from_m": round(max(a0, b0), 1),
                            "to_m": round(min(a1, b1), 1),
                        }
                    )
    un = reaches.loc[unassigned].copy()
    un["river_name"] = un["river_code"].map(names)
    unagreed_df = reaches.loc[unagreed].copy()
    unagreed_df["river_name"] = unagreed_df["river_code"].map(names)
    chief_of = dict(
        zip(
            chiefs["chief_id"].tolist(),
            zip(chiefs["level"].tolist(), chiefs["admin_code"].tolist(), strict=True),
            strict=True,
        )
    )
    mism = []
    for aid, cid, lv, unit in _tuples(
        assignments, ["assignment_id", "chief_id", "level", "admin_code"], named=False
    ):
        if cid not in chief_of:
            mism.append(
                {
                    "assignment_id": aid,
                    "chief_id": cid,
                    "kind": "unknown_chief",
                    "detail": "no such chief",
                }
            )
            continue
        c_level, c_unit = chief_of[cid]
        if c_level != lv:
            mism.append(
                {
                    "assignment_id": aid,
                    "chief_id": cid,
                    "kind": "level",
                    "detail": f"a {c_level} chief holds a {lv} assignment",
                }
            )
        if c_unit != unit:
            mism.append(
                {
                    "assignment_id": aid,
                    "chief_id": cid,
                    "kind": "outside_jurisdiction",
                    "detail": f"chief of {c_unit} assigned in {unit}",
                }
            )
    held = set(assignments["chief_id"].tolist())  # Python sets: Arrow isin boxes every value
    orphans = chiefs[np.array([c not in held for c in chiefs["chief_id"].tolist()], dtype=bool)][
        ["chief_id", "name", "level", "admin_code"]
    ]
    res_cov = set(assignments["reservoir_code"].dropna().tolist())
    no_chief = reservoirs[
        np.array(
            [
                c not in res_cov
                for c in reservoirs.get("reservoir_code", pd.Series(dtype=object)).tolist()
            ],
            dtype=bool,
        )
    ][["reservoir_code", "name", "scale"]]
    return Coverage(
        reaches=reaches,
        unassigned=un,
        holes=pd.DataFrame(holes),
        mismatches=pd.DataFrame(mism),
        duplicates=pd.DataFrame(dups),
        orphan_chiefs=orphans.reset_index(drop=True),
        reservoirs_without_chief=pd.DataFrame(no_chief).reset_index(drop=True),
        boundary_reaches_unagreed=unagreed_df,
        signboard_issues=signboard_audit(
            reaches, a, chiefs, signboards, reservoirs, assignments, rules
        ),
        by_township=township_summary(reaches, un, admin),
        slivers=slivers if slivers is not None else pd.DataFrame(),
        agreements_unmatched=_unmatched_agreements(a, reaches, rules),
    )


def _unmatched_agreements(a: pd.DataFrame, reaches: pd.DataFrame, rules) -> pd.DataFrame:
    """Agreements (river assignments naming a shared unit) that overlap no boundary reach
    of their pair, level and river by more than ``rules.overlap_min_m``."""
    spans: dict[tuple, list[tuple[float, float]]] = {}
    shared = reaches[reaches["shared_admin_code"].notna()]
    for river, lv, unit, other, lo, hi in _tuples(
        shared,
        ["river_code", "level", "admin_code", "shared_admin_code", "from_m", "to_m"],
        named=False,
    ):
        spans.setdefault((lv, river, frozenset((unit, other))), []).append((lo, hi))
    rows = []
    agreed = a[a["shared_admin_code"].notna()]
    for aid, cid, lv, river, unit, other, lo, hi in _tuples(
        agreed,
        [*AGREEMENT_COLUMNS[:6], "lo", "hi"],
        named=False,
    ):
        found = spans.get((lv, river, frozenset((unit, other))), ())
        if not any(min(hi, r1) - max(lo, r0) > rules.overlap_min_m for r0, r1 in found):
            rows.append(
                {
                    "assignment_id": aid,
                    "chief_id": cid,
                    "level": lv,
                    "river_code": river,
                    "admin_code": unit,
                    "shared_admin_code": other,
                    "from_m": None if lo == -np.inf else round(float(lo), 1),
                    "to_m": None if hi == np.inf else round(float(hi), 1),
                }
            )
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def _missing(v) -> bool:
    return v is None or v != v  # None or NaN, without pd.isna's dispatch per value


def _tuples(df: pd.DataFrame, cols: list[str], *, named: bool = True):
    """Rows of ``df[cols]`` as (named) tuples from plain Python lists: iterating Arrow-backed
    string columns element by element costs ~2 µs a value, a list costs nothing."""
    values = [df[c].tolist() for c in cols]
    rows = zip(*values, strict=True)
    if not named:
        return rows
    Row = namedtuple("Row", ["Index", *cols])  # type: ignore[misc]  # fields known at run time
    return (
        Row(i, *v)  # type: ignore[call-arg]  # mypy sees no fields in a run-time namedtuple
        for i, v in zip(df.index.tolist(), rows, strict=True)
    )


def _gaps(
    lo: float, hi: float, spans: list[tuple[float, float]], min_len: float
) -> list[tuple[float, float]]:
    out, cur = [], lo
    for a, b in sorted(spans):
        if a - cur >= min_len:
            out.append((cur, a))
        cur = max(cur, b)
    if hi - cur >= min_len:
        out.append((cur, hi))
    return out


def signboard_audit(
    reaches, river_assign, chiefs, signboards, reservoirs, assignments, rules
) -> pd.DataFrame:
    """Boards that show someone other than the current chief, and long reaches without a board."""
    rows = []
    order = {cid: i for i, cid in enumerate(chiefs["chief_id"])}
    person = dict(
        zip(
            chiefs["chief_id"].tolist(),
            zip(chiefs["name"].tolist(), chiefs["phone"].tolist(), strict=True),
            strict=True,
        )
    )
    by_river: dict[tuple, list] = {}
    for k, cid in zip(
        zip(
            river_assign["river_code"].tolist(),
            river_assign["admin_code"].tolist(),
            river_assign["level"].tolist(),
            strict=True,
        ),
        river_assign["chief_id"].tolist(),
        strict=True,
    ):
        by_river.setdefault(k, []).append(cid)
    by_reservoir: dict[str, list] = {}
    for code, cid in zip(
        assignments["reservoir_code"].tolist(), assignments["chief_id"].tolist(), strict=True
    ):
        if isinstance(code, str):
            by_reservoir.setdefault(code, []).append(cid)
    boards = signboards.to_crs(reaches.crs) if len(signboards) else signboards
    for b in _tuples(
        boards,
        [
            "board_id",
            "reservoir_code",
            "placed_by",
            "river_code",
            "admin_code",
            "chief_name",
            "chief_phone",
        ],
    ):
        if isinstance(b.reservoir_code, str):
            cur = by_reservoir.get(b.reservoir_code)
            if not cur:
                continue  # no chief at all: reported under reservoirs_without_chief
        else:
            level = "county" if b.placed_by == "county" else "township"
            cur = by_river.get((b.river_code, b.admin_code, level))
            if not cur:
                rows.append(
                    {
                        "board_id": b.board_id,
                        "kind": "no_current_chief",
                        "river_code": b.river_code,
                        "admin_code": b.admin_code,
                        "detail": f"the reach has no {level} chief",
                    }
                )
                continue
        current = sorted({c for c in cur if c in order}, key=order.__getitem__)  # register order
        if not any(person[c] == (b.chief_name, b.chief_phone) for c in current):
            rows.append(
                {
                    "board_id": b.board_id,
                    "kind": "stale_chief",
                    "river_code": b.river_code,
                    "admin_code": b.admin_code,
                    "detail": f"board shows {b.chief_name} {b.chief_phone}; "
                    f"current: {', '.join(person[c][0] for c in current)}",
                }
            )
    need = reaches[
        (
            (reaches["level"] == "county")
            | (
                (reaches["level"] == "township")
                & (reaches["length_m"] >= rules.signboard_min_reach_m)
            )
        )
    ]
    if len(need) and len(boards):
        near, _ = shapely.STRtree(boards.geometry.values).query(
            need.geometry.values, predicate="dwithin", distance=rules.signboard_distance_m
        )
        for r in _tuples(
            need[~np.isin(np.arange(len(need)), near)], ["reach_id", "river_code", "admin_code"]
        ):
            rows.append(
                {
                    "board_id": None,
                    "kind": "no_signboard_nearby",
                    "river_code": r.river_code,
                    "admin_code": r.admin_code,
                    "detail": f"{r.reach_id}: no board within {rules.signboard_distance_m:.0f} m",
                }
            )
    return pd.DataFrame(rows, columns=["board_id", "kind", "river_code", "admin_code", "detail"])


def township_summary(reaches, unassigned, admin) -> pd.DataFrame:
    """Per township: river length, share assigned at township and village level, unassigned km."""
    names = dict(zip(admin["admin_code"].tolist(), admin["name"].tolist(), strict=True))
    sub = reaches[reaches["level"].isin(["township", "village"])]
    total = sub.groupby(["township_code", "level"])["length_m"].sum().to_dict()
    miss = (
        unassigned.groupby(["township_code", "level"])["length_m"].sum().to_dict()
        if len(unassigned)
        else {}
    )
    rows = []
    for town in sorted(sub["township_code"].dropna().unique()):
        row = {"township_code": town, "township_name": names.get(town)}
        row["river_length_km"] = round(float(total.get((town, "township"), 0.0)) / 1000, 2)
        for lv in ("township", "village"):
            t_lv, m_lv = float(total.get((town, lv), 0.0)), float(miss.get((town, lv), 0.0))
            row[f"assigned_pct_{lv}"] = round(100 * (1 - m_lv / t_lv), 1) if t_lv else None
            row[f"unassigned_km_{lv}"] = round(m_lv / 1000, 2)
        rows.append(row)
    return pd.DataFrame(rows)
