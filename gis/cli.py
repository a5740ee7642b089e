"""The ``riverchief`` command line: a thin face over the library."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from gis import catalogue, datasets
from gis._errors import RiverChiefError


def _default_data() -> str:
    return os.environ.get("RIVERCHIEF_DATA") or str(datasets.get_path("demo"))


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise RiverChiefError(f"{option} takes SRC=DST pairs, got '{item}'. Fix: write it like 河流名称=name")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def cmd_summary(args) -> int:
    from gis.inventory import SUMMARY_KEYS, summarize
    from gis.store import GeoPackageStore

    store = GeoPackageStore(args.data)
    if not store.exists():
        raise RiverChiefError(f"no store at {args.data}. Fix: pass --data PATH.gpkg, or run 'riverchief demo'")
    result = summarize(store)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    meta = store.meta()
    print(f"{meta.get('county_name', '')} {meta.get('county_code', '')}  ({args.data})")
    for k, v in result.items():
        zh, en = SUMMARY_KEYS[k]
        print(f"  {zh:<16}{en:<34}{v:>10}")
    return 0


def cmd_import(args) -> int:
    from gis.audit import LOCAL_ROLE, os_user
    from gis.io.importer import import_file, report_json

    report = import_file(args.file, args.layer, data=args.data, crs=args.crs, encoding=args.encoding,
                         field_map=_pairs(args.field_map, "--field-map"), defaults=_pairs(args.default, "--default"),
                         mode=args.mode, swap_xy=args.swap_xy, allow_outside_china=args.allow_outside_china,
                         source_layer=args.source_layer, rejects=args.rejects, dry_run=args.dry_run,
                         audit={"who": os_user(), "role": LOCAL_ROLE, "detail": str(args.file)})
    print(report_json(report) if args.json else report.format())
    return report.exit_code


def _audit(data: str, action: str, **kw) -> None:
    """The command line's writes go to the audit log as the OS user (local use: no login)."""
    from gis.audit import LOCAL_ROLE, os_user, record
    from gis.store import GeoPackageStore

    try:
        record(GeoPackageStore(data), who=os_user(), role=LOCAL_ROLE, action=action, **kw)
    except RiverChiefError as exc:  # the data is written; say the log is not, never fail silently
        print(f"[audit] warning: the audit log was not written: {exc}", file=sys.stderr)


def cmd_export(args) -> int:
    from gis.io.findings import export_store

    for f in export_store(_store(args.data), args.out, layers=args.layers):
        print(f"[export] wrote {f}", file=sys.stderr)
    return 0


def cmd_gaps(args) -> int:
    from gis.coverage import analyse
    from gis.io.findings import write_findings
    from gis.store import GeoPackageStore

    store = GeoPackageStore(args.data)
    if not store.exists():
        raise RiverChiefError(f"no store at {args.data}. Fix: pass --data PATH.gpkg")
    print("[gaps] cutting rivers into reaches and checking every assignment ...", file=sys.stderr)
    cov = analyse(store, level=args.level)
    if args.out:
        for f in write_findings(cov.tables(), args.out):
            print(f"[gaps] wrote {f}", file=sys.stderr)
    if args.json:
        print(json.dumps(cov.to_json(), ensure_ascii=False, indent=2))
        return 0
    by = cov.unassigned_length_m_by_level()
    print(f"unassigned reaches: {len(cov.unassigned)}  ("
          + ", ".join(f"{k} {v / 1000:.2f} km" for k, v in by.items()) + ")")
    for name in ("holes", "mismatches", "duplicates", "orphan_chiefs", "reservoirs_without_chief",
                 "boundary_reaches_unagreed", "signboard_issues"):
        print(f"{name}: {len(getattr(cov, name))}")
    return 0


def _store(path: str):
    from gis.store import GeoPackageStore

    store = GeoPackageStore(path)
    if not store.exists():
        raise RiverChiefError(f"no store at {path}. Fix: pass --data PATH.gpkg, or run 'riverchief demo'")
    return store


