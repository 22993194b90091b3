"""Every sentence the check-ins feature says: check-ins, their settings and summary,
and one-to-one requests (catalog domain "checkins"; the rules of `bot/catalog.py` hold
here too).

Gentle, never nagging: every message says it is fine not to answer, and how to stop.

Whose language: a check-in, its follow-up and every notice to one member are in that
member's language; what goes to a facilitator is in the facilitator's (the feature
writes each inside `speaking(...)`). Names that may be a fallback (`CHECKIN_A_MEMBER`,
`CHECKIN_A_FACILITATOR`) are passed in as they are and put into the reader's language
here, with `tr`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import format_number
from bot.i18n import plain_list
from bot.i18n import tr

_domain = Domain("checkins", __file__)
_, ngettext, N_ = _domain.functions()
DOMAIN = _domain
"""The feature's catalog domain (its date patterns are in `moments.py`)."""

CHECKIN_HELP = N_("Private check-ins: now and then I ask, by direct message, how things "
                  "are going for you. See and change your settings.")
CHECKIN_ASSIGN_HELP = N_("Admins: choose a member's facilitator, who will see their check-in "
                         "answers and get their one-to-one requests. The member is told.")

CHECKIN_QUESTION = N_("**How are things going for you in the group?**\n"
                      "Only you and your own facilitator (if you have one) will see your "
                      "answer, and nobody is told anything unless you ask for a one-to-one. "
                      "You don't have to answer, and you can add a private note if you "
                      "like.")
CHECKIN_NOTE_BUTTON = N_("Add a private note")
CHECKIN_NOTE_TITLE = N_("A private note")
CHECKIN_NOTE_FIELD = N_("Your note")
CHECKIN_NOTE_HINT = N_("Nobody reads this unless you ask for a one-to-one.")
CHECKIN_REPLY_FIELD = N_("Your message")
CHECKIN_SEND = N_("Send")
"""The submit button of the note and reply forms."""
CHECKIN_A_MEMBER = N_("A member")
CHECKIN_A_FACILITATOR = N_("a facilitator")

CHECKIN_ANSWER_WORDS = {"good": N_("Good"), "okay": N_("Okay"),
                        "not_so_good": N_("Not so good"),
                        "one_to_one": N_("I'd like a one-to-one")}
"""Each check-in answer in words (declared: the note form's choices are made at import)."""

# The defaults of `[checkins] helpline` and `peer_support` (config.py): said in the
# reader's language while the operator keeps them; their own words are said as written.
CHECKIN_DEFAULT_HELPLINE = N_("If you need to talk to someone now, your local helpline or, in "
                              "an emergency, the emergency services can help at any time.")
CHECKIN_DEFAULT_PEER_SUPPORT = N_("Other members are here for each other too: type /buddy "
                                  "join to be paired with a buddy.")
_DEFAULTS = {str(CHECKIN_DEFAULT_HELPLINE): CHECKIN_DEFAULT_HELPLINE,
             str(CHECKIN_DEFAULT_PEER_SUPPORT): CHECKIN_DEFAULT_PEER_SUPPORT}


def _configured(text: str) -> str:
    """A configured sentence: a default in the reader's language, the operator's as is."""
    return tr(_DEFAULTS.get(text, text))


def checkin_answer_words(answer: object) -> str:
    """A check-in answer in words, in the language in force (the button label too)."""
    value = str(getattr(answer, "value", answer))
    return tr(CHECKIN_ANSWER_WORDS[value]) if value in CHECKIN_ANSWER_WORDS else str(answer)


def checkin_settings(enabled: bool, cadence: str, day: str, at: str, zone: str,
                     quiet_start: str, quiet_end: str, paused_until: str, reason: str,
                     when: str) -> str:
    """A member's own check-in settings, in words, and how to change them (`cadence`
    and `day` already in the reader's words)."""
    if enabled:
        state = _("Your check-ins are **on**.")
    elif reason == "misses":
        state = _("Your check-ins are **paused**, because the last few went unanswered. "
                  "That's fine.")
    elif reason == "unreachable":
        state = _("Your check-ins are **paused**, because I couldn't send you a direct "
                  "message.")
    else:
        state = _("Your check-ins are **off**.")
    quiet = (_("- Quiet hours: {start} to {end}").format(start=quiet_start, end=quiet_end)
             if quiet_start else _("- Quiet hours: none"))
    lines = [state,
             _("- How often: {cadence}, on {day} at {at}").format(
                 cadence=cadence, day=day[:1].upper() + day[1:], at=at),
             _("- Your time zone: {zone}").format(zone=zone),
             quiet]
    if paused_until:
        lines.append(_("- Paused until {day}").format(day=paused_until))
    if enabled and when:
        lines.append(_("- Next check-in: {when}").format(when=when))
    lines.append(_("To change these, type for example /checkin set cadence=fortnightly "
                   "day=friday time=18:00 quiet=22:00-08:00. Only you can see this."))
    return "\n".join(lines)


