"""The demo county (示范县) generator: deterministic, terrain-derived, with an answer key.

``generate(seed=2024, out=...)`` rebuilds exactly what ships in ``layers/demo/``.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_SEED = 2024


def generate(*, seed: int = DEFAULT_SEED, out: str | Path, progress=None) -> Path:
    """Build the demo county and write it to ``out``; returns the GeoPackage path.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives the same county.
    out : path
        Output folder (created if needed).
    progress : callable, optional
        Called with a short message at each step.
    """
    # imported here: the CLI reads DEFAULT_SEED for its parser, which must stay light
    from gis.demo.build import build
    from gis.demo.export import write_demo

    say = progress or (lambda msg: None)
    say("building terrain, rivers, admin units, sites and people (about a minute)")
    demo = build(seed)
    say("writing GeoPackage, DEM and hillshade")
    return write_demo(demo, out, seed=seed)
