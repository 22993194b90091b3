"""Reading a typed command line (`/meeting list when="next week"`) into an invocation.

Used by platforms that deliver commands as text (the console, Slack's slash commands,
which give `/meeting` and the rest as text). Options are `name=value` or `name:value`
(quote values with spaces); plain words fill the options in order, and the last
text option takes the rest of the line, so `/help meeting` and `/setup timezone=UTC`
both read naturally.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from bot import catalog
from bot.commands import CommandSpec, OptionType, Registry
from bot.errors import UserError


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command found in the registry with its (not yet checked) option values."""

    spec: CommandSpec
    options: dict[str, Any]


def split_words(text: str) -> list[str]:
    """Split a line into words, honouring quotes; a kind error if a quote is open."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        raise UserError(catalog.unbalanced_quotes()) from None


def find_command(registry: Registry, words: list[str]) -> tuple[CommandSpec, list[str]]:
    """The longest command name that the first words spell, and the words left over."""
    if not words:
        raise UserError(catalog.unknown_command("", None))
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
        raise UserError(catalog.needs_subcommand(first, [s.words[1] for s in subs]))
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