def checkin_switched_on(when: str) -> str:
    """Check-ins switched on."""
    if when:
        return _("Your check-ins are on. Your next one will reach you by direct message on "
                 "{when}. Type /checkin off at any time to stop them.").format(when=when)
    return _("Your check-ins are on. Type /checkin off at any time to stop them.")


CHECKIN_SWITCHED_OFF = N_("Your check-ins are off. Nothing else will be sent. Type /checkin "
                          "on whenever you'd like them back.")
CHECKIN_BAD_QUIET = N_("Quiet hours need a start and an end time, like quiet=22:00-08:00, or "
                       "quiet=none for no quiet hours.")
CHECKIN_PAUSE_BAD_DATE = N_("Please give the day to start again, after today and within "
                            "the next year, like until=2026-12-31, until=\"next Monday\" or "
                            "until=\"8 December\".")


def checkin_assign_not_facilitator(who: str) -> str:
    """/checkin assign to someone the bot does not know as a facilitator."""
    return _("I don't know {who} as a facilitator of this group yet, so I haven't changed "
             "anything. A facilitator becomes known when they use any command with the "
             "facilitator role, or when their id is in [checkins] facilitators in the "
             "config.").format(who=who)


def checkin_facilitators_list(names: Sequence[str]) -> str:
    """/checkin facilitators."""
    if not names:
        return _("The bot knows no facilitators yet. A facilitator becomes known when they "
                 "use any command with the facilitator role, or when their id is in "
                 "[checkins] facilitators in the config.")
    return _("Members' one-to-one requests can go to: {names}. If someone has stepped down, "
             "an admin can type /checkin remove facilitator=@them.").format(
        names=plain_list(names))


def checkin_facilitator_removed(name: str, members: int, requests: int) -> str:
    """/checkin remove done."""
    told = ngettext("{n} member who had them as facilitator has been told",
                    "{n} members who had them as facilitator have been told",
                    members).format(n=format_number(members))
    moved = ngettext("{n} open request moved to another facilitator",
                     "{n} open requests moved to another facilitator",
                     requests).format(n=format_number(requests))
    # TRANSLATORS: {told} is "2 members who had them as facilitator have been told",
    # {moved} is "1 open request moved to another facilitator".
    return _("Done. {name} is no longer counted as a facilitator: no new one-to-one "
             "requests will go to them. {told}, and {moved}. If they still have the "
             "facilitator role, take it away too, or they will be counted again the next "
             "time they use a command.").format(name=name, told=told, moved=moved)


CHECKIN_NOT_YOURS = N_("Sorry, I can't find that check-in. It may be an old one. Type "
                       "/checkin to see your settings.")
CHECKIN_ALREADY_ANSWERED = N_("You've already answered this check-in. Thank you. You can "
                              "still add a private note, or ask for a one-to-one.")


def checkin_paused(day: str, enabled: bool) -> str:
    """Paused for a holiday."""
    if not enabled:
        return _("Saved: pause until {day}. Your check-ins are off at the moment; type "
                 "/checkin on if you'd like them from then.").format(day=day)
    return _("Your check-ins are paused until {day}. They'll start again by themselves "
             "after that. Type /checkin resume to start them sooner.").format(day=day)


def checkin_default_on(when: str) -> str:
    """The first time a member acts, in a group where check-ins are on by default."""
    if when:
        return _("In this group, check-ins are on unless you switch them off: a private "
                 "message now and then asking how things are going. The first will reach "
                 "you on {when}. Type /checkin off to stop them, or /checkin to change when "
                 "they come.").format(when=when)
    return _("In this group, check-ins are on unless you switch them off: a private message "
             "now and then asking how things are going. Type /checkin off to stop them, or "
             "/checkin to change when they come.")


