"""The concerns main flow through the real Slack adapter (slack-bolt over Socket Mode
against the fake Slack): leads register, a member raises a concern naming one lead by
modal, the other lead gets it by DM and acknowledges with the button, the named lead
gets nothing, the leads' channel nothing; then a DM and a message shortcut
as the other ways in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot import catalog
from bot.clock import FakeClock
from bot.features.concerns.intake import SHORTCUT_ID
from storage.concerns import CaseStatus
from storage.interface import Storage
from tests.contract.slack.conftest import (
    ALICE,
    BOB,
    CAROL,
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
from tests.fakes.slack.server import TEAM_ID, FakeSlack

DEV, ERIN = "U0DEV0001", "U0ERIN001"
WORDS = "Dev keeps asking me to meet him alone"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        for user, name in ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol"), (DEV, "Dev"),
                           (ERIN, "Erin")):
            fake.add_user(user, name)
        fake.add_user(SAM, "Sam", admin=True)
        fake.usergroups.append({"id": "S0LEADS01", "handle": "leads", "name": "Leads",
                                "users": [DEV, ERIN]})
        fake.channels.update({"general": GENERAL, "updates": UPDATES,
                              "safeguarding-leads": LEADS})
        yield fake


@pytest.fixture
async def runner(slack: FakeSlack, storage: Storage,
                 clock: FakeClock) -> AsyncIterator[SlackRunner]:
    gate = Gate()
    app = await make_app(storage, clock, slack_config(slack), gate)
    adapter = SlackRunner(app, slack_config(slack), ack_budget=1.0)
    await adapter.start()
    await slack.connected()
    try:
        yield adapter
    finally:
        gate.release.set()
        await adapter.stop()


def _posted(slack: FakeSlack, channel: str) -> list[dict[str, Any]]:
    out = []
    for call in slack.calls_to("chat.postMessage"):
        if call.args.get("channel") == channel:
            args = dict(call.args)
            if isinstance(args.get("blocks"), str):
                args["blocks"] = json.loads(args["blocks"])
            out.append(args)
    return out


def _dm(user: str) -> str:
    return "D" + user[1:]


def _elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions"
            for e in b["elements"]]


async def _modal(slack: FakeSlack, count: int) -> dict[str, Any]:
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) >= count)
    view = slack.calls_to("views.open")[count - 1].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def _register(slack: FakeSlack, runner: SlackRunner, user: str) -> None:
    answer = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/case", "register", user=user))
    await settle(runner)
    assert "New concerns will be sent to you" in json.dumps(answer)


async def _submit(slack: FakeSlack, view: dict[str, Any], user: str, what: str,
                  about: str) -> dict[str, Any]:
    return await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"what": what, "about": about, "danger": "no", "contact": "yes",
               "anonymous": "no"}, user=user))


async def test_a_concern_naming_one_lead_reaches_only_the_other_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    for lead in (DEV, ERIN):
        await _register(slack, runner, lead)
    await slack.send_and_ack("slash_commands",
                             payloads.slash_command(slack, "/concern", "", user=ALICE))
    view = await _modal(slack, 1)
    done = await _submit(slack, view, ALICE, WORDS, "Dev")
    assert "saved as case" in json.dumps(done)
    await settle(runner)
    await slack.wait_for(lambda: _posted(slack, _dm(ERIN)))
    (to_erin,) = _posted(slack, _dm(ERIN))
    assert "Dev keeps asking me" in json.dumps(to_erin)
    assert _posted(slack, _dm(DEV)) == []
    leads = _posted(slack, LEADS)
    assert [p["text"] for p in leads] == []
    assert _posted(slack, GENERAL) == [] and _posted(slack, UPDATES) == []
    (button,) = _elements(to_erin)
    assert button["text"]["text"] == catalog.CONCERN_ACK_BUTTON
    press = payloads.block_actions(slack, payloads.button(button["action_id"],
                                                          button["value"]),
                                   user=ERIN, channel=_dm(ERIN))
    await slack.send_and_ack("interactive", press)
    await settle(runner)
    (case,) = await runner.core.storage.concern_summaries(TEAM_ID,
                                                          (CaseStatus.ACKNOWLEDGED,))
    await slack.wait_for(lambda: _posted(slack, _dm(ALICE)))
    told = _posted(slack, _dm(ALICE))
    assert told and catalog.concern_ack_for_reporter(case.case_id) in json.dumps(told)
    assert _posted(slack, _dm(DEV)) == []
    everything = json.dumps([c.args for c in slack.calls_to("chat.postMessage")
                             if c.args.get("channel") in (GENERAL, UPDATES, LEADS)])
    assert "Dev keeps asking" not in everything


async def test_a_direct_message_and_a_message_shortcut_raise_concerns_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    for lead in (DEV, ERIN):
        await _register(slack, runner, lead)
    await slack.send_and_ack("events_api", payloads.direct_message(BOB, "I feel unsafe"))
    await settle(runner)
    await slack.wait_for(lambda: _posted(slack, _dm(BOB)))
    (offer,) = _posted(slack, _dm(BOB))
    # A calm choice, telling the leads first; no emergency line for a first message.
    assert catalog.DM_CHOICE.split(" Type /help")[0] in offer["text"]
    emergency = runner.core.config.concerns.emergency_text
    assert emergency not in json.dumps(offer)
    assert [e["text"]["text"] for e in _elements(offer)] == [
        catalog.DM_CHOICE_TELL_LEADS, catalog.DM_CHOICE_ONE_TO_ONE,
        catalog.DM_CHOICE_FEEDBACK, catalog.DM_CHOICE_CHECKINS, catalog.DM_CHOICE_NOTHING]
    yes = _elements(offer)[0]
    await slack.send_and_ack("interactive", payloads.block_actions(
        slack, payloads.button(yes["action_id"], yes["value"]), user=BOB,
        channel=_dm(BOB)))
    view = await _modal(slack, 1)
    assert "I feel unsafe" in json.dumps(view)
    done = await _submit(slack, view, BOB, "I feel unsafe", "")
    # Telling the leads is where the emergency line is shown.
    assert "saved as case" in json.dumps(done) and emergency in json.dumps(done)
    await settle(runner)
    await slack.wait_for(lambda: any("I feel unsafe" in json.dumps(p)
                                     for p in _posted(slack, _dm(DEV))))
    await slack.wait_for(lambda: any("I feel unsafe" in json.dumps(p)
                                     for p in _posted(slack, LEADS)))
    # On a message: the author (a lead) is excluded.
    await slack.send_and_ack("interactive", payloads.message_action(
        slack, SHORTCUT_ID, user=ALICE, text="a nasty remark", author=ERIN))
    view = await _modal(slack, 2)
    await _submit(slack, view, ALICE, "Erin said this to a new member", "")
    await settle(runner)
    await slack.wait_for(lambda: any("nasty remark" in json.dumps(p)
                                     for p in _posted(slack, _dm(DEV))))
    assert all("nasty remark" not in json.dumps(p) for p in _posted(slack, _dm(ERIN)))
    # Its author may read the leads' channel: nothing about it there, not even a line.
    assert ["I feel unsafe" in json.dumps(p) for p in _posted(slack, LEADS)] == [True]
    assert _posted(slack, GENERAL) == []
