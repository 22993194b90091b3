"""Reading a typed command line (`/meeting list when="next week"`) into an invocation.

Used by platforms that deliver commands as text (the console, Slack's slash commands,
which give `/meeting` and the rest as text). Options are `name=value` or `name:value`
(quote values with spaces); plain words fill the options in order, and the last
text option takes the rest of the line, so `/help meeting` and `/setup timezone=UTC`
both read naturally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionType
from bot.commands import Registry
from bot.errors import UserError


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command found in the registry with its (not yet checked) option values."""

    spec: CommandSpec
    options: dict[str, Any]


_DOUBLE = {'"': '"', "“": "”", "”": "”", "„": "“"}
# Characters that make a line need more than splitting at spaces.
_QUOTING = frozenset({*_DOUBLE, "'", "\\"})


class Words:
    """Words read from a line one character at a time, for the splitters that honour
    quotes (`split_words`; the console's `:form` answers): what is added joins the word
    being read, even an empty quoted piece, and a space ends it."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.current: list[str] = []
        self._started = False

    def add(self, piece: str) -> None:
        """Add to the word being read (an empty piece still starts one)."""
        self.current.append(piece)
        self._started = True

    def end(self) -> None:
        """End the word being read, if one was started."""
        if self._started:
            self.found.append("".join(self.current))
        self.current, self._started = [], False


def split_words(text: str) -> list[str]:
    """Split a line into words, honouring quotes; a kind error if a double quote is open.

    Double quotes (straight or curly, as phones type them) group words. A single quote
    groups words only where it opens a value (`title='Big meeting'`); elsewhere it is an
    apostrophe (`I'm`, `don't`). A backslash keeps the next quote mark as it is.
    """
    if not _QUOTING.intersection(text):
        return text.split()  # the common case, and the same answer
    words = Words()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and (text[i + 1] in _DOUBLE or text[i + 1] == "'"):
            words.add(text[i + 1])
            i += 2
            continue
        opens_single = ch == "'" and (not words.current or words.current[-1] in "=:") and (
            _closing_single(text, i + 1) is not None)
        if ch in _DOUBLE or opens_single:
            close = _DOUBLE.get(ch, "'")
            end = _find_close(text, i + 1, close if ch != '"' else '"')
            if end is None:
                raise UserError(catalog.unbalanced_quotes())
            words.add(text[i + 1:end])
            i = end + 1
            continue
        if ch.isspace():
            words.end()
        else:
            words.add(ch)
        i += 1
    words.end()
    return words.found


def _find_close(text: str, start: int, close: str) -> int | None:
    closers = {close, '"'} if close in "”“" else {close}
    for j in range(start, len(text)):
        if text[j] in closers:
            return j
    return None


def _closing_single(text: str, start: int) -> int | None:
    """Where a single-quoted value closes: a ' followed by a space or the end."""
    for j in range(start, len(text)):
        if text[j] == "'" and (j + 1 == len(text) or text[j + 1].isspace()):
            return j
    return None


def find_command(registry: Registry, words: list[str]) -> tuple[CommandSpec, list[str]]:
    """The longest command name that the first words spell, and the words left over."""
    if not words or not words[0].strip():
        raise UserError(catalog.unknown_command(words[0] if words else "", None))
    for size in (3, 2, 1):
        if len(words) >= size:
            spec = registry.get(" ".join(words[:size]).lower())
            if spec is not None:
                return spec, words[size:]
    first = words[0].lower()
    subs = registry.under(first)
    if subs:
        tried = " ".join(words[:2]).lower()
        if len(words) > 1:
            raise UserError(catalog.unknown_command(tried, registry.suggest(tried)))
        raise UserError(catalog.needs_subcommand(
            first, [s.words[1] for s in subs if len(s.words) > 1]))
    raise UserError(catalog.unknown_command(first, registry.suggest(first)))


def parse_command_line(registry: Registry, line: str) -> ParsedCommand:
    """Parse `/name [sub] [options]` against the registry.

    Raises `UserError` for unknown commands (with a suggestion) and for values it cannot
    place; option values are checked later by `CommandSpec.check_options`.
    """
    text = line.strip().removeprefix("/")
    words = split_words(text)
    spec, rest = find_command(registry, words)
    options: dict[str, Any] = {}
    positional: list[str] = []
    for word in rest:
        key, sep, value = _split_option(word)
        if sep and spec.option(key) is not None:
            options[key] = value
        elif sep == "=":
            # `name=value` is always meant as an option, so a wrong name is said, not
            # silently taken as the value of another option.
            raise UserError(catalog.unknown_option(spec.name, key,
                                                   [o.name for o in spec.options]))
        else:
            positional.append(word)
    free = [o for o in spec.options if o.name not in options]
    while positional:
        if not free:
            raise UserError(catalog.too_many_values(spec.name))
        opt = free.pop(0)
        if not free and opt.type is OptionType.STRING:
            options[opt.name] = " ".join(positional)
            positional = []
        else:
            options[opt.name] = positional.pop(0)
    return ParsedCommand(spec, options)


def _split_option(word: str) -> tuple[str, str, str]:
    for sep in ("=", ":"):
        key, found, value = word.partition(sep)
        if found and key and key.replace("_", "").isalnum():
            return key.lower(), found, value
    return word, "", ""


# The largest number a database integer column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def parse_id(raw: object) -> int | None:
    """A stored row's number as a button, a form's state or a typed value carries it:
    plain ASCII digits that fit a database integer. Anything else (a forged or stale
    value, "²", "1_000", a 30-digit number) is None, so it reads as "not found" rather
    than failing in the database."""
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None
