"""Who the leads are, through the real slack-bolt against the fake Slack: leads found
from the leads' user group (`usergroups.users.list` and `users.info`, nobody acting
first), from config ids and from /case register; the lead a concern is about named by
id (what a user picker gives), mention, display name, username or real name gets
nothing, and the leads' channel nothing at all; a lead who is the reporter; a
lead whose DMs are closed; user groups unreadable (said at start)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot import catalog
from bot.clock import FakeClock
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from storage.interface import Storage
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import LEADS
from tests.contract.slack.conftest import Gate
from tests.contract.slack.conftest import Workspace
from tests.contract.slack.conftest import dm
from tests.contract.slack.conftest import make_app
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import settle
from tests.contract.slack.conftest import slack_config
from tests.fakes.slack import payloads
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack

DEV, ANN, FIONA = "U0DEV0001", "U0ANN0001", "U0FIONA01"
WORDS = "She shouted at a new member after the session"


@pytest.fixture
def workspace() -> Workspace:
    """No admin; Dev and Ann in a user group of leads; Fiona a fallback contact."""
    leads = {"id": "S0LEADS01", "handle": "leads", "name": "Leads", "users": [DEV, ANN]}
    return Workspace(admins=()).plus(users=((DEV, "Dev"), (FIONA, "Fiona"), (ANN, "Ann")),
                                     usergroups=(leads,))


@pytest.fixture
def slack(slack: FakeSlack) -> FakeSlack:
    """Ann goes by a handle, a display name and a full name of her own."""
    ann = slack.users[ANN]
    ann.username, ann.display_name, ann.real_name = "a.weston", "Birdie", "Ann Weston"
    return slack


class Bot:
    """The adapter started for one test, with the `[concerns]` it asks for."""

    def __init__(self, fake: FakeSlack, storage: Storage, clock: FakeClock) -> None:
        self.fake, self.storage, self.clock = fake, storage, clock
        self.runner: SlackRunner | None = None
        self.gate = Gate()

    async def start(self, **concerns: Any) -> SlackRunner:
        settings: dict[str, Any] = {"fallback_contacts": (FIONA,), **concerns}
        config = slack_config(self.fake).with_sections(ConcernsConfig(**settings))
        app = await make_app(self.storage, self.clock, config, self.gate)
        self.runner = SlackRunner(app, config, ack_budget=1.0)
        await self.runner.start()
        await self.fake.connected()
        return self.runner


@pytest.fixture
async def bot(slack: FakeSlack, storage: Storage, clock: FakeClock) -> AsyncIterator[Bot]:
    holder = Bot(slack, storage, clock)
    try:
        yield holder
    finally:
        holder.gate.release.set()
        if holder.runner is not None:
            await holder.runner.stop()


def _posted(slack: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [p for p in posted(slack, channel) if not _refused(slack, p)]


def _refused(slack: FakeSlack, args: dict[str, Any]) -> bool:
    channel = str(args.get("channel", ""))
    return channel.startswith("D") and "U" + channel[1:] in slack.dms_closed


def _to(slack: FakeSlack, user: str) -> str:
    return json.dumps(_posted(slack, dm(user)))


async def raise_concern(slack: FakeSlack, runner: SlackRunner, who: str, about: str,
                        count: int = 1) -> str:
    await slack.send_and_ack("slash_commands",
                             payloads.slash_command(slack, "/concern", "", user=who))
    view = await modal(slack, count)
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
        slack: FakeSlack, bot: Bot, naming: str) -> None:
    runner = await bot.start()
    assert runner.startup_lines == [wording.leads_reachable_line([(TEAM_ID, 2)], 0)]
    assert [c.args.get("usergroup") for c in slack.calls_to("usergroups.users.list")
            ] == ["S0LEADS01"]
    await raise_concern(slack, runner, ALICE, NAMINGS[naming])
    await slack.wait_for(lambda: _posted(slack, dm(DEV)))
    assert WORDS in _to(slack, DEV) and WORDS in _to(slack, FIONA)
    assert _posted(slack, dm(ANN)) == []
    assert not [c for c in slack.calls_to("conversations.open")
                if c.args.get("users") == ANN]
    assert [p["text"] for p in _posted(slack, LEADS)] == []


async def test_no_naming_reaches_both_leads_and_the_channel(
        slack: FakeSlack, bot: Bot) -> None:
    runner = await bot.start()
    answer = await raise_concern(slack, runner, ALICE, "")
    assert "a lead will pick it up" in answer
    await slack.wait_for(lambda: _posted(slack, dm(DEV)) and _posted(slack, dm(ANN))
                         and _posted(slack, LEADS))
    assert WORDS in _to(slack, ANN) and WORDS in json.dumps(_posted(slack, LEADS))


@pytest.mark.parametrize("about", ["@a.weston", f"<@{ANN}>", "Birdie"])
async def test_config_leads_named_any_way_get_nothing(
        slack: FakeSlack, bot: Bot, about: str) -> None:
    """Issue 17, first defect, on Slack: [concerns] leads lists Ann and Dev (the user
    group is empty, nobody registered); the concern names Ann."""
    slack.usergroups[-1]["users"] = []  # nobody in the leads' user group
    runner = await bot.start(leads=(ANN, DEV))
    await raise_concern(slack, runner, ALICE, about)
    await slack.wait_for(lambda: _posted(slack, dm(DEV)))
    assert _posted(slack, dm(ANN)) == []
    assert [p["text"] for p in _posted(slack, LEADS)] == []


async def test_a_registered_lead_who_left_the_group_is_excluded_by_display_name(
        slack: FakeSlack, bot: Bot) -> None:
    runner = await bot.start()
    await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/case", "register", user=ANN))
    await settle(runner)
    slack.usergroups[-1]["users"] = [DEV]  # taken out of the user group
    runner.directory.forget()
    runner.core.people.forget()
    await raise_concern(slack, runner, ALICE, "Birdie")
    await slack.wait_for(lambda: _posted(slack, dm(DEV)))
    assert WORDS not in _to(slack, ANN)
    assert [p["text"] for p in _posted(slack, LEADS)] == []


async def test_a_lead_who_reports_gets_it_too(
        slack: FakeSlack, bot: Bot) -> None:
    runner = await bot.start()
    await raise_concern(slack, runner, ANN, "Bob")
    await slack.wait_for(lambda: _posted(slack, dm(ANN)) and _posted(slack, dm(DEV)))
    assert WORDS in _to(slack, ANN)


async def test_a_lead_whose_dms_are_closed_is_rerouted_never_to_the_channel(
        slack: FakeSlack, bot: Bot) -> None:
    slack.dms_closed.add(DEV)
    runner = await bot.start()
    await raise_concern(slack, runner, ALICE, "Birdie")  # Ann is excluded
    await slack.wait_for(lambda: len(_posted(slack, dm(FIONA))) >= 2)
    assert _posted(slack, dm(DEV)) == [] and _posted(slack, dm(ANN)) == []
    assert [p["text"] for p in _posted(slack, LEADS)] == []
    assert all(WORDS in json.dumps(p) for p in _posted(slack, dm(FIONA)))


async def test_unreadable_user_groups_are_said_at_start_and_the_reporter_told(
        slack: FakeSlack, bot: Bot) -> None:
    slack.usergroups_error = "missing_scope"
    runner = await bot.start(fallback_contacts=())
    assert runner.startup_lines[0] == wording.leads_reachable_line([(TEAM_ID, 0)], 0)
    assert catalog.SLACK_USERGROUPS_UNREADABLE in runner.startup_lines[1]
    answer = await raise_concern(slack, runner, ALICE, "")
    assert "right now" in answer and "a lead will pick it up" not in answer
    await slack.wait_for(lambda: _posted(slack, LEADS))
    assert _posted(slack, dm(DEV)) == [] and _posted(slack, dm(ANN)) == []
