"""Every sentence the meetings feature says: scheduling, reminders and RSVPs, agendas,
minutes, action items and calendar files (catalog domain "meetings").

Short sentences, everyday words, say what happened and what to do next. Wording other
features share (the examples of times people may type) stays in the core's catalog.
Building messages from records (buttons, dates in a zone) is in `texts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot import catalog
from bot.i18n import Domain
from bot.i18n import and_list
from bot.i18n import format_moment
from bot.i18n import format_number
from bot.i18n import remembered
from bot.i18n import tr
from bot.text import channel_ref
from bot.text import echo

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_domain = Domain("meetings", __file__)
_, ngettext, N_ = _domain.functions()

REPEAT_CHOICES = N_("none, weekly, fortnightly, monthly (same date), monthly by weekday "
                    '(like "second Tuesday"), or a calendar rule like '
                    '"RRULE:FREQ=WEEKLY;BYDAY=MO"')
MEETING_NONE = N_("There are no meetings coming up. Type /meeting schedule to add one.")
MEETING_DRAFT_GONE = N_("That meeting was already saved or set aside. Type /meeting list "
                        "to see the meetings.")
SENT_LATE = N_("(sent late)")


# ---- dates ------------------------------------------------------------------------------

def long_moment(moment: datetime, zone: ZoneInfo) -> str:
    """"Tuesday 1 December 2026 at 18:00" in the language in force."""
    # TRANSLATORS: a Babel date pattern: EEEE the day's name, d the day, MMMM the month's
    # name, yyyy the year, HH:mm the time; words go between single quotes ('at').
    pattern = _domain.pgettext("Babel date pattern", "EEEE d MMMM yyyy 'at' HH:mm")
    return format_moment(moment, zone, pattern)


def long_day(moment: datetime, zone: ZoneInfo) -> str:
    """"Tuesday 1 December 2026" in the language in force."""
    # TRANSLATORS: a Babel date pattern: EEEE the day's name, d the day, MMMM the month.
    pattern = _domain.pgettext("Babel date pattern", "EEEE d MMMM yyyy")
    return format_moment(moment, zone, pattern)


def short_day(moment: datetime, zone: ZoneInfo) -> str:
    """"Friday 4 December" in the language in force."""
    # TRANSLATORS: a Babel date pattern: EEEE the day's name, d the day, MMMM the month.
    pattern = _domain.pgettext("Babel date pattern", "EEEE d MMMM")
    return format_moment(moment, zone, pattern)


def weekday(moment: datetime, zone: ZoneInfo) -> str:
    """"Tuesday" in the language in force."""
    # TRANSLATORS: a Babel date pattern: EEEE is the day's name.
    pattern = _domain.pgettext("Babel date pattern", "EEEE")
    return format_moment(moment, zone, pattern)


def meeting_time(local_text: str, zone: str, abbreviation: str) -> str:
    """A meeting time with its zone, e.g. "Tuesday 1 December 2026 at 18:00
    (Europe/London time, GMT)"."""
    return _("{moment} ({zone} time, {abbreviation})").format(
        moment=local_text, zone=zone, abbreviation=abbreviation)


def meeting_when_unknown(text: str) -> str:
    """A "when" that could not be read."""
    text = echo(text)
    examples = tr(catalog.WHEN_EXAMPLES)
    if not text:
        return _("Sorry, I couldn't work out a date and time from that. These work: "
                 "{examples}.").format(examples=examples)
    return _("Sorry, I couldn't work out a date and time from “{text}”. These work: "
             "{examples}.").format(text=text, examples=examples)


def meeting_when_past(moment: datetime, zone: ZoneInfo) -> str:
    """A "when" that is in the past."""
    return _("That time ({moment}) has already passed. Please choose a time in the future, "
             "like {examples}.").format(moment=long_moment(moment, zone),
                                        examples=tr(catalog.WHEN_EXAMPLES))


def meeting_when_too_far(moment: datetime, zone: ZoneInfo) -> str:
    """A "when" more than two years ahead."""
    return _("{day} is more than two years away. Please check the year, or choose a nearer "
             "date.").format(day=long_day(moment, zone))


