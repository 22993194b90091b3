"""Every sentence the bot can say, with its placeholders filled: the named entries of
bot/catalog.py and each feature's wording module, found by introspection, and every
sentence of the extracted catalogs (`bot/**/locales/*.pot`), which also holds the
sentences written where they are said (docs/decisions/translation.md).

The wording tests (reading ease, promises) need every message the bot can say, not a
hand-picked few: a new catalog entry is covered the moment it is written. Constants are
read directly; each function is called with sample values chosen from its parameters'
names and type hints (the table below), once as a base call and once more for each
flag or choice that changes its wording. A function that cannot be called with the
table's values is reported by `uncallable()`, never silently skipped. A catalog
sentence is filled from the same table, by its placeholders' names (`said()`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

import bot.catalog as catalog
import bot.features

# Said on the command line to whoever runs the bot (start-up, `coprod export`, `erase`,
# `rotate-key`, check-config), not in chat to members or leads. They name files,
# settings and tokens on purpose, so the plain-language bar does not apply to them.
OPERATOR_PREFIXES = (
    "database_", "rotate_", "ROTATE_", "erase_", "ERASE_", "export_", "key_file_",
    "record_", "slack_http", "SLACK_HTTP", "DISCORD_NEEDS_", "DISCORD_BAD_TOKEN",
    "DISCORD_MEMBERS_", "SLACK_USERGROUPS_", "SLACK_PEOPLE_", "slack_token_refused",
    "slack_unreachable", "discord_invite", "platform_unreachable", "token_refused",
    "console_log_written", "leads_reachable_line", "leads_none_reachable",
    "leads_lookup_problem", "check_config_leads", "member_id_bad", "group_id_bad",
    "EXPORT_FORMAT", "retention_undeclared", "retention_declared_twice",
)

# Values for placeholders, by parameter name: what a real message would carry.
_BY_NAME: dict[str, Any] = {
    "name": "Sam", "who": "Sam", "by": "Carol", "author": "Sam", "owner": "Sam",
    "facilitator": "Carol", "reporter": "Sam", "taken_by": "Dev", "assignee": "Dev",
    "member": "Sam", "title": "Coffee and plans", "question": "Which day suits you?",
    "when": "Tuesday 1 December at 18:00", "closes": "on Friday at 17:00",
    "day": "Monday", "at": "18:00", "first": "Monday 2 March", "last": "Sunday 8 March",
    "raised": "today at 10:15", "written": "yesterday", "due": "Friday",
    "where": "Room 2", "zone": "Europe/London", "abbreviation": "GMT",
    "local_text": "Tuesday 1 December 2026 at 18:00", "clock": "01:30",
    "channel": "updates", "ref": "C-ABC234", "resource_id": "r7",
    "text": "We could meet somewhere quieter.", "note": "I have had a hard week.",
    "quoted": "> The room was too loud.", "answer": "Going", "task": "book the room",
    "summary": "We planned the spring event.", "decisions": "We will meet in April.",
    "topic": "meetings", "reason": "It named a person.", "why": "It helps new members.",
    "change": "Add point 3: “We start on time.”", "old": "We listen.",
    "new": "We listen to each other.", "label": "Your feedback", "option": "title",
    "command": "meeting", "example": "/poll question=\"Which day?\"",
    "description": "See the agenda.", "key": "timezone", "value": "Europe/Londn",
    "feature": "meetings", "kind": "fact", "status": "open", "state": "waiting",
    "cadence": "weekly", "rule": "simple", "repeat": "every week on Monday",
    "reminders": "1 day before", "link": "https://example.org/guide", "tag": "housing",
    "content": "https://example.org/guide", "body": "Safeguarding concern C-ABC234.",
    "emergency": "If anyone is in immediate danger, call 999 now.",
    "helpline": "Samaritans: 116 123, any time.", "peer_support": "",
    "age": "2 h of the 24 h referral target", "outcome": "Referred to the council.",
    "action": "viewed the case", "detail": "", "problem": "the name is too long",
    "alt_text": "A bar chart", "url": "https://example.org/invite", "line": "book room",
    "nth": "second", "quiet_start": "22:00", "quiet_end": "08:00",
    "paused_until": "", "reach": "leads", "about": "Sam", "suggestion": "help",
    "due_text": "Friday", "platform": "discord", "group": "G1", "path": "coprod.db",
    "where_": "", "flag": "--record", "flags": "--latency", "raw": "abc",
    "error": "timed out", "host": "discord.com", "setting": "DISCORD_TOKEN",
    "key_source": "COPROD_ENCRYPTION_KEY", "database": "coprod.db",
    "key_file": "coprod.key", "opening_key_file": "", "version": 2,
    "names": ["Sam", "Alex"], "choices": ["Monday"], "options": ["Monday", "Tuesday"],
    "items": ["meeting reminders", "polls"], "lines": ["- one line"],
    "meeting_lines": ["- Coffee and plans, Tuesday at 18:00"],
    "action_lines": ["- 4. Sam: book the room"], "actions": ["- 4. Sam: book the room"],
    "agenda": ["Spring event (added by Sam)"], "points": ["We listen.", "We start on time."],
    "subs": ["add", "show"], "subcommands": ["add", "show"], "verbs": ["add", "show"],
    "known": ["title", "when"], "keys": ["lead_roles"], "who_roles": ["facilitator"],
    "lead_roles": ["Safeguarding lead"], "roles": ["Safeguarding lead"],
    "owners": ["sam"], "offsets": ["1 day", "1 hour"], "parts": ["Monday 3 votes"],
    "problems": ["“Title” can't be empty."], "tags": ["housing"], "said": ["Good", "Okay"],
    "unknown": ["polls2"], "notes": ["- [FACT] Called Sam (by Dev, today)"],
    "helplines": ("Samaritans: 116 123",), "spread": [("Good", 4), ("Okay", 2)],
    "counts": {"going": 3, "maybe": 1, "no": 1}, "moment": datetime(2026, 12, 1, 18, 0,
                                                                    tzinfo=UTC),
    "hours": 2.0, "waited_days": None, "times": ["17:00"], "review_hours": 12,
    "to_check": 2, "for_group": True, "minimum": 5, "how": "chosen", "typed": "Klingon",
}
# Names whose type hint is not enough to pick a sensible value.
_BY_NAME_AND_TYPE: dict[tuple[str, str], Any] = {
    ("who", "Sequence[str]"): ["facilitator"],
    ("day", "int"): 14, ("answered", "int"): 5,
    ("answered", "bool"): False, ("known", "int"): 3, ("value", "int"): 5,
    ("raised", "int"): 2, ("counts", "Sequence[tuple[str, int]]"): [("G1", 2)],
    ("notes", "str"): "Bring your ideas.", ("group", "str | None"): None,
    ("names", "list[str]"): ["Sam", "Alex"],
    ("options", "Sequence[tuple[str, str, bool]]"): [("title", "what it is called", True)],
    ("zone", "ZoneInfo"): ZoneInfo("Europe/London"),
}
_BY_TYPE: dict[str, Any] = {
    "str": "Sam", "int": 3, "float": 1.5, "bool": True, "str | None": None,
    "int | None": 3, "Sequence[str]": ["one", "two"], "list[str]": ["one", "two"],
    "dict[str, int]": {"check-ins": 2, "notes": 1},
}
# Choices that change a function's wording, tried one by one after the base call
# (by parameter name, or `function.parameter` for one function only).
_CHOICES: dict[str, tuple[Any, ...]] = {
    "reach": ("deputies", "channel", "nobody", "named_deputies", "named_nobody"),
    "concern_confirmed.via": ("dm", "channel", "dm_only"),
    "status": ("waiting", "hidden", "shared", "acknowledged", "closed"),
    "reason": ("misses", "unreachable"),
    "cadence": ("daily", "fortnightly", "never"),
    "rule": ("two_thirds",),
    "answer": ("okay",),
    "facilitator": ("",),
    "when": (None, ""),
    "facilitators_k": (1,),
    "count": (1,),
    "weeks": (1,),
    "days": (1,),
    "lead_roles": ([],),
    "checkin_facilitators_list.names": ([],),
    "concern_leads_list.names": ([],),
    "buddy_status.names": ([],),
    "suggestion": (None,),
    "waited_days": (7,),
    "version": (None,),
    "language_now.how": ("platform", "group"),
}


@dataclass(frozen=True)
class Entry:
    """One message: the catalog name, which variant of a function's wording, and text."""

    name: str
    variant: str
    text: str

    @property
    def key(self) -> str:
        """`name` or `name[variant]`, for test ids and exception lists."""
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def is_operator_facing(name: str) -> bool:
    """Whether the entry is said to whoever runs the bot rather than in chat."""
    return name.startswith(OPERATOR_PREFIXES)


