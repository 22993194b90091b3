"""One role roster for facilitators and safeguarding leads (`bot.people.role_roster`):
whichever way the role is declared (the default platform role, a role named in the
config, or one set with /setup), someone whose role is taken away on the platform leaves
both the one-to-one rota and the leads at once; the hourly sweep moves the members and
open requests of a facilitator who stepped down to a current facilitator, who is told
privately. Through the in-memory adapter's `People` port, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.config import Config
from bot.events import Actor
from bot.features.checkins import wording as checkins_wording
from bot.features.checkins.config import CheckinsConfig
from storage.interface import Storage
from tests.checkins.conftest import MakeBot
from tests.checkins.helpers import sweep
from tests.concerns.helpers import dm_users
from tests.concerns.helpers import raise_concern

pytestmark = pytest.mark.backends

SOURCES = ("platform role", "config", "/setup")
SECRET = "Someone was unkind after the session"


def _roles(source: str, kind: str) -> str:
    """The platform role that makes someone a facilitator or lead, by where it is set."""
    default = {"facilitator": "Facilitator", "lead": "Safeguarding lead"}[kind]
    return default if source == "platform role" else {"facilitator": "Host",
                                                       "lead": "DSL"}[kind]


async def _bot(make_bot: MakeBot, source: str, config: Config | None = None) -> MemoryBot:
    """Carol and Fran facilitators, Dev and Erin leads, each by the role `source` sets;
    each has acted once, so the bot remembers them as holding it."""
    config = config or Config()
    host, lead = _roles(source, "facilitator"), _roles(source, "lead")
    if source == "config":
        config = replace(config, group=replace(config.group, facilitator_roles=(host,),
                                               lead_roles=(lead,)))
    bot = await make_bot(config)
    bot.adapter.member("sam", admin=True)
    if source == "/setup":
        saved = await bot.run("sam", f'/setup facilitator_roles={host} lead_roles={lead}')
        assert reply_text(saved).startswith("Saved"), reply_text(saved)
    for name in ("carol", "fran"):
        bot.adapter.member(name, host)
    for name in ("dev", "erin"):
        bot.adapter.member(name, lead)
    for name in ("carol", "fran"):
        await bot.run(name, "/help")
    for name in ("dev", "erin"):
        await bot.run(name, "/case list")
    return bot


def _take_role_away(bot: MemoryBot, name: str) -> None:
    bot.adapter.members[name] = Actor(f"U-{name}", name.title())


def _listed(reply_words: str, name: str) -> bool:
    return name in reply_words.partition("can go to: ")[2].partition(". If")[0]


@pytest.mark.parametrize("source", SOURCES)
async def test_a_facilitator_whose_role_is_taken_away_leaves_the_rota_and_their_requests_move(
        make_bot: MakeBot, clock: FakeClock, storage: Storage, source: str) -> None:
    bot = await _bot(make_bot, source)
    await bot.run("sam", "/checkin assign member=U-alice facilitator=U-carol")
    await bot.press("alice", "checkin.ask", "dm", channel=None)
    (request,) = await storage.open_one_to_ones(bot.group_id)
    assert request.facilitator_id == "U-carol"
    listed = reply_text(await bot.run("sam", "/checkin facilitators"))
    assert _listed(listed, "Carol") and _listed(listed, "Fran")

    _take_role_away(bot, "carol")
    # At once: no new request goes to her, however many are made.
    for name in ("bob", "gina", "hal"):
        await bot.press(name, "checkin.ask", "dm", channel=None)
    await bot.settle()
    others = [r for r in await storage.open_one_to_ones(bot.group_id)
              if r.user_id != "U-alice"]
    assert {r.facilitator_id for r in others} == {"U-fran"}
    assert not any("Bob" in m.text for m in bot.adapter.sent_to_dm("carol"))

    # The hourly sweep moves Alice and her open request to Fran, who is told privately.
    assert await sweep(bot, clock, timedelta(hours=1)) >= 2
    moved = await storage.one_to_one(request.request_id)
    assert moved is not None and moved.facilitator_id == "U-fran"
    assert "Alice would like a one-to-one" in bot.adapter.sent_to_dm("fran")[-1].text
    assert bot.adapter.sent_to_dm("alice")[-1].text == (
        checkins_wording.checkin_your_facilitator(""))
    prefs = await storage.checkin_prefs(bot.group_id, "U-alice")
    assert prefs is not None and prefs.facilitator_id == ""
    reply = await bot.press("carol", "checkin.reply", request.request_id, channel=None)
    assert reply_text(reply) == ("Sorry, that one-to-one request is with another facilitator, or "
                                 "no longer open.")
    listed = reply_text(await bot.run("sam", "/checkin facilitators"))
    assert not _listed(listed, "Carol") and _listed(listed, "Fran")
    # Nothing is left to move: a second sweep does nothing more for her.
    before = len(bot.adapter.sent)
    await sweep(bot, clock, timedelta(hours=1))
    assert [s for s in bot.adapter.sent[before:] if s.destination.user == "U-carol"] == []


@pytest.mark.parametrize("source", SOURCES)
async def test_a_lead_whose_role_is_taken_away_leaves_the_leads_as_a_facilitator_leaves_the_rota(
        make_bot: MakeBot, clock: FakeClock, source: str) -> None:
    bot = await _bot(make_bot, source)
    _take_role_away(bot, "dev")
    _take_role_away(bot, "carol")
    await raise_concern(bot, what=SECRET)
    await bot.settle()
    assert "U-dev" not in dm_users(bot) and "U-erin" in dm_users(bot)
    await bot.press("alice", "checkin.ask", "dm", channel=None)
    await bot.settle()
    assert not any("Alice would like" in m.text for m in bot.adapter.sent_to_dm("carol"))
    assert any("Alice would like" in m.text for m in bot.adapter.sent_to_dm("fran"))


async def test_a_facilitator_named_in_config_stays_without_the_role(
        make_bot: MakeBot, clock: FakeClock, storage: Storage) -> None:
    """Named in `[checkins] facilitators`, as a lead named in `[concerns] leads` is: the
    platform role does not decide for them."""
    config = Config().with_sections(CheckinsConfig(facilitators=("U-carol",)))
    bot = await _bot(make_bot, "platform role", config)
    _take_role_away(bot, "carol")
    _take_role_away(bot, "fran")
    await sweep(bot, clock, timedelta(hours=1))
    await bot.press("alice", "checkin.ask", "dm", channel=None)
    (request,) = await storage.open_one_to_ones(bot.group_id)
    assert request.facilitator_id == "U-carol"


async def test_when_the_platform_cannot_say_the_remembered_facilitator_stays(
        make_bot: MakeBot, clock: FakeClock, storage: Storage) -> None:
    """As for leads: storage is used as it is, and nobody is moved on a guess."""
    bot = await _bot(make_bot, "platform role")
    await bot.run("sam", "/checkin assign member=U-alice facilitator=U-carol")
    bot.adapter.people_problem = "the platform is down"
    assert await sweep(bot, clock, timedelta(hours=1)) == 0
    await bot.press("alice", "checkin.ask", "dm", channel=None)
    (request,) = await storage.open_one_to_ones(bot.group_id)
    assert request.facilitator_id == "U-carol"
