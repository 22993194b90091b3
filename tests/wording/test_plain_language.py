"""Plain language, measured: every message a member, facilitator or lead can read, with
its placeholders filled, is easy to read, has no overlong sentence, carries no meaning
by emoji or colour alone, and is not a wall of text.

The messages come from bot/catalog.py and each feature's wording.py by introspection,
and from the extracted catalogs (`bot/**/locales/*.pot`: every sentence, including those
written where they are said), all in tests/wording/catalog_samples.py, so a new sentence
is measured the day it is written.
Reading ease is Flesch reading ease
from textstat 0.7.4 (pinned in pyproject.toml: it counts syllables with pyphen's bundled
dictionaries, offline), on the text as read aloud (tests/wording/plain.py). Exceptions
are listed below with the reason; an exception that is no longer needed fails too, so
the list stays short and true.
"""

from __future__ import annotations

import re
import unicodedata

import textstat  # type: ignore[import-untyped]

from bot.features.welcome import wording as welcome_words
from tests.wording.catalog_samples import Entry
from tests.wording.catalog_samples import entries
from tests.wording.catalog_samples import said
from tests.wording.catalog_samples import uncallable
from tests.wording.plain import readable
from tests.wording.plain import sentences
from tests.wording.plain import word_count

MIN_READING_EASE = 60.0   # "plain English": most adults read it easily
MIN_WORDS_MEASURED = 8    # below that a reading-ease score means nothing
MAX_SENTENCE_WORDS = 30
MAX_MESSAGE_WORDS = 100
MAX_WELCOME_WORDS = 150
MAX_WELCOME_PART_WORDS = 50

# Below the reading-ease bar on purpose. Keyed by catalog name (all its variants).
READING_EASE_EXCEPTIONS: dict[str, str] = {
    "REPEAT_CHOICES": "a list of the repeat choices the form accepts, read as a menu",
    "meeting_time": "a date, a time and a time zone name, not a sentence",
    "SETUP_EXAMPLE": "a command line to type, with a time zone and a channel, not a sentence",
    # Catalog sentences, by `<domain>: <start of the sentence>` (catalog_samples.said).
    "meetings: Write up a meeting: summary, decisions a": (
        "a command's one-line description naming the parts of the minutes form"),
    "concerns: **The reporter said someone may be in im": (
        "read by safeguarding leads: “immediate danger” is the safeguarding term they use"),
    "concerns: Acknowledged by: {taken_by}. Assigned to": (
        "a case's status line for leads: labelled facts, not prose"),
}

# Sentences over MAX_SENTENCE_WORDS on purpose.
SENTENCE_EXCEPTIONS: dict[str, str] = {
    "POLLS_NOT_IN_EXPORT": "read in the member's own export file, at leisure, not in chat",
    "CONCERNS_NOT_IN_EXPORT": "read in the member's own export file, at leisure, not in chat",
}

# Messages over MAX_MESSAGE_WORDS on purpose.
LENGTH_EXCEPTIONS: dict[str, str] = {
    "concern_confirmed": ("everything a reporter needs at the moment they raise a concern: "
                          "who will see it, what happens next, and the limits; it is split "
                          "into short paragraphs"),
}

# Colour words that would carry meaning if a message used them.
_COLOUR = re.compile(r"\b(?:red|green|amber|yellow|orange|blue|colou?r(?:ed)?)\b", re.I)


def _everything() -> list[Entry]:
    """The named entries, then every other sentence of the catalogs."""
    return [*entries(), *said()]


def _excepted(entry: Entry, exceptions: dict[str, str]) -> bool:
    return entry.name in exceptions or entry.key in exceptions


def _emoji(text: str) -> list[str]:
    return [ch for ch in text
            if unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF
            or 0x2600 <= ord(ch) <= 0x27BF]


def test_every_catalog_function_is_measured() -> None:
    """No message escapes the wording tests because it could not be filled in."""
    assert uncallable() == {}, ("add sample values for these in "
                                "tests/wording/catalog_samples.py")
    assert len(entries()) > 500
    assert len(said()) > 500, "the extracted catalogs (make messages) were not read"


def test_messages_are_easy_to_read() -> None:
    low = {e.key: round(textstat.flesch_reading_ease(readable(e.text)), 1)
           for e in _everything()
           if word_count(e.text) >= MIN_WORDS_MEASURED
           and not _excepted(e, READING_EASE_EXCEPTIONS)
           and textstat.flesch_reading_ease(readable(e.text)) < MIN_READING_EASE}
    assert not low, (f"below reading ease {MIN_READING_EASE}: rewrite in shorter words "
                     f"and sentences, or list with a reason: {low}")


def test_sentences_are_short() -> None:
    long = {e.key: max(word_count(s) for s in sentences(e.text)) for e in _everything()
            if not _excepted(e, SENTENCE_EXCEPTIONS)
            and max((word_count(s) for s in sentences(e.text)), default=0)
            > MAX_SENTENCE_WORDS}
    assert not long, f"sentences over {MAX_SENTENCE_WORDS} words: {long}"


def test_messages_are_not_walls_of_text() -> None:
    long = {e.key: word_count(e.text) for e in _everything()
            if not _excepted(e, LENGTH_EXCEPTIONS) and word_count(e.text) > MAX_MESSAGE_WORDS}
    assert not long, f"messages over {MAX_MESSAGE_WORDS} words: split or shorten {long}"


def test_the_welcome_is_short_parts() -> None:
    """A newcomer reads the welcome on a phone: short parts, short in all."""
    every_feature = ["meeting reminders", welcome_words.WELCOME_CAN_FEEDBACK,
                     "polls", welcome_words.WELCOME_CAN_CHECKINS,
                     "peer-support buddies", "a shared list of useful links"]
    parts = [welcome_words.welcome_hello("Alexandra"), welcome_words.WELCOME_DEFAULT,
             welcome_words.welcome_agreement(12),
             welcome_words.welcome_concerns(["Safeguarding lead", "Deputy lead"], True),
             welcome_words.welcome_can_do(every_feature, True, True)]
    assert max(word_count(p) for p in parts) <= MAX_WELCOME_PART_WORDS
    assert sum(word_count(p) for p in parts) <= MAX_WELCOME_WORDS


def test_no_meaning_by_emoji_or_colour() -> None:
    found = {e.key: _emoji(e.text) or _COLOUR.findall(e.text) for e in _everything()
             if _emoji(e.text) or _COLOUR.findall(e.text)}
    assert not found, f"say it in words, not by emoji or colour: {found}"


def test_every_exception_is_still_needed() -> None:
    """An exception whose message now passes is removed from the list."""
    by_name: dict[str, list[Entry]] = {}
    for e in [*entries(operator=True), *said()]:
        by_name.setdefault(e.name, []).append(e)
    stale = []
    for name in READING_EASE_EXCEPTIONS:
        if all(word_count(e.text) < MIN_WORDS_MEASURED
               or textstat.flesch_reading_ease(readable(e.text)) >= MIN_READING_EASE
               for e in by_name.get(name, [])):
            stale.append(name)
    for name in SENTENCE_EXCEPTIONS:
        if all(max((word_count(s) for s in sentences(e.text)), default=0)
               <= MAX_SENTENCE_WORDS for e in by_name.get(name, [])):
            stale.append(name)
    for name in LENGTH_EXCEPTIONS:
        if all(word_count(e.text) <= MAX_MESSAGE_WORDS for e in by_name.get(name, [])):
            stale.append(name)
    assert not stale, f"no longer needed, remove from the exceptions: {stale}"
