"""The floor rule of docs/ARCHITECTURE.md, held on the import statements themselves.

Every module of ``gis/`` and the app's faces (``app.py``, ``app_pages/``, ``ui/``) is parsed
with ``ast``; every import counts, also one inside a function (a lazy import loads the same
code, only later). :data:`FLOORS` is the source of the floor table; the code block in
docs/ARCHITECTURE.md shows it to people, and a test below holds the two in agreement.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Floors from the bottom up; a module may import from its own floor and the floors below.
#: Generators (the demo county) sit above the analyses they exercise and below the faces
#: that call them, so no analysis, engine or foundation code can depend on demo data.
ORDER = ("foundations", "engine", "analyses", "generators", "faces")

#: Dotted module prefix -> floor. The longest matching prefix decides.
FLOORS: dict[str, str] = {
    # foundations: vocabulary, units, rules and guards that know nothing of the store
    # gis/__init__.py imports the error classes only; the capability verbs it exports
    # (find_gaps, ...) are named by string in its _LAZY table and loaded on first use
    "gis": "foundations",
    "gis._deprecation": "foundations",
    "gis._errors": "foundations",
    "gis._parallel": "foundations",
    "gis.admin_codes": "foundations",
    "gis.auth": "foundations",
    "gis.catalogue": "foundations",
    "gis.catalogue_doc": "foundations",
    "gis.coords": "foundations",
    "gis.crs": "foundations",
    "gis.dates": "foundations",
    "gis.datasets": "foundations",
    "gis.i18n": "foundations",
    "gis.privacy": "foundations",
    "gis.reports": "foundations",
    "gis.rules": "foundations",
    "gis.safe": "foundations",
    # engine: storage, reading and writing, geometry engines, maps
    "gis._reach_kernels": "engine",
    "gis.audit": "engine",
    "gis.channel": "engine",
    "gis.county": "engine",
    "gis.dem": "engine",
    "gis.gpkg_tx": "engine",
    "gis.kept": "engine",
    "gis.io": "engine",
    "gis.linref": "engine",
    "gis.maps": "engine",
    "gis.network": "engine",
    "gis.reaches": "engine",
    "gis.store": "engine",
    "gis.store_pg": "engine",
    # analyses: one question of a River Chief office each
    "gis.assessment": "analyses",
    "gis.coverage": "analyses",
    "gis.dashboard": "analyses",
    "gis.warm": "analyses",
    "gis.dossier": "analyses",
    "gis.inventory": "analyses",
    "gis.jurisdiction": "analyses",
    "gis.patrols": "analyses",
    "gis.province": "analyses",
    "gis.quarries": "analyses",
    "gis.river_network": "analyses",
    "gis.search": "analyses",
    "gis.zones": "analyses",
    # generators: the synthetic demo county
    "gis.demo": "generators",
    # faces: what people run (a wheel puts app, app_pages and ui under riverchief_app/, see
    # setup.py; Streamlit runs them there under these same names)
    "app": "faces",
    "app_pages": "faces",
    "gis.cli": "faces",
    "ui": "faces",
}

#: Known violations of today, each with its reason. The lists may only shrink: an entry that
#: no longer matches a real import fails the test, so a fix must also delete its entry.
#: Keys are (file, imported module); for private names (file, module, name).
FLOOR_ALLOWED: dict[tuple[str, str], str] = {}
PRIVATE_ALLOWED: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class Import:
    file: str  # path relative to the repository root
    line: int
    module: str  # the imported module, absolute
    names: tuple[str, ...]  # names of a ``from`` import, () for ``import x``
    text: str  # the statement as written


def _module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _sources() -> list[Path]:
    files = sorted((ROOT / "gis").rglob("*.py"))
    files += [
        ROOT / "app.py",
        *sorted((ROOT / "app_pages").rglob("*.py")),
        *sorted((ROOT / "ui").rglob("*.py")),
    ]
    return [f for f in files if f.exists()]


def _imports(path: Path, root: Path = ROOT) -> list[Import]:
    """Every import statement of a file, at any depth, with relative imports made absolute."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    me = _module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    rel = path.relative_to(root).as_posix()
    out = []
    for node in ast.walk(tree):
        text = (
            (ast.get_source_segment(source, node) or "").splitlines()[0]
            if isinstance(node, ast.Import | ast.ImportFrom)
            else ""
        )
        if isinstance(node, ast.Import):
            out += [Import(rel, node.lineno, a.name, (), text) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append(Import(rel, node.lineno, module, tuple(a.name for a in node.names), text))
    return out


def _floor(module: str) -> str | None:
    """The floor of a dotted module name by its longest prefix in FLOORS, None if outside."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        floor = FLOORS.get(".".join(parts[:n]))
        if floor:
            return floor
    return None


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _targets(imp: Import) -> list[str]:
    """The modules an import loads: ``from gis import coords`` loads gis.coords, not gis."""
    if not imp.names:
        return [imp.module]
    subs = [f"{imp.module}.{n}" for n in imp.names if _is_module(f"{imp.module}.{n}")]
    return subs + ([imp.module] if len(subs) < len(imp.names) else [])


ALL = [imp for f in _sources() for imp in _imports(f)]


def _where(imp: Import) -> str:
    return f"{imp.file}:{imp.line}: {imp.text}"


def _floor_violations(imports: list[Import]) -> dict[tuple[str, str], str]:
    found = {}
    for imp in imports:
        mine = _floor(_module_name(ROOT / imp.file))
        for target in _targets(imp):
            theirs = _floor(target)
            if mine is None or theirs is None:
                continue
            if ORDER.index(theirs) > ORDER.index(mine):
                found[(imp.file, target)] = (
                    f"{_where(imp)}  — {imp.file} is on the {mine} floor and imports {target} "
                    f"from the higher {theirs} floor"
                )
    return found


def _private_violations(imports: list[Import]) -> dict[tuple[str, str, str], str]:
    found = {}
    for imp in imports:
        for name in imp.names:
            if (
                not name.startswith("_")
                or name.startswith("__")
                or _is_module(f"{imp.module}.{name}")
            ):
                continue  # a dunder, or a private module of its own package (gis._errors)
            found[(imp.file, imp.module, name)] = (
                f"{_where(imp)}  — imports the private name {name!r} from another module "
                f"({imp.module}); make it public with a docstring, or move it"
            )
    return found


def _check(found: dict, allowed: dict, what: str) -> None:
    new = [msg for key, msg in sorted(found.items()) if key not in allowed]
    stale = [f"{k}: {why}" for k, why in sorted(allowed.items()) if k not in found]
    assert not new, f"{what}:\n" + "\n".join(new)
    assert not stale, (
        "allowed violations that no longer occur; delete them from the list in "
        "tests/test_architecture.py:\n" + "\n".join(stale)
    )


def test_the_checks_see_lazy_relative_and_private_imports(tmp_path):
    # a foundation module that reaches up lazily, relatively and for a private name
    (tmp_path / "gis").mkdir()
    src = tmp_path / "gis" / "crs.py"
    src.write_text(
        "import os\n\ndef f():\n    from .store import GeoPackageStore\n"
        "    from gis.maps import _base_map, stable_ids\n    from gis import _errors, demo\n"
    )
    imports = _imports(src, tmp_path)
    assert [(i.line, i.module) for i in imports] == [
        (1, "os"),
        (4, "gis.store"),
        (5, "gis.maps"),
        (6, "gis"),
    ]
    floors = _floor_violations(imports)
    assert sorted(floors) == [
        ("gis/crs.py", "gis.demo"),
        ("gis/crs.py", "gis.maps"),
        ("gis/crs.py", "gis.store"),
    ]
    assert floors[("gis/crs.py", "gis.store")] == (
        "gis/crs.py:4: from .store import GeoPackageStore  — gis/crs.py is on the foundations "
        "floor "
        "and imports gis.store from the higher engine floor"
    )
    assert sorted(_private_violations(imports)) == [("gis/crs.py", "gis.maps", "_base_map")]


def test_every_module_has_a_floor():
    missing = sorted({m for f in _sources() if _floor(m := _module_name(f)) is None})
    assert not missing, (
        f"modules with no floor; add them to FLOORS and docs/ARCHITECTURE.md: {missing}"
    )


def test_every_floor_entry_names_a_module():
    # a module moved or removed must leave the table too, or the table stops describing the code
    gone = sorted(
        p for p in FLOORS if not _is_module(p) and not ROOT.joinpath(*p.split(".")).is_dir()
    )
    assert not gone, (
        "FLOORS names modules that do not exist; remove them here and in docs/ARCHITECTURE.md: "
        f"{gone}"
    )


def test_imports_only_point_down():
    _check(
        _floor_violations(ALL), FLOOR_ALLOWED, "imports from a higher floor (docs/ARCHITECTURE.md)"
    )


def test_no_private_names_across_modules():
    _check(_private_violations(ALL), PRIVATE_ALLOWED, "private names imported across modules")


def test_the_library_never_imports_streamlit():
    hits = [
        _where(imp)
        for imp in ALL
        if imp.file.startswith("gis/") and imp.module.split(".")[0] == "streamlit"
    ]
    assert not hits, "gis/ must not import streamlit (the app does):\n" + "\n".join(hits)


def _doc_floors() -> dict[str, str]:
    """Floor name -> the text of its lines in the code block of docs/ARCHITECTURE.md."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", text, re.S)
    assert block, "docs/ARCHITECTURE.md lost its floor table (the first code block)"
    floors: dict[str, str] = {}
    current = None
    for line in block.group(1).splitlines():
        head = line.split(maxsplit=1)
        if head and not line[0].isspace() and head[0] in ORDER:
            current = head[0]
            floors[current] = head[1] if len(head) > 1 else ""
        elif current:
            floors[current] += " " + line
    return floors


