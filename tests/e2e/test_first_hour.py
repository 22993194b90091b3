"""The first hour of a new group, through the console, as the people in it would type it.

A facilitator sets the group up, the safeguarding leads are declared, a member joins,
and every feature is used once: a meeting with an agenda point and personal reminders,
minutes with an action item, the group agreement, a discussion prompt, a poll and a
vote, anonymous feedback, check-ins, buddy pairing, a shared resource and a
safeguarding concern that a lead acknowledges. The test asserts on what each person
sees: their private answers, their direct messages and the channel posts, and that
nobody sees what is not theirs.

What needs the clock to move (a reminder, a digest, a poll's results, a check-in, a
buddy round) cannot happen within one run of the console; within the hour the bot says
when each will come, and that is what is checked here. The later steps are proved by
the tests named in docs/promises.md.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import ConsoleRunner

SCRIPT = """\
# The facilitator sets up the group
:as carol
/setup timezone=Europe/London updates_channel=#updates feedback_channel=#feedback
# The leads are declared: an admin adds a second lead role, a new lead registers
:as sam
/setup lead_roles="Safeguarding lead,DSL"
:join frank
:role frank DSL
:as frank
/case register
/case leads
# A member joins
:join dana
# A meeting, its agenda and personal reminders
:as carol
/meeting schedule
Planning meeting
tomorrow 18:00

Room 2
Bring your ideas

