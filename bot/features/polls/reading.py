"""Reading what someone typed to make a poll: its options and when it closes, and the
new-poll form's fields and checks. The agreement's amendment votes read their closing
time the same way (`parse_closes`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import TYPE_CHECKING

from bot import catalog
from bot.answers import read_yes_no
from bot.dates import WhenError
from bot.dates import read_moment
from bot.errors import UserError
from bot.features.polls import wording
from bot.features.polls.wording import N_
from bot.features.polls.wording import _
from bot.messages import FormField
from bot.text import has_visible_text
from bot.text import neutralise
from bot.text import strip_controls
from bot.typed_words import mentions_length
from bot.typed_words import read_length

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

QUESTION_LIMIT = 300
OPTION_LIMIT = 80
OPTIONS_LIMIT = 10 * (OPTION_LIMIT + 1)
MIN_OPTIONS, MAX_OPTIONS = 2, 10
LONGEST = timedelta(days=90)
CLOSE_EXAMPLE = "2026-12-01 17:00"

# Left empty, a poll closes this long after it starts.
DEFAULT_OPEN = timedelta(days=3)
# A closing day given without a time of day closes at this time.
CLOSE_TIME = time(17, 0)



def create_fields() -> tuple[FormField, ...]:
    """The new-poll form (five fields: the most a Discord form holds)."""
    return (
        FormField("question", wording.POLL_FIELD_QUESTION, "short", max_length=QUESTION_LIMIT),
        FormField("options", N_("Options: 2 to 10, one per line"), "paragraph",
                  max_length=OPTIONS_LIMIT),
        FormField("closes", wording.POLL_FIELD_CLOSES, "short", required=False,
                  max_length=40, placeholder=wording.POLL_CLOSES_HINT),
        FormField("anonymous", wording.POLL_FIELD_ANONYMOUS, "yes_no", required=False,
                  default="yes"),
        FormField("multiple", N_("Can people choose more than one?"), "yes_no", required=False,
                  default="no"),
    )


def parse_options(raw: str) -> list[str]:
    """Options from text: one per line, or separated by | on a single line. Raises
    `UserError` for too few, too many, empty, too long or duplicate options."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\\n", "\n")
    parts = text.split("\n")
    if len([p for p in parts if p.strip()]) < MIN_OPTIONS and "|" in text:
        parts = text.split("|")
    parts = [p.strip() for p in parts]
    while parts and not parts[-1]:
        parts.pop()
    while parts and not parts[0]:
        parts.pop(0)
    if any(not has_visible_text(p) for p in parts):
        raise UserError(N_("One of the options has nothing in it. Please fill it in or remove "
                           "it."))
    if len(parts) < MIN_OPTIONS:
        raise UserError(wording.poll_too_few_options(len(parts)))
    if len(parts) > MAX_OPTIONS:
        raise UserError(wording.poll_too_many_options(len(parts)))
    if any(len(p) > OPTION_LIMIT for p in parts):
        raise UserError(_("Each option can be at most {limit} characters. Please shorten the "
                          "long one.").format(limit=OPTION_LIMIT))
    seen: set[str] = set()
    for part in parts:
        key = " ".join(strip_controls(part).casefold().split())
        if key in seen:
            raise UserError(wording.poll_duplicate_option(neutralise(part)))
        seen.add(key)
    return parts


def parse_closes(raw: str, now: datetime, zone: ZoneInfo) -> datetime:
    """When a poll (or an amendment's vote) closes: a length (3d, 12h, 90m, "2 days",
    "1 day, 2 hours": the parts added up) or a time read by the one date reader every
    command uses (`bot.dates`): "tomorrow 5pm", "next Friday", "2026-12-01 17:00". A day
    with no time closes at 17:00; text with a length that is not only lengths is
    refused."""
    text = " ".join(raw.split())
    minutes = read_length(text)  # in the reader's words or English: "3d", "2 ddiwrnod"
    if minutes is None and mentions_length(text):
        # "in 2 hours" is a length too; any other text with a length in it is refused,
        # never handed to the date reader to guess ("1 day, 2 hours" is not a date).
        minutes = read_length(re.sub(r"^in\s", "", text, flags=re.IGNORECASE))
        if minutes is None:
            raise UserError(wording.poll_bad_close(CLOSE_EXAMPLE))
    try:
        if minutes is not None:
            closes = now + timedelta(minutes=minutes)
        else:
            found = read_moment(text, zone, now, default_time=CLOSE_TIME)
            if found is None:
                raise UserError(wording.poll_bad_close(CLOSE_EXAMPLE))
            closes = found.astimezone(now.tzinfo)
    except WhenError as exc:
        raise UserError(str(exc)) from None
    except (ValueError, OverflowError):
        raise UserError(wording.poll_bad_close(CLOSE_EXAMPLE)) from None
    if closes <= now:
        raise UserError(N_("That closing time has already passed. Please choose a time to "
                           "come."))
    if closes - now > LONGEST:
        raise UserError(N_("A poll can stay open for at most 90 days. Please choose a sooner "
                           "time."))
    return closes


def form_problems(values: Mapping[str, object], now: datetime,
                  zone: ZoneInfo) -> dict[str, str]:
    """What is wrong with each answer of the new-poll form, by field key."""
    problems: dict[str, str] = {}
    if not has_visible_text(str(values.get("question") or "")):
        problems["question"] = catalog.field_required(wording.POLL_FIELD_QUESTION)
    checks: tuple[tuple[str, Callable[[str], object]], ...] = (
        ("options", parse_options), ("closes", lambda raw: parse_closes(raw, now, zone)))
    for key, check in checks:
        raw = str(values.get(key) or "")
        if key == "closes" and not raw.strip():
            continue
        try:
            check(raw)
        except UserError as exc:
            problems[key] = exc.text
    return problems


def read_yes(value: object, default: bool) -> bool:
    """A yes/no answer (a form's yes_no field or a boolean option); empty: `default`."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip()
    if not text:
        return default
    return read_yes_no(text) is True
