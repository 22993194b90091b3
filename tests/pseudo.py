"""The pseudo-language (every letter accented, about 40% longer than English) offered to
a test, and taken away again after it whatever happens, so no other test can pick it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.i18n import allow_pseudo


@contextmanager
def pseudo_allowed() -> Iterator[None]:
    """Offer the pseudo-language inside the block only."""
    allow_pseudo()
    try:
        yield
    finally:
        allow_pseudo(False)
