"""Features import each other only through what a package declares: the package itself
(its `__init__` exports) or its store port, never another feature's inner modules
(docs/adding-a-feature.md). import-linter checks the layers; this checks the packages."""

from __future__ import annotations

import grimp

OPEN = {"store"}
SHARED = {"host", "package", "registry", "anonymity"}


def test_features_reach_each_other_only_through_a_package_or_its_store() -> None:
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


def test_the_app_is_in_no_import_cycle() -> None:
    graph = grimp.build_graph("bot", "storage", "scheduler", "adapters")
    assert not any(graph.chain_exists(importer=m, imported="bot.app")
                   for m in graph.find_modules_directly_imported_by("bot.app"))
