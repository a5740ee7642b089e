"""A province report: each county's own result, the rows of all counties, the counties that
failed, and (for gaps) the sums over counties.

A county that failed is a finding of the report, never dropped: its reason is kept in both
languages, and a sum over counties is null while any county is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from gis.coverage import LEVELS
from gis.crs import STORAGE_EPSG
from gis.province.run import County
from gis.reports import records
from gis.store_pg import redact

#: Columns of a report's failed counties (and of its ``failed`` table).
FAILED_COLUMNS = ["store", "county_code", "county_name", "code", "reason"]


@dataclass
class ProvinceReport:
    """One analysis over many counties.

    ``county_json`` holds each analysed county's JSON exactly as its own run gives it;
    ``layers`` the counties' rows of each table together, each row with its ``county_code``.
    """

    analysis: str
    counties: list[County]
    county_json: dict[str, dict] = field(default_factory=dict)
    layers: dict[str, pd.DataFrame] = field(default_factory=dict)
    failed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FAILED_COLUMNS))

    @property
    def complete(self) -> bool:
        """Every county analysed."""
        return self.failed.empty

    @property
    def analysed(self) -> list[County]:
        return [c for c in self.counties if c.county_code in self.county_json]

    def summary(self, c: County) -> dict[str, Any]:
        """One county's line: who it is and how many rows of each finding it has."""
        j = self.county_json[c.county_code]
        return {
            "county_code": c.county_code,
            "county_name": c.county_name,
            "store": redact(c.store),  # a database URL without its password
            "findings": {k: len(v) for k, v in j.items() if isinstance(v, list)},
        }

    def failures(self, lang: str = "en") -> list[dict[str, Any]]:
        """The failed counties, each reason in ``lang``."""
        errors = self.failed.get("error", [])
        rows = self.failed.assign(
            reason=[e.message(lang) for e in errors],
            store=[redact(s) for s in self.failed["store"]],
        )
        return records(rows[FAILED_COLUMNS])

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """``{"analysis", "counties": [...], "failed": [...], "complete"}``."""
        return {
            "analysis": self.analysis,
            "counties": [self.summary(c) for c in self.analysed],
            "failed": self.failures(lang),
            "complete": self.complete,
        }

    def tables(self, lang: str = "en") -> dict[str, pd.DataFrame]:
        """A line per county, each merged table, and the failed counties."""
        lines = [
            {k: v for k, v in self.summary(c).items() if not isinstance(v, dict)}
            | {f"{k}_count": n for k, n in self.summary(c)["findings"].items()}
            for c in self.analysed
        ]
        return {
            "counties": pd.DataFrame(lines),
            **self.layers,
            "failed": pd.DataFrame(self.failures(lang), columns=FAILED_COLUMNS),
        }


@dataclass
class ProvinceGaps(ProvinceReport):
    """The gap analysis of many counties, with its sums per level."""

    level: str = "all"

    def unassigned_length_m_by_level(self) -> dict[str, float | None]:
        """The counties' unassigned metres summed per level; ``None`` where any county did
        not check that level (or failed): a province sum is never a partial sum."""
        by = [j["unassigned_length_m_by_level"] for j in self.county_json.values()]
        out: dict[str, float | None] = {}
        for lv in LEVELS:
            values = [b.get(lv) for b in by]
            if any(lv in b for b in by):
                known = self.complete and all(v is not None for v in values)
                out[lv] = round(sum(v or 0.0 for v in values), 1) if known else None
        return out

    def summary(self, c: County) -> dict[str, Any]:
        j = self.county_json[c.county_code]
        out = super().summary(c)
        out["findings"].pop("by_township", None)  # a table per township, not a finding
        return {
            **out,
            "unassigned_length_m_by_level": j["unassigned_length_m_by_level"],
            "not_checked": j["not_checked"],
        }

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """As :meth:`ProvinceReport.to_json`, with ``level`` and
        ``unassigned_length_m_by_level`` summed over counties."""
        return {
            **super().to_json(lang),
            "level": self.level,
            "unassigned_length_m_by_level": self.unassigned_length_m_by_level(),
        }


def merge(report: ProvinceReport, results: Sequence[dict[str, Any]]) -> ProvinceReport:
    """Fill ``report`` from its counties' task results (in the order of its counties): a
    result is ``{"json": ..., "tables": {name: frame}}`` or ``{"error": RiverChiefError}``."""
    failed: list[dict[str, Any]] = []
    parts: dict[str, list[pd.DataFrame]] = {}
    for c, r in zip(report.counties, results, strict=True):
        if "error" in r:
            e = r["error"]
            failed.append({**c.__dict__, "code": e.code, "reason": str(e), "error": e})
            continue
        report.county_json[c.county_code] = r["json"]
        for name, frame in r["tables"].items():
            parts.setdefault(name, []).append(frame.assign(county_code=c.county_code))
    for name, frames in parts.items():
        merged = pd.concat(frames, ignore_index=True)
        if isinstance(frames[0], gpd.GeoDataFrame):
            merged = gpd.GeoDataFrame(merged, crs=STORAGE_EPSG)
        report.layers[name] = merged
    if failed:
        report.failed = pd.DataFrame(failed)
    return report
