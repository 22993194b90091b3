"""How the wording tests read a message: the text a person reads, without the markup.

Reading-ease formulas count syllables per word and words per sentence. A command
(`/checkin set day=friday`), a web address or a setting name is copied, not read, and
the group's own vocabulary (DESIGN.md: facilitator, safeguarding, one-to-one...) is
learnt once and cannot be swapped for a shorter word, so each counts as one short word.
A line without closing punctuation (a list item, a heading) ends a sentence, as it does
on screen.
"""

from __future__ import annotations

import re

# The group's own names for things (DESIGN.md vocabulary), each read as one short word.
VOCABULARY = (
    "safeguarding leads", "safeguarding lead", "safeguarding", "facilitators",
    "facilitator", "one-to-one", "check-ins", "check-in", "peer-support", "peer support",
    "group agreement",
)
_VOCABULARY = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in sorted(VOCABULARY, key=len, reverse=True))
    + r")\b", re.IGNORECASE)
_COPIED = re.compile(
    r"https?://\S+"                      # a web address
    r"|(?<!\w)/[a-z][\w-]*(?: (?:add|show|list|set|on|off|pause|resume|join|leave|status|"
    r"avoid|schedule|edit|cancel|skip|calendar|remindme|timezone|history|start|propose|"
    r"remove|register|unregister|assign|summary|note|close|audit|delete|answer|hide|"
    r"facilitators|leads|help|done|all|undo)\b)?"   # a command and its verb
    r"|\S+=\S+"                           # an option as typed
    r"|\[[a-z_ ]+\](?: [a-z_]+)?"         # a config section and key
    r"|\b[a-z]+_[a-z_]+\b"                # a setting name such as lead_roles
    r"|\b[A-Z]-[A-Z0-9]{6}\b"             # a case reference
)
_MARKUP = re.compile(r"\*\*|(?<!\w)\*|\*(?!\w)|^\s*(?:[->]|\d+\.)\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\")]*\s+|\n+")


def readable(text: str) -> str:
    """The message as read aloud: markup dropped, copied things and vocabulary as one
    short word, every line ending a sentence."""
    text = _MARKUP.sub("", text)
    text = _COPIED.sub("it", text)
    text = _VOCABULARY.sub("group", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:;”\")" else line + "." for line in lines)


def sentences(text: str) -> list[str]:
    """The message's sentences (a line is at most one sentence's end)."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(_MARKUP.sub("", text)))
            if s]


def word_count(text: str) -> int:
    """Words as a reader counts them."""
    return len(re.findall(r"[\w’'-]+", text))
