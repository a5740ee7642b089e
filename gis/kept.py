"""Results kept beside the store, so a restarted app reads them in milliseconds instead of
computing them again: small ones as JSON (the home page's figures: 2-5 s), frames as
Parquet (the village reaches every patrol page starts from: 0.5 s).

A result is kept under a key of everything it depends on: the store's version, the code
that computes it and the shipped rule tables (:func:`code_digest`), the kind of result and
what its caller adds (a date, the patrols' own key). Any change is another key, so a stale
result is never read. A file that cannot be read (half written, damaged, edited by hand)
is computed again, never an error; where the folder cannot be written (a read-only share,
a PostGIS store, which has no folder) the result is only computed. The folder is
``.<store file name>.cache/results`` beside the store, next to the judged patrols
(:mod:`gis.patrols.persist`).

JSON and Parquet, never pickle: a file beside a store on a shared drive is not trusted to run
code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gis.io.atomic import atomic_path

if TYPE_CHECKING:
    import pandas as pd

    from gis.store import Store

#: Bumped when what is written changes: an older file is then never read.
LAYOUT = "1"
#: Files of one kind kept beside the newest (a store switched back and forth, other days)
KEEP = 4


def _read_umask() -> int:
    old = os.umask(0o022)  # the only way to read it is to set it
    os.umask(old)
    return old


_UMASK = _read_umask()  # at import, before the app's threads


def shareable(folder: str | Path) -> None:
    """Give a kept folder the mode of any folder this user makes, not a temporary folder's
    owner-only one: the app may run as another user than the ``riverchief import`` that
    kept it."""
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o777 & ~_UMASK)


def cache_folder(store_path: str | Path, kind: str = "results") -> Path:
    """Where the results (``kind``: the small ones here, ``patrols``: the judged patrols)
    of the store at ``store_path`` are kept."""
    p = Path(store_path)
    return p.parent / f".{p.name}.cache" / kind


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the package's source and shipped rule tables: a result another version of
    the code computed (a changed segmentation, new rules) is never read."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".csv", ".json") and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def result_key(store: Store, kind: str, parts: Sequence[str]) -> str:
    """The name of the result ``kind`` of ``store`` for ``parts`` (see the module)."""
    text = "\x1f".join([LAYOUT, kind, str(store.version()), code_digest(), *parts])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def kept_json(
    store: Store,
    kind: str,
    parts: Sequence[str],
    compute: Callable[[], Any],
    *,
    check: Callable[[Any], Any] = lambda x: x,
) -> Any:
    """``check(compute())``, or ``check`` of the JSON kept beside ``store`` for ``kind``
    and ``parts``.

    Parameters
    ----------
    store : Store
        A store with a ``path`` (a GeoPackage) keeps its results; any other only computes.
    kind : str
        The kind of result, a file-name prefix (``"dashboard"``).
    parts : sequence of str
        What the result depends on beyond the store's version and the rule tables.
    compute : callable
        Makes the result: anything :func:`json.dumps` takes (no NaN).
    check : callable
        Turns the JSON into what the caller returns; raising ``KeyError``, ``TypeError``
        or ``ValueError`` on a file it cannot read (then the result is computed again).

    Returns
    -------
    What ``check`` returns.
    """
    path = getattr(store, "path", None)
    if not path:
        return check(compute())
    folder = cache_folder(path)
    target = folder / f"{kind}-{result_key(store, kind, parts)}.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return check(json.loads(target.read_text(encoding="utf-8")))
    value = compute()
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:  # a reader never meets half a file
            tmp.write_text(text, encoding="utf-8")
        prune(folder, f"{kind}-*.json", newest=KEEP, keep=target)
    return check(json.loads(text))  # the same path as a read: what is kept is what is used


def kept_frame(
    store: Store,
    kind: str,
    parts: Sequence[str],
    compute: Callable[[], pd.DataFrame],
    *,
    geo: bool = False,
) -> pd.DataFrame:
    """``compute()``, or the frame kept beside ``store`` for ``kind`` and ``parts`` (as
    :func:`kept_json`, the frame as Parquet; ``geo``: a GeoDataFrame, as GeoParquet, its
    CRS with it)."""
    import geopandas as gpd
    import pandas as pd

    path = getattr(store, "path", None)
    if not path:
        return compute()
    folder = cache_folder(path)
    target = folder / f"{kind}-{result_key(store, kind, parts)}.parquet"
    read = gpd.read_parquet if geo else pd.read_parquet
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):  # pyarrow's are too
        return read(target)
    value = compute()
    with contextlib.suppress(OSError, ValueError, TypeError):
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            value.to_parquet(tmp)
        prune(folder, f"{kind}-*.parquet", newest=KEEP, keep=target)
    return value


def prune(folder: Path, pattern: str, *, newest: int, keep: Path | None = None) -> None:
    """Remove the files of ``folder`` matching ``pattern`` but ``keep`` and the ``newest``
    others (a file another process removes meanwhile is no error)."""

    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    old = sorted(folder.glob(pattern), key=age, reverse=True)
    for p in [p for p in old if p != keep][newest:]:
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)