def meeting_repeat_unknown(text: str) -> str:
    """A repeat choice that could not be read."""
    return _("Sorry, I don't know the repeat “{text}”. Choose one of: {choices}.").format(
        text=echo(text), choices=tr(REPEAT_CHOICES))


def meeting_rule_bad(text: str, problem: str) -> str:
    """A calendar rule that cannot be used."""
    return _("The repeat rule “{text}” can't be used ({problem}). Choose one of: "
             "{choices}.").format(text=echo(text), problem=problem,
                                  choices=tr(REPEAT_CHOICES))


def meeting_rule_never(text: str) -> str:
    """A repeat rule with no meetings after now."""
    return _("The repeat rule “{text}” never gives a meeting after now. Please check its "
             "end date or count, or choose weekly or monthly.").format(text=echo(text))


def meeting_rule_too_often(text: str) -> str:
    """A repeat rule that fires more than once a day."""
    return _("The repeat rule “{text}” would hold the meeting more than once a day. "
             "Meetings can repeat at most daily.").format(text=echo(text))


def meeting_weekday_mismatch(day: str, rule: str) -> str:
    """A "second Tuesday" repeat whose first date is not a second Tuesday."""
    return _("The first date, {day}, would repeat {rule}. Please change the date, or the "
             "repeat, so that they match.").format(day=day, rule=rule)


def repeat_monthly_weekday(nth: int | str, day: str) -> str:
    """Monthly by weekday, in words (`nth` 1 to 4, or -1 for the last; else the rule's
    own number, as it is)."""
    if isinstance(nth, str):
        return _("every month on the {nth} {day}").format(nth=nth, day=day)
    sentences = {
        1: _("every month on the first {day}"),
        2: _("every month on the second {day}"),
        3: _("every month on the third {day}"),
        4: _("every month on the fourth {day}"),
        -1: _("every month on the last {day}"),
    }
    return sentences[nth].format(day=day)


def offset_words(weeks: int, days: int, hours: int, minutes: int) -> str:
    """A reminder offset in words: "1 hour 30 minutes", "1 day"."""
    parts = []
    if weeks:
        parts.append(ngettext("{n} week", "{n} weeks", weeks).format(n=format_number(weeks)))
    if days:
        parts.append(ngettext("{n} day", "{n} days", days).format(n=format_number(days)))
    if hours:
        parts.append(ngettext("{n} hour", "{n} hours", hours).format(n=format_number(hours)))
    if minutes:
        parts.append(ngettext("{n} minute", "{n} minutes", minutes).format(
            n=format_number(minutes)))
    return " ".join(parts)


def reminders_words(offsets: Sequence[str]) -> str:
    """"1 day and 1 hour before", or "no reminders"."""
    if not offsets:
        return tr(N_("no reminders"))
    return _("{offsets} before").format(offsets=and_list(offsets))


def meeting_check(title: str, when: str, repeat: str, where: str, reminders: str,
                  channel: str, editing: bool) -> str:
    """The echo before saving: exactly what was understood."""
    lines = [(_("Please check the changes before I save them:") if editing else
              _("Please check this before I save it:")),
             f"- **{title}**",
             _("- When: {when}").format(when=when),
             _("- Repeats: {repeat}").format(repeat=repeat),
             _("- Where: {where}").format(where=where or tr(N_("not given"))),
             _("- Reminders in {channel}: {reminders}").format(
                 channel=channel_ref(channel), reminders=reminders),
             _("Press Save meeting if this is right, or Change to correct it.")]
    return "\n".join(lines)


def meeting_saved(title: str, meeting_id: int, channel: str, editing: bool) -> str:
    """The meeting was saved."""
    if editing:
        text = _("Changed: **{title}** (meeting {id}). Reminders will be posted in "
                 "{channel}. Type /meeting list to see all meetings.")
    else:
        text = _("Saved: **{title}** (meeting {id}). Reminders will be posted in "
                 "{channel}. Type /meeting list to see all meetings.")
    return text.format(title=title, id=meeting_id, channel=channel_ref(channel))


