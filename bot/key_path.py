"""Where the encryption key file is, when the key is kept in a file rather than in
COPROD_ENCRYPTION_KEY: asked by starting the bot and by the CLI's backup, restore, copy
and privacy commands, so it is core and imports no feature."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from bot.config import ConfigError
from storage.factory import is_postgres
from storage.factory import sqlite_path
from storage.interface import StorageError


def key_path_for(config: Config) -> Path:
    """Where the key file is: `[bot] key_file`, else (the console's own) beside the
    database file (`coprod.db` -> `coprod.key`)."""
    if config.key_file:
        return Path(config.key_file).expanduser()
    if is_postgres(config.database_target):
        raise ConfigError([
            "COPROD_ENCRYPTION_KEY: not set. With PostgreSQL there is no database file to "
            "keep a key beside, and every process needs the same key: make one with "
            "`coprod generate-key` and set COPROD_ENCRYPTION_KEY (or [bot] key_file)."])
    try:
        target = sqlite_path(config.database_target)
    except StorageError as exc:
        raise ConfigError([f"[bot] database: {exc}"]) from None
    if target == ":memory:":
        raise ConfigError([
            "[bot] key_file: the database is in memory, so there is no folder to keep a "
            "key in. Set key_file = \"coprod.key\" or COPROD_ENCRYPTION_KEY."])
    path = Path(target)
    if path.suffix:
        return path.with_suffix(".key")
    return path.parent / f"{path.name or 'coprod'}.key"
