"""Finding every feature's storage package, and building the backends from them."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TypeVar

import storage
from storage.package import StoragePackage

B = TypeVar("B", bound=type)


@functools.cache
def storage_packages() -> tuple[StoragePackage, ...]:
    """Every `storage/<feature>/` package's `STORAGE` declaration, by feature name (a
    package is found by being there: no list to edit)."""
    found = []
    for info in pkgutil.iter_modules(storage.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"storage.{info.name}")
        package = getattr(module, "STORAGE", None)
        if isinstance(package, StoragePackage):
            found.append(package)
    return tuple(sorted(found, key=lambda p: p.feature))


def compose_storage(name: str, base: B) -> B:
    """The backend class: every package's SQL mixin in front of `base` (the backend's
    connection and the core stores), so one object implements every feature's port."""
    mixins = tuple(p.sql for p in storage_packages() if not issubclass(base, p.sql))
    if not mixins:
        return base
    composed = type(name, (*mixins, base), {"__doc__": base.__doc__,
                                             "__module__": base.__module__})
    return composed  # type: ignore[return-value]
