"""Who the leads are, through the real discord.py against the fake Discord: leads found
by their role from the server's member list (nobody acting first), from config ids and
from /case register; the lead a concern is about named by id (what a picker gives),
mention, display (global) name, username or server nickname gets nothing, and the
leads' channel nothing at all; a lead who is the reporter; a lead whose DMs are
closed; the Server Members Intent missing (said at start, in one line)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest

from bot import catalog
from bot.config import Config
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.registry import PACKAGES
from storage.interface import Storage
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import inputs
from tests.fakes.discord import FakeDiscord

LEAD = "Safeguarding lead"
LEADS = "#safeguarding-leads"
WORDS = "She shouted at a new member after the session"
ANN = "a.weston"  # Ann's username; her global name is Ann, her server nickname Birdie


@dataclass
class LeadsHarness(Harness):
    """The harness with a `[concerns]` section of the test's choosing."""

    concerns: ConcernsConfig = field(default_factory=ConcernsConfig)

    @property
    def config(self) -> Config:
        return super().config.with_sections(self.concerns)


def world(*, ann_role: bool = True, dev_role: bool = True) -> FakeDiscord:
    server = FakeDiscord()
    server.channel("safeguarding-leads")
    for name in ("alice", "bob", "fiona"):
        server.member(name)
    server.member("carol", "Facilitator")
    server.member("dev", *((LEAD,) if dev_role else ()))
    server.member(ANN, *((LEAD,) if ann_role else ()), nick="Birdie", global_name="Ann")
    return server


async def start(started: list[Harness], fake: FakeDiscord, storage: Storage,
                **concerns: Any) -> LeadsHarness:
    """Start the fake and the bot with these `[concerns]` (Fiona a fallback contact)."""
    settings: dict[str, Any] = {"fallback_contacts": (fake.by_name["fiona"],), **concerns}
    harness = LeadsHarness(fake, storage, features=list(PACKAGES),
                           concerns=ConcernsConfig(**settings), start_fake=True)
    started.append(harness)
    await harness.start()
    assert harness.bot is not None
    await fake.wait_for(harness.bot.checked.is_set, what="the start-up checks")
    return harness


async def raise_concern(fake: FakeDiscord, who: str, about: str, what: str = WORDS,
                        ) -> str:
    """`who` raises a concern through /concern and its modal; the private answer."""
    opened = await fake.wait_response(await fake.slash(who, "concern"))
    assert opened["type"] == 9
    values = {"what": what, "about": about, "danger": "no", "contact": "yes",
              "anonymous": "no"}
    sent = await fake.submit(who, opened["data"],
                             {k: values[k] for k in (i["custom_id"] for i in inputs(opened["data"]))
                              if k in values})
    answer = await fake.wait_response(sent)
    return str(answer["data"]["content"])


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for m in messages]


NAMINGS = {
    "picker": lambda uid: uid,
    "mention": lambda uid: f"<@{uid}>",
    "nickname mention": lambda uid: f"it's <@!{uid}>",
    "display name": lambda uid: "Ann",
    "username": lambda uid: f"@{ANN}",
    "server nickname": lambda uid: "Birdie did it",
}


@pytest.mark.parametrize("naming", sorted(NAMINGS))
async def test_role_leads_get_it_without_acting_and_the_named_one_gets_nothing(
        storage: Storage, started: list[Harness], naming: str) -> None:
    fake = world()
    harness = await start(started, fake, storage)
    assert harness.bot is not None
    assert harness.bot.startup_lines == [
        wording.leads_reachable_line([(fake.guild_id, 2)], 0)]
    assert any(r.method == "GET" and r.path == f"/guilds/{fake.guild_id}/members"
               for r in fake.requests)
    ann = fake.by_name[ANN]
    await raise_concern(fake, "alice", NAMINGS[naming](ann))
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("dev"))
    assert WORDS in fake.dms_to("dev")[0]["content"]
    assert fake.dm_channel_of(ann) is None and fake.dms_to(ANN) == []
    assert texts(fake.public_posts(LEADS)) == []
    assert WORDS in fake.dms_to("fiona")[0]["content"]