def checkin_assigned(facilitator: str) -> str:
    """/checkin assign saved ("" facilitator: the assignment was cleared)."""
    if not facilitator:
        return _("Saved. That member no longer has a facilitator of their own: their "
                 "one-to-one requests go to the facilitators in turn. I've told them by "
                 "direct message.")
    return _("Saved. {facilitator} is now that member's facilitator: they will see the "
             "member's check-in answers and get their one-to-one requests. I've told the "
             "member by direct message.").format(facilitator=tr(facilitator))


def checkin_your_facilitator(facilitator: str) -> str:
    """To a member: their facilitator was chosen or changed ("" : cleared)."""
    if not facilitator:
        return _("A note about your check-ins: you no longer have a facilitator of your "
                 "own. If you ask for a one-to-one, one of the facilitators will be in "
                 "touch. Nobody sees your other answers by name. Type /checkin to see your "
                 "settings.")
    return _("A note about your check-ins: {facilitator} is now your facilitator. They "
             "will see your check-in answers (your notes only if you ask for a "
             "one-to-one), and your one-to-one requests go to them. If that doesn't feel "
             "right, talk to the people who run the group. Type /checkin to see your "
             "settings.").format(facilitator=tr(facilitator))


def checkin_auto_paused(misses: int) -> str:
    """Check-ins paused after several went unanswered."""
    return ngettext("I've paused your check-ins, as the last {misses} went unanswered. "
                    "That's completely fine, and I won't send any more. If you'd like them "
                    "back, type /checkin on at any time.",
                    "I've paused your check-ins, as the last {misses} went unanswered. "
                    "That's completely fine, and I won't send any more. If you'd like them "
                    "back, type /checkin on at any time.",
                    misses).format(misses=format_number(misses))


def checkin_unreachable_for_facilitator(name: str) -> str:
    """To a facilitator: a member's check-in could not be sent (their DMs are closed)."""
    return _("{who}'s check-in couldn't be sent to them, because their direct messages are "
             "closed to the bot. Nothing was posted anywhere else. They will be told "
             "privately the next time they use a command; you may want to check in with "
             "them yourself.").format(who=name or tr(CHECKIN_A_MEMBER))


def checkin_thanks(answer: object, noted: bool) -> str:
    """A check-in answered Good or Okay (or a note added)."""
    okay = answer is not None and getattr(answer, "value", "") == "okay"
    if okay and noted:
        return _("Thank you for letting me know. Your note is saved privately: nobody reads "
                 "it unless you ask for a one-to-one. If anything changes, you can ask for a "
                 "one-to-one with a facilitator at any time.")
    if okay:
        return _("Thank you for letting me know. If anything changes, you can ask for a "
                 "one-to-one with a facilitator at any time.")
    if noted:
        return _("Thank you for letting me know. Your note is saved privately: nobody reads "
                 "it unless you ask for a one-to-one.")
    return _("Thank you for letting me know.")


def _paragraphs(lines: list[str], *more: str) -> str:
    """The lines, then each of `more` that is not empty, as paragraphs (configured
    sentences in the reader's language while they are the defaults)."""
    return "\n\n".join([*lines, *(_configured(m) for m in more if m)])


def checkin_not_so_good(noted: bool, peer_support: str, helpline: str) -> str:
    """A check-in answered Not so good: the one-to-one is offered, not started."""
    lines = [_("Thank you for telling me. I'm sorry things aren't going well. Nobody has "
               "been told: if you'd like to talk it over with a facilitator, press \"{ask}\" "
               "and one will be in touch privately.").format(
        ask=checkin_answer_words("one_to_one"))]
    if noted:
        lines.append(_("Your note is saved privately. If you ask for a one-to-one, it goes "
                       "with your request to one facilitator. If they can't take it, it goes "
                       "to the one who takes over, and to nobody else."))
    return _paragraphs(lines, peer_support, helpline)


def checkin_request_made(facilitator: str, days: int, peer_support: str, helpline: str,
                         noted: bool, from_dm: bool = False) -> str:
    """To a member who asked for a one-to-one (`from_dm`: from the choice on a direct
    message, whose words are not passed on)."""
    who = tr(facilitator) if facilitator else _("A facilitator")
    lines = [ngettext("Thank you for telling me. {who} will be in touch with you privately "
                      "within {days} day to find a time to talk.",
                      "Thank you for telling me. {who} will be in touch with you privately "
                      "within {days} days to find a time to talk.",
                      days).format(who=who, days=format_number(days))]
    if noted:
        lines.append(ngettext("Your note has gone to them with your request. If they can't "
                              "take it (they step down, or no time is arranged within "
                              "{days} day), your request and note go to one other "
                              "facilitator instead. Nobody else sees them.",
                              "Your note has gone to them with your request. If they can't "
                              "take it (they step down, or no time is arranged within "
                              "{days} days), your request and note go to one other "
                              "facilitator instead. Nobody else sees them.",
                              2 * days).format(days=format_number(2 * days)))
    return _paragraphs(lines, tr(ONE_TO_ONE_DM_NOT_PASSED) if from_dm else "", peer_support,
                       helpline)


