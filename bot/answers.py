"""Reading yes or no as people type them: in the reader's language, and in English.

Forms' yes-or-no questions and boolean command options read answers here, so a Welsh
member may answer "ie", "oes" or "nac oes" as naturally as "yes" or "no", and the words
they are shown are their own language's.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import catalog
from bot.i18n import SOURCE, speaking


def read_yes_no(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else (or nothing)."""
    word = " ".join(str(text).split()).casefold().rstrip(".!")
    if not word:
        return None
    if word in _understood(catalog.yes_words):
        return True
    if word in _understood(catalog.no_words):
        return False
    return None


def _understood(words: Callable[[], list[str]]) -> frozenset[str]:
    """The words in the language in force, and in English."""
    found = words()
    with speaking(SOURCE):
        return frozenset([*found, *words()])


def shown_yes_no() -> tuple[str, str]:
    """The yes and the no the bot shows in the language in force ("yes" and "no")."""
    return catalog.yes_words()[0], catalog.no_words()[0]
