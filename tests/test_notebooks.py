"""The notebooks run top to bottom and show the computed results."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NB = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(autouse=True)
def _inline_plots(monkeypatch):
    # importing streamlit (the AppTests do) sets MPLBACKEND=Agg for the whole process; a
    # kernel started with it shows no figures, so the notebooks would draw nothing
    monkeypatch.delenv("MPLBACKEND", raising=False)


def _run(name: str, workdir: Path) -> tuple[str, bool]:
    """Execute a notebook; return its text output and whether it drew an image."""
    nb = nbformat.read(NB / name, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    return text, any("image/png" in o.get("data", {}) for o in outputs)


def test_county_inventory_notebook(tmp_path):
    text, image = _run("01-county-inventory.ipynb", tmp_path)
    assert "inventory matches the seed report" in text
    assert "1784" in text and "河流总长(km)" in text
    assert image and (tmp_path / "county-map.png").stat().st_size > 10_000


def test_coverage_gaps_notebook(tmp_path):
    text, image = _run("02-coverage-gaps.ipynb", tmp_path)
    assert "unassigned: 6; holes: 1; unagreed boundary reaches: 3" in text
    assert image


def test_protection_zones_notebook(tmp_path):
    text, image = _run("03-protection-zones.ipynb", tmp_path)
    assert (
        "sources without an official zone: 19; proposed polygons: 38 for 19 sources; problems: 0"
        in text
    )
    assert "14 of 23 quarries break a rule" in text
    assert "matches the planted answer key: True" in text
    assert image and (tmp_path / "protection-zones.png").stat().st_size > 10_000


def test_patrols_notebook(tmp_path):
    text, image = _run("04-patrols.ipynb", tmp_path)
    assert "every planted fake flagged with its kind: True" in text
    # 40 spread over ordinary chiefs, and the planted fake patroller's (the store's key)
    from gis import datasets
    from gis.store import GeoPackageStore

    key = GeoPackageStore(datasets.get_path("demo")).read("answer_key").set_index("kind")
    faker = int(key.loc["assess_fake_patroller", "value"])
    assert f"planted fakes: {40 + faker}" in text
    assert image and (tmp_path / "patrols.png").stat().st_size > 10_000


def test_assessment_notebook(tmp_path):
    text, image = _run("05-assessment.ipynb", tmp_path)
    assert "fair at every level: True" in text
    assert "assess_fake_patroller" in text and "anomaly_rate = " in text
    assert "sheets: 河长考核结果、指标明细" in text and "AP2026Q3001" in text
    assert image and (tmp_path / "assessment-fairness.png").stat().st_size > 10_000
    assert (tmp_path / "考核通报.xlsx").stat().st_size > 10_000