def cmd_zones_delineate(args) -> int:
    from gis.zones import delineate, write_proposals

    store = _store(args.data)
    if not args.source and not args.missing:
        raise RiverChiefError("say which sources. Fix: pass --source CODE ... or --missing")
    overrides = _pairs(args.rules, "--rules")
    aquifers = json.loads(Path(args.aquifers).read_text(encoding="utf-8")) if args.aquifers else None
    print("[zones] walking the network from each intake ...", file=sys.stderr)
    d = delineate(store, sources=args.source, missing=args.missing, rule_overrides=overrides, dem=args.dem,
                  tolerance=args.tolerance, aquifers=aquifers, material=args.material)
    if args.write and len(d.zones):
        n = write_proposals(store, d.zones)
        print(f"[zones] saved {n} proposed zones into {args.data}", file=sys.stderr)
        _audit(args.data, "zones_write", target="protection_zones", rows=n)
    elif len(d.zones):
        print("[zones] nothing saved (add --write to save the proposals)", file=sys.stderr)
    for p in d.problems:
        print(f"[zones] {p['source_code']}: {p['reason']}. Fix: {p['fix']}", file=sys.stderr)
    if args.json:
        print(json.dumps(d.to_json(), ensure_ascii=False, indent=2))
    else:
        for r in d.zones.itertuples():
            print(f"{r.source_code}  {r.level}  {r.area_m2 / 1e4:10.2f} ha  {r.notes or ''}")
    return 1 if d.problems else 0


def cmd_zones_query(args) -> int:
    import geopandas as gpd
    from shapely.geometry import Point

    from gis.zones.query import parse_point, read_places, zones_at

    store = _store(args.data)
    if bool(args.point) == bool(args.layer):
        raise RiverChiefError("give one of --point LON,LAT or --layer FILE")
    if args.point:
        x, y = parse_point(args.point)
        geoms = gpd.GeoSeries([Point(x, y)], crs=args.crs or 4490)
    else:
        geoms = read_places(args.layer, crs=args.crs)
    found = zones_at(store, geoms)
    strip = [[{k: z[k] for k in ("source_code", "level", "origin")} for z in f] for f in found]
    if args.point:
        out = {"point": [x, y], "zones": strip[0]}
    else:
        out = {"features": [{"row": i + 1, "zones": z} for i, z in enumerate(strip)]}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for i, f in enumerate(found):
            where = args.point or f"feature {i + 1}"
            names = ", ".join(f"{z['zone_id']} ({z['level']}, {z['origin']})" for z in f) or "in no protection zone"
            print(f"{where}: {names}")
    return 0


