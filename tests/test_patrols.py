"""Patrols: reading real and hostile files, cleaning, matching, coverage, flags, reports."""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import LineString

from gis import coords, datasets
from gis._errors import InputError
from gis.cli import main
from gis.patrols import (
    CleanOptions,
    analyse,
    assess,
    build_index,
    clean,
    compliance,
    import_tracks,
    match_points,
    read_tracks,
)
from gis.patrols.network import network_of
from gis.patrols.read import RAW_COLUMNS
from gis.store import GeoPackageStore

GK = 4544  # CGCS2000 GK zone with CM 105°E
TO_LL = pyproj.Transformer.from_crs(GK, 4490, always_xy=True)


def _raw(
    xy, *, chief="C1", start="2026-07-06T09:00:00+08:00", step_s=6.0, times=None, ref=None
) -> pd.DataFrame:
    lon, lat = TO_LL.transform(xy[:, 0], xy[:, 1])
    t0 = pd.Timestamp(start)
    times = (
        times
        if times is not None
        else [(t0 + pd.Timedelta(seconds=step_s * i)).isoformat() for i in range(len(xy))]
    )
    return pd.DataFrame(
        {
            "file": "fixture.csv",
            "track": 1,
            "segment": 1,
            "track_name": None,
            "chief": chief,
            "patrol_ref": ref,
            "point": np.arange(2, len(xy) + 2),
            "time_text": times,
            "lon": lon,
            "lat": lat,
        }
    )[RAW_COLUMNS]


def _network(lines: list[LineString], *, chief_level="village"):
    """One river per line, all in village V1 of township T1, assigned to chief C1 whole."""
    n = len(lines)
    reaches = gpd.GeoDataFrame(
        {
            "reach_id": [f"R{i}-V1" for i in range(n)],
            "river_code": [f"R{i}" for i in range(n)],
            "level": "village",
            "admin_code": "V1",
            "shared_admin_code": None,
            "county_code": "K",
            "township_code": "T1",
            "from_m": 0.0,
            "to_m": [ln.length for ln in lines],
        },
        geometry=lines,
        crs=GK,
    )
    admin = pd.DataFrame(
        {
            "admin_code": ["K", "T1", "V1"],
            "parent_code": [None, "K", "T1"],
            "level": ["county", "township", "village"],
            "name": ["县", "镇", "村"],
        }
    )
    chiefs = pd.DataFrame(
        {"chief_id": ["C1"], "name": ["张三"], "level": [chief_level], "admin_code": ["V1"]}
    )
    assignments = pd.DataFrame(
        {
            "assignment_id": ["A1"],
            "chief_id": ["C1"],
            "level": [chief_level],
            "target_type": ["river"],
            "river_code": ["R0"],
            "reservoir_code": [None],
            "admin_code": ["V1"],
            "shared_admin_code": [None],
            "from_m": [np.nan],
            "to_m": [np.nan],
        }
    )
    reservoirs = gpd.GeoDataFrame({"reservoir_code": []}, geometry=[], crs=GK)
    return network_of(reaches, assignments, chiefs, admin=admin, reservoirs=reservoirs)


# --- the hand fixture: 60% of a 2 km reach --------------------------------------------------


def test_track_covering_sixty_percent_of_a_two_km_reach():
    net = _network([LineString([(500000, 3400000), (502000, 3400000)])])
    x = np.arange(500000, 501200.1, 8.0)
    raw = _raw(np.column_stack([x, np.full(len(x), 3400010.0)]))
    a = assess(clean(raw), net)
    p = a.patrols.iloc[0]
    assert p["covered_share"] == pytest.approx(0.60, abs=0.01)
    assert p["covered_assigned_m"] == pytest.approx(1200, abs=1)
    assert p["distance_m"] == pytest.approx(1200, abs=0.01)
    assert p["duration_s"] == pytest.approx(6 * (len(x) - 1))
    assert p["mean_speed_ms"] == pytest.approx(8 / 6)
    assert p["flags"] == [] and p["valid"]


