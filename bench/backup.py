"""Benchmark: `coprod backup` and `coprod restore` on a SQLite database of 200,000
encrypted rows while another process keeps writing to it.

The database is migrated through the storage interface, then filled with 200,000
settings-audit rows, each an encrypted value (as the bot writes them). A second process
(this file with `--writer`) commits one group setting at a time through the storage
interface, as a running bot would, and notes when each commit returned. Then
`run_backup` copies the database and `run_restore` puts the copy in a new place.
Figures: the backup's time (baseline: copying the database file and its write-ahead log
byte for byte, which is neither consistent nor compact), the copy's size beside the live
files', the restore's time, and the writer's commit intervals during the backup beside
those before it (does a backup hold the bot up?). SQLite only: PostgreSQL is backed up
with `pg_dump`. Bounded: about 20 s.

Run: `make bench`, or `.venv/bin/python bench/backup.py`.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import Row
from bench._common import note
from bench._common import percentile
from bench._common import print_table
from bench._common import ratio
from bot.backup import run_backup
from bot.backup import run_restore
from bot.config import Config
from bot.config import Secrets
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.backup.audit_rows import add_audit_rows

ROWS = 200_000
GROUP = "G-bench"
TARGET_SECONDS = 10.0
WARM_COMMITS = 50


async def _write_forever(database: str, key: str) -> None:
    storage = await open_storage(database, FieldCipher(key))
    n = 0
    while True:
        await storage.save_group_settings(GROUP, {f"w{n}": n}, "U-bench", datetime.now(UTC))
        print(time.monotonic_ns(), flush=True)
        n += 1


def _fill(path: Path, key: str) -> None:
    async def migrate() -> None:
        storage = await open_storage(str(path), FieldCipher(key))
        try:
            await storage.migrate()
        finally:
            await storage.close()

    asyncio.run(migrate())
    add_audit_rows(path, key, GROUP, ((f"k{n}", f"value number {n}") for n in range(ROWS)),
                   "U-bench")


def _intervals(moments: list[int]) -> list[float]:
    return [(b - a) / 1e6 for a, b in itertools.pairwise(moments)]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="coprod-bench-backup-"))
    try:
        key = generate_key()
        database = folder / "coprod.db"
        _fill(database, key)
        live = sum(p.stat().st_size for p in folder.iterdir())
        config = Config(database=str(database), secrets=Secrets(encryption_key=key))

        started = time.perf_counter()
        shutil.copyfile(database, folder / "raw.db")
        shutil.copyfile(f"{database}-wal", folder / "raw.db-wal")
        raw = time.perf_counter() - started

        moments: list[int] = []
        writer = subprocess.Popen([sys.executable, __file__, "--writer", str(database), key],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None
        stream = writer.stdout
        reader = threading.Thread(target=lambda: moments.extend(int(x) for x in stream),
                                  daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        while len(moments) < WARM_COMMITS and time.monotonic() < deadline:
            time.sleep(0.01)
        out = io.StringIO()
        began = time.monotonic_ns()
        code = run_backup(config, str(folder / "copy.db"), stdout=out, stderr=out)
        ended = time.monotonic_ns()
        time.sleep(0.5)
        writer.terminate()
        writer.wait(timeout=10)
        reader.join(timeout=10)
        stream.close()
        assert code == 0, out.getvalue()
        seconds = (ended - began) / 1e9
        size = (folder / "copy.db").stat().st_size

        target = Config(database=str(folder / "restored" / "coprod.db"),
                        secrets=Secrets(encryption_key=key))
        started = time.perf_counter()
        restored = run_restore(target, str(folder / "copy.db"), False, stdout=out, stderr=out)
        restoring = time.perf_counter() - started
        assert restored == 0, out.getvalue()

        before = _intervals([m for m in moments if m < began])
        during = _intervals([m for m in moments if began <= m <= ended])
        p99_before, p99_during = percentile(before, 0.99), percentile(during, 0.99)
        print_table(f"backup and restore, SQLite, {ROWS:,} encrypted rows", [
            Row("coprod backup while another process writes", f"{seconds:.2f} s",
                f"{raw:.2f} s", ratio(seconds, raw), f"< {TARGET_SECONDS:.0f} s",
                seconds < TARGET_SECONDS),
            Row("size of the copy (live: file and WAL)", f"{size / 1e6:.1f} MB",
                f"{live / 1e6:.1f} MB", ratio(size, live)),
            Row("commits by the writer during the backup", f"{len(during) + 1}"),
            Row("writer's commit interval p99, during / before",
                f"{p99_during:.1f} ms", f"{p99_before:.1f} ms", ratio(p99_during, p99_before)),
            Row("coprod restore (checks, key, rename)", f"{restoring:.2f} s"),
        ])
        note("baseline for the backup: copying the file and its WAL byte for byte")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--writer":
        asyncio.run(_write_forever(sys.argv[2], sys.argv[3]))
    else:
        main()