def cmd_quarries(args) -> int:
    from gis.io.findings import write_findings
    from gis.quarries import check_quarries

    store = _store(args.data)
    print("[quarries] measuring along the channel from every structure ...", file=sys.stderr)
    report = check_quarries(store, rule_override=args.rules, as_of=args.as_of, tolerance=args.tolerance)
    if args.out:
        for f in write_findings(report.tables(), args.out):
            print(f"[quarries] wrote {f}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    for q in report.quarries.itertuples():
        for v in q.violations:
            print(f"{q.quarry_id} {q.name}  {v['rule']}: {v['detail']}")
    s = report.summary()
    print(f"{s['quarries_with_violations']} of {s['quarries']} quarries break a rule (rule set {report.rule_set})")
    return 0


def cmd_demo(args) -> int:
    from gis.demo import generate

    path = generate(seed=args.seed, out=args.out, progress=lambda m: print(f"[demo] {m}", file=sys.stderr))
    print(path)
    return 0


def cmd_layers(args) -> int:
    if args.markdown:
        from gis.catalogue_doc import to_markdown

        print(to_markdown())
        return 0
    layers = [catalogue.get_layer(args.name)] if args.name else catalogue.LAYERS
    for layer in layers:
        print(f"{layer.name} ({layer.geometry or 'table'}): {layer.zh} / {layer.en}")
        if args.name:
            for f in layer.fields:
                codes = f" [{', '.join(f.codes)}]" if f.codes else ""
                print(f"  {f.name:<22}{f.dtype:<9}{'required' if f.required else 'optional':<10}{f.zh} / {f.en}{codes}")
    return 0


def cmd_app(args) -> int:
    import threading
    import webbrowser

    app = Path(__file__).resolve().parents[1] / "app.py"
    env = dict(os.environ, RIVERCHIEF_DATA=str(Path(args.data).resolve()))
    # always headless: a non-headless first run asks for an e-mail address on stdin
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    url = f"http://localhost:{args.port}"
    print(f"River Chief GIS: open {url}  (data: {args.data}; Ctrl+C stops)", file=sys.stderr)
    if not args.headless:
        threading.Timer(3.0, lambda: webbrowser.open(url)).start()
    return subprocess.call(cmd, env=env, cwd=app.parent)


def _date(text: str, option: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RiverChiefError(f"{option} '{text}' is not a date. Fix: write it as YYYY-MM-DD, e.g. 2026-07-01") from None


def cmd_patrols_import(args) -> int:
    from gis.patrols import CleanOptions, import_tracks, network_from_store

    store = _store(args.data) if not args.dry_run or Path(args.data).exists() else None
    opt = CleanOptions(coords=args.coords, chief=args.chief, swap_xy=args.swap_xy, gap_minutes=args.gap_minutes)
    print(f"[patrols] reading {len(args.files)} file(s) ...", file=sys.stderr)
    net = network_from_store(store) if store is not None and not args.no_offset_check else None
    res = import_tracks(args.files, store, options=opt, net=net, write=not args.dry_run)
    if args.issues and res.cleaned is not None:
        from gis.io.findings import defuse_formulas

        defuse_formulas(res.cleaned.issues()).to_csv(args.issues, index=False, encoding="utf-8-sig")
        print(f"[patrols] point issues written to {args.issues}", file=sys.stderr)
    if args.json:
        print(json.dumps(res.to_json(), ensure_ascii=False, indent=2, default=str))
        return res.exit_code
    for e in res.file_errors:
        print(f"{e['file']}: {e['reason']}. Fix: {e['fix']}")
    for n in res.file_notes:
        print(f"{n['file']}: {n['note']}")
    if res.cleaned is not None:
        for r in res.cleaned.counts().to_dict("records"):
            extra = ", ".join(f"{k} {v}" for k, v in r.items() if k not in ("file", "read", "kept", "dropped") and v)
            print(f"{r['file']}: {r['read']} points read, {r['kept']} kept, {r['dropped']} dropped" + (f" ({extra})" if extra else ""))
    for r in res.refused_patrols:
        print(f"refused {r['patrol_id']}: {r['reason']}. Fix: {r['fix']}")
    for w in res.warnings:
        print(f"warning {w['patrol_id']}: {w['warning']}. Fix: {w['fix']}")
    if not args.dry_run and res.written:
        _audit(args.data, "patrols_import", target="patrols", rows=res.written, detail=" ".join(map(str, args.files))[:500])
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {res.written if not args.dry_run else 0} patrols into {args.data}")
    return res.exit_code


def cmd_patrols_report(args) -> int:
    from gis.demo.patrols import quarter_for
    from gis.io.findings import write_findings
    from gis.patrols import analyse
    from gis.patrols.io import tracks_for

    store = _store(args.data)
    tracks = tracks_for(store, tracks=args.tracks or quarter_for(
        store, progress=lambda f: print(f"[patrols] simulating the demo quarter {f:.0%}", file=sys.stderr)))
    if tracks is not None and args.tracks is None:
        print(f"[patrols] the demo store has no patrols: using the simulated demo quarter {tracks}", file=sys.stderr)
    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    report, a = analyse(store, start=start, end=end, rule_set=args.rules, tracks=tracks,
                        progress=lambda m: print(f"[patrols] {m} ...", file=sys.stderr),
                        rule_overrides=_pairs(args.rule_table, "--rule-table"))
    if report.chiefs["submitted"].sum() == 0 and a.patrols["start"].notna().any():
        from gis.patrols.clean import LOCAL_TZ

        local = a.patrols["start"].dt.tz_convert(LOCAL_TZ)
        print(f"[patrols] warning: no patrol started between {start} and {end}; the tracks run from "
              f"{local.min().date()} to {local.max().date()}. Fix: choose --from/--to inside that range", file=sys.stderr)
    if args.out:
        for f in write_findings(report.tables(), args.out):
            print(f"[patrols] wrote {f}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    ch = report.chiefs
    print(f"{start} to {end}, rule set {report.rule_set}")
    for level, g in ch.groupby("level"):
        print(f"  {level:<9} chiefs {len(g):>5}  compliant {int(g['compliant'].sum()):>5} ({g['compliant'].mean():.0%})"
              f"  valid patrols {int(g['valid'].sum()):>6}")
    print(f"  reaches never patrolled: {int(report.reaches['never_patrolled'].sum())} of {len(report.reaches)}")
    print(f"  suspicious patrols: {len(report.suspicious)}")
    return 0


def cmd_patrols_demo(args) -> int:
    from gis.demo import patrols as demo_patrols

    out = Path(args.out)
    if out.exists() and args.force:
        out.unlink()
    path = demo_patrols.ensure(out, progress=lambda f: print(f"[patrols] simulating {f:.0%}", file=sys.stderr))
    print(path)
    return 0


def cmd_coords_convert(args) -> int:
    import numpy as np
    import pandas as pd

    from gis import coords

    if args.file:
        from gis.patrols.read import HEADERS
        from gis.patrols.read import _table as table_of

        src = Path(args.file)
        from gis.io import tables

        raw = tables.read_csv(src) if src.suffix.lower() != ".xlsx" else tables.read_xlsx(src)
        pts, _ = table_of(raw, str(src))
        lon = pd.to_numeric(pts["lon"], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(pts["lat"], errors="coerce").to_numpy(dtype=float)
        bad = ~(np.isfinite(lon) & np.isfinite(lat))
        if bad.any():
            row = int(pts["point"].to_numpy()[bad][0])
            raise RiverChiefError(f"{src}: row {row}: lon/lat is not a number ({int(bad.sum())} rows). "
                                  f"Fix: the {'/'.join(HEADERS['lon'][:2])} and {'/'.join(HEADERS['lat'][:2])} columns must hold decimal degrees")
        x, y = coords.convert(lon, lat, src=args.src, dst=args.dst)
        out = raw.frame.copy()
        out[f"lon_{args.dst}"], out[f"lat_{args.dst}"] = np.round(x, 9), np.round(y, 9)
        dest = args.out or str(src.with_name(f"{src.stem}.{args.dst}.csv"))
        from gis.io.findings import defuse_formulas

        defuse_formulas(out).to_csv(dest, index=False, encoding="utf-8-sig")
        print(f"[coords] {len(out)} rows converted {args.src} -> {args.dst}: {dest}", file=sys.stderr)
        return 0
    if args.lon is None or args.lat is None:
        raise RiverChiefError("give LON LAT, or --file FILE.csv. Fix: riverchief coords convert --from gcj02 --to wgs84 116.404 39.915")
    x, y = coords.convert(args.lon, args.lat, src=args.src, dst=args.dst)
    if args.json:
        print(json.dumps({"lon": float(x), "lat": float(y)}))
    else:
        print(f"{float(x):.9f} {float(y):.9f}")
    return 0


def cmd_jurisdiction(args) -> int:
    from gis.jurisdiction import SELECT_BY, jurisdiction_of

    picks = [(by, getattr(args, by)) for by in SELECT_BY if getattr(args, by)]
    if len(picks) > 1:
        raise RiverChiefError("give one of --township, --village, --river, --chief. Fix: drop the others")
    j = jurisdiction_of(_store(args.data))
    if args.reach:
        card = j.card(args.reach, staff=args.show_phones)
        if args.json:
            print(json.dumps(card, ensure_ascii=False, indent=2))
            return 0
        print(f"{card['reach_id']}  {card['river_name']} {card['chainage']}  {card['length_m']:,.0f} m  "
              f"{card['township']} {card['village']}" + (f" / {card['shared_with']}" if card["shared_with"] else ""))
        for c in card["chiefs"]:
            print(f"  {c['level']:<9}{c['name']:<6}{c['post']:<16}{c['phone'] or ''}")
        for lv in card["levels_without_chief"]:
            print(f"  {lv:<9}NO CHIEF")
        for b in card["signboards"]:
            print(f"  signboard {b['board_id']} {b['distance_m']:,.0f} m away: {b['chief_name']} {b['chief_phone'] or ''}")
        return 0
    if not picks:
        raise RiverChiefError("give --township, --village, --river or --chief (a code or a unique name), or --reach ID")
    by, value = picks[0]
    rows = j.summary(j.select(by, value))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['reach_id']:<22}{r['river_name'] or '':<8}{r['chainage']:<20}{r['length_m']:>9,.0f} m  "
              + " / ".join(f"{lv}: {', '.join(r[lv]) or '-'}" for lv in ("county", "township", "village")))
    print(f"{len(rows)} reaches, {sum(r['length_m'] for r in rows) / 1000:,.2f} km", file=sys.stderr)
    return 0


def cmd_search(args) -> int:
    from gis.search import KINDS, find, search_index

    hits = find(search_index(_store(args.data)), args.text, kinds=args.kind or KINDS, limit=args.limit)
    rows = hits.drop(columns="geometry").to_dict("records")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['kind']:<10}{r['code']:<14}{r['name']:<10}{r['detail'] or ''}")
    print(f"{len(rows)} found", file=sys.stderr)
    return 0 if rows else 1


def cmd_hash_password(args) -> int:
    import getpass

    from gis.auth import MAX_USER_NAME, SECRET_KEY, hash_password, users_from_secrets

    password = sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("staff password: ")
    if args.user is None:
        print(f'{SECRET_KEY} = "{hash_password(password)}"')
    else:
        if not re.fullmatch(rf"[A-Za-z0-9_-]{{1,{MAX_USER_NAME}}}", args.user):
            raise RiverChiefError(f"user name '{args.user}' must be 1-{MAX_USER_NAME} letters, digits, '_' or '-'. "
                                  "Fix: e.g. --user wang")
        entry = {"hash": hash_password(password), "role": args.role, "counties": args.county or []}
        users_from_secrets({"users": {args.user: entry}}, store_county=None)  # the same checks as the app's
        counties = ", ".join(f'"{c}"' for c in entry["counties"])
        print(f'[users.{args.user}]\nhash = "{entry["hash"]}"\nrole = "{args.role}"'
              + (f"\ncounties = [{counties}]" if counties else ""))
    print("[hash-password] put this in .streamlit/secrets.toml (never commit that file)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="riverchief", description="River Chief GIS (河长制 GIS): county data, checks and map.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("summary", help="county inventory computed from the data")
    s.add_argument("--data", default=_default_data(), help="county GeoPackage (default: the demo county)")
    s.add_argument("--json", action="store_true", help="print JSON with stable keys")
    s.set_defaults(func=cmd_summary)

    s = sub.add_parser("import", help="import a file into a layer, with a row-by-row validation report")
    s.add_argument("file")
    importable = [n for n in catalogue.LAYER_NAMES if n not in catalogue.SYSTEM_LAYERS]  # written by the program only
    s.add_argument("--layer", required=True, choices=importable, metavar="NAME",
                   help=f"target layer: {', '.join(importable)}")
    s.add_argument("--data", default=_default_data(), help="county GeoPackage; created if it does not exist")
    s.add_argument("--crs", help="CRS when the file has none, e.g. EPSG:4490")
    s.add_argument("--encoding", help="text encoding, e.g. GBK (detected when omitted)")
    s.add_argument("--field-map", nargs="+", metavar="SRC=DST", help="map source columns to layer fields")
    s.add_argument("--default", nargs="+", metavar="FIELD=VALUE", help="value for a field the file lacks")
    s.add_argument("--mode", choices=["append", "replace"], default="append")
    s.add_argument("--swap-xy", action="store_true", help="the file has lat where lon belongs")
    s.add_argument("--allow-outside-china", action="store_true", help="accept foreign reference data")
    s.add_argument("--source-layer", help="layer or sheet inside the file")
    s.add_argument("--rejects", help="where to write rejected rows (CSV)")
    s.add_argument("--dry-run", action="store_true", help="check and report only; the store is not changed")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="export the county store: FILE.gpkg (a copy), FILE.xlsx (sheets) or FILE.csv")
    s.add_argument("out")
    s.add_argument("--data", default=_default_data())
    s.add_argument("--layers", nargs="+", metavar="NAME", help="only these layers (default: all)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("gaps", help="coverage analysis: reaches with no chief, holes, mismatches, signboards")
    s.add_argument("--data", default=_default_data())
    s.add_argument("--level", choices=["county", "township", "village", "all"], default="all")
    s.add_argument("--out", help="write the findings: FILE.gpkg (layers), FILE.xlsx (sheets) or FILE.csv (one file per table)")
    s.add_argument("--json", action="store_true", help="print JSON with stable keys")
    s.set_defaults(func=cmd_gaps)

    s = sub.add_parser("zones", help="drinking-water protection zones: delineate proposals, query places")
    zsub = s.add_subparsers(dest="zones_command", required=True)
    z = zsub.add_parser("delineate", help="propose zones by HJ 338-2018 (saved only with --write)")
    z.add_argument("--data", default=_default_data())
    z.add_argument("--source", nargs="+", metavar="CODE", help="source codes")
    z.add_argument("--missing", action="store_true", help="every source without an official zone")
    z.add_argument("--write", action="store_true", help="save the proposals into the store")
    z.add_argument("--json", action="store_true", help="print JSON: {proposals: [...]}")
    z.add_argument("--dem", help="DEM .npz: clip land at the watershed divide (demo: layers/demo/dem.npz)")
    z.add_argument("--rules", nargs="+", metavar="TABLE=CSV", help="county overrides of rule tables")
    z.add_argument("--tolerance", type=float, default=100.0, help="max distance (m) from an intake to its river")
    z.add_argument("--aquifers", help="JSON file: {source_code: {K, I, n}} for wells")
    z.add_argument("--material", default="medium_sand", help="aquifer material for wells without K, I, n")
    z.set_defaults(func=cmd_zones_delineate)
    z = zsub.add_parser("query", help="which zones a point or each feature of a file falls in")
    z.add_argument("--data", default=_default_data())
    z.add_argument("--point", help="LON,LAT (or X,Y in --crs)")
    z.add_argument("--layer", help="a GIS file of points, lines or polygons")
    z.add_argument("--crs", help="CRS of --point or of a file without one, e.g. EPSG:4544")
    z.add_argument("--json", action="store_true")
    z.set_defaults(func=cmd_zones_query)

    s = sub.add_parser("quarries", help="sand-quarry compliance: every rule broken, with the distance")
    s.add_argument("--data", default=_default_data())
    s.add_argument("--out", help="write quarries and violations: FILE.gpkg, FILE.xlsx or FILE.csv")
    s.add_argument("--json", action="store_true")
    s.add_argument("--rules", help="county CSV overriding sand_mining_distances")
    s.add_argument("--as-of", help="judge permits and closures at this ISO date (default: the store's as_of)")
    s.add_argument("--tolerance", type=float, default=200.0, help="max distance (m) from a quarry to its river")
    s.set_defaults(func=cmd_quarries)

    s = sub.add_parser("patrols", help="patrol tracks: import, and the compliance report")
    psub = s.add_subparsers(dest="patrols_command", required=True)
    z = psub.add_parser("import", help="import GPX, KML, GeoJSON, CSV or XLSX tracks (all or nothing per patrol)")
    z.add_argument("files", nargs="+", metavar="FILE")
    z.add_argument("--data", default=_default_data())
    z.add_argument("--chief", help="chief id for tracks whose file names none")
    z.add_argument("--coords", choices=["wgs84", "cgcs2000", "gcj02", "bd09"], default="wgs84",
                   help="system the tracks were recorded in (Chinese phone apps: usually gcj02)")
    z.add_argument("--swap-xy", action="store_true", help="the file has lat where lon belongs")
    z.add_argument("--gap-minutes", type=float, default=10.0, help="a longer pause splits the track")
    z.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    z.add_argument("--issues", help="write every point with a problem to this CSV")
    z.add_argument("--no-offset-check", action="store_true", help="skip the GCJ-02/BD-09 offset check")
    z.add_argument("--json", action="store_true")
    z.set_defaults(func=cmd_patrols_import)
    z = psub.add_parser("report", help="compliance per chief, reach and township; suspicious patrols")
    z.add_argument("--data", default=_default_data())
    z.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (Beijing time)")
    z.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    z.add_argument("--rules", default="guangzhou", help="patrol validity rule set: akqi, guangzhou, dinghu")
    z.add_argument("--rule-table", nargs="+", metavar="TABLE=CSV", help="county overrides: patrol_validity, patrol_checks, patrol_frequency")
    z.add_argument("--tracks", help="track file (GeoParquet of raw points, GPX, KML, GeoJSON, CSV, XLSX) instead of the store's patrols")
    z.add_argument("--json", action="store_true")
    z.add_argument("--out", help="FILE.gpkg, FILE.xlsx or FILE.csv")
    z.set_defaults(func=cmd_patrols_report)
    z = psub.add_parser("demo", help="simulate the demo county's quarter of patrols (about 4 M points)")
    z.add_argument("--out", default=str(datasets.get_path("demo_patrols")))
    z.add_argument("--force", action="store_true", help="simulate again even if the file exists")
    z.set_defaults(func=cmd_patrols_demo)

    s = sub.add_parser("coords", help="coordinate conversion between WGS84/CGCS2000, GCJ-02 and BD-09")
    csub = s.add_subparsers(dest="coords_command", required=True)
    z = csub.add_parser("convert", help="convert one point, or every row of a CSV/XLSX file")
    z.add_argument("--from", dest="src", required=True, choices=["wgs84", "cgcs2000", "gcj02", "bd09"])
    z.add_argument("--to", dest="dst", required=True, choices=["wgs84", "cgcs2000", "gcj02", "bd09"])
    z.add_argument("lon", nargs="?", type=float)
    z.add_argument("lat", nargs="?", type=float)
    z.add_argument("--file", help="CSV or XLSX with 经度/纬度 (lon/lat) columns")
    z.add_argument("--out", help="output CSV (default: FILE.<to>.csv)")
    z.add_argument("--json", action="store_true", help='print {"lon": x, "lat": y}')
    z.set_defaults(func=cmd_coords_convert)

    s = sub.add_parser("jurisdiction", help="who answers for each reach: select by township, village, river or chief")
    s.add_argument("--data", default=_default_data())
    s.add_argument("--township", help="township code or unique name")
    s.add_argument("--village", help="village code or unique name")
    s.add_argument("--river", help="river code or unique name")
    s.add_argument("--chief", help="chief id or unique name")
    s.add_argument("--reach", help="one reach id: its chiefs, chainage and signboards")
    s.add_argument("--show-phones", action="store_true", help="print phone numbers unmasked")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_jurisdiction)

    s = sub.add_parser("search", help="find rivers, townships, villages, chiefs and reservoirs by name or code")
    s.add_argument("text")
    s.add_argument("--data", default=_default_data())
    s.add_argument("--kind", nargs="+", choices=["river", "township", "village", "chief", "reservoir"])
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("hash-password", help="hash a staff password for the app's secrets")
    s.add_argument("--stdin", action="store_true", help="read the password from standard input")
    s.add_argument("--user", help="print a [users.NAME] table instead of the one-user line")
    s.add_argument("--role", choices=["staff", "admin"], default="staff", help="with --user (default: staff)")
    s.add_argument("--county", nargs="+", metavar="CODE", help="with --user: county codes staff may write")
    s.set_defaults(func=cmd_hash_password)

    s = sub.add_parser("demo", help="regenerate the demo county (deterministic)")
    s.add_argument("--seed", type=int, default=2024)
    s.add_argument("--out", default=str(datasets.DEMO_DIR))
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("layers", help="list the layer catalogue, or one layer's fields")
    s.add_argument("name", nargs="?")
    s.add_argument("--markdown", action="store_true", help="print the bilingual catalogue (layers/README.md)")
    s.set_defaults(func=cmd_layers)

    s = sub.add_parser("app", help="open the map app")
    s.add_argument("--data", default=_default_data())
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--headless", action="store_true", help="do not open a browser")
    s.set_defaults(func=cmd_app)
    return p


_OUTPUTS = ("out", "rejects", "issues")  # options naming a file a command writes


def _guard_store(args) -> None:
    """Refuse before any work: a --data file that is not a GeoPackage (a CSV must never be
    turned into one), and an output file that is the store itself (a symlink or a hard
    link to it included), which exporting would overwrite."""
    from gis.gpkg_tx import not_a_geopackage

    data = getattr(args, "data", None)
    if not data or not Path(data).exists():
        return
    if why := not_a_geopackage(Path(data)):
        raise RiverChiefError(f"--data {data} is not a county store ({why}); it was left unchanged. "
                              "Fix: pass a .gpkg county store, or a path that does not exist yet to create one")
    for option in _OUTPUTS:
        out = getattr(args, option, None)
        if out and Path(out).exists() and os.path.samefile(out, data):
            raise RiverChiefError(f"the output file {out} is the county store itself ({data}); writing it "
                                  "would overwrite the store. Fix: choose another output file name")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _guard_store(args)
        return args.func(args)
    except RiverChiefError as exc:
        print(f"riverchief: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