async def test_no_naming_reaches_every_role_lead_and_the_channel(
        storage: Storage, started: list[Harness]) -> None:
    fake = world()
    harness = await start(started, fake, storage)
    answer = await raise_concern(fake, "alice", "")
    assert "a lead will pick it up" in answer
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("dev") and fake.dms_to(ANN)
                        and fake.public_posts(LEADS))
    assert WORDS in fake.dms_to(ANN)[0]["content"]
    assert WORDS in fake.public_posts(LEADS)[0]["content"]


@pytest.mark.parametrize("about", ["@a.weston", "<@{ann}>", "Birdie"])
async def test_config_leads_named_by_username_mention_or_nickname_get_nothing(
        storage: Storage, started: list[Harness], about: str) -> None:
    """Issue 17, first defect: [concerns] leads lists Ann and Dev, nobody registered
    and nobody holds the role; the concern names Ann."""
    fake = world(ann_role=False, dev_role=False)
    harness = await start(started, fake, storage,
                          leads=(fake.by_name[ANN], fake.by_name["dev"]))
    await raise_concern(fake, "alice", about.format(ann=fake.by_name[ANN]))
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("dev"))
    assert fake.dms_to(ANN) == []
    assert texts(fake.public_posts(LEADS)) == []


async def test_a_registered_lead_without_the_role_is_still_excluded_by_nickname(
        storage: Storage, started: list[Harness]) -> None:
    fake = world()
    harness = await start(started, fake, storage)
    sent = await fake.slash(ANN, "case", [{"name": "register", "type": 1, "options": []}])
    await fake.wait_response(sent)
    fake.members[fake.by_name[ANN]]["roles"] = []  # the role is taken away
    await raise_concern(fake, "alice", "Birdie")
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("dev"))
    assert [m for m in fake.dms_to(ANN) if WORDS in m["content"]] == []
    assert texts(fake.public_posts(LEADS)) == []


async def test_a_lead_who_reports_gets_it_too(
        storage: Storage, started: list[Harness]) -> None:
    fake = world()
    harness = await start(started, fake, storage)
    await raise_concern(fake, ANN, "Bob")
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to(ANN) and fake.dms_to("dev"))
    assert WORDS in fake.dms_to(ANN)[0]["content"]


async def test_a_lead_whose_dms_are_closed_is_rerouted_and_never_to_the_channel(
        storage: Storage, started: list[Harness]) -> None:
    fake = world()
    harness = await start(started, fake, storage)
    fake.dms_closed.add(fake.by_name["dev"])
    await raise_concern(fake, "alice", "Birdie")  # Ann is excluded
    await harness.settle()
    await fake.wait_for(lambda: len(fake.dms_to("fiona")) >= 2)
    assert fake.dms_to("dev") == [] and fake.dms_to(ANN) == []
    assert texts(fake.public_posts(LEADS)) == []
    assert all(WORDS in m["content"] for m in fake.dms_to("fiona"))


async def test_without_the_members_intent_start_up_says_so_and_the_reporter_is_told(
        storage: Storage, started: list[Harness]) -> None:
    fake = world()
    fake.members_intent = False
    harness = await start(started, fake, storage, fallback_contacts=())
    assert harness.bot is not None
    lines = harness.bot.startup_lines
    assert lines[0] == wording.leads_reachable_line([(fake.guild_id, 0)], 0)
    assert catalog.DISCORD_MEMBERS_INTENT_NEEDED in lines[1]
    answer = await raise_concern(fake, "alice", "")
    assert "right now" in answer and "a lead will pick it up" not in answer
    await harness.settle()
    await fake.wait_for(lambda: fake.public_posts(LEADS))
    assert WORDS in fake.public_posts(LEADS)[0]["content"]
    assert fake.dms_to("dev") == [] and fake.dms_to(ANN) == []
