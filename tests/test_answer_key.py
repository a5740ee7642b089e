"""The demo's answer key recomputed from the demo's data by an independent overlay (issue 15
item 2): plain geopandas (benchmarks/reference_overlay.py, not the project's segmentation)
cuts the rivers into reaches, plain interval arithmetic lays the assignments on them, and
every planted unassigned reach, 界河 reach without an agreement and hole of the key must be
found there with the key's length, to the metre."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gis.network import rivers_only
from gis.store import GeoPackageStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reference_overlay import overlay_segment  # noqa: E402

TOL_M = 1.0  # the key keeps metres to the mm; chainage ends differ by the overlay's rounding
MIN_OVERLAP_M = 1.0  # an assignment touching a reach for less does not hold it


@pytest.fixture(scope="module")
def demo(demo_path):
    s = GeoPackageStore(demo_path)
    rivers = rivers_only(s.read("rivers"))
    admin = s.read("admin_units")
    reaches = {lv: overlay_segment(rivers, admin, level=lv) for lv in ("township", "village")}
    return reaches, s.read("assignments"), s.read("answer_key")


def _held(reach, a: pd.DataFrame) -> list[tuple[float, float]]:
    """The stretches of ``reach`` its unit's (or its pair's) assignments hold."""
    out = []
    for r in a.itertuples():
        lo = 0.0 if pd.isna(r.from_m) else r.from_m
        hi = np.inf if pd.isna(r.to_m) else r.to_m
        lo, hi = max(lo, reach.from_m), min(hi, reach.to_m)
        if hi - lo >= MIN_OVERLAP_M:
            out.append((lo, hi))
    return out


def _assignments(a: pd.DataFrame, river: str, level: str, unit: str, other) -> pd.DataFrame:
    mine = a[(a["river_code"] == river) & (a["level"] == level)]
    if other is None:  # an ordinary reach: the unit's plain assignments
        return mine[(mine["admin_code"] == unit) & mine["shared_admin_code"].isna()]
    pair = {unit, other}  # a 界河 reach: an agreement naming both units
    return mine[
        mine["shared_admin_code"].notna()
        & mine.apply(lambda r: {r.admin_code, r.shared_admin_code} == pair, axis=1)
    ]


def _reference_findings(reaches, a, level):
    """(river, unit) -> unassigned metres; (river, pair) -> unagreed 界河 metres; and holes
    (river, unit, from, to) in held reaches, all from the reference reaches."""
    unassigned: dict[tuple, float] = {}
    unagreed: dict[tuple, float] = {}
    holes = []
    for r in reaches.itertuples():
        other = None if pd.isna(r.shared_admin_code) else r.shared_admin_code
        held = _held(r, _assignments(a, r.river_code, level, r.admin_code, other))
        length = r.to_m - r.from_m
        if other is not None:
            if not held:
                key = (r.river_code, frozenset((r.admin_code, other)))
                unagreed[key] = unagreed.get(key, 0.0) + length
            continue
        if not held:
            key = (r.river_code, r.admin_code)
            unassigned[key] = unassigned.get(key, 0.0) + length
            continue
        at = r.from_m
        for lo, hi in sorted(held):
            if lo - at > 10.0:
                holes.append((r.river_code, r.admin_code, at, lo))
            at = max(at, hi)
        if r.to_m - at > 10.0:
            holes.append((r.river_code, r.admin_code, at, r.to_m))
    return unassigned, unagreed, holes


@pytest.mark.parametrize("level", ["township", "village"])
def test_unassigned_reaches_of_the_key_are_what_the_data_has(demo, level):
    reaches, a, key = demo
    unassigned, _, _ = _reference_findings(reaches[level], a, level)
    rows = key[(key["kind"] == "unassigned_reach") & (key["level"] == level)]
    assert {(k.river_code, k.admin_code) for k in rows.itertuples()} == set(unassigned)
    for k in rows.itertuples():
        assert k.value == pytest.approx(unassigned[(k.river_code, k.admin_code)], abs=TOL_M), (
            k.river_code,
            k.admin_code,
        )


def test_unagreed_boundary_reaches_of_the_key_are_what_the_data_has(demo):
    reaches, a, key = demo
    _, unagreed, _ = _reference_findings(reaches["township"], a, "township")
    rows = key[key["kind"] == "boundary_unagreed"]
    want = {(k.river_code, frozenset(k.detail.split("|"))): k.value for k in rows.itertuples()}
    assert set(want) == set(unagreed)
    for pair, value in want.items():
        assert value == pytest.approx(unagreed[pair], abs=TOL_M), pair


def test_the_hole_of_the_key_is_what_the_data_has(demo):
    reaches, a, key = demo
    _, _, holes = _reference_findings(reaches["village"], a, "village")
    (hole,) = key[key["kind"] == "hole"].itertuples()
    lo, hi = map(float, hole.detail.split("-"))
    found = [h for h in holes if h[:2] == (hole.river_code, hole.admin_code)]
    assert len(found) == 1 and found[0][2:] == pytest.approx((lo, hi), abs=TOL_M)


@pytest.mark.parametrize("level", ["township", "village"])
def test_segmentation_gives_the_reference_reaches(demo, demo_path, level):
    # the same labels in the same order on every river, ends within 1 cm (the reference's
    # round buffer is a polygon). Before: 黄沟江 (R001) differed at a tripoint, where two
    # bands start at one point and the reference's micrometre stretch before them decided
    # the overlap, and where two townships touch corner to corner (no edge to follow)
    from gis.reaches import segment

    s = GeoPackageStore(demo_path)
    ours, *_ = segment(rivers_only(s.read("rivers")), s.read("admin_units"), level=level)
    ref = demo[0][level]
    cols = ["river_code", "admin_code", "shared_admin_code"]
    a = ours.sort_values(["river_code", "from_m"]).reset_index(drop=True)
    b = ref.sort_values(["river_code", "from_m"]).reset_index(drop=True)
    assert len(a) == len(b)
    assert a[cols].fillna("").equals(b[cols].fillna(""))
    assert np.abs(a[["from_m", "to_m"]].to_numpy() - b[["from_m", "to_m"]].to_numpy()).max() < 0.01
