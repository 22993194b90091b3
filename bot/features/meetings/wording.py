"""Every sentence the meetings feature says: scheduling, reminders and RSVPs, agendas,
minutes, action items and calendar files.

The meetings slice of `bot/catalog.py`, kept beside the feature, under the same rules:
short sentences, everyday words, say what happened and what to do next. Wording other
features share (the examples of times people may type) stays in the catalog. Building
messages from records (buttons, dates in a zone) is in `texts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import catalog
from bot.catalog import _and_list
from bot.text import channel_ref, echo

REPEAT_CHOICES = ("none, weekly, fortnightly, monthly (same date), monthly by weekday "
                  '(like "second Tuesday"), or a calendar rule like '
                  '"RRULE:FREQ=WEEKLY;BYDAY=MO"')
REPEAT_NONE = "once (does not repeat)"
MEETING_FORM_TITLE = "Schedule a meeting"
MEETING_EDIT_FORM_TITLE = "Change a meeting"
MEETING_TITLE_LABEL = "Title"
MEETING_WHEN_LABEL = "When"
MEETING_REPEAT_LABEL = "Repeat"
MEETING_WHERE_LABEL = "Where (a place or a link)"
MEETING_AGENDA_LABEL = "Agenda notes"
MEETING_SAVE = "Save meeting"
MEETING_CHANGE = "Change"
MEETING_DISCARD = "Don't save"
RSVP_GOING = "Going"
RSVP_MAYBE = "Maybe"
RSVP_NO = "Can't make it"
REMIND_ME_BY_DM = "Remind me by DM too"
ACTION_DONE_BUTTON = "Mark done"
MINUTES_FORM_TITLE = "Minutes"
MINUTES_SUMMARY_LABEL = "Summary"
MINUTES_DECISIONS_LABEL = "Decisions"
MINUTES_ACTIONS_LABEL = "Action items, one per line"
MINUTES_ACTIONS_PLACEHOLDER = "@sam: book the room (Friday)"
MEETING_NONE = ("There are no meetings coming up. Type /meeting schedule to add one.")
MEETING_DISCARDED = "Not saved. Nothing was changed."
MEETING_DRAFT_GONE = ("That meeting was already saved or set aside. Type /meeting list "
                      "to see the meetings.")
ACTIONS_NONE_MINE = "You have no open action items. Type /actions all=yes to see everyone's."
ACTIONS_NONE = "There are no open action items."
AGENDA_EMPTY = "Nothing on the agenda yet. Add a point with /agenda add text=\"...\"."


def meeting_time(local_text: str, zone: str, abbreviation: str) -> str:
    """A meeting time with its zone, e.g. "Tuesday 1 December 2026 at 18:00
    (Europe/London time, GMT)"."""
    return f"{local_text} ({zone} time, {abbreviation})"


def meeting_when_unknown(text: str) -> str:
    """A "when" that could not be read."""
    text = echo(text)
    shown = f"“{text}”" if text else "that"
    return (f"Sorry, I couldn't work out a date and time from {shown}. These work: "
            f"{catalog.WHEN_EXAMPLES}.")


def meeting_when_past(moment: datetime) -> str:
    """A "when" that is in the past."""
    return (f"That time ({moment:%A} {moment.day} {moment:%B %Y at %H:%M}) has already "
            f"passed. Please choose a time in the future, like {catalog.WHEN_EXAMPLES}.")


def meeting_when_too_far(moment: datetime) -> str:
    """A "when" more than two years ahead."""
    return (f"{moment:%A} {moment.day} {moment:%B %Y} is more than two years away. Please "
            "check the year, or choose a nearer date.")


def meeting_repeat_unknown(text: str) -> str:
    """A repeat choice that could not be read."""
    text = echo(text)
    return f"Sorry, I don't know the repeat “{text}”. Choose one of: {REPEAT_CHOICES}."


def meeting_rule_bad(text: str, problem: str) -> str:
    """A calendar rule that cannot be used."""
    text = echo(text)
    return (f"The repeat rule “{text}” can't be used ({problem}). Choose one of: "
            f"{REPEAT_CHOICES}.")


