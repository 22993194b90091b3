"""The real coprod app (default features plus a small test-only feature) and the Slack
adapter, connected over Socket Mode to the fake Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.config import Secrets
from bot.config import SlackConfig
from bot.features.registry import PACKAGES
from bot.settings import GroupSettings
from bot.settings import apply_settings
from storage.interface import Storage
from tests.demo_feature import Gate
from tests.demo_feature import demo_feature
from tests.fakes.slack import payloads
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack

ALICE, BOB, CAROL, SAM = "U0ALICE01", "U0BOB0001", "U0CAROL01", "U0SAM0001"
GENERAL, UPDATES, LEADS = "C0GENERAL1", "C0UPDATES1", "G0LEADS001"
FACILITATORS = "S0FAC0001"


def slack_config(slack: FakeSlack, mode: str = "socket") -> Config:
    """A config pointing the adapter at the fake."""
    group = apply_settings(GroupSettings(group_id="", updates_channel="updates",
                                         facilitator_roles=("facilitators",),
                                         lead_roles=("leads",)),
                           {"leads_channel": "safeguarding-leads"})
    return replace(Config(), group=group,
                   slack=SlackConfig(mode=mode, http_host="127.0.0.1", http_port=3000,
                                     api_base=slack.api_base),
                   secrets=Secrets(slack_bot_token="xoxb-fake",
                                   slack_app_token="xapp-test-token",
                                   slack_signing_secret="test-signing-secret",
                                   encryption_key="unused-here"))


@pytest.fixture
def gate() -> Gate:
    """Holds the demo feature's slow command."""
    return Gate()


@dataclass(frozen=True)
class Workspace:
    """Who and what the fake Slack holds when a test starts; a test module that needs
    other members, user groups or channels overrides the `workspace` fixture."""

    users: tuple[tuple[str, str], ...] = ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol"))
    admins: tuple[tuple[str, str], ...] = ((SAM, "Sam"),)
    usergroups: tuple[dict[str, Any], ...] = (
        {"id": FACILITATORS, "handle": "facilitators", "name": "Facilitators",
         "users": [CAROL]},)
    channels: Mapping[str, str] = field(default_factory=lambda: {
        "general": GENERAL, "updates": UPDATES, "safeguarding-leads": LEADS})

    def plus(self, *, users: tuple[tuple[str, str], ...] = (),
             usergroups: tuple[dict[str, Any], ...] = (),
             channels: Mapping[str, str] | None = None) -> Workspace:
        """This workspace with more members, user groups or channels."""
        return replace(self, users=(*self.users, *users),
                       usergroups=(*self.usergroups, *usergroups),
                       channels={**self.channels, **(channels or {})})

    def fill(self, fake: FakeSlack) -> None:
        """Add these members, user groups and channels to the fake (copies, so a test
        may change what the fake holds)."""
        for user, name in self.users:
            fake.add_user(user, name)
        for user, name in self.admins:
            fake.add_user(user, name, admin=True)
        fake.usergroups.extend({**g, "users": list(g["users"])} for g in self.usergroups)
        fake.channels.update(self.channels)


@pytest.fixture
def workspace() -> Workspace:
    """Four members (Sam an admin), a user group of facilitators (Carol), channels."""
    return Workspace()


@pytest.fixture
async def slack(workspace: Workspace) -> AsyncIterator[FakeSlack]:
    """The fake Slack workspace, holding `workspace`."""
    async with FakeSlack() as fake:
        workspace.fill(fake)
        yield fake


async def make_app(storage: Storage, clock: FakeClock, config: Config, gate: Gate) -> App:
    """The real app with the default features and the test feature."""
    app = App(config, storage, clock=clock,
              features=[*PACKAGES, demo_feature(gate, flags_to=LEADS)])
    await app.load()
    return app


@pytest.fixture
async def runner(slack: FakeSlack, storage: Storage, clock: FakeClock,
                 gate: Gate) -> AsyncIterator[SlackRunner]:
    """The adapter in Socket Mode, connected to the fake."""
    config = slack_config(slack)
    app = await make_app(storage, clock, config, gate)
    adapter = SlackRunner(app, config, ack_budget=1.0)
    await adapter.start()
    await slack.connected()
    try:
        yield adapter
    finally:
        gate.release.set()
        await adapter.stop()


