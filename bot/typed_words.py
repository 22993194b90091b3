"""Reading keywords people type, in their language and always in English.

A word a command takes ("yes", "weekly", "1 day", "none") is one catalog entry per
meaning: a comma-separated list whose first word is the one the bot shows, so a
translator adds "wythnosol" or "bob wythnos" without touching code
(docs/translating.md). A Welsh member may type the Welsh or the English; what the bot
shows them, and names in an error, is the Welsh.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Sequence
from typing import Protocol

from bot.i18n import SOURCE
from bot.i18n import Domain
from bot.i18n import Text
from bot.i18n import speaking
from bot.i18n import tr

# The core's catalog (the domain of bot/catalog.py: bot/locales/coprod.po).
_core = Domain("coprod", __file__)

Listed = Callable[[], str]
"""A catalog entry, read in the language in force: "weekly, every week"."""


class Choice(Protocol):
    """A choice as `bot.messages.Choice` has it (not imported: the message model's
    sentences import this module)."""

    @property
    def label(self) -> str:
        """What people read (maybe a declared sentence, translated by `tr`)."""

    @property
    def value(self) -> str:
        """What the feature is given."""


def words(listed: Listed) -> list[str]:
    """The words of a list in the language in force, folded to lower case (the
    pseudo-language's brackets and padding are not part of a word)."""
    return [w for w in (" ".join(part.strip("⟦⟧~").split()).casefold()
                        for part in listed().split(",")) if w]


def understood(listed: Listed) -> frozenset[str]:
    """The words read for one meaning: the language in force's, and English."""
    found = words(listed)
    with speaking(SOURCE):
        return frozenset([*found, *words(listed)])


def shown(listed: Listed) -> str:
    """The word the bot shows for one meaning in the language in force (the first)."""
    found = words(listed)
    return found[0] if found else ""


def typed(text: str) -> str:
    """What someone typed, as the lists hold words: spaces collapsed, lower case, no
    full stop or exclamation mark at the end."""
    return " ".join(str(text).split()).casefold().rstrip(".!")


SHORTEST_START = 3
"""The fewest letters read as the start of a choice's label or of one of its words."""


def read_choice(text: str, choices: Sequence[Choice]) -> str | None:
    """The value of the choice someone typed: its value, or its label in English or in
    the language in force (a Welsh member types "wythnosol" for "weekly"); else the
    start of the value or of the label from any of its words, when only one choice has
    it ("grŵp" for "Y grŵp cyfan", "whole group", "facil" for "The facilitators only")."""
    wanted = " ".join(str(text).split()).casefold()
    for choice in choices:
        label = choice.label
        if wanted in (choice.value.casefold(), label.casefold(), tr(label).casefold()) or (
                isinstance(label, Typed) and typed(wanted) in understood(label.listed)):
            return choice.value
    start = typed(wanted)
    if len(start) < SHORTEST_START:
        return None
    starting = {choice.value for choice in choices if any(
        " ".join(name.split()[at:]).startswith(start)
        for name in (choice.value.casefold(), choice.label.casefold(),
                     tr(choice.label).casefold()) for at in range(len(name.split())))}
    return starting.pop() if len(starting) == 1 else None


def choice_words(choices: Sequence[Choice]) -> list[str]:
    """The choices as the reader may type them, to name in an error: each label in the
    language in force where it is translated, else the value."""
    return [tr(c.label) if tr(c.label) != c.label else c.value for c in choices]


class Typed(Text):
    """A choice's label that is a typed word: shown as the first word of its list in the
    language in force, and read as any word of the list, in that language or English
    (`read_choice`)."""

    listed: Listed

    def __new__(cls, listed: Listed) -> Typed:
        with speaking(SOURCE):
            english = shown(listed)
        made = str.__new__(cls, english)
        made.domain = _core
        made.listed = listed
        return made

    def translated(self) -> str:
        """The word shown in the language in force."""
        return shown(self.listed)


# ---- yes and no (forms, yes-or-no options, polls: `bot.answers`) -------------------------

def yes_words() -> str:
    """Words read as yes ("ie" is shown to a Welsh reader: "ie neu na")."""
    return _core.pgettext("Words read as yes, separated by commas; the first is the one "
                          "shown", "yes, y, true, on, 1")


def no_words() -> str:
    """Words read as no."""
    return _core.pgettext("Words read as no, separated by commas; the first is the one "
                          "shown", "no, n, false, off, 0")


# ---- how often (meetings' repeats, check-ins' cadence) --------------------------------------

def none_words() -> str:
    """Words read as none: no repeat, no reminders, nobody."""
    return _core.pgettext("Words read as none (no repeat, no reminders, nobody), separated by "
                          "commas; the first is the one shown",
                          "none, no, never, once, does not repeat, no reminders, nobody")


def weekly_words() -> str:
    """Words read as weekly."""
    return _core.pgettext("Words read as weekly, separated by commas; the first is the one "
                          "shown", "weekly, every week")


def fortnightly_words() -> str:
    """Words read as every two weeks."""
    return _core.pgettext("Words read as fortnightly, separated by commas; the first is the "
                          "one shown", "fortnightly, every two weeks, every 2 weeks, biweekly")


def monthly_words() -> str:
    """Words read as monthly on the same date."""
    return _core.pgettext("Words read as monthly (on the same date), separated by commas; "
                          "the first is the one shown", "monthly, monthly by date, every month")


def monthly_by_weekday_words() -> str:
    """Words read as monthly on the same weekday (the second Tuesday of each month)."""
    return _core.pgettext("Words read as monthly on the same weekday (like the second "
                          "Tuesday), separated by commas; the first is the one shown",
                          "monthly by weekday, monthly by day, monthly by week day")


# ---- days of the week, Monday first ---------------------------------------------------------

WEEKDAY_WORDS: tuple[Listed, ...] = (
    lambda: _core.pgettext("Words read as Monday, separated by commas; the first is the one "
                           "shown", "monday, mon"),
    lambda: _core.pgettext("Words read as Tuesday, separated by commas; the first is the "
                           "one shown", "tuesday, tue, tues"),
    lambda: _core.pgettext("Words read as Wednesday, separated by commas; the first is the "
                           "one shown", "wednesday, wed"),
    lambda: _core.pgettext("Words read as Thursday, separated by commas; the first is the "
                           "one shown", "thursday, thu, thur, thurs"),
    lambda: _core.pgettext("Words read as Friday, separated by commas; the first is the one "
                           "shown", "friday, fri"),
    lambda: _core.pgettext("Words read as Saturday, separated by commas; the first is the "
                           "one shown", "saturday, sat"),
    lambda: _core.pgettext("Words read as Sunday, separated by commas; the first is the one "
                           "shown", "sunday, sun"),
)


def read_weekday(text: str) -> int | None:
    """A day of the week someone typed (0 for Monday), in the language in force or
    English."""
    word = typed(text)
    for number, listed in enumerate(WEEKDAY_WORDS):
        if word in understood(listed):
            return number
    return None


# ---- lengths of time ("1 day, 2 hours" before a meeting) ------------------------------------

UNIT_WORDS: dict[int, Listed] = {
    1: lambda: _core.pgettext("Words read as minutes after a number (5 minutes), separated "
                              "by commas", "m, min, mins, minute, minutes"),
    60: lambda: _core.pgettext("Words read as hours after a number (2 hours), separated by "
                               "commas", "h, hr, hrs, hour, hours"),
    1440: lambda: _core.pgettext("Words read as days after a number (1 day), separated by "
                                 "commas", "d, day, days"),
    10080: lambda: _core.pgettext("Words read as weeks after a number (2 weeks), separated "
                                  "by commas", "w, wk, wks, week, weeks"),
}
"""Each unit's words, by its length in minutes."""


def length_units() -> dict[str, int]:
    """Each word for a unit of time, in the language in force and English, with the
    unit's length in minutes."""
    return {word: length for length, listed in UNIT_WORDS.items() for word in understood(listed)}


def length_pattern(digits: int = 4) -> re.Pattern[str]:
    """A number and a unit of time ("2 awr", "3d", "15 minutes"): the number, the unit."""
    units = sorted(length_units(), key=len, reverse=True)
    return re.compile(rf"(\d{{1,{digits}}})\s*(" + "|".join(map(re.escape, units)) + r")(?!\w)")


def and_words() -> str:
    """Words that join the parts of one length of time ("1 day and 2 hours")."""
    return _core.pgettext("Words that join the parts of one length of time (1 day and 2 "
                          "hours), separated by commas", "and")


def read_length(text: str) -> int | None:
    """A length of time, in minutes, typed as one or more numbers with units added up:
    "3d", "2 ddiwrnod", "1 day, 2 hours", "1d 2h", "1 diwrnod a 2 awr". None when the
    text is not only a length."""
    cleaned, units, part = typed(text), length_units(), length_pattern()
    joins = "|".join(map(re.escape, sorted(understood(and_words), key=len, reverse=True)))
    separator = re.compile(r"(?:\s|,|;|(?<!\w)(?:" + joins + r")(?!\w))*")
    position, total, parts = separator.match(cleaned).end(), 0, 0  # type: ignore[union-attr]
    while position < len(cleaned):
        found = part.match(cleaned, position)
        if found is None:
            return None
        total, parts = total + int(found.group(1)) * units[found.group(2)], parts + 1
        position = separator.match(cleaned, found.end()).end()  # type: ignore[union-attr]
    return total if parts else None


def mentions_length(text: str) -> bool:
    """Whether a number with a unit of time ("2 hours") is somewhere in the text."""
    return length_pattern().search(typed(text)) is not None


def joining_words() -> str:
    """Words that may join or end lengths of time."""
    return _core.pgettext("Words that may join or end lengths of time (1 day and 2 hours "
                          "before), separated by commas", "and, before")
