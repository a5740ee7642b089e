"""What the app renders (a map's HTML and script, a river's archive) kept for the next
server, so the first visit after a restart reads it back in milliseconds instead of
computing it again (1-3 s a page).

Rendered output is script the browser runs: it is kept in the installation's own folder
(as trusted as the code, written by the server's user only), never beside the store on a
shared drive (:mod:`gis.kept` keeps data there, as JSON and Parquet). A file is named by
its key (everything it is made from, by value) and a digest of the app's source and map
libraries, so another version of the app never reads it; one that cannot be read is made
again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Hashable
from importlib import metadata
from pathlib import Path

from gis import datasets, kept
from gis.io.atomic import atomic_path
from gis.store_pg import is_postgis_url

ROOT = Path(__file__).resolve().parents[1]
#: A checkout's own folder (not served by Streamlit's static folder); an installed app's
#: folder may be read-only (site-packages): then this user's cache folder
FOLDER = ROOT / ".kept-output" if os.access(ROOT, os.W_OK) else datasets.cache_dir() / "kept-output"
#: Files of one kind kept (older store versions, other rivers and languages go first)
MAX_FILES = 96


@functools.lru_cache(maxsize=1)
def source_digest() -> str:
    """A digest of what renders a page besides its key: the app's source (the builders, the
    symbology, the labels) and the versions of the libraries that render."""
    h = hashlib.sha256(kept.code_digest().encode())  # gis: builders, labels, rules
    for lib in ("folium", "branca", "streamlit-folium", "streamlit", "matplotlib"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{lib}={metadata.version(lib)}\0".encode())
    pages = sorted(p for d in ("ui", "app_pages") for p in (ROOT / d).glob("*.py"))
    for f in [ROOT / "app.py", *pages]:
        with contextlib.suppress(OSError):
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def folder_for(store: str) -> Path | None:
    """Where output of the store ``store`` (its path or URL) is kept: nowhere for a PostGIS
    store, whose version does not move with an edit made outside this program."""
    return None if is_postgis_url(store) else FOLDER


def digest(key: Hashable) -> str:
    """What a record says of its key: a digest (a key may hold a database URL)."""
    return hashlib.sha256(repr(key).encode()).hexdigest()


def path_of(kind: str, key: Hashable, *, folder: Path = FOLDER) -> Path:
    """Where the output ``kind`` of ``key`` is kept."""
    name = hashlib.sha256(f"{kind}\x1f{digest(key)}\x1f{source_digest()}".encode()).hexdigest()
    return folder / f"{kind}-{name[:24]}.json"


def write(target: Path, text: str) -> None:
    """``text`` into ``target`` whole, readable by this user only; the oldest of its kind
    beyond :data:`MAX_FILES` removed. Nothing is kept where the folder cannot be written."""
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target, private=True) as tmp:
            tmp.write_text(text, encoding="utf-8")
        kind = target.name.rsplit("-", 1)[0]
        kept.prune(target.parent, f"{kind}-*.json", newest=MAX_FILES - 1, keep=target)


def kept_text(
    kind: str, key: Hashable, make: Callable[[], str], *, folder: Path | None = FOLDER
) -> str:
    """``make()``, or what it made for ``key`` before (see the module); ``folder`` None:
    only made."""
    if folder is None:
        return make()
    target = path_of(kind, key, folder=folder)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        record = json.loads(target.read_text(encoding="utf-8"))  # whole, or an error
        if record["key"] == digest(key) and isinstance(record["text"], str):
            return record["text"]
    text = make()
    write(target, json.dumps({"key": digest(key), "text": text}, ensure_ascii=False))
    return text
