"""The copy's values: converted by the PostgreSQL column's type, and written in one
canonical form for the checksum whichever database they were read from."""

from __future__ import annotations

import hashlib
from datetime import UTC
from datetime import datetime

import pytest

from storage.copy_values import CONVERTERS
from storage.copy_values import canonical
from storage.copy_values import row_digest


def test_stored_values_convert_by_the_target_type() -> None:
    assert CONVERTERS["int8"](5) == 5
    assert CONVERTERS["int8"](5.0) == 5
    assert CONVERTERS["text"]("gAAAAB") == "gAAAAB"
    assert CONVERTERS["bool"](1) is True and CONVERTERS["bool"](0) is False
    assert CONVERTERS["bytea"](b"\x00\x01") == b"\x00\x01"
    assert CONVERTERS["timestamptz"](1_000_000) == datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert CONVERTERS["timestamptz"]("2031-03-03T09:00:00+00:00") == \
        datetime(2031, 3, 3, 9, tzinfo=UTC)
    for type_name, wrong in (("int8", "5"), ("int8", 1.5), ("text", 5), ("bool", 2),
                             ("bytea", "x")):
        with pytest.raises((TypeError, ValueError)):
            CONVERTERS[type_name](wrong)


def test_canonical_forms_keep_types_and_boundaries_apart() -> None:
    assert canonical(None) != canonical("") != canonical(0)
    assert canonical(1) != canonical("1") != canonical(True)
    assert canonical(b"ab") != canonical("ab")

    def digest(*rows: tuple[object, ...]) -> str:
        running = hashlib.sha256()
        for row in rows:
            row_digest(running, row)
        return running.hexdigest()

    # Where one value ends and the next begins is part of the checksum.
    assert digest(("ab", "c")) != digest(("a", "bc"))
    assert digest(("a",), ("b",)) != digest(("a", "b"))
    # And the order of the rows is too.
    assert digest((1,), (2,)) != digest((2,), (1,))
