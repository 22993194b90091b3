"""A workload that leaves something in (nearly) every table, through the features as
members would use them: the ground the export, erase, retention and rotation tests
stand on. Alice (`U-alice`) is the member whose data is looked at; Carol is a
facilitator, Dev a safeguarding lead, Bob and Dina other members.

Every text a person writes carries a `SECRET-` marker, so a test can look for it in the
export, in what is left after erasure, and in the raw database file.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.errors import Transient
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.features.buddies.feature import ROUND_SCHEDULE
from bot.features.concerns.intake import SHORTCUT_ID
from bot.features.feedback.store import Audience
from bot.messages import Destination
from bot.messages import Message
from scheduler import Firing
from tests.scheduled import at

ALICE = "U-alice"
MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@dataclass
class Filled:
    """What the workload made that tests refer to."""

    meeting: int = 0
    named_poll: str = ""
    anonymous_poll: str = ""
    named_case: str = ""
    anonymous_case: str = ""
    case_about_alice: str = ""
    checkin_id: str = ""
    secrets: dict[str, str] = field(default_factory=dict)


def _button(message: Message, label: str) -> tuple[str, str]:
    found = next(b for b in message.buttons if b.label == label)
    return found.action, found.value


async def press(bot: MemoryBot, who: str, message: Message, label: str,
                channel: str | None = "general") -> None:
    """`who` presses the button with this label."""
    action, value = _button(message, label)
    await bot.press(who, action, value, channel=channel)


def case_ref(text: str) -> str:
    """The case reference in a reporter's confirmation."""
    match = re.search(r"case \*\*(C-[A-Z0-9]+)\*\*", text)
    assert match, text
    return match.group(1)


