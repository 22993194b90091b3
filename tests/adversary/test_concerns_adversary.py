"""Who raised a concern, against someone who holds the database, its history and the key.

Six members raise concerns through the real bot, every way there is: the /concern form
and a direct message to the bot, without their name and not to be contacted, without
their name but asking to hear back, and with their name; one of them holds the lead role
without having registered as a lead. A lead acknowledges each case, and the bot tells
those who asked. At every step (a direct message waiting as a draft, each concern
raised, each acknowledgement with its message to the reporter still waiting, and after
it is delivered) the adversary copies everything and opens every field with the key
(see tests/adversary/observe.py), on SQLite (every commit of the WAL replayed, loose
tokens in free pages and stale frames) and on PostgreSQL (dead row versions too).

What docs/threat-model.md says they learn, and no more:
- of a member who left their name off and did not ask to hear back: nothing, at any
  moment, not even while their direct message waits as a draft; if they are a lead,
  only what every lead's id shows (the concerns sent to them, theirs among them, alike);
- of a member who left their name off but asked to hear back: their id, encrypted, in
  their case (so the bot can tell them), and in the message telling them while it
  waits; never readable without the key; once told, the message forgets them;
- of a named reporter: the same id, encrypted, and their name, which leads see.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.events import ButtonPress
from bot.messages import Reply
from storage.interface import Storage
from tests.adversary.observe import Place
from tests.adversary.observe import Sight
from tests.adversary.observe import Watcher
from tests.adversary.observe import rows_of

LEAD_ROLE = "Safeguarding lead"
FORM = "concern.raise"
UNLINKED = ("quillfeld", "rookwood")  # no name, not to be contacted
LEAD_REPORTER = "vetchling"  # a lead by role, who raises one without a name too
TOLD = ("sablewing", "tansyfair")  # no name, asked to hear back
NAMED = "umbertide"


def ref_of(reply: Reply) -> str:
    """The case reference in the reporter's confirmation."""
    text = reply_text(reply)
    start = text.index("case **") + len("case **")
    return text[start:text.index("**", start)]


async def by_form(bot: MemoryBot, who: str, what: str, contact: str, anonymous: str,
                  ) -> str:
    """`who` opens /concern and sends it; the case reference."""
    opened = await bot.run(who, "/concern")
    assert opened.form is not None
    reply = await bot.submit(who, FORM, {"what": what, "about": "", "danger": "no",
                                         "contact": contact, "anonymous": anonymous})
    return ref_of(reply)


async def by_dm(bot: MemoryBot, watcher: Watcher, who: str, what: str, contact: str) -> str:
    """`who` writes to the bot, the adversary looks while the draft waits, then `who`
    presses "Tell the safeguarding leads about this" and sends the form without their name."""
    offer = await bot.dm(who, what)
    yes = offer.messages[0].buttons[0]
    await watcher.look(f"{who}'s direct message waiting as a draft")
    opened = await bot.press(who, yes.action, yes.value, channel=None)
    assert opened.form is not None
    reply = await bot.submit(who, FORM, {"what": what, "about": "", "danger": "no",
                                         "contact": contact, "anonymous": "yes"},
                             state=opened.form.state, channel=None)
    return ref_of(reply)


def as_any_lead(place: Place, member: str) -> bool:
    """A place a lead's id has for every concern sent to leads: a delivery addressed to
    them (its key, destination, or a fallback naming them), or the roster of leads."""
    if place.where in ("bytes", "concern_leads"):
        return True
    if place.where == "deliveries" and place.row is not None:
        return str(place.row.get("idem_key", "")).endswith(f":{member}") or \
            place.column == "fallbacks"
    if place.where == "token":
        return place.row is None or place.row.get("user") == member \
            or "reporter" not in place.row
    return False


def kinds_sent(state: dict[str, list[dict[str, Any]]], member: str, ref: str) -> set[str]:
    """The kinds of delivery about case `ref` addressed to `member` (key without the ref)."""
    return {str(row["idem_key"]).replace(ref, "REF") for row in rows_of(state, "deliveries")
            if ref in str(row["idem_key"]) and str(row["idem_key"]).endswith(f":{member}")}


def allowed(place: Place, member: str, ref: str) -> bool:
    """A place the threat model allows for the id of a reporter who may hear back: inside
    an encrypted field, and only their own case or the message telling them about it."""
    if not place.decrypted or place.row is None:
        return False
    row = place.row
    if place.where == "concern_cases":
        return row.get("id") == ref and place.column == "body" \
            and row["body"].get("reporter") == member
    if place.where == "deliveries":
        return row.get("idem_key") == f"concern:{ref}:reporter-told" \
            and place.column == "sealed_to" and row["sealed_to"].get("user") == member
    if place.where == "token":  # the same two, found loose in the file's bytes
        return row.get("reporter") == member or (
            row.get("user") == member and row.get("kind") == "dm")
    return False