def test_flags_on_hand_made_tracks():
    net = _network([LineString([(500000, 3400000), (505000, 3400000)])])
    x = np.arange(500000, 504000, 9.0)
    car = _raw(np.column_stack([x, np.full(len(x), 3400005.0)]), step_s=1.0)  # 9 m/s
    rng = np.random.default_rng(3)
    still = _raw(
        np.column_stack([500500 + rng.normal(0, 5, 300), 3400000 + rng.normal(0, 5, 300)]),
        start="2026-07-07T09:00:00+08:00",
    )
    off = _raw(
        np.column_stack([x[:300], np.full(300, 3401000.0)]), start="2026-07-08T09:00:00+08:00"
    )
    walk = np.column_stack([x[:200], np.full(200, 3400003.0)])
    short = _raw(walk[:30], start="2026-07-09T09:00:00+08:00")  # 261 m in 3 min
    tele = np.vstack([walk[:150], walk[:150] + [0, 3000]])
    tele = _raw(np.vstack([walk, tele[150:]]), start="2026-07-10T09:00:00+08:00")
    first = _raw(walk, start="2026-07-11T09:00:00+08:00")
    again = _raw(walk, start="2026-07-18T09:00:00+08:00")
    raw = pd.concat(
        [d.assign(track=i) for i, d in enumerate([car, still, off, short, tele, first, again])],
        ignore_index=True,
    )
    flags = assess(clean(raw), net).patrols.set_index("track")["flags"]
    assert "vehicle_speed" in flags[0]
    assert "stationary" in flags[1]
    assert "off_river" in flags[2]
    assert flags[3] == ["too_short"]
    assert "teleport" in flags[4]
    assert flags[5] == []
    assert flags[6] == ["duplicate"]


# --- cleaning ---------------------------------------------------------------------------


def test_cleaning_gives_a_reason_per_point_and_counts_add_up():
    x = np.arange(500000, 500800, 8.0)
    xy = np.column_stack([x, np.full(len(x), 3400000.0)])
    raw = _raw(xy)
    raw = pd.concat(
        [raw.iloc[:10], raw.iloc[[9]], raw.iloc[10:]], ignore_index=True
    )  # duplicate of point 9
    raw["lon"] = raw["lon"].astype(object)  # as text columns arrive from a CSV
    raw.loc[30, "time_text"] = "2026-07-06T08:00:00+08:00"  # an hour before the start
    lon, lat = TO_LL.transform(500400.0, 3400700.0)
    raw.loc[50, ["lon", "lat"]] = [lon, lat]  # a single fix 700 m off: a jump
    raw.loc[60, "time_text"] = "1901-12-13T20:45:52Z"  # broken clock: kept, no time
    raw.loc[70, "time_text"] = None  # missing time: kept
    raw.loc[80, ["lon", "lat"]] = [raw.loc[80, "lat"], raw.loc[80, "lon"]]  # swapped
    raw.loc[85, "lon"] = "abc"
    c = clean(raw)
    reasons = c.points.set_index(c.points["point"].astype(int))["reason"]
    assert c.points["reason"].value_counts().to_dict() == {
        "duplicate": 1,
        "time_out_of_order": 1,
        "gps_jump": 1,
        "implausible_time": 1,
        "missing_time": 1,
        "lon_lat_swapped": 1,
        "bad_coordinate": 1,
    }
    assert reasons.loc[51] == "gps_jump"  # row 50 after the inserted duplicate
    counts = c.counts().iloc[0]
    assert counts["read"] == len(raw) and counts["kept"] + counts["dropped"] == counts["read"]
    assert counts["dropped"] == 5  # time problems keep the point
    issues = c.issues()
    assert set(issues.columns) >= {"file", "point", "reason", "fix"} and issues["fix"].notna().all()


