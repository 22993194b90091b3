"""The Discord adapter (discord.py): slash commands, modals, buttons and select menus,
a message context menu, direct messages. It translates both ways and holds no business
rules. Set-up for people who have never made a bot: docs/discord.md."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

import discord

from adapters.discord.client import DiscordBot
from adapters.discord.sender import DiscordSender
from adapters.discord.startup import check_platform
from adapters.discord.startup import discord_host
from adapters.network import is_network_error
from adapters.network import unreachable
from bot import catalog
from bot.app import App
from bot.config import Config

__all__ = ["DiscordBot", "DiscordSender", "check_platform", "run_platform"]


async def run_platform(app: App, config: Config) -> int:
    """Connect to Discord and serve until stopped (Ctrl-C or SIGTERM); the exit code."""
    bot = DiscordBot(app, config.discord)
    app.start_delivery(bot.sender, bot.preferred)
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()

    def stop() -> None:
        closing.add(asyncio.ensure_future(bot.client.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop)
    try:
        await bot.client.start(config.secrets.discord_token)
    except discord.LoginFailure:
        print(catalog.DISCORD_BAD_TOKEN, file=sys.stderr)
        return 2
    except Exception as exc:  # Discord unreachable at start: one line, not a traceback
        if not is_network_error(exc):
            raise
        lost = unreachable("discord", discord_host(), exc)
        print(catalog.platform_unreachable("discord", lost.host, lost.reason, lost.detail),
              file=sys.stderr)
        return 1
    finally:
        if not bot.client.is_closed():
            await bot.client.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    return 0
