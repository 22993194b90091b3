"""Encrypted settings-audit rows written straight into a migrated SQLite database: a
large database in seconds (the backup tests and the backup benchmark), each value
encrypted as the bot stores it."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from storage.crypto import FieldCipher


def add_audit_rows(path: Path, key: str, group: str, rows: Iterable[tuple[str, str]],
                   changed_by: str) -> None:
    """Insert `rows` (setting, value) as `group`'s settings audit, each value JSON-encoded
    and encrypted with `key`, all changed by `changed_by` now, in one transaction."""
    cipher = FieldCipher(key)
    now = int(time.time() * 1_000_000)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO settings_audit (group_id, key, value_json, changed_by, changed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            ((group, setting, cipher.encrypt(json.dumps(value)), changed_by, now)
             for setting, value in rows))
