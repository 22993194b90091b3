"""Access campaign: nobody sees or does what they should not, whatever reaches the core.

Everything here goes through the memory adapter and a real SQLite file (the fixtures
in tests/conftest.py), and most events are crafted directly, as a platform with
misconfigured command permissions (or a member forging a button's value or a form's
state) would deliver them. The core must check again.

- every command, button and form in the registry, tried by a member without roles, a
  facilitator and a lead: every one that is not theirs is refused and changes nothing
  (the lists come from the registry, so new commands are covered);
- a member cannot see another member's check-ins, by any command, button or form;
- a non-lead cannot see, or learn the existence of, a case: the same refusal for a real
  and an invented reference, and nothing recorded;
- a lead who is the subject of a case cannot see it, even one the bot met afterwards;
- a facilitator cannot read the check-in answers of members not assigned to them, nor
  work them out by comparing summaries, nor assign members to themselves, nor make
  themselves a lead;
- a button value or form state from another group is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.commands import is_listed
from bot.commands import may_run
from bot.commands import refusal
from bot.commands import who_may_run
from bot.config import Config
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.events import Invocation
from bot.features.agreement import wording as agreement_words
from bot.features.checkins import wording as checkins_wording
from bot.features.concerns import wording as concerns_words
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.intake import owner_tag
from bot.features.concerns.store import CaseStatus
from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.store import Audience
from bot.features.meetings import wording as meetings_words
from bot.features.polls import wording as polls_words
from bot.features.setup import wording as setup_wording
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.roles import Role
from storage.interface import Storage
from tests.feedback.helpers import reviewed_since_yesterday

GROUP = "group-1"
OTHER_GROUP = "group-2"
FACILITATOR = "Facilitator"
LEAD = "Safeguarding lead"
MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
NO_SUCH_CASE = "C-ZZZZZZ"
CANARY = "canary-7Q4 my private words"

# Buttons and forms open to every member: each handler checks the object it acts on,
# and the test named here shows it. A new open button or form fails
# `test_every_open_button_and_form_has_an_object_check` until it is added here, with
# a test.
OBJECT_CHECKED = {
    "action:checkin.answer": "test_a_member_cannot_see_or_touch_another_members_checkins",
    "action:checkin.note": "test_a_member_cannot_see_or_touch_another_members_checkins",
    "action:checkin.on": "test_a_member_cannot_see_or_touch_another_members_checkins",
    "action:checkin.off": "test_a_member_cannot_see_or_touch_another_members_checkins",
    "action:checkin.resume": "test_a_member_cannot_see_or_touch_another_members_checkins",
    "action:checkin.reply": "test_one_to_one_requests_are_only_their_facilitators",
    "action:checkin.arranged": "test_one_to_one_requests_are_only_their_facilitators",
    "action:checkin.done": "test_one_to_one_requests_are_only_their_facilitators",
    "action:checkin.ask": "asks for the person pressing it, never anyone else "
                          "(tests/concerns/test_dm_choice.py)",
    "form:checkin.note": "test_a_member_cannot_see_or_touch_another_members_checkins",
    "form:checkin.reply": "test_one_to_one_requests_are_only_their_facilitators",
    "action:concern.ack": "test_a_non_lead_cannot_learn_that_a_case_exists",
    "action:concern.dm": "test_concern_drafts_are_only_their_writers",
    "form:concern.raise": "test_concern_drafts_are_only_their_writers",
    "action:meetings.confirm": "test_forged_values_for_other_peoples_things_are_refused",
    "action:meetings.change": "test_forged_values_for_other_peoples_things_are_refused",
    "action:meetings.discard": "test_forged_values_for_other_peoples_things_are_refused",
    "action:meetings.action_done": "test_forged_values_for_other_peoples_things_are_refused",
    "action:meetings.dm": "test_values_from_another_group_are_refused",
    "action:meetings.rsvp.going": "test_values_from_another_group_are_refused",
    "action:meetings.rsvp.maybe": "test_values_from_another_group_are_refused",
    "action:meetings.rsvp.no": "test_values_from_another_group_are_refused",
    "form:meetings.schedule": "test_forged_values_for_other_peoples_things_are_refused",
    "action:poll.vote": "test_values_from_another_group_are_refused",
    "action:poll.pick": "test_values_from_another_group_are_refused",
    "form:poll.create": "anyone may start a poll (anonymous by design)",
    "action:agreement.read": "test_values_from_another_group_are_refused",
    "action:agreement.show": "shows the agreement to whoever asks (public by design)",
    "action:agreement.vote": "test_values_from_another_group_are_refused",
    "action:buddy.join": "joins the person pressing it, never anyone else",
    "form:feedback.send": "anyone may send feedback (anonymous by design)",
    "form:resource.add": "anyone may add a resource (removal: owner or facilitator)",
}


# ---- the world ------------------------------------------------------------------------


@dataclass
class World:
    """A group with something of every kind in it, and the references to each."""

    bot: MemoryBot
    db: Path
    case: str = ""
    dev_case: str = ""
    alice_checkin: str = ""
    request: str = ""
    alice_draft: str = ""
    poll: str = ""
    amendment: str = ""
    meeting: int = 0
    carol_draft: str = ""
    action_item: int = 0
    feedback_item: str = ""

    @property
    def app(self) -> App:
        """The app under test."""
        return self.bot.app

    def actor(self, name: str) -> Actor:
        """A member of the test group."""
        return self.bot.adapter.member(name)


def _config() -> Config:
    return Config().with_sections(ConcernsConfig(fallback_contacts=("U-fiona",)))


async def _start(app: App) -> None:
    for feature in app.features.values():
        if feature.start is not None:
            await feature.start()


def _sent_since(bot: MemoryBot, mark: int) -> list[Message]:
    return [s.message for s in bot.adapter.sent[mark:]]


def _ref_of(reply: Reply) -> str:
    text = reply_text(reply)
    start = text.index("case **") + len("case **")
    return text[start:text.index("**", start)]


async def _build_world(storage: Storage, clock: FakeClock, db: Path) -> World:
    app = App(_config(), storage, clock=clock)
    await app.load()
    await _start(app)
    bot = MemoryBot(app, MemoryAdapter(group_id=GROUP))
    world = World(bot, db)
    members = bot.adapter
    members.member("alice")
    members.member("bob")
    members.member("mallory")
    members.member("carol", FACILITATOR)
    members.member("fran", FACILITATOR)
    members.member("dev", LEAD)
    members.member("erin", LEAD)
    members.member("sam", admin=True)
    # Everyone with a role acts once, so the bot knows them (as it would in a group).
    for name in ("carol", "fran"):
        await bot.run(name, "/help")
    for name in ("dev", "erin"):
        await bot.run(name, "/case register")
        await bot.run(name, "/case list")

    # Alice's check-in, answered, with a private note; her facilitator is Carol.
    await bot.run("sam", "/checkin assign member=U-alice facilitator=U-carol")
    await bot.run("alice", "/checkin on")
    clock.advance(MONDAY_10 - clock.now())
    await app.scheduler.run_due()
    await bot.settle()
    checkin = next(m for m in members.sent_to_dm("alice") if m.buttons)
    world.alice_checkin = checkin.buttons[0].value.split(":")[0]
    await bot.press("alice", "checkin.answer", f"{world.alice_checkin}:one_to_one",
                    channel=None)
    await bot.submit("alice", "checkin.note", {"note": CANARY}, state=world.alice_checkin,
                     channel=None)
    (request,) = await storage.open_one_to_ones(GROUP)
    assert request.facilitator_id == "U-carol"
    world.request = request.request_id

    # Two cases: one about nobody in particular, one about Dev (a known lead).
    world.case = _ref_of(await bot.submit("alice", "concern.raise", {
        "what": f"Someone was unkind. {CANARY}", "about": "", "danger": "no",
        "contact": "yes", "anonymous": "no"}))
    world.dev_case = _ref_of(await bot.submit("bob", "concern.raise", {
        "what": "The lead Dev shouted at a member.", "about": "Dev", "danger": "no",
        "contact": "no", "anonymous": "yes"}))
    dev_case = await storage.concern(world.dev_case)
    assert dev_case is not None and "U-dev" in dev_case.excluded

    # Alice's direct message to the bot, offered as a concern and not answered yet.
    offer = await bot.dm("alice", f"I am worried. {CANARY}")
    world.alice_draft = offer.messages[0].buttons[0].value.split(":", 1)[1]

    # A poll, an amendment to the agreement, a meeting, a draft, an action item.
    await bot.run("bob", '/poll question="Which day?" options="Monday|Tuesday" closes=3d')
    await bot.run("carol", '/agreement start points="We listen to each other"')
    await bot.run("carol", '/agreement propose change=add text="We start on time" '
                           'reason="People travel far"')
    await bot.settle()
    for sent in members.sent:
        for button in sent.message.buttons:
            if button.action == "poll.vote":
                world.poll = button.value.split(":")[0]
            if button.action == "agreement.vote":
                world.amendment = button.value.split(":")[0]
    assert world.poll and world.amendment
    draft = await bot.submit("carol", "meetings.schedule", {
        "title": "Monthly meeting", "when": "2026-01-20 18:00"})
    await bot.press("carol", "meetings.confirm", draft.messages[0].buttons[0].value)
    (meeting,) = await storage.active_meetings(GROUP)
    world.meeting = meeting.id
    again = await bot.submit("carol", "meetings.schedule", {
        "title": "Planning", "when": "2026-01-22 18:00"})
    world.carol_draft = again.messages[0].buttons[0].value
    await bot.submit("carol", "meetings.minutes", {
        "summary": "We met.", "actions": "@U-carol: book the room (Friday)"})
    (item,) = await storage.open_actions(GROUP, None)
    world.action_item = item.id

    # A piece of feedback, open for review and waiting for its digest.
    await bot.submit("bob", "feedback.send", {"message": "More breaks please",
                                              "audience": "group"})
    await reviewed_since_yesterday(world.app)
    (waiting,) = await storage.waiting_feedback(GROUP, Audience.GROUP)
    world.feedback_item = waiting.item_id
    await bot.settle()
    return world


@pytest.fixture
async def world(storage: Storage, clock: FakeClock, tmp_path: Path,
                ) -> AsyncIterator[World]:
    """The group, built on the real SQLite file of tests/conftest.py."""
    built = await _build_world(storage, clock, tmp_path / "coprod.db")
    yield built
    await built.bot.close()


def db_state(path: Path) -> dict[str, list[str]]:
    """Every row of every table, to show that a refusal changed nothing."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(repr(r) for r in con.execute(f'SELECT * FROM "{t}"'))
                for t in tables}
    finally:
        con.close()


