"""Every sentence the check-ins feature says: check-ins, their settings and summary,
and one-to-one requests (the feature's slice of the catalog; the rules of
`bot/catalog.py` hold here too).

Gentle, never nagging: every message says it is fine not to answer, and how to stop.
"""

from __future__ import annotations

from collections.abc import Sequence

CHECKIN_HELP = ("Private check-ins: now and then I ask, by direct message, how things are "
                "going for you. See and change your settings.")
CHECKIN_ON_HELP = "Switch your check-ins on (or back on)."
CHECKIN_OFF_HELP = "Switch your check-ins off. You can switch them back on at any time."
CHECKIN_SET_HELP = "Choose how often, which day and time, your time zone and quiet hours."
CHECKIN_PAUSE_HELP = "Pause your check-ins until a date, for a holiday or a break."
CHECKIN_RESUME_HELP = "Start your paused check-ins again now."
CHECKIN_ASSIGN_HELP = ("Admins: choose a member's facilitator, who will see their check-in "
                       "answers and get their one-to-one requests. The member is told.")
CHECKIN_SUMMARY_HELP = ("Facilitators: check-ins sent and answered in the last full weeks, how "
                        "people answered (in weeks when 5 or more did), your own members' "
                        "answers and the one-to-one requests with you.")

CHECKIN_QUESTION = ("**How are things going for you in the group?**\n"
                    "Only you and your own facilitator (if you have one) will see your "
                    "answer, and nobody is told anything unless you ask for a one-to-one. "
                    "You don't have to answer, and you can add a private note if you like.")
CHECKIN_FOLLOW_UP = ("Just a gentle reminder, and the only one: how are things going for you "
                     "in the group? It's completely fine not to answer.")
CHECKIN_NOTE_BUTTON = "Add a private note"
CHECKIN_NOTE_TITLE = "A private note"
CHECKIN_NOTE_ANSWER_FIELD = "How are things going?"
CHECKIN_NOTE_FIELD = "Your note"
CHECKIN_NOTE_HINT = "Nobody reads this unless you ask for a one-to-one."
CHECKIN_REPLY_FIELD = "Your message"
CHECKIN_ON_BUTTON = "Switch check-ins on"
CHECKIN_OFF_BUTTON = "Switch check-ins off"
CHECKIN_RESUME_BUTTON = "Start again now"
CHECKIN_A_MEMBER = "A member"
CHECKIN_A_FACILITATOR = "a facilitator"

_ANSWER_WORDS = {"good": "Good", "okay": "Okay", "not_so_good": "Not so good",
                 "one_to_one": "I'd like a one-to-one"}


def checkin_answer_words(answer: object) -> str:
    """A check-in answer in words (the button label too)."""
    return _ANSWER_WORDS.get(str(getattr(answer, "value", answer)), str(answer))


def checkin_settings(enabled: bool, cadence: str, day: str, at: str, zone: str,
                     quiet_start: str, quiet_end: str, paused_until: str, reason: str,
                     when: str) -> str:
    """A member's own check-in settings, in words, and how to change them."""
    if enabled:
        state = "Your check-ins are **on**."
    elif reason == "misses":
        state = ("Your check-ins are **paused**, because the last few went unanswered. "
                 "That's fine.")
    elif reason == "unreachable":
        state = ("Your check-ins are **paused**, because I couldn't send you a direct "
                 "message.")
    else:
        state = "Your check-ins are **off**."
    lines = [state,
             f"- How often: {cadence}, on {day.title()} at {at}",
             f"- Your time zone: {zone}",
             f"- Quiet hours: {f'{quiet_start} to {quiet_end}' if quiet_start else 'none'}"]
    if paused_until:
        lines.append(f"- Paused until {paused_until}")
    if enabled and when:
        lines.append(f"- Next check-in: {when}")
    lines.append("To change these, type for example /checkin set cadence=fortnightly "
                 "day=friday time=18:00 quiet=22:00-08:00. Only you can see this.")
    return "\n".join(lines)


