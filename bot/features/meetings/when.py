"""Reading times people type: "when", repeat rules, reminder offsets and due dates.

Everything is read in a given IANA zone (the member's, else the group's) and returned
timezone-aware. A problem raises `WhenError` with a kind, plain explanation (from
`wording`), so nothing is saved.
"""

from __future__ import annotations

import itertools
import re
import warnings
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule
from dateutil.rrule import rrulestr

from bot.dates import WhenError as WhenError  # re-exported: meetings code catches it here
from bot.dates import read_day
from bot.dates import read_moment
from bot.features.meetings import wording
from bot.features.meetings.wording import N_
from bot.features.meetings.wording import _
from bot.features.meetings.wording import ngettext
from bot.i18n import babel_locale
from bot.i18n import format_number
from bot.i18n import tr
from bot.text import echo
from bot.typed_words import fortnightly_words
from bot.typed_words import joining_words
from bot.typed_words import length_pattern
from bot.typed_words import length_units
from bot.typed_words import monthly_by_weekday_words
from bot.typed_words import monthly_words
from bot.typed_words import none_words
from bot.typed_words import shown
from bot.typed_words import typed
from bot.typed_words import understood
from bot.typed_words import weekly_words

MAX_REMINDERS = 5
# Further ahead than this is more likely a typing slip than a plan.
FURTHEST_AHEAD = timedelta(days=2 * 366)
LONGEST_OFFSET = timedelta(weeks=4)
# Occurrences looked at to check a repeat rule fires at most daily.
_RULE_SAMPLE = 40
# At most this many occurrences are stepped through to find those (a rule whose dates are
# all in the past, or all the same, must not keep the bot busy).
_RULE_STEPS = 5000
# A day across a clock change is 23 hours long.
_SHORTEST_GAP = timedelta(hours=23)

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_when(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """A meeting's start from "next Tuesday 6pm", "tomorrow 10:30", "in 2 hours" or an
    ISO date and time, read in `zone` (the shared reader, `bot.dates`); must be in the
    future and have a time of day."""
    parsed = read_moment(text, zone, now)
    if parsed is None:
        raise WhenError(wording.meeting_when_unknown(text))
    if parsed <= now:
        raise WhenError(wording.meeting_when_past(parsed, zone))
    if parsed - now > FURTHEST_AHEAD:
        raise WhenError(wording.meeting_when_too_far(parsed, zone))
    return parsed


def parse_due_date(text: str, zone: ZoneInfo, now: datetime) -> date:
    """A due date ("Friday", "8 December", "2026-12-08"); today or later."""
    found = read_day(text, zone, now)
    if found is None:
        raise WhenError(_("I couldn't read the due date “{text}”. Try “Friday”, “8 December” or "
                          "“2026-12-08”.").format(text=echo(" ".join(text.split()))))
    if found < now.astimezone(zone).date():
        raise WhenError(_("The due date “{text}” has already passed. Please choose today or later."
                          ).format(text=echo(" ".join(text.split()))))
    return found


def due_moment(day: date, zone: ZoneInfo) -> datetime:
    """When a due date ends for reminders' sake: 17:00 on that day in the zone."""
    return datetime.combine(day, time(17, 0), tzinfo=zone)


# ---- repeat rules --------------------------------------------------------------------

def parse_repeat(text: str, start: datetime, now: datetime) -> str:
    """An RRULE (without DTSTART) from a repeat choice or a power user's rule; "" for
    none. Refused if it never fires after now or fires more than once a day."""
    word = " ".join(text.lower().replace("-", " ").split())
    if word == "" or typed(word) in understood(none_words):
        return ""
    if word in understood(weekly_words):
        rule = "FREQ=WEEKLY"
    elif word in understood(fortnightly_words):
        rule = "FREQ=WEEKLY;INTERVAL=2"
    elif word in understood(monthly_words):
        rule = f"FREQ=MONTHLY;BYMONTHDAY={start.day}"
    elif word in understood(monthly_by_weekday_words) or re.fullmatch(
            r"(monthly (on )?(the )?)?(first|second|third|fourth|last) \w+( monthly| of "
            r"(the|each|every) month)?", word):
        rule = "FREQ=MONTHLY;BYDAY=" + nth_weekday_code(start)
        _check_named_weekday(word, start, rule)
    elif word.startswith(("rrule:", "freq=")):
        rule = text.strip().split(":", 1)[1] if word.startswith("rrule:") else text.strip()
        rule = rule.upper()
        if "DTSTART" in rule:
            raise WhenError(wording.meeting_rule_bad(text, tr(N_("leave out DTSTART"))))
    else:
        raise WhenError(wording.meeting_repeat_unknown(text))
    check_rule(rule, start, now, text)
    return rule


def _check_named_weekday(word: str, start: datetime, rule: str) -> None:
    named = re.search(r"(first|second|third|fourth|last) (\w+)", word)
    if named is None:
        return
    days = [d.lower() for d in _DAY_NAMES]
    nth, day = named.groups()
    if day not in days:
        return
    number = _ORDINALS[nth]
    wanted = f"{'' if number < 0 else '+'}{number}{_DAY_CODES[days.index(day)]}"
    if rule != f"FREQ=MONTHLY;BYDAY={wanted}":
        raise WhenError(wording.meeting_weekday_mismatch(
            wording.short_day(start, _zone(start)), describe_rule(rule, start)))


def _zone(moment: datetime) -> ZoneInfo:
    """The zone an aware moment is in (UTC if it is not an IANA zone)."""
    zone = moment.tzinfo
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


def nth_weekday_code(start: datetime) -> str:
    """"+2TU" for the second Tuesday; "-1TU" for a fifth one (the last)."""
    nth = (start.day - 1) // 7 + 1
    return f"{'-1' if nth == 5 else f'+{nth}'}{_DAY_CODES[start.weekday()]}"


def describe_rule(rule: str, start: datetime) -> str:
    """A repeat rule in words (the common ones), else the rule itself."""
    if not rule:
        return tr(N_("once (does not repeat)"))
    if rule == "FREQ=WEEKLY":
        return _("every week on {day}").format(day=wording.weekday(start, _zone(start)))
    if rule == "FREQ=WEEKLY;INTERVAL=2":
        return _("every two weeks on {day}").format(day=wording.weekday(start, _zone(start)))
    if rule == f"FREQ=MONTHLY;BYMONTHDAY={start.day}":
        return _("every month on day {day} (months without that day are skipped)").format(
            day=format_number(start.day))
    match = re.fullmatch(r"FREQ=MONTHLY;BYDAY=([+-]\d)([A-Z]{2})", rule)
    if match and match.group(2) in _DAY_CODES:
        day = babel_locale().days["format"]["wide"][_DAY_CODES.index(match.group(2))]
        nth = int(match.group(1))
        return wording.repeat_monthly_weekday(nth if nth in _ORDINALS.values()
                                              else match.group(1), day)
    return _("by the rule {rule}").format(rule=rule)


def build_rule(rule: str, start: datetime) -> rrule:
    """The dateutil rule, expanded in the start's zone (so wall-clock time holds)."""
    built = rrulestr(rule, dtstart=start)
    if not isinstance(built, rrule):
        raise WhenError(wording.meeting_rule_bad(rule, tr(N_("use a single RRULE"))))
    return built


def check_rule(rule: str, start: datetime, now: datetime, shown: str) -> None:
    """Refuse a rule that cannot be read, never fires after now, or fires more than
    daily."""
    if any(part in rule for part in ("FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY")):
        raise WhenError(wording.meeting_rule_too_often(shown))
    interval = re.search(r"INTERVAL=(-?\d+)", rule)
    if interval is not None and not 1 <= int(interval.group(1)) <= 1000:
        raise WhenError(wording.meeting_rule_bad(shown, tr(N_("INTERVAL must be from 1 to 1000"))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            built = build_rule(rule, start)
            if "UNTIL" not in rule and "COUNT" not in rule:  # bound the search
                built = built.replace(until=start + timedelta(days=366 * 50))
        upcoming = []
        for seen, moment in enumerate(built):
            if moment > now:
                upcoming.append(moment)
            if len(upcoming) >= _RULE_SAMPLE or seen > _RULE_STEPS:
                break
    except WhenError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, Warning) as exc:
        raise WhenError(wording.meeting_rule_bad(shown, str(exc))) from None
    if not upcoming:
        raise WhenError(wording.meeting_rule_never(shown))
    for before, after in itertools.pairwise(upcoming):
        if after - before < _SHORTEST_GAP:
            raise WhenError(wording.meeting_rule_too_often(shown))


# ---- reminder offsets ------------------------------------------------------------------

def parse_offsets(text: str) -> tuple[int, ...]:
    """Reminder offsets in minutes from "1 day, 1 hour" (largest first); "none" for
    none. Each from 1 minute to 4 weeks; at most five."""
    cleaned = text.strip().lower()
    if typed(cleaned) in understood(none_words):
        return ()
    units, offset = length_units(), length_pattern(digits=3)
    found = offset.findall(cleaned)
    leftover = offset.sub(" ", cleaned)
    joining = "|".join(re.escape(w) for w in sorted(understood(joining_words), key=len,
                                                    reverse=True))
    if not found or re.sub(r"[\s,;]|(?<!\w)(" + joining + r")(?!\w)", "", leftover):
        raise WhenError(_("Sorry, I couldn't read the reminder times “{text}”. Write them like "
                          "“1 day, 1 hour” or “2 hours, 15 minutes”, or “none”.").format(
            text=echo(text)))
    minutes = set()
    for amount, unit in found:
        value = int(amount) * units[unit]
        if not 1 <= value <= LONGEST_OFFSET.total_seconds() // 60:
            raise WhenError(_("Each reminder time in “{text}” must be between 1 minute and 4 weeks "
                              "before the meeting.").format(text=echo(text)))
        minutes.add(value)
    if len(minutes) > MAX_REMINDERS:
        raise WhenError(ngettext("Please choose at most {most} reminder time.",
                                 "Please choose at most {most} reminder times.",
                                 MAX_REMINDERS).format(most=format_number(MAX_REMINDERS)))
    return tuple(sorted(minutes, reverse=True))


def describe_offset(minutes: int) -> str:
    """90 -> "1 hour 30 minutes"; 1440 -> "1 day"."""
    weeks, minutes = divmod(minutes, 10080)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    return wording.offset_words(weeks, days, hours, minutes)


def offsets_text(minutes: tuple[int, ...]) -> str:
    """(1440, 60) -> "1 day, 1 hour" (how the form shows them)."""
    return ", ".join(describe_offset(m) for m in minutes) or shown(none_words)