class Unchanged:
    """`async with Unchanged(world):` fails if the database or the outbox changed, or
    anything was sent, while the block ran."""

    def __init__(self, world: World) -> None:
        self.world = world

    async def __aenter__(self) -> None:
        await self.world.bot.settle()
        self.before = db_state(self.world.db)
        self.sent = len(self.world.bot.adapter.sent)

    async def __aexit__(self, *exc: object) -> None:
        await self.world.bot.settle()
        if exc[0] is not None:
            return
        after = db_state(self.world.db)
        changed = [t for t in after if after[t] != self.before.get(t)]
        assert not changed, f"tables changed: {changed}"
        assert len(self.world.bot.adapter.sent) == self.sent, "something was sent"


# ---- crafting events ------------------------------------------------------------------


def plausible(option: OptionSpec, case: str) -> Any:
    """A value the option accepts, so a refusal is about permission, not input."""
    if option.choices:
        return option.choices[0].value
    if option.type is OptionType.INTEGER:
        return option.min_value if option.min_value is not None else 1
    if option.type is OptionType.BOOLEAN:
        return True
    if option.type is OptionType.USER:
        return "U-bob"
    if option.type is OptionType.CHANNEL:
        return "general"
    if option.name in ("case", "confirm"):
        return case
    return "x" * max(option.min_length, 1)


