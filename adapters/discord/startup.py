"""Before the bot opens its database: is Discord there, and does it take the token?

One `GET /users/@me` through discord.py's own HTTP client, at the configured API base.
A refused token or an unreachable Discord becomes the core's `TokenRefused` or
`PlatformUnreachable`, which `coprod run` prints as one line before anything is written.
"""

from __future__ import annotations

import asyncio

import discord
import yarl
from discord.http import HTTPClient
from discord.http import Route

from adapters.discord.client import apply_endpoints
from adapters.discord.errors import translate
from adapters.network import is_network_error
from adapters.network import unreachable
from bot.config import Config
from bot.errors import PlatformUnreachable
from bot.errors import RateLimited
from bot.errors import TokenRefused
from bot.errors import Transient

CHECK_SECONDS = 60.0


def discord_host() -> str:
    """The host the REST API is reached at (discord.com unless `api_base` says)."""
    return yarl.URL(Route.BASE).host or Route.BASE


async def check_platform(config: Config) -> None:
    """Log in once over REST and out again; raise the core's start-up errors."""
    apply_endpoints(config.discord.api_base, config.discord.gateway_url)
    http = HTTPClient(asyncio.get_running_loop())
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await http.static_login(config.secrets.discord_token)
    except discord.LoginFailure:
        raise TokenRefused("discord", "DISCORD_TOKEN", "401") from None
    except discord.HTTPException as exc:
        if isinstance(translate(exc), Transient | RateLimited):
            raise PlatformUnreachable("discord", discord_host(), "server",
                                      str(exc.status)) from None
        raise TokenRefused("discord", "DISCORD_TOKEN", str(exc.status)) from None
    except Exception as exc:
        if not is_network_error(exc):
            raise
        raise unreachable("discord", discord_host(), exc) from None
    finally:
        await http.close()