def meeting_announced(title: str, when: str, repeat: str, where: str, meeting_id: int,
                      editing: bool) -> str:
    """The post in the meeting's channel when a meeting is added or changed."""
    head = (_("Meeting changed: **{title}**") if editing
            else _("New meeting: **{title}**")).format(title=title)
    lines = [head, _("When: {when}").format(when=when),
             _("Repeats: {repeat}").format(repeat=repeat)]
    if where:
        lines.append(_("Where: {where}").format(where=where))
    lines.append(_("Add it to your calendar with /meeting calendar meeting={id}.").format(
        id=meeting_id))
    return "\n".join(lines)


def meeting_not_found(meeting_id: int) -> str:
    """No such meeting in this group."""
    return _("There is no meeting {id} in this group. Type /meeting list to see the "
             "meetings and their numbers.").format(id=meeting_id)


def meeting_not_yours(meeting_id: int) -> str:
    """Only its organiser or a facilitator may change a meeting."""
    return _("Only the person who scheduled meeting {id}, or a facilitator, can change "
             "it. You can add to its agenda with /agenda add.").format(id=meeting_id)


def meeting_list(zone: str, lines: Sequence[str]) -> str:
    """The list of upcoming meetings."""
    return "\n".join([_("Meetings coming up (times in {zone}):").format(zone=zone), *lines,
                      _("Only you can see this list.")])


def meeting_list_line(meeting_id: int, title: str, when: str, repeat: str,
                      where: str) -> str:
    """One meeting in /meeting list."""
    if where:
        return _("- {id}. **{title}**: next {when}; repeats {repeat}; where: {where}"
                 ).format(id=meeting_id, title=title, when=when, repeat=repeat, where=where)
    return _("- {id}. **{title}**: next {when}; repeats {repeat}").format(
        id=meeting_id, title=title, when=when, repeat=repeat)


def reminder_text(title: str, when: str, where: str, agenda: Sequence[str],
                  counts: dict[str, int], late: bool) -> str:
    """A meeting reminder with the current answers."""
    head = _("Reminder: **{title}** is on {when}.").format(title=title, when=when)
    lines = [f"{head} {tr(SENT_LATE)}" if late else head]
    if where:
        lines.append(_("Where: {where}").format(where=where))
    if agenda:
        lines.append(_("Agenda:"))
        lines += [f"- {item}" for item in agenda]
    lines.append(_("Answers so far: {going} going, {maybe} maybe, {no} can't make it.").format(
        going=format_number(counts.get("going", 0)), maybe=format_number(counts.get("maybe", 0)),
        no=format_number(counts.get("no", 0))))
    lines.append(_("Press a button to answer. You can change your answer later."))
    return "\n".join(lines)


@remembered
def rsvp_thanks(answer: str) -> str:
    """The private answer to an RSVP press."""
    return _("Thank you. Your answer: {answer}. Press another button to change it; only "
             "the totals are shown to others.").format(answer=tr(answer))


def dm_optin_done(title: str, meeting_id: int, on: bool) -> str:
    """Personal reminders switched on or off."""
    if on:
        return _("You'll also get the reminders for **{title}** as a direct message. "
                 "To stop, type /meeting remindme meeting={id} on=no.").format(
            title=title, id=meeting_id)
    return _("You won't get direct-message reminders for **{title}** any more.").format(
        title=title)


def meeting_cancelled_notice(title: str, when: str | None) -> str:
    """The post when a meeting (or one occurrence) is cancelled."""
    if when is None:
        return _("**{title}** has been cancelled. There will be no more reminders for it."
                 ).format(title=title)
    return _("**{title}** on {when} will not take place. Later dates are not affected."
             ).format(title=title, when=when)


def meeting_cancelled(title: str, when: str | None) -> str:
    """The private confirmation of a cancellation."""
    if when is None:
        return _("Cancelled **{title}** and all its reminders. I've told the group.").format(
            title=title)
    return _("Cancelled **{title}** on {when} only. I've told the group.").format(
        title=title, when=when)


def meeting_no_occurrence(day: str) -> str:
    """No occurrence on that day."""
    return _("The meeting does not take place on {day}. Type /meeting list to see when "
             "it is next.").format(day=day)


