"""Every ``>>>`` example in the docstrings of ``gis/`` runs and shows what it says (as momepy
runs its examples), and the public entry points keep their Examples section.

Each docstring with an example is one case, named by its qualified name, e.g.
``gis.linref.format_k``. Examples run from a fresh temporary folder, which is also
``tempfile``'s default folder, with ELLIPSIS and NORMALIZE_WHITESPACE on; data comes from
``gis.datasets.get_path("demo")``, which they only read (a case fails if the demo store
changes). Run one case: ``pytest tests/test_docstring_examples.py -k format_k``.
"""

from __future__ import annotations

import copy
import doctest
import importlib
import inspect
import pkgutil
import re
import tempfile

import pytest

import gis
from gis import datasets

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Entry points that must keep a runnable example (qualified name of the docstring).
DOCUMENTED = (
    "gis.datasets.get_path",
    "gis.store.GeoPackageStore",
    "gis.store.GeoPackageStore.read",
    "gis.store.GeoPackageStore.write",
    "gis.store.GeoPackageStore.version",
    "gis.store.MemoryStore",
    "gis.io.importer.import_file",
    "gis.io.readers.read_vector",
    "gis.io.tables.read_csv",
    "gis.io.findings.write_findings",
    "gis.io.findings.export_store",
    "gis.county.init_county",
    "gis.datasets.default_store",
    "gis.coords.convert",
    "gis.coords.convert_point",
    "gis.crs.gk_epsg_for_lon",
    "gis.crs.zone_prefixed_epsg",
    "gis.crs.metric_crs",
    "gis.network.build_network",
    "gis.network.Network.strahler",
    "gis.linref.format_k",
    "gis.linref.parse_k",
    "gis.linref.Rivers",
    "gis.reaches.segment",
    "gis.search.find",
    "gis.safe.html_text",
    "gis.safe.md_text",
    "gis.privacy.mask_phone",
    "gis.privacy.mask_frame",
    "gis.auth.hash_password",
    "gis.auth.verify_password",
    "gis.catalogue.get_layer",
    "gis.maps.base.base_map",
    "gis.i18n.t",
    "gis.network.split_at_junctions",
    "gis.channel.Channel",
    "gis.dem.Dem",
    "gis.rules.load",
    "gis.rules.sand_mining_distance",
    "gis.audit.record",
    "gis.auth.authorize",
    "gis.auth.login",
    "gis.maps.basemaps.point_on",
)


def _modules():
    yield gis
    for info in pkgutil.walk_packages(gis.__path__, "gis."):
        if not info.name.endswith("__main__"):  # running it would run the CLI
            yield importlib.import_module(info.name)


def _examples() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder()
    found: dict[str, doctest.DocTest] = {}
    for module in _modules():
        for test in finder.find(module):
            if test.examples:
                found.setdefault(test.name, test)
    return sorted(found.values(), key=lambda t: t.name)


EXAMPLES = _examples()


def _demo_state():
    path = datasets.get_path("demo")
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@pytest.mark.parametrize("test", EXAMPLES, ids=[t.name for t in EXAMPLES])
def test_docstring_example(test, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = _demo_state()
    out: list[str] = []
    test = copy.copy(test)
    test.globs = dict(test.globs)  # the run clears its globals; the collected case keeps its own
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=out.append)
    assert result.failed == 0, "".join(out)
    assert _demo_state() == before, f"{test.name} changed the demo store; write to a copy"


def _docstring(name: str) -> str | None:
    """The docstring of a qualified name like ``gis.store.GeoPackageStore.read``."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        return inspect.getdoc(obj) if obj is not None else None
    return None


@pytest.mark.parametrize("name", DOCUMENTED)
def test_entry_point_has_an_example(name):
    doc = _docstring(name)
    assert doc is not None, f"{name} is gone or has no docstring: update DOCUMENTED"
    assert re.search(r"^Examples\n-{8}", doc, re.MULTILINE), f"{name}: no Examples section"
    assert name in {t.name for t in EXAMPLES}, f"{name}: its Examples section has no >>> line"
