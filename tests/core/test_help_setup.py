"""/help and /setup through the in-memory adapter and a real SQLite file."""

from __future__ import annotations

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.features.concerns import wording
from storage.interface import Storage


async def test_help_lists_only_what_the_caller_may_run(bot: MemoryBot) -> None:
    member = reply_text(await bot.run("alice", "/help"))
    assert "/help:" in member and "e.g." in member
    assert "/setup" not in member
    bot.adapter.member("carol", "Facilitator")
    assert "/setup:" in reply_text(await bot.run("carol", "/help"))
    bot.adapter.member("sam", admin=True)
    assert "/setup:" in reply_text(await bot.run("sam", "/help"))
    assert bot.adapter.sent == []  # help is a private reply, never a post


async def test_help_on_one_command_and_unknown_ones(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    detail = reply_text(await bot.run("carol", "/help setup"))
    assert "Example:" in detail and "Options:" in detail and "- timezone:" in detail
    assert "only facilitators, safeguarding leads and admins can use /setup" in reply_text(
        await bot.run("alice", "/help setup"))
    assert "Did you mean /help?" in reply_text(await bot.run("alice", "/hlep"))


async def test_setup_shows_settings_and_what_is_missing(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    # Nobody holds the lead role yet: /setup says so, and does not say all is set.
    text = reply_text(await bot.run("carol", "/setup"))
    assert "timezone: Europe/London" in text
    assert "Everything the switched-on features need is set." not in text
    assert wording.setup_leads_reachable(0, "", 0) in text
    bot.adapter.member("dev", "Safeguarding lead")
    text = reply_text(await bot.run("carol", "/setup"))
    assert wording.setup_leads_reachable(1, "", 0) in text
    assert "Everything the switched-on features need is set." in text


async def test_members_cannot_change_settings(bot: MemoryBot) -> None:
    refusal = reply_text(await bot.run("alice", "/setup timezone=UTC"))
    assert refusal == catalog.not_allowed("setup", ["facilitator", "lead", "admin"])
    assert bot.app.settings.for_group(bot.group_id).timezone == "Europe/London"


async def test_setup_saves_and_survives_a_restart(
        bot: MemoryBot, storage: Storage, clock: FakeClock) -> None:
    bot.adapter.member("carol", "Facilitator")
    saved = reply_text(await bot.run("carol", "/setup timezone=Europe/Paris "
                                              "updates_channel=#news"))
    assert "Saved: timezone, updates_channel" in saved
    assert bot.app.settings.for_group(bot.group_id).updates_channel == "news"
    fresh = App(Config(), storage, clock=clock)
    await fresh.load()
    settings = fresh.settings.for_group(bot.group_id)
    assert (settings.timezone, settings.updates_channel) == ("Europe/Paris", "news")
    assert fresh.settings.for_group("another-group").timezone == "Europe/London"
    assert "(set in chat)" in reply_text(await bot.run("carol", "/setup"))
    await bot.run("carol", "/setup reset=timezone")
    assert bot.app.settings.for_group(bot.group_id).timezone == "Europe/London"


async def test_bad_settings_are_refused_and_nothing_changes(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    tz = reply_text(await bot.run("carol", "/setup timezone=Mars/Olympus updates_channel=x"))
    assert "“Mars/Olympus” is not a time zone I know" in tz and "Nothing was changed" in tz
    assert "no feature called “gardening”" in reply_text(
        await bot.run("carol", "/setup enable=gardening"))
    assert "no setting called “timezon”" in reply_text(
        await bot.run("carol", "/setup reset=timezon"))
    settings = bot.app.settings.for_group(bot.group_id)
    assert (settings.timezone, settings.updates_channel) == ("Europe/London", "updates")
    assert bot.app.settings.stored_keys(bot.group_id) == []


async def test_a_feature_cannot_be_left_without_its_channel(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator", "Safeguarding lead")
    await bot.run("carol", "/setup disable=concerns")
    assert "concerns" not in bot.app.settings.for_group(bot.group_id).features
    await bot.run("carol", '/setup leads_channel=""')
    refused = reply_text(await bot.run("carol", "/setup enable=concerns"))
    assert "needs a channel" in refused and "leads_channel" in refused
    assert "concerns" not in bot.app.settings.for_group(bot.group_id).features
    ok = reply_text(await bot.run("carol", "/setup enable=concerns leads_channel=#leads"))
    assert "Saved" in ok


async def test_admin_without_roles_can_set_up_a_new_group(bot: MemoryBot) -> None:
    bot.adapter.member("sam", admin=True)
    reply = await bot.run("sam", "/setup facilitator_roles=Coordinators,Staff")
    assert "Saved" in reply_text(reply)
    bot.adapter.member("dana", "staff")
    assert "/setup:" in reply_text(await bot.run("dana", "/help"))


async def test_direct_message_that_is_not_a_command(bot: MemoryBot) -> None:
    reply = await bot.dm("alice", "hello there")
    assert "/help" in reply_text(reply)
    assert bot.adapter.sent == []


async def test_the_leads_channel_cannot_be_a_shared_channel(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    for line in ("/setup leads_channel=#updates", "/setup leads_channel=feedback",
                 "/setup updates_channel=#safeguarding-leads"):
        refused = reply_text(await bot.run("carol", line))
        assert "must be private to them" in refused and "Nothing was changed" in refused
    settings = bot.app.settings.for_group(bot.group_id)
    assert (settings.channel("leads_channel"), settings.updates_channel) == (
        "safeguarding-leads", "updates")


async def test_setup_cannot_lock_the_group_out(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    assert "no longer be a facilitator" in reply_text(
        await bot.run("carol", "/setup facilitator_roles=Facilitatr"))
    assert "at least one role" in reply_text(await bot.run("carol", '/setup facilitator_roles=""'))
    assert "needs at least one role" in reply_text(await bot.run("carol", '/setup lead_roles=""'))
    assert "Saved" in reply_text(
        await bot.run("carol", '/setup facilitator_roles="Facilitator,Staff"'))
    bot.adapter.member("sam", admin=True)  # an administrator may hand the role over
    assert "Saved" in reply_text(await bot.run("sam", "/setup facilitator_roles=Staff"))


async def test_help_follows_a_feature_switched_off_and_on(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    assert "/poll" in reply_text(await bot.run("alice", "/help"))
    await bot.run("carol", "/setup disable=polls")
    assert "/poll" not in reply_text(await bot.run("alice", "/help"))
    await bot.run("carol", "/setup enable=polls")
    assert "/poll" in reply_text(await bot.run("alice", "/help"))
    # The same overview, from the same settings, whoever asks.
    assert reply_text(await bot.run("bob", "/help")) == reply_text(
        await bot.run("alice", "/help"))