@pytest.mark.parametrize("prefix", sorted(p for p in FLOORS if p != "gis"))
def test_the_document_shows_each_module_on_its_floor(prefix):
    floors = _doc_floors()
    assert set(floors) == set(ORDER), f"docs/ARCHITECTURE.md floors {sorted(floors)} != {ORDER}"
    path = prefix.replace(".", "/")
    pattern = re.compile(rf"(?<![\w/]){re.escape(path)}(?!\w)")
    shown = [floor for floor, text in floors.items() if pattern.search(text)]
    assert shown == [FLOORS[prefix]], (
        f"{path} is on the {FLOORS[prefix]} floor in tests/test_architecture.py but "
        "docs/ARCHITECTURE.md "
        f"shows it on {shown or 'no floor'}; keep the two in agreement"
    )


def test_mypy_is_strict_on_every_foundation_and_engine_module():
    """The strict override of pyproject.toml names exactly the two lower floors of FLOORS
    (a package also by its ``.*``), so a new foundation module cannot slip out of it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    strict = next(
        set(o["module"])
        for o in config["tool"]["mypy"]["overrides"]
        if o.get("disallow_untyped_defs")
    )
    lower = {m for m, floor in FLOORS.items() if floor in ("foundations", "engine")}
    assert {m.removesuffix(".*") for m in strict} == lower
    packages = {  # with modules of their own beside __init__.py
        m for m in lower if len(list((ROOT / m.replace(".", "/")).glob("*.py"))) > 1
    }
    assert {m for m in packages if m != "gis"} <= {
        m.removesuffix(".*") for m in strict if m.endswith(".*")
    }
