"""One Slack app for many workspaces, for the contract and browser tests: the adapter in
HTTP mode with Slack's OAuth flow pointed at the fake Slack, and an install done the way
a browser does it (the install page, Slack's authorize page, back to ours)."""

from __future__ import annotations

import html
import json
import re
import socket
from dataclasses import replace
from typing import Any

import aiohttp

from adapters.slack import SlackRunner
from bot.clock import FakeClock
from bot.config import Config
from bot.config import Secrets
from bot.config import SlackConfig
from storage.interface import Storage
from tests.contract.slack.conftest import Gate
from tests.contract.slack.conftest import make_app
from tests.contract.slack.conftest import slack_config
from tests.fakes.slack.server import CLIENT_ID
from tests.fakes.slack.server import CLIENT_SECRET
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack

SECRET = "test-signing-secret"
TEAM_A, TEAM_B = TEAM_ID, "T0TEAMB02"
STATE_COOKIE = "slack-app-oauth-state"


def free_port() -> int:
    """A port nothing listens on now (the redirect URL must name it before we listen)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oauth_config(slack: FakeSlack, port: int, host: str = "127.0.0.1",
                 allowed: tuple[str, ...] = ()) -> Config:
    """The config of one app for many workspaces, against the fake Slack (offered to
    the `allowed` workspaces only, if any are given)."""
    base = slack_config(slack, mode="http")
    return replace(
        base,
        slack=SlackConfig(mode="http", http_host="127.0.0.1", http_port=port,
                          api_base=slack.api_base, authorize_url=slack.authorize_url,
                          redirect_url=f"http://{host}:{port}/slack/oauth_redirect",
                          allowed_workspaces=allowed),
        secrets=Secrets(slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET,
                        slack_signing_secret=SECRET, encryption_key="unused-here"))


async def start_oauth_runner(slack: FakeSlack, storage: Storage, clock: FakeClock,
                             host: str = "127.0.0.1", allowed: tuple[str, ...] = (),
                             ) -> SlackRunner:
    """The adapter serving many workspaces, listening and delivering."""
    config = oauth_config(slack, free_port(), host, allowed)
    app = await make_app(storage, clock, config, Gate())
    runner = SlackRunner(app, config, ack_budget=1.0)
    await runner.start()
    return runner


def base_url(runner: SlackRunner) -> str:
    """Where the adapter listens."""
    return f"http://127.0.0.1:{runner.http_port}"


def in_team(payload: dict[str, Any], team: str) -> dict[str, Any]:
    """A payload from the fake's first team, as it would come from another team."""
    return json.loads(json.dumps(payload).replace(TEAM_ID, team))  # type: ignore[no-any-return]


def _link(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found, page
    return html.unescape(found.group(1))


async def install(runner: SlackRunner | str, slack: FakeSlack, team: str, *,
                  allow: bool = True, back_to: SlackRunner | None = None,
                  reload: bool = False) -> tuple[int, str]:
    """Someone signed in to `team` opens the install page (of an adapter, or at a base
    URL), follows "Add to Slack", allows (or cancels) on Slack's page and lands back on
    ours (on `back_to`, another process behind the same address, if given), and, with
    `reload`, opens that page again with the cookies it set: the last status and page."""
    slack.signed_in_team = team
    where = runner if isinstance(runner, str) else base_url(runner)
    async with aiohttp.ClientSession() as http:
        async with http.get(where + "/slack/install") as answer:
            assert answer.status == 200
            page = await answer.text()
            cookie = answer.headers["Set-Cookie"].split(";")[0]
            assert answer.headers["Cache-Control"] == "no-store"
        assert cookie.startswith(STATE_COOKIE + "=")
        async with http.get(_link(page, r'href="([^"]+)">Add to Slack<')) as answer:
            slack_page = await answer.text()
        choice = _link(slack_page, r'id="allow" href="([^"]+)"' if allow
                       else r'id="cancel" href="([^"]+)"')
        async with http.get(slack.url + choice, allow_redirects=False) as answer:
            assert answer.status == 302
            back = answer.headers["Location"]
        if back_to is not None:
            back = back.replace(where, base_url(back_to))
        async with http.get(back, headers={"Cookie": cookie}) as answer:
            if not reload:
                return answer.status, await answer.text()
            receipts = [c.split(";")[0] for c in answer.headers.getall("Set-Cookie", [])]
        async with http.get(back, headers={"Cookie": "; ".join([cookie, *receipts])}
                            ) as answer:
            return answer.status, await answer.text()