def meeting_rule_never(text: str) -> str:
    """A repeat rule with no meetings after now."""
    text = echo(text)
    return (f"The repeat rule “{text}” never gives a meeting after now. Please check its "
            "end date or count, or choose weekly or monthly.")


def meeting_rule_too_often(text: str) -> str:
    """A repeat rule that fires more than once a day."""
    text = echo(text)
    return (f"The repeat rule “{text}” would hold the meeting more than once a day. "
            "Meetings can repeat at most daily.")


def meeting_weekday_mismatch(day: str, rule: str) -> str:
    """A "second Tuesday" repeat whose first date is not a second Tuesday."""
    return (f"The first date, {day}, would repeat {rule}. Please change the date, or the "
            "repeat, so that they match.")


def repeat_weekly(day: str) -> str:
    """Weekly, in words."""
    return f"every week on {day}"


def repeat_fortnightly(day: str) -> str:
    """Fortnightly, in words."""
    return f"every two weeks on {day}"


def repeat_monthly_date(day: int) -> str:
    """Monthly by date, in words."""
    return f"every month on day {day} (months without that day are skipped)"


def repeat_monthly_weekday(nth: str, day: str) -> str:
    """Monthly by weekday, in words."""
    return f"every month on the {nth} {day}"


def repeat_rule(rule: str) -> str:
    """A custom rule, as given."""
    return f"by the rule {rule}"


def meeting_reminders_unknown(text: str) -> str:
    """Reminder times that could not be read."""
    text = echo(text)
    return (f"Sorry, I couldn't read the reminder times “{text}”. Write them like "
            "“1 day, 1 hour” or “2 hours, 15 minutes”, or “none”.")


def meeting_reminders_range(text: str) -> str:
    """A reminder time too short or too long."""
    text = echo(text)
    return (f"Each reminder time in “{text}” must be between 1 minute and 4 weeks before "
            "the meeting.")


def meeting_reminders_too_many(most: int) -> str:
    """Too many reminder times."""
    return f"Please choose at most {most} reminder times."


def reminders_words(offsets: Sequence[str]) -> str:
    """"1 day and 1 hour before", or "no reminders"."""
    if not offsets:
        return "no reminders"
    items = list(offsets)
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"{joined} before"


def meeting_check(title: str, when: str, repeat: str, where: str, reminders: str,
                  channel: str, editing: bool) -> str:
    """The echo before saving: exactly what was understood."""
    lines = [("Please check the changes before I save them:" if editing else
              "Please check this before I save it:"),
             f"- **{title}**",
             f"- When: {when}",
             f"- Repeats: {repeat}",
             f"- Where: {where or 'not given'}",
             f"- Reminders in {channel_ref(channel)}: {reminders}",
             "Press Save meeting if this is right, or Change to correct it."]
    return "\n".join(lines)


def meeting_saved(title: str, meeting_id: int, channel: str, editing: bool) -> str:
    """The meeting was saved."""
    verb = "Changed" if editing else "Saved"
    return (f"{verb}: **{title}** (meeting {meeting_id}). Reminders will be posted in "
            f"{channel_ref(channel)}. Type /meeting list to see all meetings.")


def meeting_announced(title: str, when: str, repeat: str, where: str, meeting_id: int,
                      editing: bool) -> str:
    """The post in the meeting's channel when a meeting is added or changed."""
    head = "Meeting changed" if editing else "New meeting"
    lines = [f"{head}: **{title}**", f"When: {when}", f"Repeats: {repeat}"]
    if where:
        lines.append(f"Where: {where}")
    lines.append(f"Add it to your calendar with /meeting calendar meeting={meeting_id}.")
    return "\n".join(lines)


def meeting_not_found(meeting_id: int) -> str:
    """No such meeting in this group."""
    return (f"There is no meeting {meeting_id} in this group. Type /meeting list to see "
            "the meetings and their numbers.")


def meeting_not_yours(meeting_id: int) -> str:
    """Only its organiser or a facilitator may change a meeting."""
    return (f"Only the person who scheduled meeting {meeting_id}, or a facilitator, can "
            "change it. You can add to its agenda with /agenda add.")


def meeting_list(zone: str, lines: Sequence[str]) -> str:
    """The list of upcoming meetings."""
    return (f"Meetings coming up (times in {zone}):\n" + "\n".join(lines)
            + "\nOnly you can see this list.")


