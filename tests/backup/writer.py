"""A second process that keeps writing to a coprod SQLite database through the storage
interface, as a running bot would: one group setting per transaction, printing
`N MONOTONIC_NS` once each is committed (acknowledged), until it is stopped.

    python -m tests.backup.writer DATABASE KEY
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC
from datetime import datetime

from storage.crypto import FieldCipher
from storage.factory import open_storage

GROUP = "G-backup"


async def main(database: str, key: str) -> None:
    storage = await open_storage(database, FieldCipher(key))
    try:
        n = 0
        while True:
            await storage.save_group_settings(GROUP, {f"w{n}": f"SECRET-written {n}"},
                                              "U-writer", datetime.now(UTC))
            print(n, time.monotonic_ns(), flush=True)
            n += 1
    finally:
        await storage.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
