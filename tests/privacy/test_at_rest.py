"""After a workload through every feature, the SQLite file and its write-ahead log, read
byte by byte, hold none of the words anyone wrote: feedback, concerns, notes, check-in
notes, agenda points, minutes, messages waiting to be sent."""

from __future__ import annotations

from pathlib import Path

from adapters.memory import MemoryBot
from tests.privacy.workload import Filled


def database_files(folder: Path) -> dict[str, bytes]:
    """The database, its WAL and shared-memory file, as they are on disk right now."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("coprod.db")}


async def test_no_words_in_the_file_or_its_wal(pbot: MemoryBot, filled: Filled,
                                               tmp_path: Path) -> None:
    files = database_files(tmp_path)
    assert "coprod.db" in files and "coprod.db-wal" in files
    assert len(files["coprod.db-wal"]) > 0  # the workload's pages are still in the WAL
    for name, data in files.items():
        assert b"SECRET" not in data, name
    # Ids and times are plain on purpose (so they can be queried): the test would see them.
    assert any(b"U-alice" in data for data in files.values())
