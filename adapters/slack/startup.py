"""Before the bot opens its database: is Slack there, and does it take the tokens?

`auth.test` with the bot token (for one app for many workspaces, `api.test`, which needs
none) and, in Socket Mode, `apps.connections.open` with the app-level token (it only
hands out a connection address, which is left unused). A
refused token or an unreachable Slack becomes the core's `TokenRefused` or
`PlatformUnreachable`, which `coprod run` prints as one line before anything is written.
"""

from __future__ import annotations

import asyncio

import yarl
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.network import is_network_error
from adapters.network import unreachable
from adapters.slack.errors import error_code
from adapters.slack.errors import status_of
from adapters.slack.errors import translate
from adapters.slack.runner import api_base_url
from bot.config import Config
from bot.errors import PlatformUnreachable
from bot.errors import RateLimited
from bot.errors import TokenRefused
from bot.errors import Transient

CHECK_SECONDS = 60


async def check_platform(config: Config) -> None:
    """Ask Slack who the bot is (and, in Socket Mode, for a connection address). One app
    for many workspaces has no token of its own: Slack is only asked whether it answers
    (`api.test`); each workspace's token is checked by Slack at its install."""
    base = api_base_url(config.slack.api_base)
    host = yarl.URL(base).host or base
    secrets = config.secrets
    if secrets.slack_client_id:
        await _call(AsyncWebClient(base_url=base, timeout=CHECK_SECONDS), "api.test",
                    "SLACK_CLIENT_ID", host)
        return
    await _call(AsyncWebClient(token=secrets.slack_bot_token, base_url=base,
                               timeout=CHECK_SECONDS), "auth.test", "SLACK_BOT_TOKEN", host)
    if config.slack.mode == "socket":
        await _call(AsyncWebClient(token=secrets.slack_app_token, base_url=base,
                                   timeout=CHECK_SECONDS), "apps.connections.open",
                    "SLACK_APP_TOKEN", host)


async def _call(client: AsyncWebClient, method: str, setting: str, host: str) -> None:
    try:
        async with asyncio.timeout(CHECK_SECONDS + 5):
            await client.api_call(method)
    except SlackApiError as exc:
        code = error_code(exc) or str(status_of(exc))
        if isinstance(translate(exc), Transient | RateLimited):
            raise PlatformUnreachable("slack", host, "server", code) from None
        raise TokenRefused("slack", setting, code) from None
    except Exception as exc:
        if not is_network_error(exc):
            raise
        raise unreachable("slack", host, exc) from None
