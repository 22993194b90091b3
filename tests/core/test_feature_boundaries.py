"""Features import each other only through what a package declares: its `package`
module (what the registry lists and what other features may use), never another
feature's inner modules, its store port included: a feature that reads another's data
declares the little it reads in its own port (docs/adding-a-feature.md). import-linter
checks the layers; this checks the packages, that every core module is under the
contract that keeps features out of the core, the import cycles, and that storage loads
no feature code."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

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


# ---- what a feature's code may not do at run time ------------------------------------------
# The host and the views keep a feature to what it declares; Python cannot stop code that
# digs into objects on purpose, so feature code is read for it: no introspection of
# functions or objects, no dynamic import, no `# type: ignore` (which would silence the
# type checker's view of the host), and of the handler context's app only what the
# context offers every part of the bot (a member's language), with one reviewed use.

INTROSPECTION = {"__self__", "__closure__", "__globals__", "__code__", "__func__",
                 "__wrapped__", "__dict__", "__getattribute__", "__builtins__",
                 "cell_contents", "f_back", "f_globals", "f_locals", "gi_frame", "cr_frame"}
DYNAMIC = {"__import__", "vars", "globals", "locals", "eval", "exec", "compile"}
MODULES = {"importlib", "inspect", "gc", "ctypes", "builtins"}
SYS_REACH = {"modules", "_getframe"}
# Reading or changing an attribute by a name built at run time, or changing one at all.
REFLECTION = {"getattr", "setattr", "delattr"}
# ctx.app is the app seen as `Running` (bot/context.py); a feature reads only this of it.
APP_READS = {"language_of"}
# /setup saves the group's settings, the one write a handler makes through the context.
CONTEXT_STORAGE = {"bot/features/setup/feature.py"}


def feature_code_problems(path: str, source: str) -> list[str]:
    """What in one feature module reaches past its host: see the rules above."""
    problems = []
    if "type: ignore" in source:
        problems.append(f"{path}: # type: ignore")
    for node in ast.walk(ast.parse(source)):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute):
            inner = node.value
            if node.attr.startswith("_") and not node.attr.startswith("__") and not (
                    isinstance(inner, ast.Name) and inner.id in ("self", "cls")):
                problems.append(f"{where}: another object's private .{node.attr}")
            if node.attr in INTROSPECTION or (node.attr in SYS_REACH and isinstance(
                    inner, ast.Name) and inner.id == "sys"):
                problems.append(f"{where}: .{node.attr}")
            if isinstance(inner, ast.Attribute) and inner.attr == "app" \
                    and node.attr not in APP_READS:
                problems.append(f"{where}: .app.{node.attr}")
            if node.attr == "storage" and isinstance(inner, ast.Name) and inner.id == "ctx" \
                    and path not in CONTEXT_STORAGE:
                problems.append(f"{where}: ctx.storage")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in REFLECTION and (node.func.id != "getattr" or len(
                    node.args) < 2 or not isinstance(node.args[1], ast.Constant)):
            problems.append(f"{where}: {node.func.id} of a name worked out at run time")
        elif isinstance(node, ast.Name) and node.id in DYNAMIC:
            problems.append(f"{where}: {node.id}")
        elif isinstance(node, ast.Constant) and node.value in INTROSPECTION:
            problems.append(f"{where}: {node.value!r}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            problems += [f"{where}: import {n}" for n in names
                         if n.split(".")[0] in MODULES]
            if isinstance(node, ast.ImportFrom) and node.module == "sys":
                problems += [f"{where}: sys.{a.name}" for a in node.names
                             if a.name in SYS_REACH]
        elif isinstance(node, ast.Call) and any(
                isinstance(a, ast.Attribute) and a.attr == "app" for a in node.args):
            name = node.func.id if isinstance(node.func, ast.Name) else "a call"
            problems.append(f"{where}: the app handed to {name}")
    return problems


def test_feature_code_reaches_nothing_past_its_host() -> None:
    root = Path(__file__).resolve().parents[2]
    problems = []
    for file in sorted((root / "bot" / "features").rglob("*.py")):
        path = file.relative_to(root).as_posix()
        problems += feature_code_problems(path, file.read_text(encoding="utf-8"))
    assert problems == []


@pytest.mark.parametrize("line", [
    "x = host.store.add.__self__",
    "x = host._calls.wake.__closure__[0].cell_contents",
    "x = getattr(host.store.add, '__self__')",
    "import importlib",
    "from sys import modules",
    "import sys\nx = sys.modules['bot.app']",
    "x = __import__('storage.sqlite')",
    "x = ctx.app.storage",
    "x = ctx.app.people.attach(None)",
    "x = ctx.storage.member_records('bob', None)",
    "x = host.store.member_records('bob')  # type: ignore[attr-defined]",
    "x = vars(host)",
    "x = getattr(host, '_' + 'calls')",
    "x = host.peers._peers",
    "setattr(GroupSettings, 'channel', lambda s, k: 'mine')",
])
def test_each_way_past_the_host_is_seen(line: str) -> None:
    """The rules above catch the ways outside testers reached the app, the backend or
    another feature's data from a feature."""
    assert feature_code_problems("bot/features/tip/feature.py", line) != []
