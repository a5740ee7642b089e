"""Bundled sample data, behind :func:`get_path` (as momepy does)."""

from __future__ import annotations

from pathlib import Path

from gis._errors import UnknownNameError

#: The repository's ``layers/`` folder (the package is used from a checkout).
LAYERS_DIR = Path(__file__).resolve().parents[1] / "layers"
DEMO_DIR = LAYERS_DIR / "demo"

_FILES = {
    "demo": "demo_county.gpkg",
    "demo_dem": "dem.npz",
    "demo_hillshade": "hillshade.png",
    "demo_hillshade_bounds": "hillshade.json",
    "demo_patrols": "demo_patrols.parquet",  # generated on demand: riverchief patrols demo
}


def available() -> list[str]:
    """Names accepted by :func:`get_path`."""
    return list(_FILES)


def get_path(name: str) -> Path:
    """Path of a bundled dataset, e.g. ``get_path("demo")`` for the demo county store."""
    if name not in _FILES:
        raise UnknownNameError("dataset", name, available())
    return DEMO_DIR / _FILES[name]