def meeting_list_line(meeting_id: int, title: str, when: str, repeat: str,
                      where: str) -> str:
    """One meeting in /meeting list."""
    text = f"- {meeting_id}. **{title}**: next {when}; repeats {repeat}"
    return text + (f"; where: {where}" if where else "")


def reminder_text(title: str, when: str, where: str, agenda: Sequence[str],
                  counts: dict[str, int], late: bool) -> str:
    """A meeting reminder with the current answers."""
    lines = [f"Reminder: **{title}** is on {when}." + (" (sent late)" if late else "")]
    if where:
        lines.append(f"Where: {where}")
    if agenda:
        lines.append("Agenda:")
        lines += [f"- {item}" for item in agenda]
    lines.append(f"Answers so far: {counts.get('going', 0)} going, "
                 f"{counts.get('maybe', 0)} maybe, "
                 f"{counts.get('no', 0)} can't make it.")
    lines.append("Press a button to answer. You can change your answer later.")
    return "\n".join(lines)


def rsvp_thanks(answer: str) -> str:
    """The private answer to an RSVP press."""
    return (f"Thank you. Your answer: {answer}. Press another button to change it; only "
            "the totals are shown to others.")


def dm_optin_done(title: str, meeting_id: int, on: bool) -> str:
    """Personal reminders switched on or off."""
    if on:
        return (f"You'll also get the reminders for **{title}** as a direct message. "
                f"To stop, type /meeting remindme meeting={meeting_id} on=no.")
    return f"You won't get direct-message reminders for **{title}** any more."


def meeting_cancelled_notice(title: str, when: str | None) -> str:
    """The post when a meeting (or one occurrence) is cancelled."""
    if when is None:
        return f"**{title}** has been cancelled. There will be no more reminders for it."
    return f"**{title}** on {when} will not take place. Later dates are not affected."


def meeting_cancelled(title: str, when: str | None) -> str:
    """The private confirmation of a cancellation."""
    if when is None:
        return f"Cancelled **{title}** and all its reminders. I've told the group."
    return f"Cancelled **{title}** on {when} only. I've told the group."


def meeting_no_occurrence(day: str) -> str:
    """No occurrence on that day."""
    return (f"The meeting does not take place on {day}. Type /meeting list to see when "
            "it is next.")


def meeting_no_more(title: str) -> str:
    """A meeting with nothing left to skip."""
    return f"**{title}** has no more dates coming up."


def meeting_timezone_is(zone: str, own: bool) -> str:
    """The member's zone for reading and showing times."""
    if own:
        return (f"Your time zone is {zone}. Times you type and times I show you use it. "
                "To use the group's again: /meeting timezone zone=reset.")
    return (f"You're using the group's time zone, {zone}. To set your own: "
            "/meeting timezone zone=Europe/Paris (for example).")


def meeting_timezone_saved(zone: str) -> str:
    """The member's zone was saved."""
    return f"Saved: I'll read and show times for you in {zone}."


def coming_up(meeting_lines: Sequence[str], action_lines: Sequence[str]) -> str:
    """The weekly "coming up" post."""
    lines = ["**Coming up this week**"]
    if meeting_lines:
        lines += ["Meetings:", *meeting_lines]
    else:
        lines.append("No meetings this week.")
    if action_lines:
        lines += ["Open action items:", *action_lines]
    return "\n".join(lines)


def meetings_home(meeting_lines: Sequence[str], action_lines: Sequence[str]) -> str:
    """The meetings section of a member's own overview."""
    lines = ["**Meetings**"]
    lines += ["Coming up:", *meeting_lines] if meeting_lines else ["No meetings coming up."]
    if action_lines:
        lines += ["Your open action items:", *action_lines]
    return "\n".join(lines)


def agenda_added(title: str, when: str) -> str:
    """An agenda point was added."""
    return (f"Added to the agenda of **{title}** on {when}. Type /agenda show to see "
            "the whole agenda.")


def agenda_show(title: str, when: str, notes: str, items: Sequence[str]) -> str:
    """The agenda of a meeting's next occurrence."""
    lines = [f"Agenda for **{title}** on {when}:"]
    if notes:
        lines.append(notes)
    lines += [f"- {item}" for item in items]
    if not notes and not items:
        lines.append(AGENDA_EMPTY)
    return "\n".join(lines)