:press Save meeting
:as dana
/agenda add text="Spring event"
/agenda show
/meeting remindme meeting=1 on=yes
# Minutes with an action item for the newcomer
:as carol
/minutes meeting=1
:form summary="We planned it." decisions="April." actions="@dana: book the room (Friday)"
# The agreement, a prompt and a poll
/agreement start points="We listen to each other.\\nWe start on time."
/prompt add text="What helped you feel heard this month?"
/poll question="Which day suits?" options="Monday|Tuesday" closes=2d
# Members take part
:as dana
/actions
/agreement
:press I have read it
:press 1. Monday
:as alice
/feedback
:form message="The room was too loud." audience=group
/checkin on
:as bob
/buddy join
/resource add title="Benefits guide" link=https://example.org/benefits tags="money"
/resource list
# A safeguarding concern, and a lead who picks it up
/concern
:form what="Someone was shouted at after the meeting." danger=no contact=yes anonymous=no
:as erin
:press Acknowledge
"""

_BLOCK = re.compile(r"^\[(?P<where>[^\]]+)\] coprod: (?P<first>.*)$")


def _blocks(out: str) -> list[tuple[str, str]]:
    """Each bot message as (where it went, its text with the indented lines below it)."""
    found: list[tuple[str, str]] = []
    for line in out.splitlines():
        match = _BLOCK.match(line)
        if match:
            found.append((match["where"], match["first"]))
        elif line.startswith("    ") and found:
            where, text = found[-1]
            found[-1] = (where, text + "\n" + line.strip())
    return found


def _seen_by(out: str, name: str) -> list[str]:
    """What only `name` sees: their private answers and their direct messages."""
    return [text for where, text in _blocks(out)
            if where in (f"only {name} can see this", f"DM to {name}")]


def _posted(out: str, channel: str) -> list[str]:
    return [text for where, text in _blocks(out) if where == f"#{channel}"]


def _all_in(text: str, *sentences: str) -> None:
    """Each sentence is somewhere in `text` (all those missing named at once)."""
    missing = [sentence for sentence in sentences if sentence not in text]
    assert not missing, missing


async def test_the_first_hour_of_a_new_group(console: ConsoleRunner) -> None:
    out = (await console(SCRIPT)).out

    carol = "\n".join(_seen_by(out, "Carol"))
    assert "Saved: Planning meeting (meeting 1). Reminders will be posted in #updates." in out
    _all_in(carol,
            "Saved: feedback_channel, timezone, updates_channel.",
            "Saved and posted the minutes in #updates, with 1 action item, now tracked.",
            "Saved as version 1, and announced in #updates.",
            "one is posted every week in #updates",
            "Your poll will be posted in #updates in a moment.",
            "You will see the results when everyone else does.")

    sam = "\n".join(_seen_by(out, "Sam"))
    assert "Saved: lead_roles." in sam
    frank = "\n".join(_seen_by(out, "Frank"))
    assert "Thank you, Frank. New concerns will be sent to you by direct message." in frank
    assert re.search(r"New concerns are sent to: .*Frank", frank)
    # The leads' channel is told who changed who sees concerns.
    assert any("Sam has just used /setup to change who the leads are" in t
               for t in _posted(out, "safeguarding-leads"))

    dana = _seen_by(out, "Dana")
    welcome = next(t for t in dana if t.startswith("Welcome, Dana!"))
    assert "type /concern: it goes privately to the safeguarding leads only" in welcome
    assert "[Yes, check in with me]" in welcome and "[Yes, find me a buddy]" in welcome
    _all_in("\n".join(dana),
            "Added to the agenda of Planning meeting",
            "Spring event (added by Dana)",
            "You'll also get the reminders for Planning meeting as a direct message.",
            "book the room",  # /actions: her action item from the minutes
            "1. We listen to each other.",
            "I have noted that you have read version 1 of the agreement.",
            "Your vote is counted: Monday.",
            "Only you can see this message.")

    updates = "\n".join(_posted(out, "updates"))
    assert "dana" in updates.lower()
    _all_in(updates,
            "New meeting: Planning meeting",
            "Minutes: Planning meeting",
            "The group now has an agreement with 2 points.",
            "Poll: Which day suits?",
            "nobody in the group, facilitators included, can see who chose what")
    # A vote shows nowhere but to the voter: no count, no name in the channel.
    assert "Dana" not in updates.split("Poll: Which day suits?")[1]

    alice = "\n".join(_seen_by(out, "Alice"))
    assert "Sent anonymously. The bot never stores who wrote it" in alice
    assert "Your next one will reach you by direct message on" in alice
    # Feedback waits for a digest: nothing is posted on the day it is written.
    assert _posted(out, "feedback") == []
    assert "The room was too loud" not in "\n".join(t for _, t in _blocks(out))

    bob = _seen_by(out, "Bob")
    bob_text = "\n".join(bob)
    assert "I'll introduce you to a buddy by direct message" in bob_text
    assert "Benefits guide" in bob_text and "Everyone can find it with /resource list." \
        in bob_text
    confirmed = next(t for t in bob if t.startswith("Thank you. Your concern is saved"))
    ref = re.search(r"case (C-[A-Z0-9]{6})", confirmed)
    assert ref is not None
    assert "Who will see it: the group's safeguarding leads" in confirmed
    assert "usually within 30 minutes" in confirmed
    assert "I will tell you privately when a lead has picked it up" in confirmed
    # The concern reaches every lead, however declared, and the leads' channel...
    for lead in ("Dev", "Erin", "Frank"):
        assert any(t.startswith(f"Safeguarding concern {ref[1]}")
                   and "Someone was shouted at" in t for t in _seen_by(out, lead)), lead
    assert any("Someone was shouted at" in t for t in _posted(out, "safeguarding-leads"))
    # ...and nobody else: not a member, not a facilitator, not a public channel.
    for where, text in _blocks(out):
        if "Someone was shouted at" in text:
            assert where in ("DM to Dev", "DM to Erin", "DM to Frank",
                             "#safeguarding-leads"), where
    # A lead picks it up; the reporter is told privately, without the concern's words.
    erin = "\n".join(_seen_by(out, "Erin"))
    assert f"You have taken case {ref[1]}." in erin
    told = [t for t in bob if t.startswith("A safeguarding lead has picked up your concern")]
    assert told and "shouted" not in told[0]