def test_track_times_are_read_year_first_never_guessed():
    """'01/07/2026 09:00' is 1 July in Beijing and 7 January to pandas' mixed parser: kept
    for coverage with its own reason, never placed on a guessed day."""
    x = np.arange(500000, 500400, 8.0)
    raw = _raw(np.column_stack([x, np.full(len(x), 3400000.0)]))
    raw.loc[10, "time_text"] = "06/07/2026 09:01:00"  # day or month first: which?
    raw.loc[20, "time_text"] = "2026/07/06 09:02:00"  # year first: read
    c = clean(raw)
    p = c.points.set_index(c.points["point"].astype(int))
    assert p.loc[12, "reason"] == "unreadable_time" and pd.isna(p.loc[12, "time"])
    assert bool(p.loc[12, "kept"])  # a time problem keeps the point
    assert p.loc[22, "time"] == pd.Timestamp("2026-07-06T09:02:00+08:00")
    assert pd.isna(p.loc[22, "reason"])
    assert "year first" in c.issues().set_index("point").loc[12, "fix"]


def test_long_pause_splits_segments_and_a_very_long_one_starts_a_new_patrol():
    x = np.arange(500000, 500400, 8.0)
    xy = np.column_stack([x, np.full(len(x), 3400000.0)])
    t0 = pd.Timestamp("2026-07-06T09:00:00+08:00")
    times = [t0 + pd.Timedelta(seconds=6 * i) for i in range(len(x))]
    times = [t if i < 20 else t + pd.Timedelta(minutes=15) for i, t in enumerate(times)]
    times = [t if i < 40 else t + pd.Timedelta(hours=5) for i, t in enumerate(times)]
    c = clean(_raw(xy, times=[t.isoformat() for t in times]))
    assert len(c.patrols) == 2
    first = c.points[c.points["patrol_id"] == c.patrols["patrol_id"].iloc[0]]
    assert sorted(first["seg"].unique()) == [1, 2]


# --- real GPX ----------------------------------------------------------------------------


def _segments_with_points(text: str) -> int:
    return sum(
        1 for seg in re.findall(r"<trkseg>(.*?)</trkseg>", text, flags=re.S) if "<trkpt" in seg
    )


@pytest.mark.parametrize("name", ["cerknicko-jezero.gpx", "korita-zbevnica.gpx"])
def test_multi_track_gpx_imports_every_segment(realdata, name):
    path = realdata / "gpx" / name
    text = path.read_text(encoding="utf-8")
    raw, notes = read_tracks(path)
    assert len(raw) == text.count("<trkpt")
    assert raw.groupby(["track", "segment"]).ngroups == _segments_with_points(text)
    assert any("waypoints" in n for n in notes)
    c = clean(raw, options=CleanOptions(chief="X"))
    assert c.counts()["read"].sum() == text.count("<trkpt")


def test_car_track_is_flagged_vehicle_speed(realdata):
    raw, _ = read_tracks(realdata / "gpx" / "around-visnjan-with-car.gpx")
    p = assess(clean(raw, options=CleanOptions(chief="X")), None).patrols.iloc[0]
    assert "vehicle_speed" in p["flags"] and p["mean_speed_ms"] > 3.5


def test_mojstrovka_broken_timestamps_are_reported_and_not_used(realdata):
    raw, _ = read_tracks(realdata / "gpx" / "Mojstrovka.gpx")
    c = clean(raw, options=CleanOptions(chief="X"))
    assert (c.points["reason"] == "implausible_time").sum() == len(raw) == 184
    assert c.points["kept"].all()  # positions are fine; only the clock is wrong
    p = assess(c, None).patrols.iloc[0]
    assert "times_invalid" in p["flags"] and not p["valid"]
    assert np.isnan(p["duration_s"]) and np.isnan(p["mean_speed_ms"])


# --- hostile and empty files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "suffix", "match"),
    [
        (b"", ".gpx", "empty"),
        (
            b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>',
            ".gpx",
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><gpx><trk><trkseg><trkpt lat="30" lon="105"><time>2026',
            ".gpx",
            "truncated",
        ),
        (b'<?xml version="1.0"?><gpx><wpt lat="30" lon="105"/></gpx>', ".gpx", "no track"),
        (b'{"type": "FeatureCollection", "features": [', ".geojson", "truncated"),
        ("河长编号,时间,经度\nC1,2026-07-01 09:00,105\n".encode(), ".csv", "no lat column"),
    ],
)
def test_bad_files_give_a_clear_error_naming_the_file(tmp_path, content, suffix, match):
    f = tmp_path / f"track{suffix}"
    f.write_bytes(content)
    with pytest.raises(InputError, match=match) as exc:
        read_tracks(f)
    assert str(f) in str(exc.value) and exc.value.fix