def meeting_no_more(title: str) -> str:
    """A meeting with nothing left to skip."""
    return _("**{title}** has no more dates coming up.").format(title=title)


def meeting_timezone_is(zone: str, own: bool) -> str:
    """The member's zone for reading and showing times."""
    if own:
        return _("Your time zone is {zone}. Times you type and times I show you use it. "
                 "To use the group's again: /meeting timezone zone=reset.").format(zone=zone)
    return _("You're using the group's time zone, {zone}. To set your own: "
             "/meeting timezone zone=Europe/Paris (for example).").format(zone=zone)


def meeting_timezone_unknown(typed: str, suggestion: str | None) -> str:
    """A member's own time zone that we do not know: a whole sentence, and a guess."""
    if suggestion:
        return _("Sorry, “{typed}” is not a time zone I know. Did you mean {suggestion}? "
                 "Use a name like Europe/London, America/New_York or UTC. Nothing was "
                 "changed.").format(typed=echo(typed), suggestion=suggestion)
    return _("Sorry, “{typed}” is not a time zone I know. Use a name like Europe/London, "
             "America/New_York or UTC. Nothing was changed.").format(typed=echo(typed))


def meeting_timezone_saved(zone: str) -> str:
    """The member's zone was saved."""
    return _("Saved: I'll read and show times for you in {zone}.").format(zone=zone)


def meeting_line(title: str, when: str) -> str:
    """One meeting in the weekly post or a member's overview."""
    return f"- **{title}**: {when}"


def coming_up(meeting_lines: Sequence[str], action_lines: Sequence[str]) -> str:
    """The weekly "coming up" post."""
    lines = [_("**Coming up this week**")]
    if meeting_lines:
        lines += [_("Meetings:"), *meeting_lines]
    else:
        lines.append(_("No meetings this week."))
    if action_lines:
        lines += [_("Open action items:"), *action_lines]
    return "\n".join(lines)


def meetings_home(meeting_lines: Sequence[str], action_lines: Sequence[str]) -> str:
    """The meetings section of a member's own overview."""
    lines = [_("**Meetings**")]
    lines += ([_("Coming up:"), *meeting_lines] if meeting_lines
              else [_("No meetings coming up.")])
    if action_lines:
        lines += [_("Your open action items:"), *action_lines]
    return "\n".join(lines)


def agenda_added(title: str, when: str) -> str:
    """An agenda point was added."""
    return _("Added to the agenda of **{title}** on {when}. Type /agenda show to see "
             "the whole agenda.").format(title=title, when=when)


def agenda_show(title: str, when: str, notes: str, items: Sequence[str]) -> str:
    """The agenda of a meeting's next occurrence."""
    lines = [_("Agenda for **{title}** on {when}:").format(title=title, when=when)]
    if notes:
        lines.append(notes)
    lines += [f"- {item}" for item in items]
    if not notes and not items:
        lines.append(tr(N_("Nothing on the agenda yet. Add a point with /agenda add "
                           "text=\"...\".")))
    return "\n".join(lines)


def agenda_item(author: str, text: str) -> str:
    """One agenda point with who added it."""
    return _("{text} (added by {author})").format(text=text, author=author)


def minutes_title(moment: datetime, zone: ZoneInfo) -> str:
    """The title of minutes written for no meeting in particular."""
    return _("meeting of {day}").format(day=long_day(moment, zone))


def minutes_posted(title: str, summary: str, decisions: str,
                   actions: Sequence[str]) -> str:
    """The minutes as posted in the updates channel."""
    lines = [_("**Minutes: {title}**").format(title=title), _("Summary:"), summary]
    if decisions:
        lines += [_("Decisions:"), decisions]
    if actions:
        lines += [_("Action items:"), *actions]
    lines.append(_("Type /actions to see your open action items."))
    return "\n".join(lines)


def minutes_saved(channel: str, count: int) -> str:
    """Private confirmation after /minutes."""
    return ngettext(
        "Saved and posted the minutes in {channel}, with {count} action item, now tracked.",
        "Saved and posted the minutes in {channel}, with {count} action items, now tracked.",
        count).format(channel=channel_ref(channel), count=format_number(count)) if count else \
        _("Saved and posted the minutes in {channel}, with no action items.").format(
            channel=channel_ref(channel))


