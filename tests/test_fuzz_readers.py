"""Fuzz every reader with a fixed-seed mutation corpus (issue 12).

Small valid files of every supported kind (those the import tests build, plus two small
real files from ../shared/realdata when present) are truncated at random offsets, have
bytes flipped or inserted, or have their text re-encoded; 1,000 such inputs go through
:func:`gis.io.importer.import_file` (dry run) and the patrol track reader. Each must end
in a report or in a :class:`RiverChiefError` (a message for the user, never a traceback),
and the store must be byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point

from gis._errors import RiverChiefError
from gis.io.importer import ImportReport, import_file
from gis.patrols.read import read_tracks
from gis.store import GeoPackageStore

CASES = 1000
SEED = 20261202
TRACK_SUFFIXES = {".gpx", ".kml", ".geojson", ".csv", ".xlsx"}


def _sources(n: int = 4) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "source_code": [f"F{i:03d}" for i in range(n)],
            "name": [f"青龙镇{i}号水厂" for i in range(n)],
            "source_type": ["river"] * n,
            "population_served": [1000 + i for i in range(n)],
            "has_official_zone": [True] * n,
        },
        geometry=[Point(105.30 + i * 0.01, 30.3) for i in range(n)],
        crs=4490,
    )


def _seeds(root, realdata_dir) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, target layer) of small valid inputs."""
    root.mkdir()
    g = _sources()
    out = []
    table = pd.DataFrame(
        {
            "source_code": g["source_code"],
            "名称": g["name"],
            "source_type": ["河流型"] * 4,
            "population_served": g["population_served"],
            "has_official_zone": ["是"] * 4,
            "经度": ["105°18′36″", "105.31", "105.32", "105.33"],
            "纬度": [30.3] * 4,
            "时间": [f"2026-07-01 08:0{i}:00" for i in range(4)],
        }
    )
    out.append(("reg.csv", table.to_csv(index=False).encode(), "water_sources"))
    out.append(("reg_gbk.csv", table.to_csv(index=False).encode("gbk"), "water_sources"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["示范县水源地名录"])
    ws.merge_cells("A1:H1")
    ws.append(list(table.columns))
    for r in table.itertuples(index=False):
        ws.append(list(r))
    wb.save(root / "reg.xlsx")
    out.append(("reg.xlsx", (root / "reg.xlsx").read_bytes(), "water_sources"))
    g.to_file(root / "src.geojson")
    out.append(("src.geojson", (root / "src.geojson").read_bytes(), "water_sources"))
    g.to_file(root / "src.gpkg")
    out.append(("src.gpkg", (root / "src.gpkg").read_bytes(), "water_sources"))
    g.to_file(root / "src.kml", driver="KML")
    out.append(("src.kml", (root / "src.kml").read_bytes(), "water_sources"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(g, root / "src.shp", encoding="GBK")
    with zipfile.ZipFile(root / "src.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for ext in ("shp", "shx", "dbf", "prj"):
            zf.write(root / f"src.{ext}", f"src.{ext}")
    out.append(("src.zip", (root / "src.zip").read_bytes(), "water_sources"))
    for ext in ("shp", "dbf", "shx"):  # a shapefile mutated in one of its parts
        out.append((f"src.{ext}", (root / f"src.{ext}").read_bytes(), "water_sources"))
    track = gpd.GeoDataFrame(
        {"name": ["巡河"]},
        geometry=[LineString([(105.3, 30.3), (105.31, 30.31), (105.32, 30.3)])],
        crs=4326,
    )
    track.to_file(root / "trk.gpx", driver="GPX")
    out.append(("trk.gpx", (root / "trk.gpx").read_bytes(), "patrols"))
    if realdata_dir is not None:
        for rel, layer in (
            ("gpx/around-visnjan-with-car.gpx", "patrols"),
            ("nhdplus/diversions.geojson", "rivers"),
        ):
            if (realdata_dir / rel).exists():
                out.append(((realdata_dir / rel).name, (realdata_dir / rel).read_bytes(), layer))
    return out


def _mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["truncate", "flip", "flip", "insert", "encoding", "splice"])
    b = bytearray(data)
    if kind == "truncate":
        return kind, bytes(b[: rng.randrange(0, len(b))])
    if kind == "flip":
        for _ in range(rng.randint(1, 12)):
            i = rng.randrange(len(b))
            b[i] = rng.choice(
                [
                    b[i] ^ (1 << rng.randrange(8)),
                    0,
                    0xFF,
                    ord(","),
                    ord('"'),
                    ord("<"),
                    rng.randrange(256),
                ]
            )
        return kind, bytes(b)
    if kind == "insert":
        i = rng.randrange(len(b) + 1)
        junk = rng.choice(
            [
                b"\x00" * 7,
                b"\xff\xfe",
                b"\xef\xbb\xbf",
                b'"',
                b"<!ENTITY x 'y'>",
                b"NaN",
                b"1e308",
                bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))),
            ]
        )
        return kind, bytes(b[:i]) + junk + bytes(b[i:])
    if kind == "encoding":
        text = data.decode("utf-8", errors="replace")
        enc = rng.choice(["gbk", "big5", "utf-16", "utf-16-le", "utf-16-be", "latin-1"])
        return f"encoding:{enc}", text.encode(enc, errors="replace")
    i, j = sorted(rng.randrange(len(b) + 1) for _ in range(2))  # splice: a chunk repeated elsewhere
    k = rng.randrange(len(b) + 1)
    return kind, bytes(b[:k]) + bytes(b[i:j]) + bytes(b[k:])


REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"  # as in conftest.py


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    seeds = _seeds(root / "seeds", REALDATA if REALDATA.exists() else None)
    return root, seeds


def test_every_reader_on_1000_mutated_inputs(corpus):
    root, seeds = corpus
    rng = random.Random(SEED)
    store_path = root / "store.gpkg"
    GeoPackageStore(store_path).write({"water_sources": _sources(2)})
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    work = root / "case"
    outcomes: dict[str, int] = {"report": 0, "refused": 0}
    crashes = []
    for n in range(CASES):
        name, data, layer = seeds[n % len(seeds)]
        kind, mutated = _mutate(rng, data)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        if name.startswith("src.") and name[4:] in (
            "shp",
            "dbf",
            "shx",
        ):  # the other parts stay intact
            for ext in ("shp", "dbf", "shx", "prj"):
                shutil.copy(root / "seeds" / f"src.{ext}", work / f"src.{ext}")
            path = work / name
            path.write_bytes(mutated)
            path = work / "src.shp"
        else:
            path = work / name
            path.write_bytes(mutated)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                rep = import_file(
                    path, layer, data=store_path, dry_run=True, rejects=work / "rejects.csv"
                )
                assert isinstance(rep, ImportReport) and not rep.written
                outcomes["report"] += 1
            except RiverChiefError as exc:
                assert str(exc).strip() and "Traceback" not in str(exc)
                outcomes["refused"] += 1
            except Exception as exc:  # noqa: BLE001 - the point of the test is to catch anything else
                crashes.append(f"case {n} {name} {kind}: {type(exc).__name__}: {str(exc)[:200]}")
            if path.suffix.lower() in TRACK_SUFFIXES:
                try:
                    read_tracks(path)
                except RiverChiefError:
                    pass
                except Exception as exc:  # noqa: BLE001
                    crashes.append(
                        f"case {n} {name} {kind} (tracks): {type(exc).__name__}: {str(exc)[:200]}"
                    )
    assert not crashes, "\n".join(crashes[:30])
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before
    # the corpus exercises both outcomes, not only refusals of unreadable bytes
    assert outcomes["report"] > 100 and outcomes["refused"] > 100, outcomes
