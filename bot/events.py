"""What reaches the core from an adapter: who acted, where, and what they did."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from dataclasses import is_dataclass
from dataclasses import replace
from operator import attrgetter
from typing import Any
from typing import TypeVar


@dataclass(frozen=True, slots=True)
class Actor:
    """The person who acted, as the platform describes them.

    `platform_roles` are the platform's role names or ids (Discord roles, Slack user
    group handles); the core maps them to its own roles using the group's settings.
    `is_admin` is the platform's own administrator flag (server "Manage Server",
    workspace admin), which may always run `/setup`. `locale` is the language the
    platform says the person uses ("en-GB", "fr"; "" when it does not say), the
    starting guess for the language the bot speaks to them (`bot.languages`).
    """

    user_id: str
    display_name: str
    platform_roles: frozenset[str] = frozenset()
    is_admin: bool = False
    locale: str = ""


@dataclass(frozen=True, slots=True)
class MemberEvent:
    """What every event has: the group it happened in and who acted (`Context.actor`
    and `Context.group_id` read them whatever the event). Each event adds what it is."""

    group_id: str
    actor: Actor


@dataclass(frozen=True, slots=True)
class Invocation(MemberEvent):
    """A command run by a member: `/name sub` with typed options.

    `channel` is None when the command was run in a direct message with the bot.
    Options are already typed by the adapter (or by `bot.parsing` for text platforms)
    and are checked again by the core.
    """

    command: str
    options: dict[str, Any] = field(default_factory=dict)
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class ButtonPress(MemberEvent):
    """A button pressed, or choices picked in a select menu (then `values` is set)."""

    action: str
    value: str = ""
    values: tuple[str, ...] = ()
    channel: str | None = None
    message_ref: str = ""


@dataclass(frozen=True, slots=True)
class FormSubmission(MemberEvent):
    """A form sent back by a member, with each field's raw text."""

    form_id: str
    values: dict[str, str]
    state: str = ""
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class DirectMessageReceived(MemberEvent):
    """A direct message to the bot that is not a command."""

    text: str


@dataclass(frozen=True, slots=True)
class QuotedMessage:
    """A message someone pointed at (a message shortcut): its text, author and link."""

    text: str
    author_id: str
    channel: str
    link: str = ""
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class MessageShortcut(MemberEvent):
    """A message action chosen on someone's message, such as "Raise a concern about this
    message" (a context-menu command on Discord, a message shortcut on Slack)."""

    shortcut: str
    message: QuotedMessage
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class MemberJoined(MemberEvent):
    """Someone joined the group (the server or workspace): features may welcome them."""

    channel: str | None = None


Event = (Invocation | ButtonPress | FormSubmission | DirectMessageReceived
         | MessageShortcut | MemberJoined)


T = TypeVar("T")
_INVALID = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """Text a platform sent, made storable: a lone surrogate (JSON can carry one, but no
    database or platform accepts it) becomes U+FFFD, and NUL characters (which
    PostgreSQL refuses in text) are dropped."""
    if _is_valid(text):
        return text
    return _INVALID.sub("\ufffd", text).replace("\x00", "")


def _is_valid(text: str) -> bool:
    """Whether `valid_text` would leave the text as it is (the usual case, found
    without copying it: ASCII holds no surrogate)."""
    return "\x00" not in text and (text.isascii() or _INVALID.search(text) is None)


def _all_valid(value: Any) -> bool:
    """Whether every text in the value (of the kinds `_valid` goes into) is valid."""
    kind = type(value)
    if kind is str:
        return _is_valid(value)
    if kind is dict:
        return all(map(_all_valid, value)) and all(map(_all_valid, value.values()))
    if kind is tuple or kind is frozenset or kind is list:
        return all(map(_all_valid, value))
    fields_of = _fields_of(kind)
    if fields_of is not None:
        return all(map(_all_valid, fields_of(value)))
    # A subclass of a text or a collection goes the long way (`_valid`), as before.
    return not isinstance(value, str | dict | tuple | list | frozenset)


_FIELDS_OF: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}


def _fields_of(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """What gives a dataclass's field values as a tuple (None: not a dataclass), made
    once per class."""
    try:
        return _FIELDS_OF[kind]
    except KeyError:
        names = [f.name for f in fields(kind)] if is_dataclass(kind) else None
        getter = None if names is None else (
            attrgetter(*names) if len(names) > 1 else lambda value: (getattr(value, names[0]),))
        _FIELDS_OF[kind] = getter
        return getter


def _valid(value: Any) -> Any:
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {_valid(k): _valid(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset):
        return type(value)(_valid(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _valid(getattr(value, f.name))
                                 for f in fields(value)})
    return value


def made_valid(value: T) -> T:
    """An event (or an actor) with every text in it (options, form values, names, quoted
    messages) passed through `valid_text`, before any feature sees it. Handed back as
    it is when every text is valid already (the usual case: events are frozen, and
    nothing changes the dictionaries they hold); made anew otherwise."""
    if _all_valid(value):
        return value
    cleaned: T = _valid(value)
    return cleaned
