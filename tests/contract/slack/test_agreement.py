"""The welcome on join and the agreement flow through the real Slack adapter (slack-bolt
over Socket Mode against the fake Slack): `team_join` brings a welcome DM (or, when the
DM is refused, a private note in the facilitators' channel), and an amendment is
proposed, voted on with buttons, decided, announced and shown in the history."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack import SlackRunner
from adapters.slack.manifest import BOT_EVENTS
from bot import catalog
from bot.clock import FakeClock
from bot.features.agreement import Agreement
from scheduler import Firing
from storage.interface import Storage
from tests.contract.slack.conftest import (
    ALICE,
    BOB,
    CAROL,
    FACILITATORS,
    GENERAL,
    LEADS,
    SAM,
    UPDATES,
    Gate,
    make_app,
    settle,
    slack_config,
)
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack

DANA, FRANK = "U0DANA001", "U0FRANK01"
FACILITATORS_CHANNEL = "G0FACIL001"


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        for user, name in ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol")):
            fake.add_user(user, name)
        fake.add_user(SAM, "Sam", admin=True)
        fake.usergroups.append({"id": FACILITATORS, "handle": "facilitators",
                                "name": "Facilitators", "users": [CAROL]})
        fake.channels.update({"general": GENERAL, "updates": UPDATES,
                              "safeguarding-leads": LEADS,
                              "facilitators": FACILITATORS_CHANNEL})
        yield fake


@pytest.fixture
async def runner(slack: FakeSlack, storage: Storage, clock: FakeClock,
                 gate: Gate) -> AsyncIterator[SlackRunner]:
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


def _team_join(user: str, name: str) -> dict[str, Any]:
    return payloads.event_callback({
        "type": "team_join", "event_ts": f"{time.time():.6f}",
        "user": {"id": user, "name": name.lower(), "real_name": name, "is_bot": False,
                 "profile": {"display_name": name, "real_name": name}}})


def _posted(slack: FakeSlack, channel: str | None = None) -> list[dict[str, Any]]:
    out = []
    for call in slack.calls_to("chat.postMessage"):
        if channel is None or call.args.get("channel") == channel:
            args = dict(call.args)
            if isinstance(args.get("blocks"), str):
                args["blocks"] = json.loads(args["blocks"])
            out.append(args)
    return out


def _elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions"
            for e in b["elements"]]


def test_team_join_is_subscribed() -> None:
    assert "team_join" in BOT_EVENTS


async def test_welcome_dm_on_team_join_and_note_when_refused(
        slack: FakeSlack, runner: SlackRunner) -> None:
    slack.add_user(DANA, "Dana")
    await slack.send_and_ack("events_api", _team_join(DANA, "Dana"))
    await slack.wait_for(lambda: _posted(slack))
    await settle(runner)
    (welcome,) = _posted(slack)
    assert welcome["channel"].startswith("D")  # a direct message, not a channel
    assert "Welcome, Dana!" in welcome["text"]
    slack.add_user(FRANK, "Frank")
    slack.fail_next("conversations.open", error="cannot_dm_bot")
    await slack.send_and_ack("events_api", _team_join(FRANK, "Frank"))
    await slack.wait_for(lambda: _posted(slack, FACILITATORS_CHANNEL))
    await settle(runner)
    (note,) = _posted(slack, FACILITATORS_CHANNEL)
    assert note["text"] == catalog.welcome_undelivered("Frank")
    assert not _posted(slack, GENERAL) and not _posted(slack, UPDATES)


async def test_agreement_amendment_vote_and_history_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    started = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/agreement", 'start points="We listen\\nWe start on time"', user=CAROL))
    assert started["text"] == f"Saved as version 1, and announced in <#{UPDATES}>."
    proposed = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/agreement", 'propose change=change point=2 text="We start and end on time" '
                             'reason="Buses"', user=CAROL))
    assert f"posted in <#{UPDATES}> for the group" in proposed["text"]
    await settle(runner)
    post = _posted(slack, UPDATES)[-1]
    assert "A proposed change to our agreement" in json.dumps(post)
    yes, no = _elements(post)
    for user, element in ((ALICE, yes), (BOB, yes), (SAM, no)):
        pressed = payloads.block_actions(slack, payloads.button(element["action_id"],
                                                                element["value"]),
                                         user=user, channel=UPDATES)
        await slack.send_and_ack("interactive", pressed)
        await slack.wait_for(lambda p=pressed: slack.responded(p["response_url"]))
        (answer,) = slack.responded(pressed["response_url"])
        assert answer["text"].startswith("Your vote is counted")
        assert answer["response_type"] == "ephemeral"
    app = runner.core
    feature = app._actions["agreement.vote"].__self__  # type: ignore[attr-defined]
    assert isinstance(feature, Agreement)
    (amendment,) = await app.storage.open_amendments()
    assert await feature.decide(amendment.amendment_id, Firing(
        f"amendment-close:{amendment.amendment_id}", amendment.closes_at)) is not None
    await settle(runner)
    result = json.dumps(_posted(slack, UPDATES)[-1], ensure_ascii=False)
    assert "(2 yes, 1 no)" in result and "Version 2 is now in force" in result
    history = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/agreement", "history", user=ALICE))
    text = history["text"]
    assert "Version 1" in text and "Version 2" in text and "Buses" in text
