"""Putting a bot together from config: the key, the database, the app, the adapter."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from bot import catalog
from bot.app import App
from bot.clock import Clock
from bot.config import Config
from bot.config import ConfigError
from bot.key_path import key_path_for
from bot.listening import health_wanted
from storage.crypto import EncryptionKeyError
from storage.crypto import FieldCipher
from storage.crypto import KeyFileCipher
from storage.crypto import load_or_create_key_file
from storage.factory import open_storage
from storage.interface import Storage

PLATFORMS = ("console", "discord", "slack", "record")
# Platforms that need no token and may keep their encryption key in a file beside the
# database (the console, and the recording platform used by tests and operations).
LOCAL_PLATFORMS = ("console", "record")

# What an adapter package exposes: `run_platform(app, config) -> exit code`. It starts
# the app's delivery through its sender, runs until stopped, and returns.
PlatformRunner = Callable[[App, Config], Awaitable[int]]


@asynccontextmanager
async def health_server(app: App, config: Config, platform: str) -> AsyncIterator[None]:
    """The health server (`/healthz`, `/readyz`, `/metrics`) while the block runs, if
    `[health]` wants it on this platform. Loaded by name, as the platform adapters are:
    it runs on aiohttp, which the core does not import."""
    if not health_wanted(config, platform):
        yield None
        return
    serving: Callable[[App, str, int], AbstractAsyncContextManager[object]] = (
        importlib.import_module("adapters.health").serving)
    async with serving(app, config.health.host, config.health.port):
        yield None


def platform_available(name: str) -> bool:
    """Whether this installation has an adapter for the platform."""
    try:
        module = importlib.import_module(f"adapters.{name}")
    except ImportError:
        return False
    return hasattr(module, "run_platform")


def platform_runner(name: str) -> PlatformRunner:
    """The adapter's entry point for a platform."""
    runner: PlatformRunner = importlib.import_module(f"adapters.{name}").run_platform
    return runner


def choose_platform(requested: str | None, config: Config, notes: TextIO) -> str:
    """The platform to run: the one asked for, else the one whose token is configured,
    else the console. Raises `ConfigError` for a platform that cannot run as configured."""
    if requested is None:
        for name, token in (("discord", config.secrets.discord_token),
                            ("slack", config.secrets.slack_bot_token
                             or config.secrets.slack_client_id)):
            if not token:
                continue
            if platform_available(name):
                requested = name
                break
            print(f"Note: a {name.title()} token is set, but the {name.title()} adapter "
                  "is not part of this version yet, so the console starts instead.",
                  file=notes)
        if requested is None:
            return "console"
    if not platform_available(requested):
        raise ConfigError([
            f"--platform {requested}: the {requested.title()} adapter is not part of this "
            "version yet. Run without --platform to use the console."])
    problems = missing_secrets(requested, config)
    if problems:
        raise ConfigError(problems)
    return requested


def missing_secrets(platform: str, config: Config) -> list[str]:
    """What a platform needs from the environment that is not set, with the fix."""
    s = config.secrets
    need: list[tuple[str, str]] = []
    if platform == "discord":
        need = [("DISCORD_TOKEN", s.discord_token)]
    elif platform == "slack" and s.slack_client_id:
        # One app for many workspaces: each workspace's token comes from its install.
        if s.slack_bot_token:
            return ["SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: the bot serves one "
                    "workspace (SLACK_BOT_TOKEN) or every workspace that installs it "
                    "(SLACK_CLIENT_ID), not both. Unset one of them (see \"Moving from one "
                    "workspace to many\" in docs/slack.md)"]
        redirect = redirect_problem(config.slack.redirect_url, config.slack.redirect_path)
        if redirect:
            return [redirect]
        if config.slack.mode != "http":
            return ["SLACK_CLIENT_ID is set, so the bot serves many workspaces through "
                    "Slack's install page, which needs HTTP mode: set mode = \"http\" under "
                    "[slack] in config.toml or start with --http HOST:PORT "
                    "(see docs/slack.md)"]
        need = [("SLACK_CLIENT_SECRET", s.slack_client_secret),
                ("SLACK_SIGNING_SECRET", s.slack_signing_secret)]
    elif platform == "slack":
        need = [("SLACK_BOT_TOKEN", s.slack_bot_token)]
        if config.slack.mode == "socket":
            need.append(("SLACK_APP_TOKEN", s.slack_app_token))
        else:
            need.append(("SLACK_SIGNING_SECRET", s.slack_signing_secret))
    if platform not in LOCAL_PLATFORMS:
        need.append(("COPROD_ENCRYPTION_KEY", s.encryption_key or config.key_file))
    return [f"{name}: not set. The {platform.title()} adapter needs it; put it in the "
            f"environment or in .env (see docs/{platform}.md)"
            + (". Make one with `coprod generate-key`" if name == "COPROD_ENCRYPTION_KEY"
               else "")
            for name, value in need if not value]