def options_for(spec: CommandSpec, case: str) -> dict[str, Any]:
    """Every required option, with a plausible value."""
    return {o.name: plausible(o, case) for o in spec.options if o.required}


def field_value(field: FormField) -> str:
    """A value the form field accepts."""
    if field.choices:
        return field.choices[0].value
    if field.kind == "yes_no":
        return "yes"
    return "x" * max(field.min_length, 1)


PROFILES = {
    "member": ("mallory", frozenset({Role.MEMBER})),
    "facilitator": ("fran", frozenset({Role.MEMBER, Role.FACILITATOR})),
    "lead": ("erin", frozenset({Role.MEMBER, Role.LEAD})),
}


def not_theirs(spec: CommandSpec, roles: frozenset[Role]) -> bool:
    """A command that is not for these roles: they may not run it, or it is listed
    only for others (and refuses inside, like /case show for a non-lead)."""
    return not is_listed(spec, roles, False)


# ---- every command, button and form ----------------------------------------------------


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_every_command_that_is_not_theirs_is_refused_by_the_core(
        world: World, profile: str) -> None:
    name, roles = PROFILES[profile]
    actor = world.actor(name)
    restricted = [s for s in world.app.registry.all() if not_theirs(s, roles)]
    assert restricted, "every profile has commands that are not theirs"
    for spec in restricted:
        for case in (world.case, NO_SUCH_CASE):
            event = Invocation(GROUP, actor, spec.name, options_for(spec, case), "general")
            async with Unchanged(world):
                reply = await world.app.handle(event)
            text = reply_text(reply)
            assert text in (refusal(spec), (
                "That is not available to you. If you need a safeguarding lead, type /concern.")), (
                spec.name, text)
            assert reply.form is None and not reply.public, spec.name
            if spec.name == "case register":
                continue
            assert CANARY not in text


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_every_button_and_form_that_is_not_theirs_is_refused_by_the_core(
        world: World, profile: str) -> None:
    name, roles = PROFILES[profile]
    actor = world.actor(name)
    app = world.app
    checked = 0
    for action in sorted(app.actions):
        guard = app.guard_of("action", action)
        if guard is None or may_run(guard, roles, False):
            continue
        for value in ("", world.feedback_item, "x:1"):
            async with Unchanged(world):
                reply = await app.handle(ButtonPress(GROUP, actor, action, value,
                                                     channel="general"))
            assert reply_text(reply) == catalog.button_not_allowed(who_may_run(guard)), action
            assert reply.form is None and reply.update is None
            checked += 1
    for form_id, form in sorted(app.forms.items()):
        guard = app.guard_of("form", form_id)
        if guard is None or may_run(guard, roles, False):
            continue
        values = {f.key: field_value(f) for f in form.fields}
        for state in ("", world.feedback_item, str(world.meeting)):
            async with Unchanged(world):
                reply = await app.handle(FormSubmission(GROUP, actor, form_id, values,
                                                        state, "general"))
            assert reply_text(reply) == refusal(guard), form_id
            assert not reply.field_errors
            checked += 1
    if profile == "member":
        assert checked, "facilitator-only buttons and forms exist and were tried"


