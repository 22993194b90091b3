"""Platform-neutral command specs and the registry that holds them.

A spec says everything an adapter needs to register a native command (name, words for
people, typed options with limits and choices) and everything the core needs to check
an invocation (who may run it, which feature it belongs to, the option limits). The
core checks every invocation against its spec, whatever the platform already checked.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import TYPE_CHECKING
from typing import Any

from bot import catalog
from bot.answers import read_yes_no
from bot.errors import UserError
from bot.messages import Choice
from bot.messages import Reply
from bot.roles import Role
from bot.typed_words import choice_words
from bot.typed_words import read_choice

if TYPE_CHECKING:
    from bot.context import Context

Handler = Callable[["Context"], Awaitable[Reply]]


class OptionType(StrEnum):
    """The types an option can have; adapters map each to a native type."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    USER = "user"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One option of a command, with the limits the core enforces."""

    name: str
    description: str
    type: OptionType = OptionType.STRING
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min_length: int = 0
    max_length: int = 1000
    min_value: int | None = None
    max_value: int | None = None

    def coerce(self, raw: Any) -> Any:
        """Check a value (text from a text platform, or typed from Discord) and type it.

        Raises `UserError` with a kind explanation naming the option.
        """
        value: Any
        if self.type is OptionType.INTEGER:
            if isinstance(raw, bool):
                raise UserError(catalog.option_not_number(self.name))
            try:
                value = int(str(raw).strip())
            except ValueError:
                raise UserError(catalog.option_not_number(self.name)) from None
            if self.min_value is not None and value < self.min_value:
                raise UserError(catalog.option_too_small(self.name, self.min_value))
            if self.max_value is not None and value > self.max_value:
                raise UserError(catalog.option_too_big(self.name, self.max_value))
        elif self.type is OptionType.BOOLEAN:
            if isinstance(raw, bool):
                value = raw
            else:
                answer = read_yes_no(str(raw))
                if answer is None:
                    raise UserError(catalog.option_not_yes_no(self.name))
                value = answer
        else:
            value = str(raw).strip()
            # Platform references: Discord <@id> <#id>, Slack <@U1|name> <#C1|name>.
            if self.type is OptionType.USER:
                value = value.removeprefix("<@").removesuffix(">").lstrip("!@")
                value = value.split("|", 1)[0]
            elif self.type is OptionType.CHANNEL:
                value = value.removeprefix("<#").removesuffix(">").lstrip("#")
                value = value.split("|", 1)[0]
            if not value and self.required:
                raise UserError(catalog.option_empty(self.name))
            if len(value) < self.min_length:
                raise UserError(catalog.option_too_short(self.name, self.min_length))
            if len(value) > self.max_length:
                raise UserError(catalog.option_too_long(self.name, self.max_length))
        if self.choices:
            chosen = read_choice(str(value), self.choices)
            if chosen is None:
                raise UserError(catalog.option_not_a_choice(self.name,
                                                            choice_words(self.choices)))
            return chosen
        return value


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command: `name` is one to three words (`help`, `meeting list`).

    `roles`: any one of these may run it. `admins`: platform administrators may run it
    whatever their roles (so a newly invited bot can be set up). `feature`: the feature
    switch it belongs to ("core" is always on). `opens_form`: the command answers with a
    form, so adapters must not defer before it. `listed_for`: who sees it in /help, when
    that is narrower than who may run it: a command open to everyone so that it can
    refuse inside with one reply that reveals nothing (`/case show`) is still only
    listed for the people it is meant for. None: listed for everyone who may run it.
    """

    name: str
    description: str
    handler: Handler
    example: str
    options: tuple[OptionSpec, ...] = ()
    roles: frozenset[Role] = frozenset({Role.MEMBER})
    admins: bool = False
    feature: str = "core"
    opens_form: bool = False
    private: bool = True
    listed_for: frozenset[Role] | None = None
    # Worked out once: read on every command line parsed and every /help.
    _words: tuple[str, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", tuple(self.name.split()))

    @property
    def words(self) -> tuple[str, ...]:
        """The name split into words (command, then subcommand group, then subcommand)."""
        return self._words

    def option(self, name: str) -> OptionSpec | None:
        """The option of that name, if any."""
        for opt in self.options:
            if opt.name == name:
                return opt
        return None

    def check_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and type every given option; refuse unknown and missing ones."""
        out: dict[str, Any] = {}
        for key, raw in given.items():
            opt = self.option(key)
            if opt is None:
                raise UserError(catalog.unknown_option(self.name, key,
                                                       [o.name for o in self.options]))
            out[key] = opt.coerce(raw)
        for opt in self.options:
            if opt.required and (opt.name not in out or out[opt.name] in ("", None)):
                raise UserError(catalog.option_missing(self.name, opt.name, self.example))
        return out


