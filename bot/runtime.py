"""Putting a bot together from config: the key, the database, the app, the adapter."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.clock import Clock
from bot.config import Config, ConfigError
from storage.crypto import EncryptionKeyError, FieldCipher, load_or_create_key_file
from storage.factory import open_storage, sqlite_path
from storage.interface import Storage, StorageError

PLATFORMS = ("console", "discord", "slack")
AVAILABLE_PLATFORMS = ("console",)


def choose_platform(requested: str | None, config: Config, notes: TextIO) -> str:
    """The platform to run: the one asked for, else the one whose token is configured,
    else the console. Raises `ConfigError` for a platform this version cannot run."""
    if requested:
        if requested not in AVAILABLE_PLATFORMS:
            raise ConfigError([
                f"--platform {requested}: the {requested.title()} adapter is not part of this "
                "version yet. Run without --platform to use the console."])
        return requested
    for name, token in (("discord", config.secrets.discord_token),
                        ("slack", config.secrets.slack_bot_token)):
        if token and name not in AVAILABLE_PLATFORMS:
            print(f"Note: a {name.title()} token is set, but the {name.title()} adapter is "
                  "not part of this version yet, so the console starts instead.", file=notes)
        elif token:
            return name
    return "console"


def make_cipher(config: Config, platform: str, notes: TextIO = sys.stderr) -> FieldCipher:
    """The field cipher from COPROD_ENCRYPTION_KEY; on the console, a key file is made
    if no key is set. Raises `ConfigError` with the fix when no key can be had."""
    key = config.secrets.encryption_key
    try:
        if key:
            return FieldCipher(key)
        if platform != "console":
            raise ConfigError([
                "COPROD_ENCRYPTION_KEY: not set. Feedback and concerns are stored encrypted, "
                "so a key is needed. Make one with `coprod generate-key` and put it in the "
                "environment or in .env as COPROD_ENCRYPTION_KEY=..."])
        path = key_path_for(config)
        key, created = load_or_create_key_file(path)
        if created:
            print(f"Made a new encryption key in {path} (readable only by you). "
                  "Keep it: without it the stored feedback and concerns cannot be read.",
                  file=notes)
        return FieldCipher(key)
    except EncryptionKeyError as exc:
        raise ConfigError([f"COPROD_ENCRYPTION_KEY: {exc}"]) from None


def key_path_for(config: Config) -> Path:
    """Where the console keeps a generated key: `[bot] key_file`, else beside the
    database file (`coprod.db` -> `coprod.key`)."""
    if config.key_file:
        return Path(config.key_file).expanduser()
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


@asynccontextmanager
async def opened_storage(config: Config, cipher: FieldCipher) -> AsyncIterator[Storage]:
    """The database, opened and migrated, closed at the end."""
    storage = await open_storage(config.database_target, cipher)
    try:
        await storage.migrate()
        yield storage
    finally:
        await storage.close()


async def build_app(config: Config, storage: Storage, clock: Clock | None = None) -> App:
    """An app with the default features, its chat-made settings loaded."""
    app = App(config, storage, clock=clock)
    await app.load()
    return app