async def test_the_forms_of_facilitator_commands_are_guarded(world: World) -> None:
    """The holes this campaign found: any member could send these forms directly."""
    app = world.app
    for form_id, command in (("agreement.start", "agreement start"),
                             ("agreement.propose", "agreement propose"),
                             ("welcome.edit", "welcome edit"),
                             ("meetings.minutes", "minutes"),
                             ("feedback.answer", "feedback answer")):
        guard = app.guard_of("form", form_id)
        assert guard is not None and guard.name == command
        assert not may_run(guard, frozenset({Role.MEMBER}), False)
    guard = app.guard_of("action", "feedback.answer")
    assert guard is not None and guard.name == "feedback answer"
    # A forged amendment from a member is refused, and the agreement does not change.
    before = await world.app.storage.open_amendments()
    reply = await world.bot.submit("mallory", "agreement.propose", {
        "change": "remove", "point": "1", "reason": "I don't like it"})
    assert reply_text(reply) == catalog.not_allowed("agreement propose", ["facilitator"])
    assert await world.app.storage.open_amendments() == before


async def test_every_open_button_and_form_has_an_object_check(world: World) -> None:
    app = world.app
    member = frozenset({Role.MEMBER})
    open_ones = set()
    for action in app.actions:
        guard = app.guard_of("action", action)
        if guard is None or may_run(guard, member, False):
            open_ones.add(f"action:{action}")
    for form_id in app.forms:
        guard = app.guard_of("form", form_id)
        if guard is None or may_run(guard, member, False):
            open_ones.add(f"form:{form_id}")
    unreviewed = sorted(open_ones - set(OBJECT_CHECKED))
    assert not unreviewed, ("buttons or forms open to every member with no test of their "
                            f"object checks: {unreviewed}")
    for reason in OBJECT_CHECKED.values():
        if reason.startswith("test_"):
            assert reason in globals(), reason


async def test_help_shows_a_person_only_what_they_may_run(world: World) -> None:
    app = world.app
    for name, roles in PROFILES.values():
        actor = world.actor(name)
        text = reply_text(await app.handle(Invocation(GROUP, actor, "help")))
        for spec in app.registry.all():
            first = spec.words[0]
            if any(s.words[0] == first and is_listed(s, roles, False)
                   for s in app.registry.all()):
                continue
            assert f"/{first}:" not in text, (name, first)
    member_help = reply_text(await world.bot.run("mallory", "/help"))
    assert "/case" not in member_help and "/setup" not in member_help
    assert "/case" in reply_text(await world.bot.run("erin", "/help"))
    for topic in ("case", "case show", "case register"):
        spec = app.registry.get(topic)
        known = [spec] if spec is not None else app.registry.under(topic)
        assert reply_text(await world.bot.run("mallory", f"/help {topic}")) == (
            refusal(*known, name=topic))
        assert reply_text(await world.bot.run("mallory", f"/help {topic}")) == (
            catalog.not_allowed(topic, ["lead"]))


# ---- check-ins: a member's own --------------------------------------------------------


def _everything_for(bot: MemoryBot, user_id: str, mark: int) -> str:
    return "\n".join(s.message.text + " " + " ".join(b.label for b in s.message.buttons)
                     for s in bot.adapter.sent[mark:] if s.destination.user == user_id)


async def test_a_member_cannot_see_or_touch_another_members_checkins(world: World) -> None:
    bot, app = world.bot, world.app
    bob = world.actor("bob")
    mark = len(bot.adapter.sent)
    seen: list[str] = []
    before = await app.storage.checkin(world.alice_checkin)
    # Every check-in command a member may run.
    for spec in app.registry.under("checkin"):
        if not is_listed(spec, frozenset({Role.MEMBER}), False):
            continue
        options = {"cadence": "weekly"} if spec.name == "checkin set" else (
            {"until": "2026-02-01"} if spec.name == "checkin pause" else {})
        seen.append(reply_text(await app.handle(Invocation(GROUP, bob, spec.name, options,
                                                           None))))
    # Alice's own check-in buttons, and her note form, pressed and sent by Bob.
    for answer in ("good", "okay", "not_so_good", "one_to_one"):
        async with Unchanged(world):
            reply = await bot.press("bob", "checkin.answer",
                                    f"{world.alice_checkin}:{answer}", channel=None)
        assert reply_text(reply) == checkins_wording.CHECKIN_NOT_YOURS
    async with Unchanged(world):
        opened = await bot.press("bob", "checkin.note", world.alice_checkin, channel=None)
        sent = await bot.submit("bob", "checkin.note", {"note": "overwritten"},
                                state=world.alice_checkin, channel=None)
    assert opened.form is None and reply_text(opened) == checkins_wording.CHECKIN_NOT_YOURS
    assert reply_text(sent) == checkins_wording.CHECKIN_NOT_YOURS
    # The settings buttons only ever change the presser's own settings.
    for action in ("checkin.on", "checkin.off", "checkin.resume"):
        seen.append(reply_text(await bot.press("bob", action, "U-alice", channel=None)))
    # Bob's own overview.
    seen += [m.text for m in await app.home(GROUP, bob)]
    everything = "\n".join(seen) + _everything_for(bot, "U-bob", mark)
    assert CANARY not in everything and "Alice" not in everything
    assert await app.storage.checkin(world.alice_checkin) == before
    alice = await app.storage.checkin_prefs(GROUP, "U-alice")
    assert alice is not None and alice.enabled


