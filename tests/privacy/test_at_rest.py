"""After a workload through every feature, what the database holds (on SQLite: the file,
its write-ahead log and shared memory, read byte by byte; on PostgreSQL: every row of
every table as text) has none of the words anyone wrote: feedback, concerns, notes,
check-in notes, agenda points, minutes, messages waiting to be sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from tests.backends import stored_text
from tests.privacy.workload import Filled


def wal_size(folder: Path) -> int:
    """How big the SQLite write-ahead log is right now."""
    wal = folder / "coprod.db-wal"
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.backends
async def test_no_words_in_what_the_database_holds(pbot: MemoryBot, filled: Filled,
                                                   backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        assert wal_size(tmp_path) > 0  # the workload's pages are still in the WAL
    held = await stored_text(pbot.app.storage)
    assert b"SECRET" not in held
    # Ids and times are plain on purpose (so they can be queried): the test would see them.
    assert b"U-alice" in held
