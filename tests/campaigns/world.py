"""A seeded group for the bad-input campaign: every feature holds something (a meeting
with minutes and action items, delivered feedback, a poll, a case, a check-in with a
one-to-one request, an agreement, a resource, a prompt, buddies), so hostile values
reach past "no such thing" into the code that stores and relays.

The world also records every form the features opened while it was seeded (who opened
it, with which state), so the campaign fuzzes the forms the features really return.
Storage is compared through a separate read-only SQLite connection on the database
file (`snapshot`), never through feature SQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
from collections.abc import Callable
from collections.abc import Coroutine
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any
from typing import TypeVar

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import Event
from bot.events import FormSubmission
from bot.events import Invocation
from bot.events import MemberJoined
from bot.messages import Button
from bot.messages import Form
from bot.messages import Message
from bot.messages import Reply
from scheduler import Firing
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from storage.interface import Storage

T = TypeVar("T")
GROUP = "group-1"
# A Monday morning in winter; meetings and check-ins are set relative to it.
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FACILITATOR_ROLE = "Facilitator"
LEAD_ROLE = "Safeguarding lead"


def snapshot(path: Path) -> dict[str, str]:
    """A digest of every row of every table, read through its own read-only connection
    (so it sees exactly what is committed, whatever the features' own SQL does)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out: dict[str, str] = {}
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            out[table] = f"{len(rows)}:{digest[:16]}"
        return out
    finally:
        conn.close()


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def plaintext_cells(path: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text cell stored as it was written (encrypted
    cells are opaque tokens and are skipped by the caller's patterns)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            for row in cursor:
                out += [(table, n, v) for n, v in zip(names, row, strict=True)
                        if isinstance(v, str)]
        return out
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class Opener:
    """A form a feature returned while the world was seeded: who saw it, and its state."""

    who: str
    form: Form
    channel: str | None


@dataclass
class World:
    """The seeded app, its memory adapter, its database file and what seeding made."""

    runner: asyncio.Runner
    bot: MemoryBot
    storage: Storage
    path: Path
    clock: FakeClock
    hints: dict[str, list[str]] = field(default_factory=dict)
    openers: dict[str, list[Opener]] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    introduced: set[Actor] = field(default_factory=set)

    @property
    def app(self) -> App:
        """The app under test."""
        return self.bot.app

    @property
    def adapter(self) -> MemoryAdapter:
        """The memory adapter recording every send."""
        return self.bot.adapter

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the world's event loop."""
        return self.runner.run(work)

    def actor(self, who: str) -> Actor:
        """One of the world's people (see `PEOPLE`)."""
        return self.adapter.members[who]

    def handle(self, event: Event) -> Reply:
        """Handle one event and send whatever it stored for now."""
        async def go() -> Reply:
            reply = await self.app.handle(event)
            await self.bot.settle()
            return reply
        return self.run(go())

    def snapshot(self) -> dict[str, str]:
        """Every table's rows, digested (see `snapshot`)."""
        return snapshot(self.path)


# name -> (platform roles, admin). "lead2" is a second lead (for case assign), and
# "boss" holds every role at once, to reach the code behind every permission check.
PEOPLE: dict[str, tuple[tuple[str, ...], bool]] = {
    "alice": ((), False),
    "bob": ((), False),
    "carol": ((FACILITATOR_ROLE,), False),
    "dev": ((LEAD_ROLE,), False),
    "erin": ((LEAD_ROLE,), False),
    "sam": ((), True),
    "boss": ((FACILITATOR_ROLE, LEAD_ROLE), True),
}


def _remember(world: World, who: str, reply: Reply, channel: str | None) -> Reply:
    world.replies.append(reply)
    if reply.form is not None:
        world.openers.setdefault(reply.form.form_id, []).append(
            Opener(who, reply.form, channel))
    return reply


async def _seed(world: World) -> None:
    bot = world.bot
    for name, (roles, admin) in PEOPLE.items():
        bot.adapter.member(name, *roles, admin=admin)

    async def run(who: str, line: str, channel: str | None = "general") -> Reply:
        return _remember(world, who, await bot.run(who, line, channel), channel)

    async def submit(who: str, form: Form, values: dict[str, str],
                     channel: str | None = "general") -> Reply:
        return _remember(world, who, await bot.submit(who, form.form_id, values, form.state,
                                                      channel), channel)

    async def press(who: str, message: Message, label: str,
                    channel: str | None = "general") -> Reply:
        button = next(b for b in message.buttons if b.label == label)
        return _remember(world, who, await bot.press(who, button.action, button.value,
                                                     channel), channel)

    async def facilitator_presses_latest(action: str) -> None:
        """The facilitator whose DM last carried a button for `action` presses it."""
        for sent in reversed(bot.adapter.sent):
            button = next((b for b in sent.message.buttons if b.action == action), None)
            if button is not None:
                facilitator = next(n for n in PEOPLE if f"U-{n}" == sent.destination.user)
                _remember(world, facilitator, await bot.press(
                    facilitator, button.action, button.value, None), None)
                return

    # Everyone has run a command once: the features remember facilitators and leads the
    # first time they see them, which is not a change the fuzzed input made.
    for name in PEOPLE:
        await bot.run(name, "/help")
        await bot.run(name, "/help", None)
    for lead in ("dev", "erin", "boss"):
        await bot.run(lead, "/case register")
    for feature in world.app.features.values():
        if feature.start is not None:
            await feature.start()

    # Meetings: one scheduled by carol, with minutes and an action item for alice.
    opened = await run("carol", "/meeting schedule")
    assert opened.form is not None, reply_text(opened)
    checked = await submit("carol", opened.form, {
        "title": "Group meeting", "when": "2026-01-13 18:00", "repeat": "weekly",
        "where": "Room 2", "agenda": "Welcome"})
    saved = await press("carol", checked.messages[0], "Save meeting")
    assert saved.update is not None, reply_text(saved)
    meeting = re.search(r"\(meeting (\d+)\)", saved.update.text)
    assert meeting, saved.update.text
    meeting_id = meeting.group(1)
    await run("alice", f'/agenda add text="Bus times" meeting={meeting_id}')
    await run("carol", f"/meeting edit meeting={meeting_id}")
    minutes = await run("carol", f"/minutes meeting={meeting_id}")
    assert minutes.form is not None, reply_text(minutes)
    await submit("carol", minutes.form, {"summary": "We met.", "decisions": "Keep going",
                                         "actions": "@U-alice: book the room by 2026-01-20"})

    # Feedback: enough items for a group digest, delivered, so one can be answered.
    feedback = await run("alice", "/feedback")
    assert feedback.form is not None
    for i in range(5):
        await submit("alice", feedback.form, {"message": f"point {i}", "audience": "group"})
    from bot.features.feedback.digests import DigestJobs
    from bot.features.feedback.store import Audience
    from tests.feedback.helpers import feedback_host
    from tests.feedback.helpers import reviewed_since_yesterday

    await reviewed_since_yesterday(world.app)  # as if written yesterday and checked
    firing = Firing("feedback-digest:group", datetime(2026, 1, 5, 17, 0, tzinfo=UTC))
    await DigestJobs(feedback_host(world.app)).run(Audience.GROUP, firing)
    await bot.settle()
    items = await world.storage.recent_feedback(GROUP, T0 - timedelta(days=3650), 100)
    item_ids = [i.item_id for i in items]
    await run("carol", f"/feedback answer item={item_ids[0]}")

    # A poll, open.
    await run("alice", "/poll")
    await run("alice", '/poll question="Tea or coffee?" options="Tea|Coffee" closes=30d')
    polls = await world.storage.open_polls()
    poll_id = polls[0].poll_id if polls else ""

    # A concern, which becomes a case, about nobody.
    concern = await run("alice", "/concern")
    assert concern.form is not None
    raised = await submit("alice", concern.form, {
        "what": "Bob shouted at me", "about": "", "danger": "no", "contact": "yes",
        "anonymous": "no"})
    ref = re.search(r"case \*\*(C-[A-Z0-9]+)\*\*", reply_text(raised))
    case_ref = ref.group(1) if ref else "C-ABC234"
    _remember(world, "bob", await bot.dm("bob", "Someone upset me"), None)
    # "Ask for a one-to-one" on that choice is handed on to `checkin.ask` with the value
    # "dm" (never a button of its own), so that is its real value.
    _remember(world, "bob", Reply(messages=(Message("", buttons=(
        Button("", "checkin.ask", "dm"),)),)), None)

    # Check-ins: alice is on, one check-in was sent and she asked for a one-to-one.
    await run("alice", "/checkin on", None)
    checkins = world.app.features["checkins"].actions["checkin.on"].__self__  # type: ignore[attr-defined]
    await checkins.fire(GROUP, "U-alice", Firing("checkin:seed", T0 + timedelta(seconds=1)))
    await bot.settle()
    question = next(m for m in reversed(bot.adapter.sent_to_dm("alice"))
                    if any(b.action == "checkin.note" for b in m.buttons))
    await press("alice", question, next(b.label for b in question.buttons
                                        if b.action == "checkin.note"), None)
    asked = next(b for b in question.buttons if b.value.endswith(":one_to_one"))
    _remember(world, "alice", await bot.press("alice", asked.action, asked.value, None),
              None)
    await facilitator_presses_latest("checkin.reply")

    # Buddies, the agreement, a resource, a prompt, the welcome.
    for name in ("alice", "bob", "carol"):
        await run(name, "/buddy join", None)
    await run("carol", "/agreement start")
    await run("carol", '/agreement start points="Be kind\\nBe on time"')
    await run("carol", "/agreement propose")
    await run("carol", "/resource add")
    await run("carol", '/resource add title="Bus times" link="https://example.org/bus" '
                       'tags="travel"')
    resources = await world.storage.resources(GROUP)
    await run("carol", '/prompt add text="What went well this week?"')
    await run("carol", "/welcome edit")

    # What else carries buttons: a proposed amendment (votes), a multiple-choice poll
    # (a menu), the check-in settings, a newcomer's welcome, each member's home, the
    # one-to-one marked arranged, the action items, and a meeting reminder (RSVP).
    proposal = next(o for o in world.openers["agreement.propose"])
    await submit("carol", proposal.form, {"change": "add", "text": "Listen well",
                                          "reason": "It helps", "closes": "3d"})
    await run("carol", '/poll question="Which days?" options="Mon|Tue|Wed" closes=30d '
                       "multiple=yes")
    await run("alice", "/agreement")
    await run("alice", "/checkin", None)
    await run("alice", "/checkin pause until=2026-03-01", None)
    await run("alice", "/checkin", None)
    _remember(world, "newbie", await world.app.handle(MemberJoined(
        GROUP, bot.adapter.member("newbie"))), None)
    world.replies.append(Reply(messages=tuple(await world.app.home(
        GROUP, bot.adapter.member("alice")))))
    await facilitator_presses_latest("checkin.arranged")
    await run("alice", "/actions", None)
    await run("carol", "/actions all=yes")
    world.clock.advance(datetime(2026, 1, 12, 18, 1, tzinfo=UTC) - world.clock.now())
    await world.app.scheduler.run_due()
    await bot.settle()

    world.hints = {
        "meeting": [meeting_id, "1", "999"],
        "case": [case_ref, case_ref.lower(), "C-ABC234"],
        "confirm": [case_ref],
        "item": [*item_ids[:2], "#" + item_ids[0] if item_ids else "#1"],
        "member": ["<@U-bob>", "U-bob", "@bob", "U-carol"],
        "to": ["<@U-erin>", "U-erin", "U-alice"],
        "who": ["<@U-dev>", "U-boss"],
        "facilitator": ["<@U-carol>", "U-carol"],
        "id": [str(r.resource_id) for r in resources[:1]] + ["1", "0"],
        "version": ["1", "2"],
        "days": ["7", "30"],
        "done": ["1", "2"],
        "poll": [poll_id],
        "text": ["A point", "Bring ID"],
        "timezone": ["Europe/Paris", "UTC", "Mars/Olympus"],
        "zone": ["Europe/Paris", "America/New_York"],
        "command": ["meeting", "setup", "case show"],
        "reminders": ["60", "1440,60", "0", "5w"],
        "date": ["2026-01-13", "next week"],
        "until": ["2026-02-01", "2020-01-01"],
        "time": ["18:00", "25:00"],
        "quiet": ["22:00-07:00"],
        "closes": ["2d", "3h", "90m"],
        "question": ["Which day?"],
        "options": ["Tea|Coffee", "Mon\nTue"],
        "points": ["Be kind\\nBe on time"],
        "link": ["https://example.org/x", "javascript:alert(1)"],
        "tags": ["travel, money"],
        "tag": ["travel"],
        "search": ["bus"],
        "title": ["Bus times"],
        "outcome": ["Referred"],
        "reason": ["past retention", "why not"],
        "kind": ["fact", "opinion"],
        "change": ["add", "change", "remove"],
        "point": ["1", "2", "31"],
        # /setup: values that are accepted, without switching any feature off.
        "enable": ["meetings", "polls"],
        "reset": ["timezone"],
        "updates_channel": ["updates", "#updates"],
        "feedback_channel": ["feedback"],
        "leads_channel": ["updates", "safeguarding-leads"],
        "facilitator_roles": ["Facilitator", "Facilitator, Helpers"],
        "lead_roles": ["Safeguarding lead"],
    }


def make_world(runner: asyncio.Runner, tmp_path: Path, key: str | None = None) -> World:
    """A fresh database, the default app on it, seeded (see the module docstring)."""
    path = tmp_path / "campaign.db"

    async def build() -> World:
        storage = await open_storage(str(path), FieldCipher(key or generate_key()))
        await storage.migrate()
        clock = FakeClock(T0)
        app = App(Config(), storage, clock=clock)
        await app.load()
        world = World(runner, MemoryBot(app, MemoryAdapter(GROUP)), storage, path, clock)
        await _seed(world)
        return world

    return runner.run(build())


def close_world(world: World) -> None:
    """Stop the app and close the database."""
    world.run(world.bot.close())
    world.run(world.storage.close())


def as_events(world: World, who: str, channel: str | None,
              ) -> dict[str, Callable[..., Event]]:
    """Event builders for one person in one place."""
    actor = world.actor(who)
    return {
        "invoke": lambda name, options: Invocation(GROUP, actor, name, options, channel),
        "submit": lambda form_id, values, state: FormSubmission(GROUP, actor, form_id,
                                                                values, state, channel),
        "press": lambda action, value, values=(): ButtonPress(GROUP, actor, action, value,
                                                              values, channel),
    }