async def test_one_to_one_requests_are_only_their_facilitators(world: World) -> None:
    bot, storage = world.bot, world.app.storage
    before = await storage.one_to_one(world.request)
    for who in ("mallory", "fran", "alice"):
        for action in ("checkin.reply", "checkin.arranged", "checkin.done"):
            async with Unchanged(world):
                reply = await bot.press(who, action, world.request, channel=None)
            assert reply_text(reply) == (
                "Sorry, that one-to-one request is with another facilitator, or no longer "
                "open."), (who, action)
            assert reply.form is None
        async with Unchanged(world):
            reply = await bot.submit(who, "checkin.reply", {"message": "hello"},
                                     state=world.request, channel=None)
        assert reply_text(reply) == (
            "Sorry, that one-to-one request is with another facilitator, or no longer open.")
    assert await storage.one_to_one(world.request) == before
    opened = await bot.press("carol", "checkin.reply", world.request, channel=None)
    assert opened.form is not None  # her own facilitator may


# ---- check-ins: facilitators -----------------------------------------------------------


async def _answer_week(world: World, clock: FakeClock, names: list[str], answer: str,
                       ) -> None:
    for name in names:
        world.bot.adapter.member(name)
        await world.bot.run(name, "/checkin on")
    clock.advance(timedelta(days=7))
    await world.app.scheduler.run_due()
    await world.bot.settle()
    for name in names:
        checkin = [m for m in world.bot.adapter.sent_to_dm(name) if m.buttons][-1]
        await world.bot.press(name, "checkin.answer",
                              f"{checkin.buttons[0].value.split(':')[0]}:{answer}",
                              channel=None)


async def test_a_facilitator_cannot_read_answers_of_members_not_assigned_to_them(
        world: World, clock: FakeClock) -> None:
    fran = reply_text(await world.bot.run("fran", "/checkin summary days=30"))
    carol = reply_text(await world.bot.run("carol", "/checkin summary days=30"))
    # Carol is Alice's facilitator: she sees Alice's answer and her request.
    assert "Alice" in carol
    # Fran is not: no name, no request, no individual answer, and never the note.
    assert "Alice" not in fran and CANARY not in fran and CANARY not in carol
    assert "Open one-to-one requests with you: 0 waiting" in fran
    assert "Answers:" not in fran
    # Nor by any other command, button or form of the check-ins feature.
    mark = len(world.bot.adapter.sent)
    for spec in world.app.registry.under("checkin"):
        if may_run(spec, frozenset({Role.MEMBER, Role.FACILITATOR}), False) \
                and spec.name != "checkin summary":
            text = reply_text(await world.bot.run("fran", f"/{spec.name}"))
            assert "Alice" not in text and CANARY not in text
    assert "Alice" not in _everything_for(world.bot, "U-fran", mark)


async def test_two_summaries_cannot_be_compared_to_single_out_an_answer(
        world: World, clock: FakeClock) -> None:
    """With a period ending "now", a facilitator who ran the summary just before and just
    after one member's check-in time would see that member's answer as the difference."""
    await _answer_week(world, clock, ["m1", "m2", "m3", "m4", "m5"], "good")  # 12 Jan
    clock.advance(datetime(2026, 1, 19, 9, 0, tzinfo=UTC) - clock.now())
    world.bot.adapter.member("zoe")
    await world.bot.run("zoe", "/checkin on")
    await world.bot.run("zoe", "/checkin set day=tuesday")
    before = reply_text(await world.bot.run("fran", "/checkin summary days=7"))
    assert "Good: 5" in before  # the week of 12 January, in which five answered
    # Zoe is the only one to answer this week, on Tuesday: "Okay".
    clock.advance(datetime(2026, 1, 20, 10, 0, tzinfo=UTC) - clock.now())
    await world.app.scheduler.run_due()
    await world.bot.settle()
    checkin = [m for m in world.bot.adapter.sent_to_dm("zoe") if m.buttons][-1]
    await world.bot.press("zoe", "checkin.answer",
                          f"{checkin.buttons[0].value.split(':')[0]}:okay", channel=None)
    after = reply_text(await world.bot.run("fran", "/checkin summary days=7"))
    assert after == before  # the week in progress is never counted
    # Once her week is over, it had fewer than five members answering: it is left out.
    clock.advance(datetime(2026, 1, 26, 9, 0, tzinfo=UTC) - clock.now())
    later = reply_text(await world.bot.run("fran", "/checkin summary days=14"))
    assert "Good: 5" in later and "Okay: 0" in later
    assert checkins_wording.checkin_summary_left_out(1, 5) in later
    assert "Zoe" not in later + before + after