def test_kml_and_geojson_tracks(tmp_path):
    kml = tmp_path / "t.kml"
    kml.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
        "<Placemark><name>巡河</name><gx:Track><when>2026-07-01T09:00:00+08:00</when><when>2026-07-01T09:00:06+08:00</when>"
        "<gx:coord>105.0 30.0 0</gx:coord><gx:coord>105.0001 30.0 "
        "0</gx:coord></gx:Track></Placemark></kml>",
        encoding="utf-8",
    )
    raw, _ = read_tracks(kml)
    assert len(raw) == 2 and raw["time_text"].notna().all()
    gj = tmp_path / "t.geojson"
    gj.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "河长编号": "C1",
                            "coordTimes": [
                                "2026-07-01T01:00:00Z",
                                "2026-07-01T01:00:06Z",
                                "2026-07-01T01:00:12Z",
                            ],
                        },
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[105, 30], [105.0001, 30], [105.0002, 30]],
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    raw, _ = read_tracks(gj)
    assert len(raw) == 3 and (raw["chief"] == "C1").all()
    c = clean(raw)
    assert c.patrols.iloc[0]["start"] == pd.Timestamp("2026-07-01T01:00:00Z")


# --- matching equals the shapely reference --------------------------------------------


def _reference(points, lines, tol):
    """STRtree dwithin, exact distance, per-point minimum; ties to the lower reach row."""
    tree = shapely.STRtree(lines)
    pi, ri = tree.query(points, predicate="dwithin", distance=tol)
    d = shapely.distance(points[pi], lines[ri])
    o = np.lexsort((ri, d, pi))
    pi, ri = pi[o], ri[o]
    first = np.r_[True, pi[1:] != pi[:-1]]
    out = np.full(len(points), -1)
    out[pi[first]] = ri[first]
    return out


def test_matcher_equals_shapely_reference_including_ties():
    lines = [
        LineString([(0, 0), (100, 0)]),
        LineString([(100, 0), (200, 50)]),
        LineString([(0, 30), (100, 30)]),
        LineString([(50, -100), (50, 100), (60, 100)]),
    ]
    gdf = gpd.GeoDataFrame(geometry=lines, crs=GK)
    idx = build_index(gdf, tolerance=50)
    rng = np.random.default_rng(7)
    xy = rng.uniform([-80, -150], [280, 150], (20000, 2))
    xy = np.vstack(
        [xy, [[100, -20], [0, 15], [150, 400]]]
    )  # a confluence tie, a parallel tie, far away
    reach, dist, along = match_points(xy[:, 0], xy[:, 1], idx)
    ref = _reference(shapely.points(xy), np.array(lines), 50)
    assert (reach == ref).all()
    assert reach[-3] == 0 and reach[-2] == 0 and reach[-1] == -1
    hit = reach >= 0
    exact = shapely.distance(shapely.points(xy[hit]), np.array(lines)[reach[hit]])
    assert np.array_equal(dist[hit], exact)  # GEOS's formula, bit for bit
    assert along[-3] == pytest.approx(100)


# --- import into the store ------------------------------------------------------------


def _demo_track(store, *, system):
    """A walk along one village chief's assigned river, written as a phone app would."""
    a = store.read("assignments")
    a = a[(a["level"] == "village") & (a["target_type"] == "river") & a["from_m"].isna()].iloc[0]
    rivers = store.read("rivers").to_crs(GK)
    line = rivers.set_index("river_code").geometry[a["river_code"]]
    admin = store.read("admin_units").to_crs(GK).set_index("admin_code").geometry[a["admin_code"]]
    piece = line.intersection(admin)
    piece = max(getattr(piece, "geoms", [piece]), key=lambda g: g.length)
    s = np.linspace(0, 1500, 200)  # 1.5 km in 23 min: there and back if the stretch is shorter
    s = piece.length - np.abs(s % (2 * piece.length) - piece.length)
    pts = shapely.get_coordinates(shapely.line_interpolate_point(piece, s))
    lon, lat = TO_LL.transform(pts[:, 0], pts[:, 1])
    lon, lat = coords.convert(lon, lat, src="wgs84", dst=system)
    t0 = pd.Timestamp("2026-10-08 09:00:00")
    return a["chief_id"], pd.DataFrame(
        {
            "河长编号": a["chief_id"],
            "定位时间": [
                (t0 + pd.Timedelta(seconds=7 * i)).strftime("%Y-%m-%d %H:%M:%S")
                for i in range(len(lon))
            ],
            "经度": np.round(lon, 7),
            "纬度": np.round(lat, 7),
        }
    )


