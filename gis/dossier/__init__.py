"""一河一档: the per-river archive, as tables (:func:`river_dossier`), an HTML page that
prints on A4, and a PDF; :func:`write_dossiers` makes every river's in one run."""

from gis.dossier.river import County, RiverDossier, county_context, river_dossier
from gis.dossier.write import write_dossier, write_dossiers

__all__ = [
    "County",
    "RiverDossier",
    "county_context",
    "river_dossier",
    "write_dossier",
    "write_dossiers",
]