async def test_a_facilitator_cannot_make_themselves_a_members_facilitator(
        world: World) -> None:
    fran = world.actor("fran")
    event = Invocation(GROUP, fran, "checkin assign",
                       {"member": "U-bob", "facilitator": "U-fran"}, None)
    async with Unchanged(world):
        reply = await world.app.handle(event)
    assert reply_text(reply) == catalog.not_allowed("checkin assign", ["admin"])
    # An admin may, but only to a facilitator the bot knows, and the member is told.
    unknown = await world.bot.run("sam", "/checkin assign member=U-bob facilitator=U-mallory")
    assert reply_text(unknown) == checkins_wording.checkin_assign_not_facilitator("U-mallory")
    done = await world.bot.run("sam", "/checkin assign member=U-bob facilitator=U-fran")
    assert reply_text(done) == checkins_wording.checkin_assigned("Fran")
    assert world.bot.adapter.sent_to_dm("bob")[-1].text == (
        checkins_wording.checkin_your_facilitator("Fran"))


async def test_a_facilitator_who_stepped_down_gets_no_more_requests(world: World,
                                                                    clock: FakeClock) -> None:
    """The bot learns roles only when people act: without `/checkin remove`, someone whose
    facilitator role was taken away would go on getting members' requests and notes."""
    bot = world.bot
    bot.adapter.members["carol"] = Actor("U-carol", "Carol")  # the role is taken away
    assert reply_text(await bot.run("fran", "/checkin remove facilitator=U-carol")) == (
        catalog.not_allowed("checkin remove", ["admin"]))
    listed = reply_text(await bot.run("sam", "/checkin facilitators"))
    assert "Carol" in listed and "Fran" in listed
    done = reply_text(await bot.run("sam", "/checkin remove facilitator=U-carol"))
    assert done == checkins_wording.checkin_facilitator_removed("Carol", 1, 1)
    assert bot.adapter.sent_to_dm("alice")[-1].text == checkins_wording.checkin_your_facilitator("")
    request = await world.app.storage.one_to_one(world.request)
    assert request is not None and request.facilitator_id == "U-fran"
    assert "Alice would like a one-to-one" in bot.adapter.sent_to_dm("fran")[-1].text
    # Carol can no longer act on it, and Bob's new request goes to Fran, not Carol.
    reply = await bot.press("carol", "checkin.reply", world.request, channel=None)
    assert reply_text(reply) == (
        "Sorry, that one-to-one request is with another facilitator, or no longer open.")
    mark = len(bot.adapter.sent)
    await _answer_week(world, clock, ["bob"], "one_to_one")
    assert "Bob would like a one-to-one" in _everything_for(bot, "U-fran", mark)
    assert _everything_for(bot, "U-carol", mark) == ""
    assert "Carol" not in reply_text(await bot.run("sam", "/checkin facilitators"))


async def test_a_facilitator_cannot_make_themselves_a_lead(world: World) -> None:
    # An admin may change who the leads are, and the leads are told in their channel.
    saved = reply_text(await world.bot.run("sam", '/setup lead_roles="Safeguarding lead,DSL"'))
    assert saved.startswith("Saved")
    told = world.bot.adapter.sent_to_channel("safeguarding-leads")[-1].text
    assert told == setup_wording.setup_safeguarding_changed("Sam", ["lead_roles"], True)
    # A facilitator may not: they could make themselves a lead and read every case.
    for line in ("/setup lead_roles=Facilitator", "/setup leads_channel=#general",
                 "/setup disable=concerns", "/setup reset=lead_roles"):
        async with Unchanged(world):
            reply = reply_text(await world.bot.run("fran", line))
        assert "Nothing was changed" in reply and "only a safeguarding lead" in reply, line
    assert reply_text(await world.bot.run("fran", f"/case show case={world.case}")) == (
        "That is not available to you. If you need a safeguarding lead, type /concern.")


# ---- cases ------------------------------------------------------------------------------


def _case_events(actor: Actor, ref: str) -> list[Invocation | ButtonPress]:
    events: list[Invocation | ButtonPress] = [
        Invocation(GROUP, actor, "case show", {"case": ref}, None),
        Invocation(GROUP, actor, "case audit", {"case": ref}, None),
        Invocation(GROUP, actor, "case note", {"case": ref, "kind": "fact", "text": "x"}),
        Invocation(GROUP, actor, "case assign", {"case": ref, "to": "U-erin"}),
        Invocation(GROUP, actor, "case close", {"case": ref, "outcome": "done"}),
        Invocation(GROUP, actor, "case delete", {"case": ref, "confirm": ref}),
        ButtonPress(GROUP, actor, "concern.ack", ref, channel=None),
    ]
    return events


