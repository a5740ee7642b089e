"""What the steps of the demo build share: the land, the random stream, the answer key and
the codes given so far. The steps run in a fixed order, so one seed gives one county."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gis.demo.landscape import Landscape
from gis.demo.names import NameMaker


class AnswerKey:
    """The planted defects, one row each, for the tests and the answer-key layer."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, kind: str, layer: str, **kw) -> None:
        self.rows.append(
            {"item_id": f"K{len(self.rows) + 1:04d}", "kind": kind, "layer": layer, **kw}
        )


@dataclass
class County:
    """The demo county while it is built; each step reads what the steps before it set."""

    land: Landscape
    rng: np.random.Generator
    names: NameMaker
    key: AnswerKey
    rids: list[int]  # river ids, longest first
    code: dict[int, str]  # river id -> river_code
    rank: dict[int, int]  # river id -> position in rids
    county_rivers: set[int]  # the county-managed rivers (the longest)
    rname: dict[str, str] = field(default_factory=dict)  # river_code -> name
    t_code: list[str] = field(default_factory=list)  # township index -> admin_code
    t_name: list[str] = field(default_factory=list)
    v_code: list[str] = field(default_factory=list)  # village index -> admin_code
    res_plan: list[dict] = field(default_factory=list)  # reservoirs as waters places them


#: Stored coordinates are rounded to this many degrees (~1 cm; keeps the file small).
STORED_PRECISION = 1e-7


def as_stored(df):
    """``df`` as the GeoPackage will hold it: CGCS2000 degrees rounded to
    :data:`STORED_PRECISION`. A step that must agree with what is later computed from the
    written file (the patrol simulator's plan) works on this, not on the metric frames."""
    import geopandas as gpd

    from gis.crs import STORAGE_EPSG

    if not isinstance(df, gpd.GeoDataFrame):
        return df
    df = df.to_crs(STORAGE_EPSG)
    df["geometry"] = df.geometry.set_precision(STORED_PRECISION)
    return df
