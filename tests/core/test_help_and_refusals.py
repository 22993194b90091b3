"""Issue 18.5 on the memory adapter: every /help line says what it is for and every
"type /help X to see how" shows how; refusals fit the person refused; a safeguarding
lead can see and change the settings that are theirs in /setup, and only those."""

from __future__ import annotations

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.commands import refusal
from bot.commands import who_may_run
from bot.features.setup import wording as setup_wording
from bot.roles import Role

LEAD = "Safeguarding lead"


async def test_every_family_of_commands_says_what_it_is_for(bot: MemoryBot) -> None:
    registry = bot.app.registry
    for first in registry.top_level_names():
        family = registry.under(first)
        if any(s.name == first for s in family):
            continue
        families = {n: w for f in bot.app.features.values() for n, w in f.families.items()}
        assert families.get(first), f"/{first} has no description for /help"
    bot.adapter.member("sam", "Facilitator", LEAD, admin=True)
    overview = reply_text(await bot.run("sam", "/help"))
    assert "Also: add, show." not in overview and ": Also:" not in overview
    for first in registry.top_level_names():
        assert f"/{first}: " in overview, first


async def test_help_for_a_family_shows_every_command_it_promised(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    overview = reply_text(await bot.run("carol", "/help"))
    for first in ("checkin", "agreement", "welcome", "agenda", "buddy", "meeting"):
        assert f"Type /help {first} to see how." in overview
        detail = reply_text(await bot.run("carol", f"/help {first}"))
        roles = frozenset({Role.MEMBER, Role.FACILITATOR})
        for spec in bot.app.registry.under(first):
            if spec.name == first or not (spec.roles & roles):
                continue
            assert f"/{spec.name}: {spec.description}" in detail, spec.name
            assert f"e.g. {spec.example}" in detail, spec.name


async def test_refusals_name_who_can(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    facilitator = reply_text(await bot.run(
        "carol", "/checkin assign member=U-bob facilitator=U-carol"))
    assert facilitator == ("Sorry, only admins can use /checkin assign. Type /help to see "
                           "what you can do.")
    assert "people who run the group" not in facilitator
    member = reply_text(await bot.run("alice", "/prompt list"))
    assert member == catalog.not_allowed("prompt list", ["facilitator"])
    lead_cmd = bot.app.registry.get("case register")
    assert lead_cmd is not None
    assert reply_text(await bot.run("carol", "/case register")) == refusal(lead_cmd)
    assert who_may_run(lead_cmd) == ("lead",)
    assert catalog.not_allowed("x", []) == (
        "Sorry, you can't use /x here. Type /help to see what you can do.")


async def test_a_lead_sees_setup_and_changes_only_their_settings(bot: MemoryBot) -> None:
    bot.adapter.member("dev", LEAD)
    shown = reply_text(await bot.run("dev", "/setup"))
    assert "- timezone: Europe/London" in shown and setup_wording.SETUP_LEADS_PART in shown
    before = bot.app.settings.for_group(bot.group_id)
    for line, keys in (("/setup timezone=UTC", ["timezone"]),
                       ("/setup leads_channel=#safe disable=polls", ["features"]),
                       ("/setup updates_channel=#news lead_roles=Leads", ["updates_channel"]),
                       ("/setup reset=timezone", ["timezone"])):
        refused = reply_text(await bot.run("dev", line))
        assert refused == setup_wording.setup_lead_cannot_change(keys), line
        assert bot.app.settings.for_group(bot.group_id) == before
    assert bot.adapter.sent == []
    saved = reply_text(await bot.run("dev", "/setup leads_channel=#safe"))
    assert saved.startswith("Saved: leads_channel.")
    assert bot.app.settings.for_group(bot.group_id).channel("leads_channel") == "safe"
    # The leads are told in their channels, as whenever these settings change.
    assert bot.adapter.sent_to_channel("safe")
    locked = reply_text(await bot.run("dev", '/setup lead_roles="Somebody else"'))
    assert setup_wording.SETUP_WOULD_LOCK_LEAD_OUT in locked
    assert bot.app.settings.for_group(bot.group_id).lead_roles == (LEAD,)
    off = reply_text(await bot.run("dev", "/setup disable=concerns"))
    assert off.startswith("Saved: features.")
    assert "concerns" not in bot.app.settings.for_group(bot.group_id).features


async def test_facilitators_still_cannot_change_the_leads_settings(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    refused = reply_text(await bot.run("carol", "/setup lead_roles=Facilitator"))
    assert setup_wording.setup_safeguarding_only(["lead_roles"]) in refused
    assert bot.app.settings.for_group(bot.group_id).lead_roles == (LEAD,)
    assert setup_wording.SETUP_LEADS_PART not in reply_text(await bot.run("carol", "/setup"))