@pytest.mark.backends
async def test_adversary_concern_reporters_wal_replay_xmin(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str) -> None:
    bot = abot
    bot.adapter.member("devlin", LEAD_ROLE)
    await bot.run("devlin", "/case register")
    bot.adapter.member("vetchling", LEAD_ROLE)  # a lead, but not one the bot knows yet
    watcher = Watcher(storage, key)
    refs: dict[str, str] = {}

    async def step(who: str, ref: str) -> None:
        refs[who] = ref
        await watcher.look(f"{who}'s concern raised")
        clock.advance(timedelta(minutes=3))

    await step("quillfeld", await by_form(bot, "quillfeld", "He keeps following me home.",
                                          contact="no", anonymous="yes"))
    await step("rookwood", await by_dm(bot, watcher, "rookwood", "Someone took my money.",
                                       contact="no"))
    await step(LEAD_REPORTER, await by_form(bot, LEAD_REPORTER, "A lead was unkind to a child.",
                                            contact="no", anonymous="yes"))
    await step("sablewing", await by_form(bot, "sablewing", "I was threatened at the door.",
                                          contact="yes", anonymous="yes"))
    await step("tansyfair", await by_dm(bot, watcher, "tansyfair",
                                        "My friend is being hurt.", contact="yes"))
    await step("umbertide", await by_form(bot, "umbertide", "A volunteer shouted at us.",
                                          contact="yes", anonymous="no"))

    lead = bot.adapter.member("devlin")
    for who, ref in refs.items():
        # Acknowledged; the message to a reporter who asked is stored, not yet sent.
        taken = await bot.app.handle(ButtonPress(bot.group_id, lead, "concern.ack", ref,
                                                 channel=None))
        assert "You have taken case" in reply_text(taken)
        await watcher.look(f"{who}'s case acknowledged, the reporter not yet told")
        await bot.settle()
        await watcher.look(f"{who}'s case acknowledged and the reporter told")
        clock.advance(timedelta(minutes=2))

    problems: list[str] = []
    for sight in watcher.sights:
        for who in UNLINKED:
            for needle in (f"U-{who}", who.title()):
                problems += [f"{sight.label}: {needle} at {p.where}.{p.column} "
                             f"(state {p.state})" for p in sight.places(needle)]
        lead = f"U-{LEAD_REPORTER}"
        problems += [f"{sight.label}: {lead} at {p.where}.{p.column} (state {p.state})"
                     for p in sight.places(lead) if not as_any_lead(p, lead)]
        problems += [f"{sight.label}: {LEAD_REPORTER.title()} at {p.where}.{p.column}"
                     for p in sight.places(LEAD_REPORTER.title())
                     if p.where not in ("concern_leads", "token")]
        for state in sight.states:
            made = [r["created_at"] for r in rows_of(state, "concern_cases")
                    if r["id"] == refs.get(LEAD_REPORTER)]
            problems += [f"{sight.label}: the lead roster notes {LEAD_REPORTER} at the "
                         "moment her case was raised"
                         for r in rows_of(state, "concern_leads")
                         if r["user_id"] == lead and made and r["seen_at"] == made[0]]
        for who in (*TOLD, NAMED):
            member = f"U-{who}"
            problems += [f"{sight.label}: {member} at {p.where}.{p.column} (state "
                         f"{p.state}, {'encrypted' if p.decrypted else 'readable'})"
                         for p in sight.places(member) if not allowed(p, member, refs[who])]
    for who in (*TOLD, NAMED):  # once told, the message keeps nothing of them
        sight = next(s for s in watcher.sights
                     if s.label == f"{who}'s case acknowledged and the reporter told")
        kept = [p.where for p in sight.places(f"U-{who}") if p.where != "token"]
        if kept != ["concern_cases"] * len(sight.states):
            problems.append(f"{sight.label}: U-{who} still at {kept}")
        for row in rows_of(sight.last, "deliveries"):
            if row["idem_key"] == f"concern:{refs[who]}:reporter-told" and (
                    row.get("sealed_to") is not None or row["platform_ref"] is not None
                    or row["status"] != "delivered"):
                problems.append(f"{sight.label}: the delivered message to {who} keeps "
                                "its recipient or reference")
    # The lead who raised one is sent her own case exactly as she is sent another.
    final = watcher.sights[-1].last
    lead = f"U-{LEAD_REPORTER}"
    if kinds_sent(final, lead, refs[LEAD_REPORTER]) != kinds_sent(final, lead,
                                                                 refs["quillfeld"]):
        problems.append(f"{LEAD_REPORTER}'s own case reaches her unlike another: "
                        f"{kinds_sent(final, lead, refs[LEAD_REPORTER])} vs "
                        f"{kinds_sent(final, lead, refs['quillfeld'])}")
    assert problems == [], "\n".join(problems)
    assert_nothing_waits_as_a_draft(watcher.sights[-1])

    # What those who asked were told agrees with what leads can do (issue 18.3).
    for who in TOLD:
        (told,) = bot.adapter.sent_to_dm(who)
        assert "not told who you are" in told.text and "may contact you" not in told.text
    (told,) = bot.adapter.sent_to_dm(NAMED)
    assert "They may contact you" in told.text
    for who in UNLINKED:
        assert bot.adapter.sent_to_dm(who) == []
    assert not [m for m in bot.adapter.sent_to_dm(LEAD_REPORTER)
                if "picked up your concern" in m.text]


def assert_nothing_waits_as_a_draft(sight: Sight) -> None:
    """The drafts are gone once used."""
    assert rows_of(sight.last, "concern_drafts") == []