def checkin_switched_on(when: str) -> str:
    """Check-ins switched on."""
    nxt = f" Your next one will reach you by direct message on {when}." if when else ""
    return (f"Your check-ins are on.{nxt} Type /checkin off at any time to stop them.")


CHECKIN_SWITCHED_OFF = ("Your check-ins are off. Nothing else will be sent. Type /checkin on "
                        "whenever you'd like them back.")
CHECKIN_SET_NOTHING = ("Tell me what to change, for example /checkin set day=friday "
                       "time=18:00. Type /checkin to see your settings.")
CHECKIN_SAVED = "Saved."
CHECKIN_BAD_QUIET = ("Quiet hours need a start and an end time, like quiet=22:00-08:00, or "
                     "quiet=none for no quiet hours.")
CHECKIN_PAUSE_UNTIL_OPTION = "the day to start again, like 2026-12-31 or next Monday"
CHECKIN_PAUSE_BAD_DATE = ("Please give the day to start again, after today and within "
                          "the next year, like until=2026-12-31, until=\"next Monday\" or "
                          "until=\"8 December\".")
CHECKIN_ASSIGN_SELF = "A member can't be their own facilitator. Choose someone else."


def checkin_assign_not_facilitator(who: str) -> str:
    """/checkin assign to someone the bot does not know as a facilitator."""
    return (f"I don't know {who} as a facilitator of this group yet, so I haven't changed "
            "anything. A facilitator becomes known when they use any command with the "
            "facilitator role, or when their id is in [checkins] facilitators in the "
            "config.")


CHECKIN_ASSIGN_SAME = "That member already has that facilitator. Nothing changed."
CHECKIN_ASSIGN_NONE_ALREADY = ("That member has no facilitator of their own already. Nothing "
                               "changed.")
CHECKIN_FACILITATORS_HELP = ("Facilitators and admins: who the bot counts as facilitators, "
                             "the people members' one-to-one requests can go to.")
CHECKIN_REMOVE_HELP = ("Admins: stop counting someone as a facilitator (they stepped down). "
                       "Their members and open requests move to the others.")


def checkin_facilitators_list(names: Sequence[str]) -> str:
    """/checkin facilitators."""
    if not names:
        return ("The bot knows no facilitators yet. A facilitator becomes known when they "
                "use any command with the facilitator role, or when their id is in "
                "[checkins] facilitators in the config.")
    return ("Members' one-to-one requests can go to: " + ", ".join(names) + ". If someone "
            "has stepped down, an admin can type /checkin remove facilitator=@them.")


def checkin_facilitator_removed(name: str, members: int, requests: int) -> str:
    """/checkin remove done."""
    return (f"Done. {name} is no longer counted as a facilitator: no new one-to-one "
            f"requests will go to them. {members} member{'' if members == 1 else 's'} "
            f"who had them as facilitator {'has' if members == 1 else 'have'} been told, "
            f"and {requests} open request{'' if requests == 1 else 's'} moved to another "
            "facilitator. If they still have the facilitator role, take it away too, or "
            "they will be counted again the next time they use a command.")


def checkin_not_a_known_facilitator(who: str) -> str:
    """/checkin remove for someone who is not counted as a facilitator."""
    return (f"{who} isn't counted as a facilitator, so nothing changed. If their id is in "
            "[checkins] facilitators in the config, remove it there.")
CHECKIN_NOT_YOURS = ("Sorry, I can't find that check-in. It may be an old one. Type /checkin "
                     "to see your settings.")
CHECKIN_ALREADY_ANSWERED = ("You've already answered this check-in. Thank you. You can still "
                            "add a private note, or ask for a one-to-one.")
CHECKIN_DMS_CLOSED = ("A note just for you: I couldn't send you your check-in, because your "
                      "direct messages are closed to me. Your check-ins are paused. If you'd "
                      "like them back, allow direct messages from this group's members and "
                      "type /checkin on.")


