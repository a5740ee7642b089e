"""Drinking-water protection zones: delineation by HJ 338-2018 and spatial queries."""

from gis.zones.delineate import Delineation, delineate, delineate_zones, write_proposals
from gis.zones.reservoir import reservoir_zones
from gis.zones.river import river_zones
from gis.zones.well import well_radius, well_zones

__all__ = [
    "Delineation",
    "delineate",
    "delineate_zones",
    "reservoir_zones",
    "river_zones",
    "well_radius",
    "well_zones",
    "write_proposals",
]
