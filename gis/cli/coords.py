"""``coords convert``: one point, or every row of a CSV/XLSX file, between coordinate systems."""

from __future__ import annotations

import json
import math
from pathlib import Path

from gis._errors import InputError
from gis.cli.common import say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"coords": "coordinate conversion between WGS84/CGCS2000, GCJ-02 and BD-09"}

EXAMPLE = "riverchief coords convert --from gcj02 --to wgs84 116.404 39.915"


def _lonlat(raw, name: str):
    """The lon and lat columns of a table read by :mod:`gis.io.tables`, as floats, found by the
    headers the patrol reader knows (经度/纬度, lon/lat, ...); a refusal names the first bad row."""
    import numpy as np
    import pandas as pd

    from gis.patrols.read import HEADERS

    low = {str(c).strip().lower(): c for c in raw.frame.columns}
    cols = {
        k: next((low[w.lower()] for w in HEADERS[k] if w.lower() in low), None)
        for k in ("lon", "lat")
    }
    missing = [k for k, c in cols.items() if c is None]
    if missing:
        raise InputError(
            code="track.no_lon_lat",
            file=name,
            params={"missing": " or ".join(missing), "columns": str(list(raw.frame.columns))},
        )
    lon, lat = (
        pd.to_numeric(raw.frame[cols[k]], errors="coerce").to_numpy(dtype=float)
        for k in ("lon", "lat")
    )
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        row = int(np.asarray(raw.rows)[bad][0])
        raise InputError(
            code="coords.not_numbers",
            file=name,
            row=row,
            params={
                "count": int(bad.sum()),
                "lon": "/".join(HEADERS["lon"][:2]),
                "lat": "/".join(HEADERS["lat"][:2]),
            },
        )
    return lon, lat


def _convert_file(args) -> int:
    import numpy as np

    from gis import coords
    from gis.io import tables
    from gis.io.findings import defuse_formulas

    src = Path(args.file)
    raw = tables.read_xlsx(src) if src.suffix.lower() == ".xlsx" else tables.read_csv(src)
    x, y = coords.convert(*_lonlat(raw, str(src)), src=args.src, dst=args.dst)
    out = raw.frame.copy()
    out[f"lon_{args.dst}"], out[f"lat_{args.dst}"] = np.round(x, 9), np.round(y, 9)
    dest = args.out or str(src.with_name(f"{src.stem}.{args.dst}.csv"))
    defuse_formulas(out).to_csv(dest, index=False, encoding="utf-8-sig")
    say("coords", f"{len(out)} rows converted {args.src} -> {args.dst}: {dest}")
    return 0


def cmd_convert(args) -> int:
    """Convert ``LON LAT`` (printed) or ``--file`` (written to ``--out``)."""
    from gis import coords

    if args.file:
        return _convert_file(args)
    if args.lon is None or args.lat is None:
        raise InputError(
            code="cli.lonlat_or_file", params={"option": "--file FILE.csv", "example": EXAMPLE}
        )
    if not math.isfinite(args.lon) or not math.isfinite(args.lat):  # argparse takes "nan"
        raise InputError(
            code="coords.not_finite",
            params={"lon": args.lon, "lat": args.lat, "example": EXAMPLE},
        )
    x, y = coords.convert(args.lon, args.lat, src=args.src, dst=args.dst)
    if args.json:
        print(json.dumps({"lon": float(x), "lat": float(y)}))
    else:
        print(f"{float(x):.9f} {float(y):.9f}")
    return 0


def register(sub, parents) -> None:
    """Add ``coords`` and its subcommand to the ``riverchief`` subparsers."""
    from gis import coords

    s = sub.add_parser("coords", help=COMMANDS["coords"])
    csub = s.add_subparsers(dest="coords_command", required=True)
    z = csub.add_parser(
        "convert", parents=[parents.json], help="convert one point, or every row of a CSV/XLSX file"
    )
    z.add_argument("--from", dest="src", required=True, choices=coords.SYSTEMS)
    z.add_argument("--to", dest="dst", required=True, choices=coords.SYSTEMS)
    z.add_argument("lon", nargs="?", type=float)
    z.add_argument("lat", nargs="?", type=float)
    z.add_argument("--file", help="CSV or XLSX with 经度/纬度 (lon/lat) columns")
    z.add_argument("--out", help="output CSV (default: FILE.<to>.csv)")
    z.set_defaults(func=cmd_convert)