async def start_http_runner(slack: FakeSlack, storage: Storage,
                            clock: FakeClock) -> SlackRunner:
    """The adapter in HTTP mode on 127.0.0.1 (a free port), delivering."""
    config = slack_config(slack, mode="http")
    app = await make_app(storage, clock, config, Gate())
    adapter = SlackRunner(app, config, ack_budget=1.0)
    app.start_delivery(adapter.sender)
    await adapter.start_http("127.0.0.1", 0)
    return adapter


@asynccontextmanager
async def running(starting: Awaitable[SlackRunner]) -> AsyncIterator[SlackRunner]:
    """The adapter `starting` gives, stopped when the block ends however it ends."""
    runner = await starting
    try:
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
async def http_runner(slack: FakeSlack, storage: Storage,
                      clock: FakeClock) -> AsyncIterator[SlackRunner]:
    """The adapter in HTTP mode on 127.0.0.1 (a free port)."""
    async with running(start_http_runner(slack, storage, clock)) as adapter:
        yield adapter


def events_url(runner: SlackRunner) -> str:
    """Where an adapter in HTTP mode takes Slack's requests."""
    return f"http://127.0.0.1:{runner.http_port}/slack/events"


async def settle(runner: SlackRunner) -> None:
    """Let answers after acks finish, and send due deliveries."""
    await runner.bridge.settle(5.0)
    if runner.core.dispatcher is not None:
        await runner.core.dispatcher.drain(5.0)


def dm(user: str) -> str:
    """The fake's direct-message channel with a member."""
    return "D" + user[1:]


def posted(slack: FakeSlack, channel: str | None = None) -> list[dict[str, Any]]:
    """chat.postMessage calls (to one channel, or all), blocks decoded."""
    out = []
    for call in slack.calls_to("chat.postMessage"):
        if channel is None or call.args.get("channel") == channel:
            args = dict(call.args)
            if isinstance(args.get("blocks"), str):
                args["blocks"] = json.loads(args["blocks"])
            out.append(args)
    return out


def elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements (buttons, menus) of a posted message, in order."""
    return [e for b in message.get("blocks", []) if b["type"] == "actions"
            for e in b["elements"]]


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every mrkdwn/plain text in a block list, joined."""
    out: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            out.append(str(text.get("text", "")))
        for element in block.get("elements", []):
            if isinstance(element.get("text"), dict):
                out.append(str(element["text"].get("text", "")))
    return "\n".join(out)


async def modal(slack: FakeSlack, count: int | None = None) -> dict[str, Any]:
    """The view of the `count`th views.open call, waiting for it (or the latest one,
    once there is any)."""
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) >= (count or 1))
    view = slack.calls_to("views.open")[(count or 0) - 1].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def button_press(slack: FakeSlack, element: dict[str, Any], user: str,
                 channel: str) -> dict[str, Any]:
    """The block_actions payload of `user` pressing a posted button in `channel`."""
    return payloads.block_actions(slack, payloads.button(element["action_id"],
                                                         element["value"]),
                                  user=user, channel=channel)


async def press(slack: FakeSlack, element: dict[str, Any], user: str,
                channel: str) -> list[dict[str, Any]]:
    """`user` presses a button in `channel`; what the bot answered to its response_url."""
    payload = button_press(slack, element, user, channel)
    await slack.send_and_ack("interactive", payload)
    await slack.wait_for(lambda: slack.responded(payload["response_url"]))
    return slack.responded(payload["response_url"])


__all__ = ["ALICE", "BOB", "CAROL", "FACILITATORS", "GENERAL", "LEADS", "SAM", "TEAM_ID",
           "UPDATES", "Gate", "Workspace", "all_text", "button_press", "dm", "elements",
           "events_url", "make_app", "modal", "posted", "press", "settle", "slack_config",
           "start_http_runner"]