def agenda_item(author: str, text: str) -> str:
    """One agenda point with who added it."""
    return f"{text} (added by {author})"


def agenda_too_long(most: int) -> str:
    """An agenda point over the limit."""
    return f"Please keep an agenda point under {most} characters. Nothing was added."


def minutes_posted(title: str, summary: str, decisions: str,
                   actions: Sequence[str]) -> str:
    """The minutes as posted in the updates channel."""
    lines = [f"**Minutes: {title}**", "Summary:", summary]
    if decisions:
        lines += ["Decisions:", decisions]
    if actions:
        lines += ["Action items:", *actions]
    lines.append("Type /actions to see your open action items.")
    return "\n".join(lines)


def minutes_saved(channel: str, count: int) -> str:
    """Private confirmation after /minutes."""
    items = ("no action items" if count == 0 else
             f"{count} action item{'' if count == 1 else 's'}, now tracked")
    return f"Saved and posted the minutes in {channel_ref(channel)}, with {items}."


def action_line_bad(number: int, line: str) -> str:
    """An action item line that could not be read."""
    line = echo(line)
    return (f"Line {number} (“{line}”) needs the form “owner: task (due date)”, like "
            "“@sam: book the room (Friday)”. The due date is optional.")


def action_due_unknown(text: str) -> str:
    """A due date that could not be read."""
    text = echo(text)
    return (f"I couldn't read the due date “{text}”. Try “Friday”, “8 December” or "
            "“2026-12-08”.")


def action_due_past(text: str) -> str:
    """A due date in the past."""
    text = echo(text)
    return f"The due date “{text}” has already passed. Please choose today or later."


def action_owners_unknown(owners: Sequence[str]) -> str:
    """Minutes naming an @owner the platform does not know in the group (`owners` as
    typed, without the @)."""
    names = _and_list([f"“{echo(o if o.startswith('<') else '@' + o, 40)}”"
                       for o in dict.fromkeys(owners)])
    return (f"I couldn't match {names} to anyone in this group, so I couldn't remind "
            "them. Check the name, or write it without "
            "the @ to keep it as a plain name (with no reminders). Nothing was saved yet.")


def action_line(action_id: int, owner: str, task: str, due: str | None) -> str:
    """One action item in a list."""
    return f"- {action_id}. {owner}: {task}" + (f" (due {due})" if due else "")


def actions_list(lines: Sequence[str], everyone: bool) -> str:
    """/actions."""
    head = "Open action items:" if everyone else "Your open action items:"
    return (head + "\n" + "\n".join(lines)
            + "\nMark one done with /actions done=N or its button.")


def action_reminder(task: str, due: str, late: bool) -> str:
    """A DM to an action item's owner before it is due."""
    return (f"A reminder about your action item: {task} (due {due})."
            + (" (sent late)" if late else "")
            + " When it's done, press Mark done or type /actions done=N.")


def action_done(action_id: int, task: str) -> str:
    """An action item was marked done."""
    return f"Marked done: {action_id}. {task}. Thank you!"


def action_not_found(action_id: int) -> str:
    """No open action item with that number."""
    return (f"There is no open action item {action_id}. Type /actions all=yes to see the "
            "open ones.")


def action_not_yours(action_id: int) -> str:
    """Only the owner or a facilitator may close an action item."""
    return (f"Only the owner of action item {action_id}, or a facilitator, can mark it "
            "done.")


def calendar_file(count: int) -> str:
    """The message carrying a calendar file."""
    what = "this meeting" if count == 1 else f"these {count} meetings"
    return (f"Here is a calendar file with {what}. Open it, or import it into your "
            "calendar app, to add the dates there.")


def calendar_description(count: int) -> str:
    """The file's description (alt text)."""
    return f"A calendar file (.ics) with {count} meeting{'' if count == 1 else 's'}"


# What each family of this feature's commands is for, on its /help line.
MEETINGS_HELP_FAMILIES: dict[str, str] = {
    "agenda": "The agenda of the next meeting: add a point, or see it.",
    "meeting": ("Meetings: schedule one, see what is coming up, change or cancel one, and "
                "get reminders."),
}
