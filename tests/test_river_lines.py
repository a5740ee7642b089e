"""Waterbody lines and unnamed connectors in a rivers file (issue 15 item 7): kept, flagged
with ``line_kind``, joined to the network, and not counted as rivers."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from gis.inventory import summarize
from gis.io.importer import import_file
from gis.network import build_network
from gis.store import GeoPackageStore

X, Y = 105.3, 30.3  # inside the demo county


def _line(*c):
    return LineString([(X + a / 1000, Y + b / 1000) for a, b in c])


@pytest.fixture()
def imported(tmp_path, demo_copy):
    # 甲河 flows into a lake (its centre-line, a waterbody line) and on through an unnamed
    # connector to 乙河
    lines = gpd.GeoDataFrame(
        {
            "river_code": ["512099RX01", "512099RX02", "512099RX03", "512099RX04"],
            "name": ["甲河", "白湖", None, "乙河"],
            "management_level": ["village", None, None, "village"],
            "in_register": [True, None, None, True],
            "line_kind": [None, "waterbody", None, None],
        },
        geometry=[
            _line((0, 0), (10, 0)),
            _line((10, 0), (20, 0)),
            _line((20, 0), (25, 0)),
            _line((25, 0), (40, 0)),
        ],
        crs=4490,
    )
    path = tmp_path / "lines.geojson"
    lines.to_file(path)
    before = dict(summarize(GeoPackageStore(demo_copy)))
    report = import_file(path, "rivers", data=demo_copy, mode="append")
    return report, GeoPackageStore(demo_copy), before


def test_unnamed_line_and_lake_line_are_kept_not_refused(imported):
    report, store, _ = imported
    assert report.rejected == []  # before: the unnamed line and the lake's were refused
    kept = [p for p in report.repaired if p.field == "line_kind"]
    assert [p.row for p in kept] == [3] and "unnamed connector" in kept[0].reason
    rivers = store.read("rivers").set_index("river_code")
    assert rivers.loc["512099RX02", "line_kind"] == "waterbody"
    assert rivers.loc["512099RX03", "line_kind"] == "connector"
    assert rivers["line_kind"].isna()[["512099RX01", "512099RX04"]].all()  # rivers


def test_they_join_the_network_but_are_not_counted_as_rivers(imported):
    _, store, before = imported
    after = summarize(store)
    assert after["rivers"] == before["rivers"] + 2  # 甲河 and 乙河, not the lake or connector
    # their length only: 1.0 + 1.5 km at 30.3°N (0.001° of longitude = 96.2 m)
    assert after["river_length_km"] == pytest.approx(before["river_length_km"] + 2.4, abs=0.11)
    rivers = store.read("rivers")
    new = rivers[rivers["river_code"].str.startswith("512099RX")].reset_index(drop=True)
    net = build_network(new)
    assert net.trace_downstream(0) == [0, 1, 2, 3]  # through the lake and the connector
    assert net.outlets().tolist() == [3] and net.strahler().tolist() == [1, 1, 1, 1]


def test_no_chief_is_asked_for_a_lake_line_or_a_connector(imported):
    from gis.coverage import find_gaps

    _, store, _ = imported
    unassigned = set(find_gaps(store, level="village").unassigned["river_code"])
    new = {c for c in unassigned if c.startswith("512099RX")}
    assert new == {"512099RX01", "512099RX04"}  # the two rivers; nobody manages them yet
