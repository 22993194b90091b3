"""Fixtures the several-process tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.backends import need_postgres
from tests.backends import postgres_schema
from tests.backends import postgres_url


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A PostgreSQL URL whose search path is a fresh schema, dropped afterwards."""
    need_postgres()
    async with postgres_schema() as schema:
        yield f"{postgres_url()}?search_path={schema}"
