"""Sand-quarry compliance: along-channel distances by hand, and the demo's planted cases."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from gis.cli import main
from gis.quarries import check_quarries
from gis.store import GeoPackageStore

GK = 4544
X, Y = 500000.0, 3400000.0


def quarry(qid, x, y, **kw):
    row = {
        "quarry_id": qid,
        "name": qid,
        "status": "operating",
        "permit_no": "P1",
        "permit_valid_from": "2025-01-01",
        "permit_valid_to": "2027-12-31",
        "has_weighbridge": True,
        "has_video": True,
        "river_code": "R1",
        "geometry": Point(x, y),
    }
    row.update(kw)
    return row


@pytest.fixture()
def bridge_store(tmp_path) -> GeoPackageStore:
    """A river with a medium road bridge at K5+000 and a meander just below it.

    Below the bridge the river loops 600 m east, 300 m north and 600 m back west, so
    the point 300 m north of the bridge is 1500 m downstream along the channel.
    """
    river = LineString(
        [
            (X, Y),
            (X, Y + 5000),
            (X + 600, Y + 5000),
            (X + 600, Y + 5300),
            (X, Y + 5300),
            (X, Y + 9000),
        ]
    )
    rivers = gpd.GeoDataFrame(
        [
            {
                "river_code": "R1",
                "name": "测试河",
                "management_level": "county",
                "in_register": True,
                "geometry": river,
            }
        ],
        crs=GK,
    )
    bridge = gpd.GeoDataFrame(
        [
            {
                "structure_id": "B1",
                "kind": "bridge",
                "name": "测试桥",
                "river_code": "R1",
                "bridge_type": "road",
                "bridge_class": "medium",
                "length_m": 80.0,
                "geometry": Point(X, Y + 5000),
            }
        ],
        crs=GK,
    )
    quarries = gpd.GeoDataFrame(
        [
            quarry("Q_UP400", X - 15, Y + 4600),  # 400 m upstream: inside the 500 m rule
            quarry("Q_MEANDER", X - 15, Y + 5300),  # 300 m away in a line, 1500 m along the channel
            quarry(
                "Q_DOWN1200", X + 300, Y + 5315
            ),  # 600 + 300 + 300 m back west: 1200 m downstream
        ],
        crs=GK,
    )
    store = GeoPackageStore(tmp_path / "bridge.gpkg")
    store.write(
        {
            "rivers": rivers.to_crs(4490),
            "structures": bridge.to_crs(4490),
            "quarries": quarries.to_crs(4490),
        },
        meta={"as_of": "2026-10-01"},
    )
    return store


def test_bridge_rules_are_measured_along_the_channel(bridge_store):
    report = check_quarries(bridge_store)
    got = {q.quarry_id: q.violations for q in report.quarries.itertuples()}
    assert [v["rule"] for v in got["Q_UP400"]] == ["bridge_upstream"]
    assert got["Q_UP400"][0]["distance_m"] == pytest.approx(400, abs=1)
    assert got["Q_DOWN1200"] == []  # medium bridge: 1000 m downstream limit
    assert got["Q_MEANDER"] == []  # 300 m in a straight line, but 1500 m along the river
    assert report.summary()["bridge_upstream"] == 1


def test_meander_distance_is_1500m(bridge_store):
    from gis.channel import Channel
    from gis.network import build_network

    ch = Channel(build_network(bridge_store.read("rivers")))
    gk = bridge_store.read("quarries").to_crs(ch.net.lines.crs).set_index("quarry_id")
    bridge = ch.locate(
        bridge_store.read("structures").to_crs(ch.net.lines.crs).geometry.iloc[0], tolerance=50
    )
    assert ch.offset(bridge, ch.locate(gk.geometry["Q_MEANDER"], tolerance=50)) == pytest.approx(
        1500, abs=1
    )
    assert ch.offset(bridge, ch.locate(gk.geometry["Q_DOWN1200"], tolerance=50)) == pytest.approx(
        1200, abs=1
    )
    assert ch.offset(bridge, ch.locate(gk.geometry["Q_UP400"], tolerance=50)) == pytest.approx(
        -400, abs=1
    )


def test_county_override_of_the_distance_table(bridge_store, tmp_path):
    from gis import rules

    table = rules.load("sand_mining_distances")
    table.loc[table.subtype == "road:medium", "upstream_m"] = 300
    path = tmp_path / "county_rules.csv"
    table.to_csv(path, index=False)
    assert check_quarries(bridge_store).summary().get("bridge_upstream", 0) > 0
    report = check_quarries(bridge_store, rule_overrides={"sand_mining_distances": path})
    assert report.summary().get("bridge_upstream", 0) == 0
    assert report.rule_set == f"override:{path}"
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text(encoding="utf-8").replace(",500,", ",5OO,", 1), encoding="utf-8")
    with pytest.raises(Exception, match="upstream_m"):
        check_quarries(bridge_store, rule_overrides={"sand_mining_distances": bad})
    # the old one-path parameter still works, and says what to call instead
    with pytest.warns(DeprecationWarning, match=r"rule_overrides=\{'sand_mining_distances'"):
        old = check_quarries(bridge_store, rule_override=path)
    assert old.to_json() == report.to_json()
    with pytest.raises(KeyError, match="sand_mining_distance'"):
        check_quarries(bridge_store, rule_overrides={"sand_mining_distance": path})


def test_demo_finds_every_planted_violation_and_no_other(demo_path):
    store = GeoPackageStore(demo_path)
    report = check_quarries(store)
    key = store.read("answer_key")
    key = key[key["kind"] == "quarry_violation"]
    expected = set(zip(key["ref_id"], key["detail"], strict=True))
    v = report.violations()
    found = set()
    for r in v.itertuples():
        # the key names the structure or zone for location rules, the rule alone otherwise
        detail = (
            f"{r.rule}:{r.ref}"
            if r.rule not in ("prohibited_mining_zone",) and isinstance(r.ref, str)
            else r.rule
        )
        found.add((r.quarry_id, detail))
    assert found == expected
    # distances along the channel equal the planted offsets (quarries sit 15 m off the centreline)
    planted = dict(zip(key["ref_id"], key["value"], strict=True))
    for r in v[v["distance_m"].notna() & (v["distance_m"] > 0)].itertuples():
        assert r.distance_m == pytest.approx(planted[r.quarry_id], abs=5)


def test_quarries_cli_json_and_outputs(demo_path, tmp_path, capsys):
    assert (
        main(["quarries", "--data", str(demo_path), "--json", "--out", str(tmp_path / "q.xlsx")])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"quarries", "summary"}
    assert len(out["quarries"]) == 23
    q1 = next(q for q in out["quarries"] if q["quarry_id"] == "512099Q001")
    assert q1["violations"][0]["rule"] == "bridge_downstream"
    assert set(q1["violations"][0]) == {"rule", "detail", "distance_m"}
    assert out["summary"]["quarries_with_violations"] == 14
    sheets = pd.read_excel(tmp_path / "q.xlsx", sheet_name=None)
    assert len(sheets["violations"]) == 14 and len(sheets["quarries"]) == 23
    for suffix in (".gpkg", ".csv"):
        assert (
            main(["quarries", "--data", str(demo_path), "--out", str(tmp_path / f"q{suffix}")]) == 0
        )
    assert len(gpd.read_file(tmp_path / "q.gpkg", layer="violations")) == 14
    assert len(pd.read_csv(tmp_path / "q.violations.csv")) == 14


def test_quarries_cli_missing_store(tmp_path, capsys):
    assert main(["quarries", "--data", str(tmp_path / "none.gpkg")]) == 2
    assert "no store" in capsys.readouterr().err
