"""Patrols in and out of the store: import track files (all or nothing), load them back
as raw points, and warn when a track looks like uncorrected GCJ-02 or BD-09."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gis import coords as coords_mod
from gis._errors import InputError
from gis.patrols.clean import Cleaned, CleanOptions, clean
from gis.patrols.match import match_points
from gis.patrols.network import PatrolNetwork
from gis.patrols.read import read_tracks
from gis.reports import strict
from gis.store import Store


@dataclass
class ImportResult:
    """What an import read, kept, dropped and refused, file by file."""

    cleaned: Cleaned | None
    file_errors: list[dict] = field(default_factory=list)  # {file, code, reason, fix}
    file_notes: list[dict] = field(default_factory=list)  # {file, note}
    refused_patrols: list[dict] = field(default_factory=list)  # {patrol_id, reason, fix}
    warnings: list[dict] = field(default_factory=list)  # {patrol_id, warning, fix}
    written: int = 0

    @property
    def exit_code(self) -> int:
        return 2 if self.cleaned is None else 1 if (self.file_errors or self.refused_patrols) else 0

    def tables(self) -> dict[str, pd.DataFrame]:
        """``files`` (points read, kept, dropped), ``point_issues``, ``file_errors``,
        ``refused_patrols`` and ``warnings``."""
        c = self.cleaned
        return {
            "files": c.counts() if c is not None else pd.DataFrame(columns=["file"]),
            "point_issues": c.issues() if c is not None else pd.DataFrame(columns=["file"]),
            "file_errors": pd.DataFrame(self.file_errors, columns=["file", "reason", "fix"]),
            "refused_patrols": pd.DataFrame(
                self.refused_patrols, columns=["patrol_id", "reason", "fix"]
            ),
            "warnings": pd.DataFrame(self.warnings, columns=["patrol_id", "warning", "fix"]),
        }

    def to_json(self) -> dict:
        """The stable JSON of ``riverchief patrols import --json`` (strict: no NaN)."""
        counts = self.cleaned.counts().to_dict("records") if self.cleaned is not None else []
        out = {
            "patrols_written": self.written,
            "files": counts,
            "file_errors": self.file_errors,
            "notes": self.file_notes,
            "refused_patrols": self.refused_patrols,
            "warnings": self.warnings,
            "point_issues": int(self.cleaned.points["reason"].notna().sum())
            if self.cleaned is not None
            else 0,
        }
        return strict(out)


def import_tracks(
    files,
    store: Store | None,
    *,
    options: CleanOptions | None = None,
    net: PatrolNetwork | None = None,
    write: bool = True,
) -> ImportResult:
    """Read, clean and (with ``write``) store the patrols in ``files``.

    Files that cannot be read are reported and skipped; patrols whose chief is unknown or
    that are already in the store are refused with the reason. Everything else is written
    in one atomic step, so a failure leaves the store as it was.
    """
    opt = options or CleanOptions()
    res = ImportResult(None)
    frames = []
    for f in files:
        try:
            raw, notes = read_tracks(f)
        except InputError as exc:
            res.file_errors.append(
                {"file": str(f), "code": exc.code, "reason": exc.reason, "fix": exc.fix}
            )
            continue
        frames.append(raw)
        res.file_notes += [{"file": str(f), "note": n} for n in notes]
    if not frames:
        return res
    raw = pd.concat(frames, ignore_index=True)
    if store is not None and "chiefs" in store.layers():
        raw["chief"] = _resolve_chiefs(
            raw["chief"].where(raw["chief"].notna(), opt.chief), store.read("chiefs"), res
        )
    cleaned = clean(raw, options=opt)
    res.cleaned = cleaned
    pats = cleaned.patrols
    bad = pats["chief_id"].isna() | pats["chief_id"].isin(
        [r["chief"] for r in res.refused_patrols if "chief" in r]
    )
    for pid in pats.loc[bad, "patrol_id"]:
        res.refused_patrols.append(
            {
                "patrol_id": pid,
                "reason": "no known chief",
                "fix": "pass --chief ID or fix the 河长 column",
            }
        )
    if store is not None and "patrols" in store.layers():
        known = set(store.read("patrols")["patrol_id"])
        for pid in pats.loc[pats["patrol_id"].isin(known), "patrol_id"]:
            res.refused_patrols.append(
                {
                    "patrol_id": pid,
                    "reason": "already in the store (imported before)",
                    "fix": "nothing to do; delete it first to re-import",
                }
            )
    keep = ~pats["patrol_id"].isin([r["patrol_id"] for r in res.refused_patrols]) & (
        pats["n_kept"] > 0
    )
    for pid in pats.loc[(pats["n_kept"] == 0) & ~bad, "patrol_id"]:
        res.refused_patrols.append(
            {
                "patrol_id": pid,
                "reason": "no usable point (every point was dropped)",
                "fix": "see the point issues for why",
            }
        )
    if net is not None:
        res.warnings = offset_warnings(cleaned, net)
    if write and store is not None and keep.any():
        ids = set(pats.loc[keep, "patrol_id"])
        store.write(
            to_layers(cleaned, ids), mode="append" if "patrols" in store.layers() else "replace"
        )
        res.written = len(ids)
    return res


def _resolve_chiefs(col: pd.Series, chiefs: pd.DataFrame, res: ImportResult) -> pd.Series:
    """Chief ids as given, or names that match exactly one chief."""
    ids = set(chiefs["chief_id"])
    by_name = chiefs.groupby("name")["chief_id"].agg(list)
    out = col.copy()
    for value in col.dropna().unique():
        if value in ids:
            continue
        hits = by_name.get(value, [])
        if len(hits) == 1:
            out[col == value] = hits[0]
        else:
            why = (
                f"chief '{value}' is not a chief id, and "
                f"{'no' if not hits else len(hits)} chiefs have that name"
            )
            res.refused_patrols.append(
                {
                    "patrol_id": f"(points of {value})",
                    "chief": value,
                    "reason": why,
                    "fix": "use the 河长编号 from the chiefs layer"
                    if not hits
                    else "use the chief id to tell them apart",
                }
            )
            out[col == value] = None
    return out


def to_layers(cleaned: Cleaned, ids: set[str]) -> dict[str, pd.DataFrame]:
    """The ``patrols`` and ``patrol_points`` layers (EPSG:4490) for the given patrols."""
    p = cleaned.points[cleaned.points["patrol_id"].isin(ids)]
    k = p[p["kept"]]
    lines = {}
    for pid, g in k.groupby("patrol_id", sort=False):
        parts = [np.column_stack([s["lon"], s["lat"]]) for _, s in g.groupby("seg", sort=True)]
        parts = [a if len(a) > 1 else np.vstack([a, a]) for a in parts]
        lines[pid] = shapely.multilinestrings([shapely.linestrings(a) for a in parts])
    pats = cleaned.patrols[cleaned.patrols["patrol_id"].isin(ids)]
    patrols = gpd.GeoDataFrame(
        {
            "patrol_id": pats["patrol_id"],
            "chief_id": pats["chief_id"],
            "start_time": pats["start"],
            "end_time": pats["end"],
            "coords": pats["coords"],
            "source_file": pats["file"],
            "n_points": pats["n_points"],
            "n_kept": pats["n_kept"],
        },
        geometry=[lines.get(i) for i in pats["patrol_id"]],
        crs=4490,
    )
    seq = p.groupby("patrol_id").cumcount() + 1
    points = gpd.GeoDataFrame(
        {
            "point_id": p["patrol_id"] + "-" + seq.astype(str).str.zfill(5),
            "patrol_id": p["patrol_id"],
            "seq": seq,
            "time": p["time"],
            "segment": p["seg"],
            "raw_lon": p["raw_lon"],
            "raw_lat": p["raw_lat"],
            "coords": p["coords"],
            "kept": p["kept"],
            "issue": p["reason"],
            "file": p["file"],
            "track": p["track"],
            "chief": p["chief"],
        },
        geometry=gpd.points_from_xy(p["lon"], p["lat"]),
        crs=4490,
    )
    points = points[np.isfinite(p["lon"].to_numpy()) & np.isfinite(p["lat"].to_numpy())]
    return {"patrols": patrols, "patrol_points": points}


def load_raw(store: Store) -> pd.DataFrame:
    """Raw points of every stored patrol, ready for :func:`~gis.patrols.clean.clean` again."""
    if "patrol_points" not in store.layers():
        raise InputError(code="patrols.none", file=str(getattr(store, "path", store)))
    p = store.read("patrol_points")
    return pd.DataFrame(
        {
            "file": p["file"],
            "track": p["track"],
            "segment": 1,
            "track_name": None,
            "chief": p["chief"],
            "patrol_ref": p["patrol_id"],
            "point": p["seq"],
            "time_text": p["time"],
            "lon": p["raw_lon"],
            "lat": p["raw_lat"],
            "coords": p["coords"],
        }
    )


def tracks_for(store: Store, *, tracks: str | Path | None = None) -> Path | None:
    """The track file to analyse with ``store``: ``tracks`` if given, ``None`` when the
    store holds imported patrols; any other store is refused with the fix. A face that
    has a default track file (the demo's simulated quarter) passes it as ``tracks``."""
    if tracks is not None:
        return Path(tracks)
    if "patrol_points" in store.layers():
        return None
    raise InputError(code="patrols.none", file=str(getattr(store, "path", store)))


def offset_warnings(cleaned: Cleaned, net: PatrolNetwork, *, min_share: float = 0.8) -> list[dict]:
    """Patrols declared WGS84/CGCS2000 that sit off the network but fit it once read as
    GCJ-02 (or BD-09): the recording app was almost certainly Chinese."""
    k = cleaned.points[
        cleaned.points["kept"] & cleaned.points["coords"].isin(["wgs84", "cgcs2000"])
    ]
    if k.empty:
        return []
    tr = pyproj.Transformer.from_crs(4490, net.crs, always_xy=True)

    def share(lon, lat):
        x, y = tr.transform(lon, lat)
        return (
            pd.Series(match_points(x, y, net.index)[0] >= 0)
            .groupby(k["patrol_id"].to_numpy())
            .mean()
        )

    base = share(k["raw_lon"].to_numpy(), k["raw_lat"].to_numpy())
    out: list[dict] = []
    for system in ("gcj02", "bd09"):
        alt = share(
            *coords_mod.convert(
                k["raw_lon"].to_numpy(), k["raw_lat"].to_numpy(), src=system, dst="wgs84"
            )
        )
        # a dense network catches some shifted points anyway: ask for a clear improvement
        hit = (alt >= min_share) & (alt - base >= 0.3)
        for pid in hit[hit].index:
            if any(w["patrol_id"] == pid for w in out):
                continue
            lon0, lat0 = k.loc[k["patrol_id"] == pid, ["raw_lon", "raw_lat"]].median()
            wl, wa = coords_mod.convert(lon0, lat0, src=system, dst="wgs84")
            off = float(
                np.hypot((lon0 - wl) * 111320 * np.cos(np.radians(lat0)), (lat0 - wa) * 110540)
            )
            out.append(
                {
                    "patrol_id": pid,
                    "warning": "probably "
                    f"{system.upper().replace('GCJ02', 'GCJ-02').replace('BD09', 'BD-09')}: "
                    f"{base[pid]:.0%} of points are on a river as recorded, {alt[pid]:.0%} once "
                    f"read as {system} "
                    f"(a steady offset of about {off:.0f} m)",
                    "fix": f"import again with --coords {system}",
                }
            )
    return out