@dataclass
class Registry:
    """Every command the bot offers, looked up by name."""

    _specs: dict[str, CommandSpec] = field(default_factory=dict)
    _sorted: tuple[CommandSpec, ...] | None = None
    # Goes up with every command added, so what is worked out from the registry (the
    # commands someone may see, /help's text) can be kept until it changes.
    version: int = 0

    def add(self, spec: CommandSpec) -> None:
        """Register a command; names are unique and at most three words."""
        if spec.name in self._specs:
            raise ValueError(f"command {spec.name!r} registered twice")
        if not 1 <= len(spec.words) <= 3:
            raise ValueError(f"command {spec.name!r} must be one to three words")
        self._specs[spec.name] = spec
        self._sorted = None
        self.version += 1

    def extend(self, specs: Iterable[CommandSpec]) -> None:
        """Register several commands."""
        for spec in specs:
            self.add(spec)

    def get(self, name: str) -> CommandSpec | None:
        """The command of that exact name."""
        return self._specs.get(name)

    def all(self) -> list[CommandSpec]:
        """All commands, sorted by name."""
        return list(self.sorted())

    def sorted(self) -> tuple[CommandSpec, ...]:
        """All commands, sorted by name (kept between calls: do not change it)."""
        if self._sorted is None:
            self._sorted = tuple(sorted(self._specs.values(), key=lambda s: s.name))
        return self._sorted

    def top_level_names(self) -> list[str]:
        """The first words of all commands (one native command each on the platforms)."""
        return sorted({s.words[0] for s in self._specs.values()})

    def under(self, prefix: str) -> list[CommandSpec]:
        """Commands whose name starts with these words (`meeting` -> `meeting list`, ...)."""
        words = tuple(prefix.split())
        return [s for s in self.all() if s.words[: len(words)] == words]

    def suggest(self, name: str) -> str | None:
        """The closest command name to a mistyped one, if any is close enough."""
        names = list(self._specs) + self.top_level_names()
        match = difflib.get_close_matches(name.strip().lower(), names, n=1, cutoff=0.6)
        return match[0] if match else None


def may_run(spec: CommandSpec, roles: frozenset[Role], is_admin: bool) -> bool:
    """Whether someone with these roles (and admin flag) may run the command."""
    return bool(spec.roles & roles) or (spec.admins and is_admin)


def who_may_run(*specs: CommandSpec) -> tuple[str, ...]:
    """Who a refusal names for these commands: the roles they are meant for (`listed_for`
    when narrower than who may run them) and "admin" when admins may, in a fixed order.
    Everyone is a member, so a command for members refuses nobody and names no one."""
    roles: set[Role] = set()
    admins = False
    for spec in specs:
        roles |= spec.listed_for if spec.listed_for is not None else spec.roles
        admins = admins or spec.admins
    who = [role.value for role in (Role.FACILITATOR, Role.LEAD) if role in roles]
    if admins:
        who.append("admin")
    return tuple(who)


def refusal(*specs: CommandSpec, name: str = "") -> str:
    """The kind refusal for a command someone may not run (`name`: the words they
    typed, when it is a family like `/case`)."""
    return catalog.not_allowed(name or specs[0].name, who_may_run(*specs))


def is_listed(spec: CommandSpec, roles: frozenset[Role], is_admin: bool) -> bool:
    """Whether /help shows the command to someone: they may run it, and it is meant for
    them (see `CommandSpec.listed_for`)."""
    if not may_run(spec, roles, is_admin):
        return False
    return spec.listed_for is None or bool(spec.listed_for & roles)