@cache
def wording_modules() -> tuple[ModuleType, ...]:
    """bot.catalog and every feature package's `wording` module."""
    found = [catalog]
    for info in pkgutil.iter_modules(bot.features.__path__):
        if info.ispkg:
            try:
                found.append(importlib.import_module(f"bot.features.{info.name}.wording"))
            except ModuleNotFoundError:
                continue
    return tuple(found)


@cache
def _owners() -> dict[str, ModuleType]:
    """Entry name -> the module it is defined in (a name is never defined twice)."""
    owners: dict[str, ModuleType] = {}
    for module in wording_modules():
        for name, value in vars(module).items():
            if name.startswith("_") or name in {"annotations", "BOT_NAME"}:
                continue
            if inspect.isfunction(value):
                if value.__module__ != module.__name__:
                    continue
            elif not isinstance(value, str | tuple | dict):
                continue
            elif name in owners and getattr(owners[name], name) is value:
                continue  # imported from where it is defined, not a second definition
            assert name not in owners, f"{name} is defined in two wording modules"
            owners[name] = module
    return owners


def public_names() -> list[str]:
    """Every public entry that is wording: strings, tuples and dicts of strings, and
    functions defined in bot.catalog or a feature's wording module."""
    return list(_owners())


def wording_value(name: str) -> Any:
    """An entry, from the module that defines it."""
    return getattr(_owners()[name], name)


