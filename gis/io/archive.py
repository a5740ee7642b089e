"""Safe unpacking of zip archives (shapefiles usually arrive zipped)."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from gis._errors import InputError

MAX_UNPACKED_BYTES = 1 << 30  # 1 GiB: far above any county layer, far below a zip bomb
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # a compression ratio above this is a bomb, not a shapefile


def safe_extract(path: Path, dest: Path, *, max_bytes: int = MAX_UNPACKED_BYTES) -> list[Path]:
    """Extract ``path`` into ``dest`` after checking every member; returns the files.

    Refuses absolute paths, ``..`` components, symbolic links, too many members and
    unpacked sizes (declared or actual) above ``max_bytes``.
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a readable zip archive ({exc})", file=str(path), fix="re-create the archive") from exc
    with zf:
        members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(f"archive has {len(members)} members, more than {MAX_MEMBERS}", file=str(path),
                             fix="unpack it yourself and import the data file")
        total = 0
        for m in members:
            name = PurePosixPath(m.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or (m.filename[1:2] == ":"):
                raise InputError(f"archive member '{m.filename}' would be written outside the target folder (path traversal)",
                                 file=str(path), fix="this archive is unsafe; ask the sender for a clean one")
            if stat.S_ISLNK(m.external_attr >> 16):
                raise InputError(f"archive member '{m.filename}' is a symbolic link", file=str(path),
                                 fix="this archive is unsafe; ask the sender for one without links")
            total += m.file_size
            if total > max_bytes:
                raise InputError(f"archive unpacks to more than {max_bytes} bytes", file=str(path),
                                 fix="unpack it yourself and import the data file")
            if m.compress_size and m.file_size / m.compress_size > MAX_RATIO and m.file_size > 10_000_000:
                raise InputError(f"archive member '{m.filename}' has a compression ratio typical of a zip bomb",
                                 file=str(path), fix="unpack it yourself and import the data file")
        out = []
        written = 0
        for m in members:
            if m.is_dir():
                continue
            target = dest / PurePosixPath(m.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(m) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > max_bytes:  # declared sizes can lie
                        raise InputError(f"archive unpacks to more than {max_bytes} bytes", file=str(path),
                                         fix="unpack it yourself and import the data file")
                    dst.write(chunk)
            out.append(target)
        return out