ONE_TO_ONE_DM_NOT_PASSED = N_("What you wrote to me has not been passed on, and I have not "
                              "kept it.")


def one_to_one_waiting(peer_support: str, helpline: str, from_dm: bool = False) -> str:
    """To a member who asked for a one-to-one when the bot knows no facilitator who could
    take it: the truth, and what they can do instead."""
    lines = [_("Thank you for asking. Right now I don't know a facilitator I can pass this "
               "to, so nobody has been told yet. Your request is kept, and I pass it on as "
               "soon as I find a facilitator (I look every hour)."),
             _("If you'd like to talk sooner, please speak to a facilitator in the group, or "
               "someone you trust.")]
    return _paragraphs(lines, tr(ONE_TO_ONE_DM_NOT_PASSED) if from_dm else "", peer_support,
                       helpline)


def one_to_one_already_asked(facilitator: str, arranged: bool) -> str:
    """To a member who asks for a one-to-one while one of theirs is still open."""
    if not facilitator:
        return _("You have already asked for a one-to-one. It is waiting for a facilitator: "
                 "I pass it on as soon as I find one.")
    if arranged:
        return _("You already have a one-to-one arranged with {facilitator}.").format(
            facilitator=tr(facilitator))
    return _("You have already asked for a one-to-one. It is with {facilitator}, who will "
             "be in touch with you privately.").format(facilitator=tr(facilitator))


def _asked(answer: str) -> str:
    return (_("Their check-in answer: {answer}.").format(answer=answer) if answer
            else _("They asked by direct message to the bot, not in a check-in."))


def _their_note(note: str) -> str:
    return _("Their note:\n{note}").format(note=note) if note else ""


def one_to_one_request(name: str, answer: str, note: str, days: int) -> str:
    """To a facilitator: a member would like a one-to-one (`answer`: their check-in
    answer, "" if they asked by direct message)."""
    head = _("**{name} would like a one-to-one.** {asked}").format(name=name,
                                                                     asked=_asked(answer))
    ask = ngettext("Only you have been sent this. Please get in touch within {days} day, "
                   "and mark it arranged once you have a time.",
                   "Only you have been sent this. Please get in touch within {days} days, "
                   "and mark it arranged once you have a time.",
                   days).format(days=format_number(days))
    return "\n\n".join(p for p in (head, _their_note(note), ask) if p)


def one_to_one_note_added(name: str, note: str) -> str:
    """To the facilitator: the member added a note to their request."""
    return _("{name} added a private note to their one-to-one request:\n{note}").format(
        name=name, note=note)


def one_to_one_reminder(name: str, days: int) -> str:
    """To the facilitator: a request not yet arranged."""
    return ngettext("A gentle reminder: {name} asked for a one-to-one {days} day ago, and it "
                    "isn't marked arranged yet. If it is arranged, please press the button "
                    "so nobody else is asked.",
                    "A gentle reminder: {name} asked for a one-to-one {days} days ago, and "
                    "it isn't marked arranged yet. If it is arranged, please press the "
                    "button so nobody else is asked.",
                    days).format(name=name, days=format_number(days))


def one_to_one_escalated(name: str, answer: str, note: str, days: int) -> str:
    """To another facilitator: a request nobody has arranged yet."""
    head = ngettext("**{name} asked for a one-to-one {days} day ago, and it hasn't been "
                    "arranged yet.** Could you get in touch with them? {asked}",
                    "**{name} asked for a one-to-one {days} days ago, and it hasn't been "
                    "arranged yet.** Could you get in touch with them? {asked}",
                    days).format(name=name, days=format_number(days), asked=_asked(answer))
    return "\n\n".join(p for p in (head, _their_note(note)) if p)


ONE_TO_ONE_ALREADY = N_("That's already been marked. Thank you.")