def _sample(param: inspect.Parameter) -> Any:
    hint = str(param.annotation)
    if (param.name, hint) in _BY_NAME_AND_TYPE:
        return _BY_NAME_AND_TYPE[(param.name, hint)]
    if param.name in _BY_NAME:
        return _BY_NAME[param.name]
    if param.default is not inspect.Parameter.empty:
        return param.default
    if hint in _BY_TYPE:
        return _BY_TYPE[hint]
    raise LookupError(f"no sample value for {param.name}: {hint}")


class _Answer:
    """A check-in answer as the feature passes it (an enum with `.value`)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __str__(self) -> str:
        return self.value


def _calls(name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    signature = inspect.signature(wording_value(name))
    base = {p.name: _sample(p) for p in signature.parameters.values()}
    yield "", base
    for param in signature.parameters.values():
        hint = str(param.annotation)
        if hint == "bool":
            yield f"{param.name}={not base[param.name]}", {**base,
                                                            param.name: not base[param.name]}
        choices = _CHOICES.get(f"{name}.{param.name}", _CHOICES.get(param.name, ()))
        for choice in choices:
            if hint == "object" and isinstance(choice, str):
                choice = _Answer(choice)
            elif choice is None and "None" not in hint:
                continue
            if choice == "" and hint not in {"str", "str | None"}:
                continue
            yield f"{param.name}={choice!s}", {**base, param.name: choice}


_FAILED: dict[str, str] = {}


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return []


def entries(*, operator: bool = False) -> list[Entry]:
    """Every message (member- and lead-facing; with `operator`, the command-line ones
    too), each function's variants with placeholders filled."""
    found: list[Entry] = []
    for name in public_names():
        if is_operator_facing(name) and not operator:
            continue
        value = wording_value(name)
        if not inspect.isfunction(value):
            texts = _texts(value)
            found += [Entry(name, str(i) if len(texts) > 1 else "", t)
                      for i, t in enumerate(texts)]
            continue
        seen: set[str] = set()
        try:
            for variant, kwargs in _calls(name):
                text = value(**kwargs)
                if isinstance(text, str) and text not in seen:
                    seen.add(text)
                    found.append(Entry(name, variant, text))
        except Exception as error:  # reported by uncallable(), never skipped silently
            _FAILED[name] = f"{type(error).__name__}: {error}"
    return found


def uncallable() -> dict[str, str]:
    """Catalog functions the sample table could not call, with the error."""
    entries(operator=True)
    return dict(_FAILED)


ROOT = Path(__file__).resolve().parents[2]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Entries that are not sentences: how a date is written (a Babel pattern), and the lists
# of words a member may type (bot/typed_words.py: "Words read as ...").
_NOT_SENTENCES = ("Babel date pattern", "Words read as ")


def _filled(msgid: str) -> str:
    """A catalog sentence with each placeholder given its sample value by name."""
    def value(match: re.Match[str]) -> str:
        sample = _BY_NAME.get(match.group(1), "Sam")
        if isinstance(sample, list | tuple):
            return ", ".join(str(v) for v in sample)
        return str(sample)
    return _PLACEHOLDER.sub(value, msgid)


@cache
def said() -> list[Entry]:
    """Every sentence of every extracted catalog (`bot/**/locales/*.pot`), its
    placeholders filled, that is not already the text of a named entry: the sentences
    written where they are said. Named `<domain>: <start of the sentence>`."""
    named = {e.text for e in entries(operator=True)}
    found: list[Entry] = []
    for template in sorted(ROOT.glob("bot/**/locales/*.pot")):
        with template.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or (message.context or "").startswith(_NOT_SENTENCES):
                continue
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            for i, msgid in enumerate(ids):
                text = _filled(msgid)
                if msgid in named or text in named:
                    continue
                found.append(Entry(f"{template.stem}: {msgid[:40]}",
                                   str(i) if len(ids) > 1 else "", text))
    return found