def test_import_gcj_csv_with_chinese_headers_then_refuse_it_twice(demo_copy, tmp_path):
    store = GeoPackageStore(demo_copy)
    chief, df = _demo_track(store, system="gcj02")
    f = tmp_path / "巡河轨迹.csv"
    df.to_csv(f, index=False, encoding="utf-8-sig")
    res = import_tracks([f], store, options=CleanOptions(coords="gcj02"))
    assert res.written == 1 and res.exit_code == 0
    pat = store.read("patrols")
    assert pat["chief_id"].tolist() == [chief] and pat["start_time"].iloc[0].startswith(
        "2026-10-08T01:00:00"
    )
    pts = store.read("patrol_points")
    assert len(pts) == 200 and pts["kept"].all() and (pts["coords"] == "gcj02").all()
    before = demo_copy.read_bytes()
    again = import_tracks([f], store, options=CleanOptions(coords="gcj02"))
    assert again.written == 0 and "already in the store" in again.refused_patrols[0]["reason"]
    assert demo_copy.read_bytes() == before
    report, _ = analyse(store, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    row = report.chiefs.set_index("chief_id").loc[chief]
    assert row["valid"] == 1 and row["required"] == 4


def test_uncorrected_gcj_track_is_warned_about(demo_copy, tmp_path):
    from gis.patrols import network_from_store

    store = GeoPackageStore(demo_copy)
    _, df = _demo_track(store, system="gcj02")
    f = tmp_path / "track.csv"
    df.to_csv(f, index=False)
    res = import_tracks(
        [f], store, options=CleanOptions(coords="wgs84"), net=network_from_store(store), write=False
    )
    assert len(res.warnings) == 1 and "--coords gcj02" in res.warnings[0]["fix"]


def test_cli_patrols_import_json_and_unknown_chief(demo_copy, tmp_path, capsys):
    store = GeoPackageStore(demo_copy)
    _, df = _demo_track(store, system="bd09")
    df["河长编号"] = "NOBODY"
    f = tmp_path / "t.csv"
    df.to_csv(f, index=False)
    code = main(
        [
            "patrols",
            "import",
            str(f),
            "--data",
            str(demo_copy),
            "--coords",
            "bd09",
            "--json",
            "--no-offset-check",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["patrols_written"] == 0
    assert any("NOBODY" in r["reason"] for r in out["refused_patrols"])
    assert "patrols" not in GeoPackageStore(demo_copy).layers()


# --- the demo quarter: every planted fake, and few false alarms -----------------------


@pytest.mark.slow
def test_demo_every_planted_fake_is_flagged_and_few_genuine(demo_quarter):
    report, a, key = demo_quarter
    flags = a.patrols.set_index("patrol_id")["flags"]
    # 40 fakes spread over ordinary chiefs, and three of every four of the planted fake
    # patroller's (the store's answer key names the chief)
    answer = GeoPackageStore(datasets.get_path("demo")).read("answer_key")
    [faker] = answer.loc[answer["kind"] == "assess_fake_patroller", "ref_id"]
    own = a.patrols[a.patrols["chief_id"] == faker]
    assert (key["chief_id"] != faker).sum() == 40
    assert set(key.loc[key["chief_id"] == faker, "patrol_ref"]) < set(own["patrol_id"])
    assert (key["chief_id"] == faker).sum() == len(own) - len(own) // 4
    for ref, kind in zip(key["patrol_ref"], key["kind"], strict=True):
        assert kind in flags[ref], (ref, kind, flags[ref])
    genuine = flags[~flags.index.isin(key["patrol_ref"])]
    assert genuine.map(len).gt(0).mean() <= 0.01
    dup = a.patrols.set_index("patrol_id").loc[
        key.loc[key["kind"] == "duplicate", "patrol_ref"], "duplicate_of"
    ]
    assert dup.tolist() == key.loc[key["kind"] == "duplicate", "copy_of"].tolist()


@pytest.mark.slow
def test_demo_report_json_keys_and_consistency(demo_quarter):
    report, a, key = demo_quarter
    j = report.to_json()
    assert {"chiefs", "reaches_never_patrolled", "suspicious", "by_township"} <= set(j)
    assert set(j["chiefs"][0]) == {"chief_id", "name", "level", "required", "valid", "compliant"}
    req = {c["level"]: c["required"] for c in j["chiefs"]}
    assert req == {
        "county": 1,
        "township": 3,
        "village": 13,
    }  # 92 days: 1 quarter, 3 months, 13 weeks
    valid = a.patrols[a.patrols["valid"]].groupby("chief_id").size()
    for c in j["chiefs"][:200]:
        assert c["valid"] == valid.get(c["chief_id"], 0)
        assert c["compliant"] == (c["valid"] >= c["required"])
    assert {s["patrol_id"] for s in j["suspicious"]} >= set(key["patrol_ref"])
    # a reach counts as patrolled when a valid patrol covered 100 m of it (or half a shorter one)
    v = a.visits[a.visits["patrol_id"].isin(a.patrols.loc[a.patrols["valid"], "patrol_id"])]
    v = v.groupby(["patrol_id", "reach_id"])["covered_m"].sum().reset_index()
    length = report.reaches.set_index("reach_id")["length_m"]
    v = v[v["covered_m"] >= np.minimum(100, 0.5 * length.loc[v["reach_id"]].to_numpy())]
    expected = set(length.index) - set(v["reach_id"])
    assert set(j["reaches_never_patrolled"]) == expected and 0 < len(expected) < len(length)
    counts = v.groupby("reach_id").size()
    assert (
        report.reaches.set_index("reach_id")["patrols"] == counts.reindex(length.index).fillna(0)
    ).all()
    tw = report.by_township
    assert (
        tw["chiefs"].sum() == (report.chiefs["level"] != "county").sum()
    )  # county chiefs sit above townships
    assert (tw["compliance_rate"] == (100 * tw["compliant"] / tw["chiefs"]).round(1)).all()


# --- lines and the patrols map ------------------------------------------------------------


def test_track_pieces_keep_the_walk_and_its_times():
    from gis.patrols.lines import track_pieces

    net = _network([LineString([(500000, 3400000), (502000, 3400000)])])
    x = np.arange(500000, 501200.1, 8.0)  # 151 points, 6 s apart, from 09:00 Beijing
    raw = pd.concat(
        [
            _raw(np.column_stack([x, np.full(len(x), 3400010.0)])).assign(track=1),
            _raw(
                np.column_stack([x, np.full(len(x), 3400020.0)]), start="2026-07-07T09:00:00+08:00"
            ).assign(track=2),
        ],
        ignore_index=True,
    )
    a = assess(clean(raw), net)
    first = a.patrols["patrol_id"].iloc[0]
    pieces = track_pieces(a, [first], net.crs, pieces=10)
    assert (
        set(pieces["patrol_id"]) == {first} and len(pieces) == 10
    )  # 151 points: 10 pieces of 16 steps (last shorter)
    # the pieces, joined, are the walk: 1,200 m along y = 3,400,010
    walked = gpd.GeoSeries(pieces.geometry, crs=4326).to_crs(GK)
    assert walked.length.sum() == pytest.approx(1200, abs=0.05)
    assert walked.get_coordinates()["y"].to_numpy() == pytest.approx(3400010, abs=1e-3)
    t0 = pd.Timestamp("2026-07-06T09:00:00+08:00").value // 10**6
    assert pieces["start"].min() == t0 and (pieces["end"] == t0 + 150 * 6000).all()
    assert pieces["start"].is_monotonic_increasing and pieces["start"].iloc[1] == t0 + 16 * 6000
    assert track_pieces(a, ["nope"], net.crs).empty


def test_recency_buckets_count_days_back_from_the_period_end():
    from gis.patrols.lines import recency

    r = pd.DataFrame(
        {
            "last_patrol": [
                "2026-09-30",
                "2026-09-23",
                "2026-09-22",
                "2026-08-31",
                "2026-08-30",
                None,
            ]
        }
    )
    assert recency(r, dt.date(2026, 9, 30)).tolist() == [
        "recent",
        "recent",
        "month",
        "month",
        "older",
        "never",
    ]


def test_patrol_map_draws_reaches_by_recency_and_a_timeline_offline(demo_path):
    from gis import maps
    from gis.maps import patrol_map, reach_layer
    from gis.patrols.lines import recency, track_pieces

    net = _network(
        [
            LineString([(500000, 3400000), (502000, 3400000)]),
            LineString([(500000, 3402000), (502000, 3402000)]),
        ]
    )
    x = np.arange(500000, 501200.1, 8.0)
    a = assess(clean(_raw(np.column_stack([x, np.full(len(x), 3400010.0)]))), net)
    report = compliance(a, net, start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31))
    assert report.reaches["patrols"].tolist() == [1, 0]
    reaches = reach_layer(
        net.reaches, report.reaches, recency(report.reaches, dt.date(2026, 7, 31))
    )
    assert reaches["recency"].tolist() == ["month", "never"]  # 25 days before the end; never
    maps.use_offline_assets()
    layers = maps.overview_layers(GeoPackageStore(demo_path))
    html = (
        patrol_map(layers, reaches, track_pieces(a, a.patrols["patrol_id"], net.crs))
        .get_root()
        .render()
    )
    assert "L.timeline(" in html and "L.timelineSliderControl(" in html
    assert (
        "/app/static/vendor/leaflet.timeline/leaflet.timeline.js" in html
        and "/app/static/vendor/moment/moment.min.js" in html
    )
    assert not re.search(
        r"https?://(?!localhost)",
        html.split("<script>")[0]
        .split("<body>")[0]
        .split("</head>")[0]
        .replace("http://www.w3.org", ""),
    )  # no CDN in the head
    assert (
        "R1-V1" in html and json.dumps("最近巡河")[1:-1] in html
    )  # the never-patrolled reach; the zh legend


# --- a user's own GeoParquet of tracks (no answer key beside it) ---------------------


def _user_geoparquet(store, path, *, crs=4490):
    """The walk of :func:`_demo_track` as a user's GeoParquet: point geometry (no lon/lat
    columns), Chinese headers, zoned times. Returns (chief, river, village)."""
    chief, df = _demo_track(store, system="wgs84")
    a = store.read("assignments").set_index("chief_id").loc[chief]
    a = a.iloc[0] if isinstance(a, pd.DataFrame) else a
    times = pd.to_datetime(df["定位时间"]).dt.tz_localize("Asia/Shanghai")
    gdf = gpd.GeoDataFrame(
        {"河长编号": df["河长编号"], "时间": times},
        geometry=gpd.points_from_xy(df["经度"], df["纬度"]),
        crs=4490,
    )
    gdf.to_crs(crs).to_parquet(path)
    return chief, a["river_code"], a["admin_code"]


def test_analyse_a_users_geoparquet_of_tracks(demo_copy, tmp_path):
    store = GeoPackageStore(demo_copy)
    path = tmp_path / "我的轨迹.parquet"
    chief, river, village = _user_geoparquet(store, path)
    assert not list(tmp_path.glob("*answer_key*"))
    report, a = analyse(store, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), tracks=path)
    assert len(a.patrols) == 1
    p = a.patrols.iloc[0]
    assert p["chief_id"] == chief
    assert p["distance_m"] == pytest.approx(1500, rel=0.02)  # 1.5 km walked along the river
    assert p["duration_s"] == pytest.approx(7 * 199)  # 200 fixes, 7 s apart
    assert p["valid"] and p["flags"] == []
    from gis.patrols import network_from_store

    reaches = network_from_store(store).reaches
    on_river = set(reaches.loc[reaches["river_code"] == river, "reach_id"])
    own = set(
        reaches.loc[
            (reaches["river_code"] == river) & (reaches["admin_code"] == village), "reach_id"
        ]
    )
    covered = a.visits.groupby("reach_id")["covered_m"].sum()
    assert set(covered.index) <= on_river  # the walk never leaves the chief's river
    assert covered.idxmax() in own  # and it is walked in the chief's own village
    row = report.chiefs.set_index("chief_id").loc[chief]
    assert row["valid"] == 1 and row["required"] == 4  # weekly village patrols in October
    assert not report.reaches.set_index("reach_id").loc[covered.idxmax(), "never_patrolled"]


def test_cli_patrols_report_reads_a_users_geoparquet(demo_copy, tmp_path, capsys):
    store = GeoPackageStore(demo_copy)
    path = tmp_path / "tracks.parquet"
    chief, _, _ = _user_geoparquet(store, path)
    code = main(
        [
            "patrols",
            "report",
            "--tracks",
            str(path),
            "--data",
            str(demo_copy),
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    mine = [c for c in out["chiefs"] if c["chief_id"] == chief]
    assert mine == [{**mine[0], "valid": 1, "required": 4}]
    assert sum(c["valid"] for c in out["chiefs"]) == 1 and out["suspicious"] == []


def test_geoparquet_tracks_refused_with_file_field_and_fix(demo_copy, tmp_path):
    store = GeoPackageStore(demo_copy)
    projected = tmp_path / "gk.parquet"
    _user_geoparquet(store, projected, crs=GK)
    with pytest.raises(InputError) as e:
        read_tracks(projected)
    assert (
        e.value.field == "geometry"
        and "not longitude/latitude" in e.value.reason
        and "to_crs" in e.value.fix
    )
    lines = tmp_path / "lines.parquet"
    gpd.GeoDataFrame(
        {"chief_id": ["C1"]}, geometry=[LineString([(105, 30), (105.01, 30)])], crs=4490
    ).to_parquet(lines)
    with pytest.raises(InputError) as e:
        read_tracks(lines)
    assert (
        e.value.row == 1
        and "LineString" in e.value.reason
        and "one row per recorded point" in e.value.fix
    )
    nopos = tmp_path / "nopos.parquet"
    pd.DataFrame({"chief_id": ["C1"], "time": ["2026-10-08 09:00:00"]}).to_parquet(nopos)
    with pytest.raises(InputError) as e:
        read_tracks(nopos)
    assert "no position" in e.value.reason and "经度" in e.value.fix and str(nopos) == e.value.file
    system = tmp_path / "system.parquet"
    pd.DataFrame(
        {
            "chief_id": ["C1", "C1"],
            "lon": [105.0, 105.001],
            "lat": [30.0, 30.0],
            "coords": ["wgs84", "baidu"],
        }
    ).to_parquet(system)
    with pytest.raises(InputError) as e:
        read_tracks(system)
    assert e.value.field == "coords" and e.value.row == 2 and "bd09" in e.value.fix
    nochief = tmp_path / "nochief.parquet"
    pd.DataFrame({"lon": [105.0, 105.001], "lat": [30.0, 30.0]}).to_parquet(nochief)
    raw, notes = read_tracks(nochief)  # importable with --chief
    assert len(raw) == 2 and any("no chief column" in n for n in notes)
    with pytest.raises(InputError) as e:
        analyse(store, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), tracks=nochief)
    assert e.value.field == "chief" and "河长编号" in e.value.fix


def test_only_faces_fall_back_to_the_demo_quarter(demo_copy):
    from gis.demo.patrols import quarter_for
    from gis.patrols.io import tracks_for

    store = GeoPackageStore(
        demo_copy
    )  # the demo's data, but not the demo store: no simulated quarter
    assert quarter_for(store) is None
    with pytest.raises(InputError, match="no patrols"):
        tracks_for(store)