def checkin_bad_option(name: str, why: str) -> str:
    """A /checkin set option that cannot be used."""
    return f"The {name} {why}. Nothing was changed."


def checkin_paused(day: str, enabled: bool) -> str:
    """Paused for a holiday."""
    if not enabled:
        return (f"Saved: pause until {day}. Your check-ins are off at the moment; type "
                "/checkin on if you'd like them from then.")
    return (f"Your check-ins are paused until {day}. They'll start again by themselves "
            "after that. Type /checkin resume to start them sooner.")


def checkin_default_on(when: str) -> str:
    """The first time a member acts, in a group where check-ins are on by default."""
    nxt = f" The first will reach you on {when}." if when else ""
    return (f"In this group, check-ins are on unless you switch them off: a private message "
            f"now and then asking how things are going.{nxt} Type /checkin off to stop them, "
            "or /checkin to change when they come.")


def checkin_assigned(facilitator: str) -> str:
    """/checkin assign saved ("" facilitator: the assignment was cleared)."""
    if not facilitator:
        return ("Saved. That member no longer has a facilitator of their own: their "
                "one-to-one requests go to the facilitators in turn. I've told them by "
                "direct message.")
    return (f"Saved. {facilitator} is now that member's facilitator: they will see the "
            "member's check-in answers and get their one-to-one requests. I've told the "
            "member by direct message.")


def checkin_your_facilitator(facilitator: str) -> str:
    """To a member: their facilitator was chosen or changed ("" : cleared)."""
    if not facilitator:
        return ("A note about your check-ins: you no longer have a facilitator of your "
                "own. If you ask for a one-to-one, one of the facilitators will be in "
                "touch. Nobody sees your other answers by name. Type /checkin to see your "
                "settings.")
    return (f"A note about your check-ins: {facilitator} is now your facilitator. They "
            "will see your check-in answers (your notes only if you ask for a "
            "one-to-one), and your one-to-one requests go to them. If that doesn't feel "
            "right, talk to the people who run the group. Type "
            "/checkin to see your settings.")


def checkin_auto_paused(misses: int) -> str:
    """Check-ins paused after several went unanswered."""
    return (f"I've paused your check-ins, as the last {misses} went unanswered. That's "
            "completely fine, and I won't send any more. If you'd like them back, type "
            "/checkin on at any time.")


def checkin_unreachable_for_facilitator(name: str) -> str:
    """To a facilitator: a member's check-in could not be sent (their DMs are closed)."""
    who = name or "A member"
    return (f"{who}'s check-in couldn't be sent to them, because their direct messages are "
            "closed to the bot. Nothing was posted anywhere else. They will be told "
            "privately the next time they use a command; you may want to check in with "
            "them yourself.")


_NOTE_KEPT = (" Your note is saved privately: nobody reads it unless you ask for a "
              "one-to-one.")


def checkin_thanks(answer: object, noted: bool) -> str:
    """A check-in answered Good or Okay (or a note added)."""
    note = _NOTE_KEPT if noted else ""
    if answer is not None and getattr(answer, "value", "") == "okay":
        return ("Thank you for letting me know." + note + " If anything changes, you can ask "
                "for a one-to-one with a facilitator at any time.")
    return "Thank you for letting me know." + note


def _paragraphs(lines: list[str], *more: str) -> str:
    """The lines, then each of `more` that is not empty, as paragraphs."""
    return "\n\n".join([*lines, *(m for m in more if m)])


def checkin_not_so_good(noted: bool, peer_support: str, helpline: str) -> str:
    """A check-in answered Not so good: the one-to-one is offered, not started."""
    lines = ["Thank you for telling me. I'm sorry things aren't going well. Nobody has "
             "been told: if you'd like to talk it over with a facilitator, press \"I'd "
             "like a one-to-one\" and one will be in touch privately."]
    if noted:
        lines.append("Your note is saved privately. If you ask for a one-to-one, it goes "
                     "with your request to one facilitator. If they can't take it, it goes "
                     "to the one who takes over, and to nobody else.")
    return _paragraphs(lines, peer_support, helpline)


