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
