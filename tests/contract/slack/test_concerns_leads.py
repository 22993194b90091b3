"""Who the leads are, through the real slack-bolt against the fake Slack: leads found
from the leads' user group (`usergroups.users.list` and `users.info`, nobody acting
first), from config ids and from /case register; the lead a concern is about named by
id (what a user picker gives), mention, display name, username or real name gets
nothing, and the leads' channel nothing at all; a lead who is the reporter; a
lead whose DMs are closed; user groups unreadable (said at start)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot import catalog
from bot.clock import FakeClock
from bot.concerns_config import ConcernsConfig
from storage.interface import Storage
from tests.contract.slack.conftest import (
    ALICE,
    BOB,
    CAROL,
    FACILITATORS,
    LEADS,
    Gate,
    make_app,
    settle,
    slack_config,
)
from tests.fakes.slack import payloads
from tests.fakes.slack.server import TEAM_ID, FakeSlack

DEV, ANN, FIONA = "U0DEV0001", "U0ANN0001", "U0FIONA01"
WORDS = "She shouted at a new member after the session"


def world(fake: FakeSlack, leads_group: list[str]) -> None:
    for user, name in ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol"), (DEV, "Dev"),
                       (FIONA, "Fiona")):
        fake.add_user(user, name)
    ann = fake.add_user(ANN, "Ann")
    ann.username, ann.display_name, ann.real_name = "a.weston", "Birdie", "Ann Weston"
    fake.usergroups.append({"id": FACILITATORS, "handle": "facilitators",
                            "name": "Facilitators", "users": [CAROL]})
    fake.usergroups.append({"id": "S0LEADS01", "handle": "leads", "name": "Leads",
                            "users": leads_group})
    fake.channels.update({"general": "C0GENERAL1", "updates": "C0UPDATES1",
                          "safeguarding-leads": LEADS})


class Bot:
    """The adapter started for one test, with the `[concerns]` it asks for."""

    def __init__(self) -> None:
        self.runner: SlackRunner | None = None
        self.gate = Gate()

    async def start(self, fake: FakeSlack, storage: Storage, clock: FakeClock,
                    **concerns: Any) -> SlackRunner:
        settings: dict[str, Any] = {"fallback_contacts": (FIONA,), **concerns}
        config = replace(slack_config(fake), concerns=ConcernsConfig(**settings))
        app = await make_app(storage, clock, config, self.gate)
        self.runner = SlackRunner(app, config, ack_budget=1.0)
        await self.runner.start()
        await fake.connected()
        return self.runner


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    holder = Bot()
    try:
        yield holder
    finally:
        holder.gate.release.set()
        if holder.runner is not None:
            await holder.runner.stop()


def _posted(slack: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [dict(c.args) for c in slack.calls_to("chat.postMessage")
            if c.args.get("channel") == channel and c.args.get("channel")
            and not _refused(slack, c.args)]


def _refused(slack: FakeSlack, args: dict[str, Any]) -> bool:
    channel = str(args.get("channel", ""))
    return channel.startswith("D") and "U" + channel[1:] in slack.dms_closed


def _dm(user: str) -> str:
    return "D" + user[1:]


def _to(slack: FakeSlack, user: str) -> str:
    return json.dumps(_posted(slack, _dm(user)))


async def raise_concern(slack: FakeSlack, runner: SlackRunner, who: str, about: str,
                        count: int = 1) -> str:
    await slack.send_and_ack("slash_commands",
                             payloads.slash_command(slack, "/concern", "", user=who))
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) >= count)
    raw = slack.calls_to("views.open")[count - 1].args["view"]
    view = raw if isinstance(raw, dict) else json.loads(raw)
    done = await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"what": WORDS, "about": about, "danger": "no", "contact": "yes",
               "anonymous": "no"}, user=who))
    await settle(runner)
    return json.dumps(done)


NAMINGS = {
    "picker": ANN,
    "mention": f"<@{ANN}>",
    "labelled mention": f"<@{ANN}|a.weston>",
    "display name": "Birdie",
    "username": "@a.weston",
    "real name": "ann weston",
}


@pytest.mark.parametrize("naming", sorted(NAMINGS))
async def test_user_group_leads_get_it_without_acting_and_the_named_one_gets_nothing(
        storage: Storage, clock: FakeClock, bot: Bot, naming: str) -> None:
    async with FakeSlack() as slack:
        world(slack, [DEV, ANN])
        runner = await bot.start(slack, storage, clock)
        assert runner.startup_lines == [catalog.leads_reachable_line([(TEAM_ID, 2)], 0)]
        assert [c.args.get("usergroup") for c in slack.calls_to("usergroups.users.list")
                ] == ["S0LEADS01"]
        await raise_concern(slack, runner, ALICE, NAMINGS[naming])
        await slack.wait_for(lambda: _posted(slack, _dm(DEV)))
        assert WORDS in _to(slack, DEV) and WORDS in _to(slack, FIONA)
        assert _posted(slack, _dm(ANN)) == []
        assert not [c for c in slack.calls_to("conversations.open")
                    if c.args.get("users") == ANN]
        assert [p["text"] for p in _posted(slack, LEADS)] == []


async def test_no_naming_reaches_both_leads_and_the_channel(
        storage: Storage, clock: FakeClock, bot: Bot) -> None:
    async with FakeSlack() as slack:
        world(slack, [DEV, ANN])
        runner = await bot.start(slack, storage, clock)
        answer = await raise_concern(slack, runner, ALICE, "")
        assert "a lead will pick it up" in answer
        await slack.wait_for(lambda: _posted(slack, _dm(DEV)) and _posted(slack, _dm(ANN))
                             and _posted(slack, LEADS))
        assert WORDS in _to(slack, ANN) and WORDS in json.dumps(_posted(slack, LEADS))


@pytest.mark.parametrize("about", ["@a.weston", f"<@{ANN}>", "Birdie"])
async def test_config_leads_named_any_way_get_nothing(
        storage: Storage, clock: FakeClock, bot: Bot, about: str) -> None:
    """Issue 17, first defect, on Slack: [concerns] leads lists Ann and Dev (the user
    group is empty, nobody registered); the concern names Ann."""
    async with FakeSlack() as slack:
        world(slack, [])
        runner = await bot.start(slack, storage, clock, leads=(ANN, DEV))
        await raise_concern(slack, runner, ALICE, about)
        await slack.wait_for(lambda: _posted(slack, _dm(DEV)))
        assert _posted(slack, _dm(ANN)) == []
        assert [p["text"] for p in _posted(slack, LEADS)] == []


async def test_a_registered_lead_who_left_the_group_is_excluded_by_display_name(
        storage: Storage, clock: FakeClock, bot: Bot) -> None:
    async with FakeSlack() as slack:
        world(slack, [DEV, ANN])
        runner = await bot.start(slack, storage, clock)
        await slack.send_and_ack("slash_commands", payloads.slash_command(
            slack, "/case", "register", user=ANN))
        await settle(runner)
        slack.usergroups[-1]["users"] = [DEV]  # taken out of the user group
        runner.directory.forget()
        runner.core.people.forget()
        await raise_concern(slack, runner, ALICE, "Birdie")
        await slack.wait_for(lambda: _posted(slack, _dm(DEV)))
        assert WORDS not in _to(slack, ANN)
        assert [p["text"] for p in _posted(slack, LEADS)] == []


async def test_a_lead_who_reports_gets_it_too(
        storage: Storage, clock: FakeClock, bot: Bot) -> None:
    async with FakeSlack() as slack:
        world(slack, [DEV, ANN])
        runner = await bot.start(slack, storage, clock)
        await raise_concern(slack, runner, ANN, "Bob")
        await slack.wait_for(lambda: _posted(slack, _dm(ANN)) and _posted(slack, _dm(DEV)))
        assert WORDS in _to(slack, ANN)


async def test_a_lead_whose_dms_are_closed_is_rerouted_never_to_the_channel(
        storage: Storage, clock: FakeClock, bot: Bot) -> None:
    async with FakeSlack() as slack:
        world(slack, [DEV, ANN])
        slack.dms_closed.add(DEV)
        runner = await bot.start(slack, storage, clock)
        await raise_concern(slack, runner, ALICE, "Birdie")  # Ann is excluded
        await slack.wait_for(lambda: len(_posted(slack, _dm(FIONA))) >= 2)
        assert _posted(slack, _dm(DEV)) == [] and _posted(slack, _dm(ANN)) == []
        assert [p["text"] for p in _posted(slack, LEADS)] == []
        assert all(WORDS in json.dumps(p) for p in _posted(slack, _dm(FIONA)))


async def test_unreadable_user_groups_are_said_at_start_and_the_reporter_told(
        storage: Storage, clock: FakeClock, bot: Bot) -> None:
    async with FakeSlack() as slack:
        world(slack, [DEV, ANN])
        slack.usergroups_error = "missing_scope"
        runner = await bot.start(slack, storage, clock, fallback_contacts=())
        assert runner.startup_lines[0] == catalog.leads_reachable_line([(TEAM_ID, 0)], 0)
        assert catalog.SLACK_USERGROUPS_UNREADABLE in runner.startup_lines[1]
        answer = await raise_concern(slack, runner, ALICE, "")
        assert "right now" in answer and "a lead will pick it up" not in answer
        await slack.wait_for(lambda: _posted(slack, LEADS))
        assert _posted(slack, _dm(DEV)) == [] and _posted(slack, _dm(ANN)) == []
