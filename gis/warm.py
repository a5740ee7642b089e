"""The results a restarted app's first pages read, computed and kept beside the store right
after its data changed (``riverchief import`` calls this), so no office worker waits for
them: the home page's figures and the village reaches the patrol pages start from."""

from __future__ import annotations

from collections.abc import Callable

from gis.dashboard import kept_figures
from gis.patrols.network import network_from_store
from gis.store import Store


def keep_results(store: Store, *, progress: Callable[[str], None] | None = None) -> list[str]:
    """Compute and keep the results of :mod:`gis.kept` a first visit reads.

    Parameters
    ----------
    store : Store
        A GeoPackage store (another store keeps nothing: nothing is computed).
    progress : callable, optional
        Called with a line before each result.

    Returns
    -------
    list of str
        What could not be computed now, each ``"<result>: <reason>"`` (a county still being
        imported may lack a layer): the page computes it, and says why, when visited.
    """
    if not getattr(store, "path", None):
        return []
    steps: list[tuple[str, Callable[[], object]]] = [
        ("dashboard", lambda: kept_figures(store)),
        ("village_reaches", lambda: network_from_store(store)),
    ]
    failed = []
    for name, step in steps:
        if progress is not None:
            progress(name)
        try:
            step()
        except Exception as exc:  # noqa: BLE001 -- partial data: the page says why, later
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    return failed
