"""The routing rule whatever way the leads are declared (config ids, the platform role,
/case register) and whatever way the member names the person a concern is about (what
a user picker gives, a mention, display name, username, nickname); a lead who is the
reporter; a lead whose DMs are closed; no lead reachable (the reporter and the
facilitators told); the platform unable to say who holds the role. Through the
in-memory adapter's `People` port, on both databases."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.errors import Forbidden
from bot.events import Actor
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.package import PACKAGE
from bot.features.concerns.reach import config_summary
from bot.features.concerns.reach import reachable_leads
from bot.features.concerns.routing import named_in
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.settings import apply_settings
from storage.interface import Storage
from tests.concerns.helpers import DEPUTY
from tests.concerns.helpers import LEAD_ROLE
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import config
from tests.concerns.helpers import dm_users
from tests.concerns.helpers import everything_sent_to
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import settle_fully
from tests.scheduled import at

SECRET = "She shouted at a new member after the session"
DECLARATIONS = ("config", "role", "registered")
NAMINGS = {
    "picker": "U-ann",                # what a user picker gives: the member id
    "mention": "<@U-ann>",            # Discord mention
    "mention-nick": "<@!U-ann> again",  # Discord's older nickname mention
    "slack-mention": "<@U-ann|a.weston>",  # Slack mention with its label
    "display name": "it is about ann",
    "username": "@a.weston",
    "nickname": "Birdie from the Tuesday group",
}


async def _bot(storage: Storage, clock: FakeClock, declared: str,
               cfg: Config | None = None) -> MemoryBot:
    """Leads: Dev by role; Ann declared as asked. Nobody has acted (except Ann's own
    /case register when that is how she is declared). Fiona is the deputy, Carol a
    facilitator."""
    cfg = cfg or config()
    if declared == "config":
        cfg = cfg.with_sections(
            cfg.section(ConcernsConfig).model_copy(update={"leads": ("U-ann",)}))
    app = App(cfg, storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    bot.adapter.member("dev", LEAD_ROLE)
    bot.adapter.member("fiona")
    bot.adapter.member("carol", "Facilitator")
    bot.adapter.member("ann", *((LEAD_ROLE,) if declared != "config" else ()))
    bot.adapter.names("ann", username="a.weston", nickname="Birdie",
                      real_name="Ann Weston")
    if declared == "registered":
        await bot.run("ann", "/case register")
        # Her role is then taken away on the platform: she is a lead by registration.
        bot.adapter.members["ann"] = Actor("U-ann", "Ann")
    return bot


@pytest.fixture
async def closing() -> AsyncIterator[list[MemoryBot]]:
    bots: list[MemoryBot] = []
    yield bots
    for bot in bots:
        await bot.close()


@pytest.mark.parametrize("declared", DECLARATIONS)
async def test_every_lead_gets_it_without_anyone_acting_first(
        storage: Storage, clock: FakeClock, declared: str,
        closing: list[MemoryBot]) -> None:
    bot = await _bot(storage, clock, declared)
    closing.append(bot)
    reply = await raise_concern(bot, what=SECRET)
    await settle_fully(bot)
    assert dm_users(bot) == {"U-dev", "U-ann"}
    assert SECRET in bot.adapter.sent_to_dm("ann")[0].text
    assert SECRET in bot.adapter.sent_to_channel(LEADS_CHANNEL)[0].text
    assert "a lead will pick it up" in reply_text(reply)


@pytest.mark.parametrize("naming", sorted(NAMINGS))
@pytest.mark.parametrize("declared", DECLARATIONS)
async def test_a_lead_named_any_way_is_excluded_however_declared(
        storage: Storage, clock: FakeClock, declared: str, naming: str,
        closing: list[MemoryBot]) -> None:
    bot = await _bot(storage, clock, declared)
    closing.append(bot)
    await raise_concern(bot, what=SECRET, about=NAMINGS[naming])
    await settle_fully(bot)
    assert everything_sent_to(bot, "U-ann") == ""
    assert SECRET in bot.adapter.sent_to_dm("dev")[0].text
    assert SECRET in bot.adapter.sent_to_dm("fiona")[0].text
    assert [m.text for m in bot.adapter.sent_to_channel(LEADS_CHANNEL)] == []


@pytest.mark.backends
async def test_the_issue_scenario_config_leads_named_by_username(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot]) -> None:
    """Issue 17: [concerns] leads lists A and B, nobody registered, the concern names A
    as @lead_ann: A gets nothing, the channel nothing either."""
    cfg = config(leads=("U-ann", "U-dev"))
    app = App(cfg, storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    closing.append(bot)
    for name in ("ann", "dev", "fiona"):
        bot.adapter.member(name)
    bot.adapter.names("ann", username="lead_ann")
    await raise_concern(bot, what=SECRET, about="@lead_ann")
    await settle_fully(bot)
    assert everything_sent_to(bot, "U-ann") == ""
    assert SECRET in everything_sent_to(bot, "U-dev")
    assert [m.text for m in bot.adapter.sent_to_channel(LEADS_CHANNEL)] == []


async def test_a_lead_who_reports_still_gets_it_unless_they_are_its_subject(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot]) -> None:
    bot = await _bot(storage, clock, "role")
    closing.append(bot)
    await raise_concern(bot, who="ann", what=SECRET, about="Bob")
    await settle_fully(bot)
    assert dm_users(bot) >= {"U-ann", "U-dev"}
    assert SECRET in bot.adapter.sent_to_dm("ann")[0].text
    before = len(bot.adapter.sent)
    await raise_concern(bot, who="ann", what="It is about me, I lost my temper",
                        about="me, Ann")
    await settle_fully(bot)
    later = bot.adapter.sent[before:]
    assert not [s for s in later if s.destination.user == "U-ann"]
    assert [s.message.text for s in later
            if s.destination.kind is DestinationKind.CHANNEL] == []


@pytest.mark.backends
async def test_a_lead_whose_dms_are_closed_is_rerouted_never_to_the_channel(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot]) -> None:
    bot = await _bot(storage, clock, "role")
    closing.append(bot)
    bot.adapter.member("erin", LEAD_ROLE)

    def closed(destination: Destination) -> Forbidden | None:
        shut = destination.kind is DestinationKind.DM and destination.user == "U-dev"
        return Forbidden("discord 50007") if shut else None

    bot.adapter.fail_when = closed
    # Ann is named, so the channel carries nothing; Dev's DM is refused.
    await raise_concern(bot, what=SECRET, about="Ann")
    await settle_fully(bot)
    assert everything_sent_to(bot, "U-ann") == ""
    assert [m.text for m in bot.adapter.sent_to_channel(LEADS_CHANNEL)] == []
    assert SECRET in everything_sent_to(bot, "U-erin")
    assert SECRET in everything_sent_to(bot, DEPUTY)
    # Dev is now known to have closed his DMs: he no longer counts as reachable.
    reach = await reachable_leads(bot.app.host_for(PACKAGE), bot.group_id)
    assert sorted(reach.reachable) == ["U-ann", "U-erin"] and reach.dms_closed == 1
    # Once a DM to him gets through again, he counts again.
    bot.adapter.fail_when = None
    await raise_concern(bot, what="another one")
    await settle_fully(bot)
    reach = await reachable_leads(bot.app.host_for(PACKAGE), bot.group_id)
    assert sorted(reach.reachable) == ["U-ann", "U-dev", "U-erin"]


@pytest.mark.parametrize(("deputies", "channel", "kind"), [
    ((DEPUTY,), "safeguarding-leads", "deputies"),
    ((), "safeguarding-leads", "channel"),
    ((), "", "nobody"),
])
async def test_with_no_reachable_lead_the_reporter_is_told_the_truth(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot],
        deputies: tuple[str, ...], channel: str, kind: str) -> None:
    cfg = replace(config(fallback_contacts=deputies),
                  group=apply_settings(Config().group, {"leads_channel": channel}))
    app = App(cfg, storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    closing.append(bot)
    bot.adapter.member("carol", "Facilitator")
    bot.adapter.member("fiona")
    reply = reply_text(await raise_concern(bot, what=SECRET))
    text = wording.concern_confirmed("X", 30, False, True, kind, True,
                                     cfg.section(ConcernsConfig).emergency_text)
    assert text.split("What happens next:")[1].split("\n")[0] in reply
    assert "a lead will pick it up" not in reply
    if kind == "nobody":
        assert cfg.section(ConcernsConfig).emergency_text in reply
        assert "facilitators have been told" in reply
    # The facilitators are told privately, once however many concerns come.
    await raise_concern(bot, what="and another")
    await settle_fully(bot)
    told = bot.adapter.sent_to_dm("carol")
    assert [m.text for m in told] == [wording.CONCERN_NO_LEAD_FOR_FACILITATORS]
    assert SECRET not in everything_sent_to(bot, "U-carol")


@pytest.mark.parametrize("deputies", [(DEPUTY,), ()])
async def test_a_concern_naming_every_lead_tells_the_truth_and_no_facilitator(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot],
        deputies: tuple[str, ...]) -> None:
    """Both leads hold the role and can get DMs, but the concern names both: the
    facilitators get no "make sure someone holds the lead role" note (it would be
    false, and would send them to the subjects), the channel gets nothing, neither lead
    gets anything, and the reporter is told who (if anyone) has it."""
    cfg = config(fallback_contacts=deputies)
    bot = await _bot(storage, clock, "role", cfg)
    closing.append(bot)
    assert bot.app.settings.for_group(bot.group_id).channel("leads_channel") == LEADS_CHANNEL
    assert (await reachable_leads(bot.app.host_for(PACKAGE), bot.group_id)).count == 2
    reply = reply_text(await raise_concern(bot, what=SECRET, about="dev and ann"))
    await settle_fully(bot)
    assert everything_sent_to(bot, "U-dev") == "" and everything_sent_to(bot, "U-ann") == ""
    assert everything_sent_to(bot, "U-carol") == ""
    assert bot.adapter.sent_to_channel(LEADS_CHANNEL) == []
    assert [s for s in bot.adapter.sent if s.destination.kind is DestinationKind.CHANNEL] == []
    assert "every safeguarding lead is someone you named" in reply
    assert "by direct message and in the leads' private channel" not in reply
    assert "facilitators" not in reply and "cannot reach any" not in reply
    if deputies:
        assert dm_users(bot) == {DEPUTY}
        assert "it has gone to the deputies the group named" in reply
    else:
        assert dm_users(bot) == set()
        assert "no one can receive your concern through the bot yet" in reply
        assert cfg.section(ConcernsConfig).emergency_text in reply
    # Its escalation, once due, still reaches no lead and no channel.
    start = bot.app.features["concerns"].start
    assert start is not None
    await start()
    later = clock.now() + timedelta(minutes=cfg.section(ConcernsConfig).acknowledge_minutes + 1)
    assert await at(bot, clock, later) >= 1
    assert everything_sent_to(bot, "U-dev") == "" and everything_sent_to(bot, "U-ann") == ""
    assert [s for s in bot.adapter.sent if s.destination.kind is DestinationKind.CHANNEL] == []


async def test_when_the_platform_cannot_say_storage_and_config_are_used_and_logged(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot],
        caplog: pytest.LogCaptureFixture) -> None:
    bot = await _bot(storage, clock, "registered")
    closing.append(bot)
    bot.adapter.people_problem = "the platform is down"
    with caplog.at_level(logging.WARNING):
        await raise_concern(bot, what=SECRET)
    await settle_fully(bot)
    # Ann registered: she still gets it; Dev (role only) cannot be found right now.
    assert dm_users(bot) == {"U-ann"}
    assert "concern.leads_from_storage_only" in caplog.text
    assert SECRET not in caplog.text
    reach = await reachable_leads(bot.app.host_for(PACKAGE), bot.group_id)
    assert reach.count == 1 and reach.problem == "the platform is down"


async def test_a_config_lead_the_platform_says_is_not_in_the_group_gets_nothing(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot]) -> None:
    cfg = config(leads=("U-ann", "U-other-group"))
    app = App(cfg, storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    closing.append(bot)
    bot.adapter.member("ann")
    await raise_concern(bot, what=SECRET)
    await settle_fully(bot)
    assert dm_users(bot) == {"U-ann"}


async def test_start_up_lines_name_the_count_and_warn_when_it_is_zero(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot]) -> None:
    bot = await _bot(storage, clock, "role")
    closing.append(bot)
    lines = await bot.app.connected([bot.group_id, "empty-group"])
    assert lines[0] == wording.leads_reachable_line(
        [(bot.group_id, 2), ("empty-group", 0)], 0)
    assert lines[1] == wording.leads_none_reachable("empty-group", "", 0)
    assert len(lines) == 2


def test_check_config_says_what_is_declared_and_when_the_count_comes() -> None:
    cfg = config(leads=("1", "2"))
    line = config_summary(cfg)
    assert "2 member ids in [concerns] leads" in line and "Safeguarding lead" in line
    assert "start-up" in line
    bare = replace(config(leads=()), group=replace(cfg.group, lead_roles=()))
    assert config_summary(bare).startswith("Warning: no safeguarding leads")


def test_naming_normalises_mentions_case_accents_and_fancy_letters() -> None:
    people = {"U1": ("Zoë", "zo_lead", "Zo"), "U2": ("𝐃𝐞𝐯",), "U3": ("Erin Smith",)}
    assert named_in("it's zoe", people) == {"U1"}
    assert named_in("@ZO_LEAD", people) == {"U1"}
    assert named_in("dev did it", people) == {"U2"}
    assert named_in("<@U3|erin> and <@!U2>", people) == {"U2", "U3"}
    assert named_in("smith", people) == {"U3"}
    assert named_in("zoology devices", people) == set()


async def test_a_lead_whose_role_was_taken_away_stops_getting_concerns(
        storage: Storage, clock: FakeClock, closing: list[MemoryBot]) -> None:
    """Found in review: a lead seen acting with the role was kept a lead for good, so
    someone whose lead role was taken away (perhaps because of a concern about them)
    still got every new concern. When the platform answers, it decides."""
    bot = await _bot(storage, clock, "role")
    closing.append(bot)
    await bot.run("ann", "/case list")
    stored = {(lead.user_id, lead.source) for lead in await storage.known_leads("group-1")}
    assert ("U-ann", "role") in stored
    bot.adapter.members["ann"] = Actor("U-ann", "Ann")
    bot.app.people.forget()
    await raise_concern(bot, what=SECRET)
    await settle_fully(bot)
    assert everything_sent_to(bot, "U-ann") == ""
    assert SECRET in bot.adapter.sent_to_dm("dev")[0].text
