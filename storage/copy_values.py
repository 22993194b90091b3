"""The values `coprod copy-to-postgres` moves: each stored SQLite value converted for its
PostgreSQL column by that column's type (read from the catalog, so a new table needs
nothing here), and written in one canonical form for the per-table checksum, the same
whichever database the value was read from."""

from __future__ import annotations

import decimal
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


Convert = Callable[[Any], Any]


def _int(value: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise TypeError("not a whole number")
    return int(value)


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("not text")
    return value


def _bool(value: Any) -> bool:
    if _int(value) not in (0, 1):
        raise TypeError("not 0 or 1")
    return bool(value)


def _bytes(value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise TypeError("not bytes")
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def _decimal(value: Any) -> decimal.Decimal:
    return decimal.Decimal(str(_float(value)) if isinstance(value, float) else str(value))


def _moment(value: Any) -> datetime:
    """A time stored as integer microseconds since the epoch (coprod's convention), or
    as ISO 8601 text."""
    if isinstance(value, str):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return _EPOCH + timedelta(microseconds=_int(value))


def _date(value: Any) -> date:
    return date.fromisoformat(_str(value))


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(_str(value))


CONVERTERS: dict[str, Convert] = {
    "int2": _int, "int4": _int, "int8": _int,
    "text": _str, "varchar": _str, "bpchar": _str, "name": _str,
    "json": _str, "jsonb": _str,
    "bool": _bool, "bytea": _bytes,
    "float4": _float, "float8": _float, "numeric": _decimal,
    "timestamptz": _moment, "timestamp": lambda v: _moment(v).replace(tzinfo=None),
    "date": _date, "uuid": _uuid,
}


def _tagged(tag: bytes, payload: bytes) -> bytes:
    return b"%b%d:%b" % (tag, len(payload), payload)


def _canonical_other(value: Any) -> bytes:
    if isinstance(value, bool):
        return _tagged(b"t", b"1" if value else b"0")
    if isinstance(value, int):
        return _tagged(b"i", b"%d" % value)
    if isinstance(value, float):
        return _tagged(b"f", repr(value).encode())
    if isinstance(value, str):
        return _tagged(b"s", value.encode("utf-8"))
    if isinstance(value, bytes | bytearray | memoryview):
        return _tagged(b"b", bytes(value))
    if isinstance(value, date):
        return _tagged(b"o", value.isoformat().encode())
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return _tagged(b"o", str(value).encode())
    raise TypeError(f"no canonical form for {type(value).__name__}")


# The common types first, by exact type: the checksum is most of the copy's own work.
_CANONICAL: dict[type, Callable[[Any], bytes]] = {
    type(None): lambda value: b"N;",
    int: lambda value: _tagged(b"i", b"%d" % value),
    str: lambda value: _tagged(b"s", value.encode("utf-8")),
}


def canonical(value: Any) -> bytes:
    """One value as the checksum sees it: a type tag, a length and the value's bytes,
    the same whichever database it was read from (after conversion)."""
    return _CANONICAL.get(type(value), _canonical_other)(value)


def row_digest(digest: Any, row: Iterable[Any]) -> None:
    """Add one row to a running SHA-256."""
    digest.update(b"(" + b"".join(map(canonical, row)) + b")")


__all__ = ["CONVERTERS", "Convert", "canonical", "row_digest"]