async def test_a_non_lead_cannot_learn_that_a_case_exists(world: World) -> None:
    for name in ("mallory", "alice", "fran", "sam"):
        actor = world.actor(name)
        for real, invented in zip(_case_events(actor, world.case),
                                  _case_events(actor, NO_SUCH_CASE), strict=True):
            async with Unchanged(world):
                seen = await world.app.handle(real)
                unseen = await world.app.handle(invented)
            assert seen == unseen, (name, real)
            assert reply_text(seen) == (
                "That is not available to you. If you need a safeguarding lead, type /concern.")
        listed = await world.app.handle(Invocation(GROUP, actor, "case list"))
        assert reply_text(listed) == (
            "That is not available to you. If you need a safeguarding lead, type /concern.")
    concern = await world.app.storage.concern(world.case)
    assert concern is not None and concern.status is CaseStatus.OPEN


async def test_a_lead_who_is_the_subject_of_a_case_cannot_see_it(world: World) -> None:
    dev = world.actor("dev")
    for real, invented in zip(_case_events(dev, world.dev_case),
                              _case_events(dev, NO_SUCH_CASE), strict=True):
        seen = await world.app.handle(real)
        assert seen == await world.app.handle(invented)
        assert reply_text(seen) == (
            "No case has that reference that you can open. Please check it, or type /case list "
            "to see the open cases.")
    listed = reply_text(await world.bot.run("dev", "/case list"))
    assert world.case in listed and world.dev_case not in listed
    assert "Dev shouted" not in _everything_for(world.bot, "U-dev", 0)
    audit = await world.app.storage.case_audit(world.dev_case)
    assert any(e.actor_id == "U-dev" and e.action == "refused" for e in audit)
    # Erin, the other lead, may.
    assert "Dev shouted" in reply_text(
        await world.bot.run("erin", f"/case show case={world.dev_case}"))


async def test_a_lead_met_after_the_concern_about_them_still_cannot_see_it(
        world: World, clock: FakeClock) -> None:
    """A concern about "Gwen" raised before the bot ever saw Gwen act: nothing excluded
    her then. When she becomes a known lead, she is kept from it all the same."""
    reply = await world.bot.submit("bob", "concern.raise", {
        "what": "Gwen shouted at me.", "about": "Gwen Price", "danger": "no",
        "contact": "no", "anonymous": "yes"})
    ref = _ref_of(reply)
    stored = await world.app.storage.concern(ref)
    assert stored is not None and "U-gwen" not in stored.excluded
    world.bot.adapter.member("gwen", LEAD)
    await world.bot.run("gwen", "/case register")
    gwen = world.actor("gwen")
    for real, invented in zip(_case_events(gwen, ref), _case_events(gwen, NO_SUCH_CASE),
                              strict=True):
        seen = await world.app.handle(real)
        assert seen == await world.app.handle(invented)
        assert reply_text(seen) == (
            "No case has that reference that you can open. Please check it, or type /case list "
            "to see the open cases.")
    assert ref not in reply_text(await world.bot.run("gwen", "/case list"))
    # Nor is she sent it when it is escalated, or offered it to be assigned.
    mark = len(world.bot.adapter.sent)
    clock.advance(timedelta(days=1))
    await world.app.scheduler.run_due()
    await world.bot.settle()
    assert any(ref in m.text for m in _sent_since(world.bot, mark)), "it was escalated"
    assert "Gwen shouted" not in _everything_for(world.bot, "U-gwen", 0)
    assign = await world.bot.run("erin", f"/case assign case={ref} to=U-gwen")
    assert reply_text(assign) == concerns_words.CONCERN_ASSIGNEE_NOT_LEAD


async def test_concern_drafts_are_only_their_writers(world: World) -> None:
    storage = world.app.storage
    not_before = world.app.clock.now() - timedelta(days=1)
    # The handle in Alice's buttons: the draft's id and the key of its owner tag.
    draft_id, _, key = world.alice_draft.partition(":")
    alices = owner_tag(key, "U-alice")
    assert alices is not None
    async with Unchanged(world):
        declined = await world.bot.press("mallory", "concern.dm", f"n:{world.alice_draft}",
                                         channel=None)
        taken = await world.bot.press("mallory", "concern.dm", f"y:{world.alice_draft}",
                                      channel=None)
    assert reply_text(taken) == (
        "That question has expired, so I no longer have your message. Type /concern to raise a "
        "concern; it only takes a minute.") and taken.form is None
    assert declined.update is not None  # told "not raised", and nothing was deleted
    assert await storage.concern_draft(draft_id, alices, not_before)
    # Mallory sends the concern form with Alice's draft as its state: her concern is
    # raised, without a word of Alice's, and Alice's draft is still hers.
    reply = await world.bot.submit("mallory", "concern.raise", {
        "what": "Mine", "danger": "no", "contact": "no", "anonymous": "yes"},
        state=f"d:{world.alice_draft}")
    mine = await storage.concern(_ref_of(reply))
    assert mine is not None and CANARY not in mine.text + mine.quoted
    assert await storage.concern_draft(draft_id, alices, not_before)
    # Alice's own draft, pressed from another group, is not used there.
    alice = world.actor("alice")
    elsewhere = await world.app.handle(ButtonPress(OTHER_GROUP, alice, "concern.dm",
                                                   f"y:{world.alice_draft}"))
    assert reply_text(elsewhere) == (
        "That question has expired, so I no longer have your message. Type /concern to raise a "
        "concern; it only takes a minute.")


