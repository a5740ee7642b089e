"""Safe unpacking of zip archives (shapefiles usually arrive zipped).

Everything is checked from the archive's central directory before a byte is written:
member names (no traversal, links, '.', duplicates, or a file that is also a folder),
the member count, the declared sizes and the packed-to-unpacked ratio. Extraction then
counts what is really written, because declared sizes can lie, and takes only the one
layer the importer needs (a shapefile with its sidecar files).
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from gis._errors import InputError, RiverChiefError
from gis.io import limits as limits_mod

_UNPACK = "unpack it yourself and import the data file"


def safe_extract(path: Path, dest: Path, *, max_bytes: int | None = None) -> list[Path]:
    """Extract every file of ``path`` into ``dest`` after checking the archive; returns the files.

    Parameters
    ----------
    path, dest : Path
        The archive and the folder to unpack into.
    max_bytes : int, optional
        Cap on the unpacked size; ``max_unpacked_bytes`` of the import limits by default.

    Returns
    -------
    list of Path
        The extracted files.

    Raises
    ------
    InputError
        Not a readable zip, a member that could leave ``dest`` (path traversal, a link),
        clashing names, or more bytes or a higher packing ratio than the import limits.
    """
    with _open(path) as zf:
        members = _checked(zf, path, max_bytes)
        return _extract(zf, [m for m, _ in members], dest, path, max_bytes)


def extract_layer(path: Path, dest: Path, suffixes: set[str]) -> Path:
    """Check ``path`` and extract the one data file it holds (with same-named sidecars).

    Parameters
    ----------
    path : Path
        The zip archive.
    dest : Path
        Folder to unpack into.
    suffixes : set of str
        Suffixes of data files (``.shp``, ``.csv``, ...); exactly one such member must exist.

    Returns
    -------
    Path
        The extracted data file.
    """
    with _open(path) as zf:
        members = _checked(zf, path, None)
        data = [
            (m, p)
            for m, p in members
            if p.suffix.lower() in suffixes
            and p.suffix.lower() != ".zip"
            and not p.name.startswith(".")
            and "__MACOSX" not in p.parts
        ]
        if len(data) > 1:  # a .json beside the layer is metadata, not a second layer
            data = [(m, p) for m, p in data if p.suffix.lower() != ".json"]
        if len(data) != 1:
            raise InputError(
                code="archive.several_files",
                file=str(path),
                params={"count": len(data), "files": [p.name for _, p in data][:20]},
            )
        chosen = data[0][1]
        stem = chosen.with_suffix("")
        wanted = [
            m for m, p in members if p.parent == stem.parent and p.stem.lower() == stem.name.lower()
        ]
        _extract(zf, wanted, dest, path, None)
        return dest.joinpath(*chosen.parts)


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            code="archive.unreadable", file=str(path), params={"detail": str(exc)}
        ) from exc


def _checked(
    zf: zipfile.ZipFile, path: Path, max_bytes: int | None
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The file members and their clean relative paths.

    Raises an InputError naming the first problem.
    """
    lim = limits_mod.current()
    max_bytes = lim["max_unpacked_bytes"] if max_bytes is None else max_bytes
    name = str(path)
    members = zf.infolist()
    if len(members) > lim["max_members"]:
        raise limits_mod.refuse(
            lim, "max_members", "members in the archive", len(members), file=name, fix=_UNPACK
        )
    files: dict[str, tuple[zipfile.ZipInfo, PurePosixPath]] = {}
    lowered: set[str] = set()  # the names as a case-blind file system sees them
    folders: set[str] = set()
    total = packed = 0
    for m in members:
        raw = m.filename.replace("\\", "/")
        rel = PurePosixPath(raw)
        if rel.is_absolute() or ".." in rel.parts or raw[1:2] == ":":
            raise InputError(code="archive.traversal", file=name, params={"member": m.filename})
        if stat.S_ISLNK(m.external_attr >> 16):
            raise InputError(code="archive.symlink", file=name, params={"member": m.filename})
        parts = [p for p in rel.parts if p not in ("", ".")]
        if any("\x00" in p for p in parts):
            raise InputError(
                code="archive.nul_name", file=name, params={"member": repr(m.filename)}
            )
        folders.update("/".join(parts[:k]) for k in range(1, len(parts)))
        if m.is_dir():
            if parts:
                folders.add("/".join(parts))
            continue
        if not parts:
            raise InputError(code="archive.no_name", file=name, params={"member": m.filename})
        key = "/".join(parts)
        # case-blind: on a Windows or macOS office PC roads.dbf and ROADS.DBF are one file
        if key.lower() in lowered:
            raise InputError(code="archive.duplicate", file=name, params={"member": key})
        files[key] = (m, PurePosixPath(*parts))
        lowered.add(key.lower())
        total += m.file_size
        packed += m.compress_size
        if total > max_bytes:
            raise InputError(
                code="archive.too_big_declared",
                file=name,
                params={"bytes": max_bytes, "rule_set": lim.rule_set},
            )
        if m.file_size > limits_mod.BOMB_FLOOR and m.file_size > lim["max_ratio"] * max(
            m.compress_size, 1
        ):
            raise InputError(code="archive.bomb_member", file=name, params={"member": m.filename})
    clash = sorted(set(files) & folders)
    if clash:
        raise InputError(code="archive.file_and_folder", file=name, params={"member": clash[0]})
    if total > limits_mod.BOMB_FLOOR and total > lim["max_ratio"] * max(packed, 1):
        raise InputError(
            code="archive.bomb_ratio",
            file=name,
            params={
                "ratio": total // max(packed, 1),
                "max_ratio": lim["max_ratio"],
                "rule_set": lim.rule_set,
            },
        )
    return list(files.values())


def _extract(
    zf: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    dest: Path,
    path: Path,
    max_bytes: int | None,
) -> list[Path]:
    lim = limits_mod.current()
    max_bytes = lim["max_unpacked_bytes"] if max_bytes is None else max_bytes
    name = str(path)
    out, written = [], 0
    try:
        for m in members:
            parts = [
                p for p in PurePosixPath(m.filename.replace("\\", "/")).parts if p not in ("", ".")
            ]
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            own = 0
            with zf.open(m) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    own += len(chunk)
                    if written > max_bytes or own > m.file_size:  # declared sizes can lie
                        raise InputError(
                            code="archive.too_big"
                            if written > max_bytes
                            else "archive.member_oversize",
                            file=name,
                            params={"bytes": max_bytes, "member": m.filename},
                        )
                    dst.write(chunk)
            out.append(target)
    except RiverChiefError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as exc:
        raise InputError(
            code="archive.unpack_failed",
            file=name,
            params={"detail": f"{type(exc).__name__}: {exc}"},
        ) from exc
    return out
