"""The one reader of dates and times people type, for every command that takes one.

A meeting's "when", a poll's or an amendment's closing time, an action item's due date
and the end of a check-in pause all read text the same way, so what works in one place
works in all: "tomorrow 5pm", "next Friday 18:00", "in 2 hours", "8 December",
"2026-12-01 17:00". Everything is read in a given IANA zone (the member's, else the
group's) and returned timezone-aware. Whether a time must be in the future, and how far
ahead it may be, is for the caller to decide; a problem the reader itself finds raises
`WhenError` with a kind, plain explanation from the catalog.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import catalog
from bot.i18n import language

_RELATIVE = re.compile(
    r"^in\s+(an?|\d{1,4})\s+(minute|min|hour|hr|day|week)s?$", re.IGNORECASE)
_HAS_TIME = re.compile(
    r"\d{1,2}\s*(:\d{2})?\s*(am|pm)\b|\d{1,2}[:.]\d{2}|T\d{2}|\b(noon|midday|midnight)\b",
    re.IGNORECASE)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080}


class WhenError(ValueError):
    """Input about time that cannot be used; `str(error)` is the kind message to show."""


def _dateparser_settings(base: datetime) -> dict[str, object]:
    return {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False}


# Words dateparser's Welsh does not know that change nothing for a reader who prefers
# dates to come: "dydd Mawrth nesaf" (next Tuesday) is the coming Tuesday, "am" is "at".
_WELSH_FILLERS = re.compile(r"\bnesaf?\b|\bam\b(?=\s+\d)", re.IGNORECASE)


def dateparse(text: str, base: datetime) -> datetime | None:
    """Natural-language reading ("next Tuesday 6pm") relative to a naive local `base`;
    None when the words are not understood. English is always read; so is the reader's
    language when dateparser knows it ("dydd Mawrth nesaf 6pm" in Welsh)."""
    import dateparser  # type: ignore[import-untyped]  # late: it takes a moment to load

    languages = ["en"]
    if language() == "cy":
        languages.append("cy")
        text = " ".join(_WELSH_FILLERS.sub(" ", text).split()) or text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateparser warns about its own internals
        try:
            found: datetime | None = dateparser.parse(
                text, settings=_dateparser_settings(base), languages=languages)
        except (ValueError, OverflowError, TypeError, KeyError, IndexError):
            return None  # words it trips over are words it does not understand
    return found


def parse_hhmm(text: str) -> time:
    """"HH:MM" as a time of day (already checked, as `config_model.time_of_day` does): the
    one reader of a configured or stored clock time, for every feature that posts at one."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def localise(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in a zone; refused if clocks skip it (it does not exist)."""
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    if back != naive.replace(tzinfo=None):
        raise WhenError(catalog.time_skipped(naive.strftime("%H:%M"), zone.key))
    return aware


def read_moment(text: str, zone: ZoneInfo, now: datetime, *,
                default_time: time | None = None) -> datetime | None:
    """A moment from "next Tuesday 6pm", "tomorrow 10:30", "in 2 hours" or an ISO date
    and time, read in `zone`, to the minute; None when it cannot be read.

    A day with no time of day ("tomorrow", "2026-12-01") takes `default_time`, or is
    refused with `WhenError` when there is none (a meeting needs its time). Past or
    future is not checked here.
    """
    text = " ".join(text.split())
    if not text:
        return None
    try:
        return _read_moment(text, zone, now, default_time)
    except WhenError:
        raise
    except (OverflowError, ValueError):
        return None


def _read_moment(text: str, zone: ZoneInfo, now: datetime,
                 default_time: time | None) -> datetime | None:
    local_now = now.astimezone(zone)
    relative = _RELATIVE.match(text)
    if relative:
        amount = 1 if relative.group(1).lower() in ("a", "an") else int(relative.group(1))
        unit = relative.group(2).lower()[0]
        if unit in ("m", "h"):
            result = (now + timedelta(minutes=amount * _UNIT_MINUTES[unit])).astimezone(zone)
        else:
            step = timedelta(days=amount * (7 if unit == "w" else 1))
            result = localise(local_now.replace(tzinfo=None) + step, zone)
        return result.replace(second=0, microsecond=0) + (
            timedelta(minutes=1) if result.second or result.microsecond else timedelta())
    if _ISO_DAY.match(text):
        parsed = _iso(text, zone, default_time)
    else:
        has_time = bool(_HAS_TIME.search(text))
        if not has_time and default_time is None:
            raise WhenError(catalog.when_needs_time(text))
        found = dateparse(text, local_now.replace(tzinfo=None))
        if found is None:
            return None
        if found.tzinfo is not None:
            found = found.astimezone(zone).replace(tzinfo=None)
        if not has_time and default_time is not None:
            found = datetime.combine(found.date(), default_time)
        parsed = localise(found, zone)
    return parsed.replace(second=0, microsecond=0)


def _iso(text: str, zone: ZoneInfo, default_time: time | None) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None
    if len(text) <= 10:
        if default_time is None:
            raise WhenError(catalog.when_needs_time(text))
        value = datetime.combine(value.date(), default_time)
    if value.tzinfo is not None:
        return value.astimezone(zone)
    return localise(value, zone)


def read_day(text: str, zone: ZoneInfo, now: datetime) -> date | None:
    """A day ("Friday", "tomorrow", "8 December", "2026-12-08"), read in `zone`; None
    when it cannot be read. Past or future is not checked here."""
    text = " ".join(text.split())
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    found = dateparse(text, now.astimezone(zone).replace(tzinfo=None))
    return found.date() if found is not None else None
