"""Reading yes or no as people type them: in the reader's language, and in English.

Forms' yes-or-no questions and boolean command options read answers here, so a Welsh
member may answer "ie", "oes" or "nac oes" as naturally as "yes" or "no", and the words
they are shown are their own language's.
"""

from __future__ import annotations

from bot.typed_words import no_words
from bot.typed_words import shown
from bot.typed_words import typed
from bot.typed_words import understood
from bot.typed_words import yes_words


def read_yes_no(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else (or nothing)."""
    word = typed(text)
    if not word:
        return None
    if word in understood(yes_words):
        return True
    if word in understood(no_words):
        return False
    return None


def shown_yes_no() -> tuple[str, str]:
    """The yes and the no the bot shows in the language in force ("yes" and "no")."""
    return shown(yes_words), shown(no_words)