def checkin_request_made(facilitator: str, days: int, peer_support: str, helpline: str,
                         noted: bool, from_dm: bool = False) -> str:
    """To a member who asked for a one-to-one (`from_dm`: from the choice on a direct
    message, whose words are not passed on)."""
    who = facilitator or "A facilitator"
    lines = [f"Thank you for telling me. {who} will be in touch with you privately within "
             f"{days} day{'' if days == 1 else 's'} to find a time to talk."]
    if noted:
        lines.append(f"Your note has gone to them with your request. If they can't take "
                     f"it (they step down, or no time is arranged within {2 * days} days), "
                     "your request and note go to one other facilitator instead. Nobody "
                     "else sees them.")
    return _paragraphs(lines, ONE_TO_ONE_DM_NOT_PASSED if from_dm else "", peer_support,
                       helpline)


ONE_TO_ONE_DM_NOT_PASSED = ("What you wrote to me has not been passed on, and I have not "
                            "kept it.")


def one_to_one_waiting(peer_support: str, helpline: str, from_dm: bool = False) -> str:
    """To a member who asked for a one-to-one when the bot knows no facilitator who could
    take it: the truth, and what they can do instead."""
    lines = ["Thank you for asking. Right now I don't know a facilitator I can pass this "
             "to, so nobody has been told yet. Your request is kept, and I pass it on as "
             "soon as I find a facilitator (I look every hour).",
             "If you'd like to talk sooner, please speak to a facilitator in the group, or "
             "someone you trust."]
    return _paragraphs(lines, ONE_TO_ONE_DM_NOT_PASSED if from_dm else "", peer_support,
                       helpline)


def one_to_one_already_asked(facilitator: str, arranged: bool) -> str:
    """To a member who asks for a one-to-one while one of theirs is still open."""
    if not facilitator:
        return ("You have already asked for a one-to-one. It is waiting for a facilitator: "
                "I pass it on as soon as I find one.")
    if arranged:
        return f"You already have a one-to-one arranged with {facilitator}."
    return (f"You have already asked for a one-to-one. It is with {facilitator}, who will "
            "be in touch with you privately.")


def _asked(answer: str) -> str:
    return (f"Their check-in answer: {answer}." if answer
            else "They asked by direct message to the bot, not in a check-in.")


def one_to_one_request(name: str, answer: str, note: str, days: int) -> str:
    """To a facilitator: a member would like a one-to-one (`answer`: their check-in
    answer, "" if they asked by direct message)."""
    said = f"\n\nTheir note:\n{note}" if note else ""
    return (f"**{name} would like a one-to-one.** {_asked(answer)}{said}\n\n"
            f"Only you have been sent this. Please get in touch within {days} "
            f"day{'' if days == 1 else 's'}, and mark it arranged once you have a time.")


def one_to_one_note_added(name: str, note: str) -> str:
    """To the facilitator: the member added a note to their request."""
    return f"{name} added a private note to their one-to-one request:\n{note}"


def one_to_one_reminder(name: str, days: int) -> str:
    """To the facilitator: a request not yet arranged."""
    return (f"A gentle reminder: {name} asked for a one-to-one {days} "
            f"day{'' if days == 1 else 's'} ago, and it isn't marked arranged yet. If it is "
            "arranged, please press the button so nobody else is asked.")


def one_to_one_escalated(name: str, answer: str, note: str, days: int) -> str:
    """To another facilitator: a request nobody has arranged yet."""
    said = f"\n\nTheir note:\n{note}" if note else ""
    return (f"**{name} asked for a one-to-one {days} days ago, and it hasn't been arranged "
            f"yet.** Could you get in touch with them? {_asked(answer)}{said}")