async def fill(bot: MemoryBot, clock: FakeClock) -> Filled:
    """Run the workload (the clock starts at Monday 5 January 2026, 09:00 UTC)."""
    made = Filled()
    people = bot.adapter
    people.member("carol", "Facilitator")
    people.member("dev", "Safeguarding lead")
    await bot.run("carol", "/help")
    assert "sent to you" in reply_text(await bot.run("dev", "/case register"))
    await bot.run("carol", "/setup timezone=Europe/London")
    await bot.submit("carol", "welcome.edit", {"text": "Welcome, SECRET-welcome."})

    # Meetings: Alice sets one up, answers, asks for DM reminders, adds an agenda point.
    await bot.run("alice", "/meeting timezone zone=Europe/Paris")
    opened = await bot.run("alice", "/meeting schedule")
    assert opened.form is not None
    checked = await bot.submit("alice", opened.form.form_id, {
        "title": "SECRET-meeting title", "when": "2026-01-13 18:00", "repeat": "",
        "where": "Room 2", "agenda": ""}, state=opened.form.state)
    saved = await bot.press("alice", *_button(checked.messages[0], "Save meeting"))
    assert saved.update is not None
    found = re.search(r"\(meeting (\d+)\)", saved.update.text)
    assert found, saved.update.text
    made.meeting = int(found.group(1))
    # RSVP buttons come with reminders, a week away: answer as the button would (18:00
    # in Paris, Alice's zone, where she set the meeting up).
    await bot.app.storage.set_rsvp(made.meeting, datetime(2026, 1, 13, 17, 0, tzinfo=UTC),
                                   ALICE, "going", clock.now())
    await bot.run("alice", f"/meeting remindme meeting={made.meeting}")
    await bot.run("alice", '/agenda add text="SECRET-agenda point"')

    # Minutes with two action items for Alice; she marks one done.
    opened = await bot.run("carol", f"/minutes meeting={made.meeting}")
    assert opened.form is not None
    await bot.submit("carol", opened.form.form_id, {
        "summary": "SECRET-minutes summary", "decisions": "",
        "actions": "@U-alice: SECRET-task open (2026-02-20)\n@U-alice: SECRET-task done"},
        state=opened.form.state)
    actions = await bot.app.storage.open_actions(bot.group_id, ALICE)
    done = next(a for a in actions if "done" in a.task)
    assert "Marked done" in reply_text(await bot.run("alice", f"/actions done={done.id}"))

    # A check-in, answered "Not so good" with a private note, then the one-to-one it
    # offers: a request.
    await bot.run("alice", "/checkin on")
    await at(bot, clock, MONDAY_10)
    checkin = next(m for m in people.sent_to_dm("alice")
                   if m.text.startswith("**How are things going"))
    await press(bot, "alice", checkin, "Not so good", channel=None)
    action, value = _button(checkin, "Add a private note")
    form = await bot.press("alice", action, value, channel=None)
    assert form.form is not None
    made.checkin_id = form.form.state
    await bot.submit("alice", "checkin.note", {"note": "SECRET-checkin note"},
                     state=made.checkin_id, channel=None)
    await press(bot, "alice", checkin, "I'd like a one-to-one", channel=None)

    # Buddies: three join, Alice avoids Bob, one round.
    for who in ("alice", "bob", "dina"):
        await bot.run(who, "/buddy join")
    await bot.run("alice", "/buddy avoid member=U-dina")
    buddies = bot.app.features["buddies"].commands[0].handler.__self__  # type: ignore[attr-defined]
    await buddies.run_round(bot.group_id, Firing(ROUND_SCHEDULE, clock.now()),
                            random.Random(1))
    await bot.settle()

    # The agreement: Carol writes it, Alice accepts it.
    await bot.submit("carol", "agreement.start", {"points": "1. SECRET-be kind"})
    await bot.press("alice", "agreement.read", "1")

    # Polls: a named one and an anonymous one; Alice votes in both.
    for anonymous in ("no", "yes"):
        await bot.run("carol", f'/poll question="SECRET-question {anonymous}" '
                               f'options="Monday|Tuesday" closes=2d anonymous={anonymous}')
        post = people.sent_to_channel("updates")[-1]
        poll_id = post.buttons[0].value.split(":")[0]
        await bot.press("alice", post.buttons[1].action, post.buttons[1].value)
        if anonymous == "no":
            made.named_poll = poll_id
        else:
            made.anonymous_poll = poll_id

    # Anonymous feedback, a resource.
    await bot.submit("alice", "feedback.send", {"message": "SECRET-feedback words",
                                                "topic": "", "audience": "group"})
    await bot.run("alice", '/resource add title="SECRET-resource" link=https://example.org')

    # Concerns: one with her name, one anonymous without contact, one about her message.
    named = await bot.submit("alice", "concern.raise", {
        "what": "SECRET-named concern", "about": "", "danger": "no", "contact": "yes",
        "anonymous": "no"})
    made.named_case = case_ref(reply_text(named))
    hidden = await bot.submit("alice", "concern.raise", {
        "what": "SECRET-anonymous concern", "about": "", "danger": "no", "contact": "no",
        "anonymous": "yes"})
    made.anonymous_case = case_ref(reply_text(hidden))
    quoted = QuotedMessage("SECRET-alice said this", ALICE, "general")
    pointed = await bot.app.handle(MessageShortcut(bot.group_id, people.member("bob"),
                                                   SHORTCUT_ID, quoted, "general"))
    assert pointed.form is not None
    about = await bot.submit("bob", "concern.raise", {
        "what": "SECRET-concern about alice", "about": "", "danger": "no",
        "contact": "no", "anonymous": "no"}, state=pointed.form.state)
    made.case_about_alice = case_ref(reply_text(about))
    await bot.run("dev", f'/case note case={made.named_case} kind=fact '
                         'text="SECRET-lead note"')
    # A direct message the bot offers to raise as a concern: a draft, kept for a day.
    await bot.dm("alice", "SECRET-draft words")

    # Things that link to nobody in particular, so every encrypted column holds something:
    # a prompt, an amendment with a vote, hidden feedback, a closed case.
    await bot.run("carol", '/prompt add text="SECRET-prompt"')
    await bot.run("carol", '/agreement propose change=add text="SECRET-amendment" '
                           'reason="SECRET-reason"')
    proposal = people.sent_to_channel("updates")[-1]
    await bot.press("bob", proposal.buttons[0].action, proposal.buttons[0].value)
    # Alice's feedback, released for review as the next midnight would.
    tomorrow = clock.now() + timedelta(days=1)
    await bot.app.storage.release_feedback(bot.group_id, Audience.GROUP, tomorrow, 1, tomorrow)
    (waiting,) = await bot.app.storage.waiting_feedback(bot.group_id, Audience.GROUP)
    await bot.run("carol", f'/feedback hide item={waiting.item_id} reason="SECRET-hidden"')
    await bot.submit("bob", "feedback.send", {"message": "SECRET-pending feedback",
                                              "topic": "", "audience": "group"})
    await bot.run("dev", f'/case close case={made.anonymous_case} outcome="SECRET-outcome"')

    # A message to Alice that cannot be delivered yet (her DMs fail for now).
    people.fail_when = lambda d: Transient("down") if d.user == ALICE else None
    await bot.app.storage.enqueue([_held_dm(bot.group_id)], clock.now())
    bot.app.deliveries_waiting()
    await bot.settle()
    people.fail_when = None
    return made


def _held_dm(group_id: str):  # type: ignore[no-untyped-def]
    from bot.outbox import NewDelivery

    return NewDelivery("test-held-for-alice", Destination.to_dm(group_id, ALICE),
                       Message("SECRET-held message"))
