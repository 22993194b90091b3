"""Days and times as the check-ins feature writes them, in the reader's language and the
given time zone (Babel patterns, translatable, in the feature's catalog domain). Kept
apart from `wording.py`, whose every entry is a sentence."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.features.checkins.wording import DOMAIN as _domain
from bot.i18n import babel_locale
from bot.i18n import format_moment

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


def weekday(index: int) -> str:
    """A day of the week by number (0 is Monday), as the language in force names it:
    "Friday", "Dydd Gwener"."""
    return str(babel_locale().days["format"]["wide"][index])


def next_when(moment: datetime, zone: ZoneInfo) -> str:
    """When the next check-in comes, on the member's clock: "Monday 7 December at 10:00
    (Europe/London)"."""
    # TRANSLATORS: a Babel date pattern: letters are codes (EEEE the day's name, d the
    # day, MMMM the month's name, HH:mm the time); words go between single quotes
    # ('at'). Change the order and the words, not the codes.
    pattern = _domain.pgettext("Babel date pattern", "EEEE d MMMM 'at' HH:mm")
    return f"{format_moment(moment, zone, pattern)} ({zone.key})"


def day(moment: datetime, zone: ZoneInfo) -> str:
    """A day with its year, on the member's clock: "Thursday 31 December 2026"."""
    # TRANSLATORS: a Babel date pattern (EEEE the day's name, d the day, MMMM the
    # month's name, yyyy the year).
    return format_moment(moment, zone, _domain.pgettext("Babel date pattern",
                                                         "EEEE d MMMM yyyy"))


def short_day(moment: datetime, zone: ZoneInfo) -> str:
    """A day in the summary's first line: "Mon 30 Nov"."""
    # TRANSLATORS: a Babel date pattern (EEE the day's short name, dd the day, MMM the
    # month's short name).
    return format_moment(moment, zone, _domain.pgettext("Babel date pattern", "EEE dd MMM"))


def short_date(moment: datetime, zone: ZoneInfo) -> str:
    """A day in the summary's lists: "07 Dec"."""
    # TRANSLATORS: a Babel date pattern (dd the day, MMM the month's short name).
    return format_moment(moment, zone, _domain.pgettext("Babel date pattern", "dd MMM"))
