"""Features import each other only through what a package declares: its `package`
module (what the registry lists and what other features may use), never another
feature's inner modules, its store port included: a feature that reads another's data
declares the little it reads in its own port (docs/adding-a-feature.md). import-linter
checks the layers; this checks the packages, that every core module is under the
contract that keeps features out of the core, the import cycles, and that storage loads
no feature code."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

OPEN = {"package"}
SHARED = {"host", "package", "registry"}
# The composition roots: they wire the features into the bot, so they may import them.
# Every other module of `bot` outside `bot.features` is core.
ROOTS = {"bot.app", "bot.hosting", "bot.runtime", "bot.cli", "bot.privacy", "bot.startup"}
_ROOT = Path(__file__).resolve().parents[2]


def test_features_reach_each_other_only_through_a_package() -> None:
    graph = grimp.build_graph("bot")
    crossings = []
    for module in sorted(graph.modules):
        parts = module.split(".")
        if parts[:2] != ["bot", "features"] or len(parts) < 3:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if other[:2] != ["bot", "features"] or len(other) < 4:
                continue
            if other[2] in (parts[2], *SHARED) or other[3] in OPEN:
                continue
            crossings.append(f"{module} imports {imported}")
    assert crossings == []


def _core_contract() -> list[str]:
    """The modules of the import-linter contract that keeps features out of the core."""
    config = tomllib.loads((_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"]
                   if c["name"] == "The core does not import features"]
    assert contract["forbidden_modules"] == ["bot.features"]
    return list(contract["source_modules"])


def test_every_core_module_is_under_the_contract_that_keeps_features_out() -> None:
    """A new core module cannot slip past import-linter: each module of `bot` outside
    `bot.features` is a composition root (ROOTS) or in the contract's list (itself or a
    package holding it), never both; and every name there is a module."""
    listed = set(_core_contract())
    assert listed.isdisjoint(ROOTS)
    graph = grimp.build_graph("bot", cache_dir=None)
    assert {m for m in listed | ROOTS if m.startswith("bot.")} - graph.modules == set()
    assert _outside_the_contract(graph.modules, listed) == []


def test_a_module_outside_the_contract_is_seen() -> None:
    """The check above would catch a new core module the contract does not name."""
    modules = {"bot", "bot.app", "bot.new", "bot.listed", "bot.listed.inner",
               "bot.features", "bot.features.kudos.store"}
    assert _outside_the_contract(modules, {"bot.listed"}) == ["bot.new"]
    assert "bot.health" in grimp.build_graph("bot").modules


def _outside_the_contract(modules: set[str], listed: set[str]) -> list[str]:
    """The modules of `bot` (outside `bot.features`) neither in ROOTS nor, themselves or
    a package holding them, in `listed`."""
    named = listed | ROOTS
    left_out = []
    for module in sorted(modules):
        parts = module.split(".")
        if len(parts) < 2 or parts[1] == "features":
            continue
        if not any(".".join(parts[:n]) in named for n in range(2, len(parts) + 1)):
            left_out.append(module)
    return left_out


def test_the_app_is_in_no_import_cycle() -> None:
    graph = grimp.build_graph("bot", "storage", "scheduler", "adapters")
    assert not any(graph.chain_exists(importer=m, imported="bot.app")
                   for m in graph.find_modules_directly_imported_by("bot.app"))


def test_no_module_is_in_an_import_cycle() -> None:
    """No import cycle at all among the bot's own modules. grimp counts every import:
    those inside functions and under `if TYPE_CHECKING:` too, so a cycle cannot be
    hidden by importing lazily. Built without grimp's cache, which can miss a file
    changed within the same second."""
    graph = grimp.build_graph("bot", "storage", "scheduler", "adapters", cache_dir=None)
    cycles = _cycles({m: {i for i in graph.find_modules_directly_imported_by(m)
                          if i in graph.modules} for m in graph.modules})
    assert cycles == []


def test_a_lazy_import_is_seen() -> None:
    """The check above would catch a cycle made by an import inside a function."""
    assert _cycles({"a": {"b"}, "b": set()}) == []
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    graph = grimp.build_graph("bot")
    # bot.app imports the registry only inside `App.__init__`.
    assert "bot.features.registry" in graph.find_modules_directly_imported_by("bot.app")


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other, directly or through others
    (Tarjan's strongly connected components, with more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, since a chain of imports can be deeper than Python's recursion limit.
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in stack:
                low[node] = min(low[node], index[child])
    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(found)


_LOADED_BY_STORAGE = """
import importlib, json, pathlib, sys
import bot.features
import storage.packages, storage.postgres, storage.sqlite
storage.packages.storage_packages()
for port in sorted(pathlib.Path(bot.features.__path__[0]).glob("*/store.py")):
    importlib.import_module(f"bot.features.{port.parent.name}.store")
print(json.dumps(sorted(m for m in sys.modules if m.startswith("bot.features"))))
"""


def test_storage_loads_no_feature_code() -> None:
    """Storage imports a feature's store port; that runs the feature package's
    `__init__`, which is kept light (its declaration is in `package`), so no command,
    job or wording module comes with it. In a fresh process, since this one has
    loaded every feature already."""
    done = subprocess.run([sys.executable, "-c", _LOADED_BY_STORAGE], capture_output=True,
                          text=True, timeout=60, check=True, cwd=_ROOT)
    loaded = json.loads(done.stdout)
    assert "bot.features.meetings.store" in loaded
    ports = [m for m in loaded if m.rsplit(".", 1)[-1] in ("store", "records")]
    packages = {m.rsplit(".", 1)[0] for m in ports}
    assert sorted(set(loaded) - {"bot.features", *packages, *ports}) == []