def one_to_one_reply_button(name: str) -> str:
    """The facilitator's button to write to the member."""
    return f"Reply to {name}"[:80]


ONE_TO_ONE_ARRANGED_BUTTON = "Mark arranged"
ONE_TO_ONE_DONE_BUTTON = "Mark done"
ONE_TO_ONE_NOT_YOURS = ("Sorry, that one-to-one request is with another facilitator, or no "
                        "longer open.")
ONE_TO_ONE_ALREADY = "That's already been marked. Thank you."


def one_to_one_reply_title(name: str) -> str:
    """The reply form's title."""
    return f"Message to {name}"[:45]


def one_to_one_reply(facilitator: str, text: str) -> str:
    """To the member: their facilitator's words."""
    return f"**A message from {facilitator}, about your one-to-one:**\n{text}"


def one_to_one_reply_sent(name: str) -> str:
    """To the facilitator: the reply is on its way."""
    return f"Sent to {name} by direct message. Only they will see it."


def one_to_one_arranged(name: str) -> str:
    """To the facilitator: marked arranged."""
    return f"Marked arranged. No more reminders about {name}'s one-to-one."


def one_to_one_done(name: str) -> str:
    """To the facilitator: marked done."""
    return f"Marked done: {name}'s one-to-one. Thank you."


def checkin_summary_header(weeks: int, first: str, last: str, sent: int,
                           answered: int) -> str:
    """The summary's first line: whole weeks only, so that figures do not change while
    a week is going on."""
    span = "the last full week" if weeks == 1 else f"the last {weeks} full weeks"
    return (f"**Check-ins in {span} ({first} to {last}):** {sent} sent, {answered} "
            "answered. Only you can see this.")


def checkin_summary_spread(spread: list[tuple[str, int]]) -> str:
    """The spread of answers, as text."""
    return "Answers:\n" + "\n".join(f"- {label}: {count}" for label, count in spread)


def checkin_summary_alt(weeks: int, spread: list[tuple[str, int]]) -> str:
    """The chart's alt text."""
    parts = ", ".join(f"{label} {count}" for label, count in spread)
    span = "the last full week" if weeks == 1 else f"the last {weeks} full weeks"
    return f"Bar chart of check-in answers in {span}: {parts}."


def checkin_summary_chart_title(weeks: int) -> str:
    """The chart's title."""
    return f"Check-in answers, last {weeks} full week{'' if weeks == 1 else 's'}"


def checkin_summary_too_few(minimum: int) -> str:
    """No week had enough members answering to show the spread without pointing at
    anyone."""
    return (f"The spread of answers is shown for weeks in which at least {minimum} members "
            "answered, so that nobody's answer can be picked out. There were none in this "
            "period.")


def checkin_summary_left_out(weeks: int, minimum: int) -> str:
    """Some weeks had too few members answering to be counted in the spread."""
    which = "1 week" if weeks == 1 else f"{weeks} weeks"
    verb = "is" if weeks == 1 else "are"
    return (f"{which} with fewer than {minimum} members answering {verb} left out of the "
            "spread, so that nobody's answer can be picked out.")


def checkin_summary_requests(requested: int, arranged: int) -> str:
    """Open one-to-one requests that are with the facilitator asking."""
    return (f"Open one-to-one requests with you: {requested} waiting to be arranged, "
            f"{arranged} arranged.")


def checkin_summary_members_header(days: int) -> str:
    """Above the facilitator's own members' answers."""
    return f"Your own members' answers in the last {days} day{'' if days == 1 else 's'}:"


def checkin_summary_my_request(name: str, answer: str, day: str, status: str) -> str:
    """One of the facilitator's own open requests."""
    return f"- Yours: {name} ({answer}), asked {day}, {status}"


def checkin_summary_member(name: str, said: list[str]) -> str:
    """One of the facilitator's own members' answers in the period."""
    return f"- {name}: " + ", ".join(said)