def action_line_bad(number: int, line: str) -> str:
    """An action item line that could not be read."""
    return _("Line {number} (“{line}”) needs the form “owner: task (due date)”, like "
             "“@sam: book the room (Friday)”. The due date is optional.").format(
        number=format_number(number), line=echo(line))


def action_line_problem(number: int, problem: str) -> str:
    """A problem with one line of the action items."""
    return _("Line {number}: {problem}").format(number=format_number(number), problem=problem)


def action_owners_unknown(owners: Sequence[str]) -> str:
    """Minutes naming an @owner the platform does not know in the group (`owners` as
    typed, without the @)."""
    names = and_list([f"“{echo(o if o.startswith('<') else '@' + o, 40)}”"
                      for o in dict.fromkeys(owners)])
    return _("I couldn't match {names} to anyone in this group, so I couldn't remind "
             "them. Check the name, or write it without the @ to keep it as a plain name "
             "(with no reminders). Nothing was saved yet.").format(names=names)


def action_line(action_id: int, owner: str, task: str, due: str | None) -> str:
    """One action item in a list."""
    if due:
        return _("- {id}. {owner}: {task} (due {due})").format(
            id=action_id, owner=owner, task=task, due=due)
    return f"- {action_id}. {owner}: {task}"


def actions_list(lines: Sequence[str], everyone: bool) -> str:
    """/actions."""
    head = _("Open action items:") if everyone else _("Your open action items:")
    return "\n".join([head, *lines, _("Mark one done with /actions done=N or its button.")])


def action_reminder(task: str, due: str, late: bool) -> str:
    """A DM to an action item's owner before it is due."""
    if late:
        return _("A reminder about your action item: {task} (due {due}). (sent late) When "
                 "it's done, press Mark done or type /actions done=N.").format(task=task,
                                                                                due=due)
    return _("A reminder about your action item: {task} (due {due}). When it's done, press "
             "Mark done or type /actions done=N.").format(task=task, due=due)


def action_done(action_id: int, task: str) -> str:
    """An action item was marked done."""
    return _("Marked done: {id}. {task}. Thank you!").format(id=action_id, task=task)


def action_not_found(action_id: int) -> str:
    """No open action item with that number."""
    return _("There is no open action item {id}. Type /actions all=yes to see the open "
             "ones.").format(id=action_id)


def action_not_yours(action_id: int) -> str:
    """Only the owner or a facilitator may close an action item."""
    return _("Only the owner of action item {id}, or a facilitator, can mark it done."
             ).format(id=action_id)


def calendar_file(count: int) -> str:
    """The message carrying a calendar file."""
    return ngettext("Here is a calendar file with this meeting. Open it, or import it into "
                    "your calendar app, to add the dates there.",
                    "Here is a calendar file with these {count} meetings. Open it, or import "
                    "it into your calendar app, to add the dates there.", count).format(
        count=format_number(count))


def calendar_description(count: int) -> str:
    """The file's description (alt text)."""
    return ngettext("A calendar file (.ics) with {count} meeting",
                    "A calendar file (.ics) with {count} meetings", count).format(
        count=format_number(count))


# What each family of this feature's commands is for, on its /help line.
MEETINGS_HELP_FAMILIES: dict[str, str] = {
    "agenda": N_("The agenda of the next meeting: add a point, or see it."),
    "meeting": N_("Meetings: schedule one, see what is coming up, change or cancel one, and "
                  "get reminders."),
}


# What each of this feature's sections of a member's export is.
MEETINGS_EXPORT_TITLES: dict[str, str] = {
    "time_zones": N_("Your own time zone, if you set one (for meeting times)."),
    "meeting_rsvps": N_("Your answers to meeting invitations."),
    "meeting_reminder_optins": N_("Meetings you asked to be reminded about by direct message."),
    "agenda_items": N_("Points you added to meeting agendas."),
    "action_items": N_("Action items you own or marked done."),
    "minutes_written": N_("Minutes you wrote (the minutes themselves are the group's record)."),
    "meetings_created": N_("Meetings you set up."),
}