def redirect_problem(url: str, path: str) -> str:
    """What is wrong with `[slack] redirect_url` for Slack's OAuth redirect ("" if
    nothing): Slack sends the browser back to it, so its path must be the one the bot
    listens on, and it must be https (http only for this machine, when trying it out)."""
    if not url:
        return ""
    parsed = urlsplit(url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme != "https" and not (parsed.scheme == "http"
                                         and host in ("127.0.0.1", "localhost", "::1")):
        return (f"[slack] redirect_url: must start with https:// (Slack sends the browser "
                f"back there with the install's code); it is “{url}”. http:// is only "
                "for 127.0.0.1 or localhost")
    if (parsed.path or "/") != path:
        return (f"[slack] redirect_url: its path “{parsed.path or '/'}” is not "
                f"redirect_path “{path}”, so Slack would send people where the bot does "
                "not listen. Make them the same")
    return ""


def make_cipher(config: Config, platform: str, notes: TextIO = sys.stderr) -> FieldCipher:
    """The field cipher from COPROD_ENCRYPTION_KEY, else from a key file: on the console
    (and the recording platform) one is made if there is none; on Discord and Slack
    `[bot] key_file` must name an existing one. A key file is re-read when it changes
    (`coprod rotate-key` relies on that). Raises `ConfigError` with the fix when no key
    can be had."""
    key = config.secrets.encryption_key
    try:
        if key:
            return FieldCipher(key)
        if platform not in LOCAL_PLATFORMS and not config.key_file:
            raise ConfigError([
                "COPROD_ENCRYPTION_KEY: not set. Feedback and concerns are stored encrypted, "
                "so a key is needed. Make one with `coprod generate-key` and put it in the "
                "environment or in .env as COPROD_ENCRYPTION_KEY=..."])
        path = key_path_for(config)
        if platform not in LOCAL_PLATFORMS and not path.exists():
            raise ConfigError([
                f"[bot] key_file: there is no key file at {path}. Make one with "
                f"`coprod generate-key > {path}` and `chmod 600 {path}`, or set "
                "COPROD_ENCRYPTION_KEY instead."])
        try:
            _, created = load_or_create_key_file(path)
            cipher = KeyFileCipher(path)
        except OSError as exc:
            where = "[bot] key_file" if config.key_file else "[bot] database"
            raise ConfigError([catalog.key_file_unusable(
                where, str(path), exc.strerror or type(exc).__name__)]) from None
        if created:
            print(f"Made a new encryption key in {path} (readable only by you). "
                  "Keep it: without it the stored feedback and concerns cannot be read.",
                  file=notes)
        return cipher
    except EncryptionKeyError as exc:
        raise ConfigError([f"COPROD_ENCRYPTION_KEY: {exc}"]) from None


def check_key_file(config: Config) -> Path:
    """What `make_cipher` would do on the console, checked without making anything: the
    key file can be read, or made where it is to go. Raises `ConfigError` if not."""
    path = key_path_for(config)
    where = "[bot] key_file" if config.key_file else "[bot] database"
    problem = ""
    if path.exists():
        if not path.is_file() or not os.access(path, os.R_OK):
            problem = "it is not a file this user can read"
    else:
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            problem = f"{folder} is not a folder this user can write in"
    if problem:
        raise ConfigError([catalog.key_file_unusable(where, str(path), problem)])
    return path


@asynccontextmanager
async def opened_storage(config: Config, cipher: FieldCipher) -> AsyncIterator[Storage]:
    """The database, opened, checked (`Storage.preflight`: not from a newer version, and
    readable with this key) and migrated, closed at the end. A database refused by the
    check is closed untouched."""
    storage = await open_storage(config.database_target, cipher,
                                 pool_size=config.database_pool_size)
    try:
        await storage.preflight()
        await storage.migrate()
        yield storage
    finally:
        await storage.close()


async def build_app(config: Config, storage: Storage, clock: Clock | None = None) -> App:
    """An app with the default features, its chat-made settings loaded."""
    app = App(config, storage, clock=clock)
    await app.load()
    return app


async def start_app(app: App) -> None:
    """Start an app's schedules the way `coprod run` does: rebuild them from storage,
    catch up on downtime, then settle the heap (see `settle_heap`)."""
    await app.start_scheduler()
    settle_heap()


def settle_heap() -> None:
    """Collect once after start-up, then freeze what is alive (`gc.freeze`).

    Start-up leaves a large, long-lived heap: every schedule's timer and rules, the
    modules. Without this, each full collection walks all of it while the bot runs,
    stopping the event loop for tens of milliseconds (measured: 15 to 50 ms with 10,000
    reminders), so reminders due then are late. Frozen objects are never scanned again,
    only what is made later. The price: a frozen object that later becomes part of a
    garbage cycle is not freed (most are freed by reference counting anyway).
    """
    gc.collect()
    gc.freeze()