# ---- forged values -----------------------------------------------------------------------


async def test_forged_values_for_other_peoples_things_are_refused(world: World) -> None:
    bot = world.bot
    for action in ("meetings.confirm", "meetings.change", "meetings.discard"):
        async with Unchanged(world):
            reply = await bot.press("mallory", action, world.carol_draft)
        assert reply_text(reply) == meetings_words.MEETING_DRAFT_GONE, action
    async with Unchanged(world):
        reply = await bot.press("mallory", "meetings.action_done", str(world.action_item))
    assert reply_text(reply) == meetings_words.action_not_yours(world.action_item)
    # Editing someone else's meeting through a forged form state.
    async with Unchanged(world):
        reply = await bot.submit("mallory", "meetings.schedule", {
            "title": "Hijacked", "when": "2026-01-21 18:00"}, state=f"r=60;e={world.meeting}")
    assert reply_text(reply) == meetings_words.meeting_not_yours(world.meeting)


async def test_values_from_another_group_are_refused(world: World) -> None:
    """Someone with the same roles in another group, pressing this group's buttons and
    sending its forms' states there: nothing of this group is touched."""
    app = world.app
    carol = world.actor("carol")
    erin = world.actor("erin")
    alice = world.actor("alice")

    def press(actor: Actor, action: str, value: str) -> ButtonPress:
        return ButtonPress(OTHER_GROUP, actor, action, value, channel="general")

    # Erin is a lead in the other group too, and has acted there before.
    await app.handle(Invocation(OTHER_GROUP, erin, "case list"))
    cases: list[tuple[ButtonPress | FormSubmission, str]] = [
        (press(alice, "checkin.answer", f"{world.alice_checkin}:good"),
         checkins_wording.CHECKIN_NOT_YOURS),
        (press(alice, "checkin.note", world.alice_checkin), checkins_wording.CHECKIN_NOT_YOURS),
        (FormSubmission(OTHER_GROUP, alice, "checkin.note", {"note": "x"},
                        world.alice_checkin), checkins_wording.CHECKIN_NOT_YOURS),
        (press(carol, "checkin.reply", world.request), checkins_wording.N_(
            "Sorry, that one-to-one request is with another facilitator, or no longer open.")),
        (press(carol, "checkin.arranged", world.request), checkins_wording.N_(
            "Sorry, that one-to-one request is with another facilitator, or no longer open.")),
        (FormSubmission(OTHER_GROUP, carol, "checkin.reply", {"message": "x"},
                        world.request), checkins_wording.N_(
                            "Sorry, that one-to-one request is with another facilitator, or no "
                            "longer open.")),
        (press(erin, "concern.ack", world.case), concerns_words.N_(
            "No case has that reference that you can open. Please check it, or type /case "
            "list to see the open cases.")),
        (press(alice, "poll.vote", f"{world.poll}:0"), polls_words.POLL_GONE),
        (ButtonPress(OTHER_GROUP, alice, "poll.pick", "", (f"{world.poll}:0",)),
         polls_words.POLL_GONE),
        (press(alice, "agreement.vote", f"{world.amendment}:0"), agreement_words.AMENDMENT_GONE),
        (press(alice, "agreement.read", "1"), agreement_words.AGREEMENT_NONE),
        (press(alice, "meetings.rsvp.going", f"{world.meeting}:1768932000:0"),
         meetings_words.meeting_not_found(world.meeting)),
        (press(alice, "meetings.dm", str(world.meeting)),
         meetings_words.meeting_not_found(world.meeting)),
        (press(carol, "meetings.confirm", world.carol_draft), meetings_words.MEETING_DRAFT_GONE),
        (press(carol, "meetings.action_done", str(world.action_item)),
         meetings_words.action_not_found(world.action_item)),
        (press(carol, "feedback.answer", world.feedback_item),
         feedback_wording.feedback_no_item(world.feedback_item)),
        (FormSubmission(OTHER_GROUP, carol, "feedback.answer", {"answer": "x"},
                        world.feedback_item),
         feedback_wording.feedback_no_item(world.feedback_item)),
    ]
    for event, expected in cases:
        async with Unchanged(world):
            reply = await app.handle(event)
        assert reply_text(reply) == expected, event
        assert reply.form is None and reply.update is None, event
