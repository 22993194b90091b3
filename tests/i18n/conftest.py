"""Fixtures the language tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pseudo import pseudo_allowed


@pytest.fixture
def pseudo() -> Iterator[None]:
    """Offer the pseudo-language for one test (a module asks for it for each of its tests
    with `pytestmark = pytest.mark.usefixtures("pseudo")`)."""
    with pseudo_allowed():
        yield
