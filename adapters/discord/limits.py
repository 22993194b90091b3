"""Discord's length limits, in one place, and the two ways text is fitted to them: cut
with an ellipsis (a label, a title, a description) or split at line breaks (a message).
Text is never refused for its length, in any language: a long translation is cut or
split here (docs/decisions/translation.md)."""

from __future__ import annotations

MESSAGE = 2000
BUTTON_LABEL = 80
SELECT_PLACEHOLDER = 150
SELECT_OPTION = 100
SELECT_OPTIONS = 25
MODAL_TITLE = 45
MODAL_LABEL = 45
MODAL_VALUE = 4000
MODAL_PLACEHOLDER = 100
MODAL_INPUTS = 5
DESCRIPTION = 100
CHOICE_NAME = 100
CONTEXT_MENU_NAME = 32
ATTACHMENT_DESCRIPTION = 1024


def cut(text: str, limit: int) -> str:
    """Text cut to a limit, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut_words(text: str, limit: int) -> str:
    """Cut at a word boundary, with an ellipsis (context menu names)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def split_text(text: str, limit: int = MESSAGE) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at line breaks when possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut_at = text.rfind("\n", 0, limit)
        if cut_at <= 0:
            cut_at = limit
        pieces.append(text[:cut_at])
        text = text[cut_at:].lstrip("\n")
    pieces.append(text)
    return pieces
