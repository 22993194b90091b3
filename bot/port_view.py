"""A view of an object that exposes only a port's members: what a feature is handed as
its store (the database backend, seen as the feature's declared store port), so the
backend's other methods (other features' tables, member records, erasure) cannot be
reached from the feature, whatever its code says to the type checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import Generic
from typing import Protocol

_NOT_PORTS = (object, Protocol, Generic)


def port_members(port: type) -> frozenset[str]:
    """The public names a port declares (methods, properties and annotated attributes),
    on the port and on every Protocol it extends."""
    names: set[str] = set()
    for cls in port.__mro__:
        if cls in _NOT_PORTS:
            continue
        declared = [*vars(cls), *vars(cls).get("__annotations__", {})]
        names.update(name for name in declared if not name.startswith("_"))
    return frozenset(names)


def _forward(backend: object, name: str) -> property:
    def read(_view: object) -> Any:
        return getattr(backend, name)
    return property(read)


def port_view(backend: object, port: type) -> Any:
    """`backend` seen as `port`: each of the port's members is read from the backend
    when asked for (one attribute lookup), anything else raises AttributeError. The
    backend is held in closures, not in an attribute of the view. (Typed `Any`: a
    Protocol cannot be given as `type[T]`; the host's declared types say what it is.)"""
    members = port_members(port)

    def missing(_view: object, name: str) -> Any:
        raise AttributeError(f"{name!r} is not part of {port.__name__}, the port this "
                             "view exposes")

    namespace: dict[str, object] = {name: _forward(backend, name) for name in members}
    namespace.update(__slots__=(), __getattr__=missing, __doc__=port.__doc__,
                     __repr__=_named(f"<{port.__name__} view>"))
    view_class = type(f"{port.__name__}View", (), namespace)
    return view_class()


def _named(text: str) -> Callable[[object], str]:
    def describe(_view: object) -> str:
        return text
    return describe