def one_to_one_reply_title(name: str) -> str:
    """The reply form's title."""
    return _("Message to {name}").format(name=name)[:45]


def one_to_one_reply_sent(name: str) -> str:
    """To the facilitator: the reply is on its way."""
    return _("Sent to {name} by direct message. Only they will see it.").format(name=name)


def one_to_one_arranged(name: str) -> str:
    """To the facilitator: marked arranged."""
    return _("Marked arranged. No more reminders about {name}'s one-to-one.").format(
        name=name)


def checkin_summary_header(weeks: int, first: str, last: str, sent: int,
                           answered: int) -> str:
    """The summary's first line: whole weeks only, so that figures do not change while
    a week is going on."""
    return ngettext("**Check-ins in the last full week ({first} to {last}):** {sent} sent, "
                    "{answered} answered. Only you can see this.",
                    "**Check-ins in the last {weeks} full weeks ({first} to {last}):** "
                    "{sent} sent, {answered} answered. Only you can see this.",
                    weeks).format(weeks=format_number(weeks), first=first, last=last,
                                  sent=format_number(sent),
                                  answered=format_number(answered))


def _spread_line(label: str, count: int) -> str:
    return f"{label} {format_number(count)}"


def checkin_summary_spread(spread: list[tuple[str, int]]) -> str:
    """The spread of answers, as text."""
    return "\n".join([_("Answers:"), *(f"- {label}: {format_number(count)}"
                                       for label, count in spread)])


def checkin_summary_alt(weeks: int, spread: list[tuple[str, int]]) -> str:
    """The chart's alt text."""
    return ngettext("Bar chart of check-in answers in the last full week: {parts}.",
                    "Bar chart of check-in answers in the last {weeks} full weeks: {parts}.",
                    weeks).format(weeks=format_number(weeks),
                                  parts=plain_list([_spread_line(label, count)
                                                    for label, count in spread]))


def checkin_summary_chart_title(weeks: int) -> str:
    """The chart's title."""
    return ngettext("Check-in answers, last {weeks} full week",
                    "Check-in answers, last {weeks} full weeks",
                    weeks).format(weeks=format_number(weeks))


def checkin_summary_too_few(minimum: int) -> str:
    """No week had enough members answering to show the spread without pointing at
    anyone."""
    return ngettext("The spread of answers is shown for weeks in which at least {minimum} "
                    "member answered, so that nobody's answer can be picked out. There were "
                    "none in this period.",
                    "The spread of answers is shown for weeks in which at least {minimum} "
                    "members answered, so that nobody's answer can be picked out. There were "
                    "none in this period.",
                    minimum).format(minimum=format_number(minimum))


def checkin_summary_left_out(weeks: int, minimum: int) -> str:
    """Some weeks had too few members answering to be counted in the spread."""
    return ngettext("{weeks} week with fewer than {minimum} members answering is left out "
                    "of the spread, so that nobody's answer can be picked out.",
                    "{weeks} weeks with fewer than {minimum} members answering are left out "
                    "of the spread, so that nobody's answer can be picked out.",
                    weeks).format(weeks=format_number(weeks),
                                  minimum=format_number(minimum))


def checkin_summary_requests(requested: int, arranged: int) -> str:
    """Open one-to-one requests that are with the facilitator asking."""
    return _("Open one-to-one requests with you: {requested} waiting to be arranged, "
             "{arranged} arranged.").format(requested=format_number(requested),
                                            arranged=format_number(arranged))


def checkin_summary_my_request(name: str, answer: str, day: str, status: str) -> str:
    """One of the facilitator's own open requests (`answer` and `status` in words)."""
    return _("- Yours: {name} ({answer}), asked {day}, {status}").format(
        name=name, answer=answer, day=day, status=status)


def checkin_summary_answer(answer: str, day: str) -> str:
    """One answer in a member's line: "Good (07 Dec)"."""
    return _("{answer} ({day})").format(answer=answer, day=day)


# What each of this feature's sections of a member's export is (the facilitators it
# knows of are its own: `Facilitators`).
CHECKINS_EXPORT_TITLES: dict[str, str] = {
    "checkin_settings": N_("Your check-in settings: on or off, how often, when, quiet hours "
                           "and pauses."),
    "checkins": N_("Check-ins the bot sent you, your answers and your private notes."),
    "one_to_one_requests": N_("Your requests for a one-to-one, with your note."),
    "known_facilitator": N_("The bot's note that you are one of the group's facilitators."),
}
