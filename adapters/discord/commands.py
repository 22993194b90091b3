"""The core's command specs and shortcuts as Discord application commands.

Each first word becomes one slash command. Further words become subcommands and
subcommand groups; a bare command that also has subcommands (`feedback` beside
`feedback list`) is registered as the subcommand `show`, because Discord cannot invoke
a command that has subcommands. Options keep their types, limits and choices (more
than 25 choices become autocomplete). A command that only facilitators or leads may run
is hidden from others with `default_member_permissions` (Manage Server); the core checks
every invocation again whatever Discord showed.

Descriptions (of commands, subcommands, groups and options), choices' names and message
shortcuts' names carry their `*_localizations` for each language we have a translation
for that Discord offers as a client language (`DISCORD_LOCALES`); Discord shows members
the one for their client. Welsh is not among Discord's languages, so a Welsh speaker
sees the English descriptions there, and everything the bot says in Welsh once they
choose it with /language.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from adapters.discord.limits import CHOICE_NAME
from adapters.discord.limits import CONTEXT_MENU_NAME
from adapters.discord.limits import DESCRIPTION
from adapters.discord.limits import cut as _cut
from adapters.discord.limits import cut_words as _cut_words
from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.commands import Registry
from bot.i18n import speaking
from bot.i18n import tr
from bot.i18n import translations
from bot.roles import Role

SHOW = "show"
MAX_CHOICES = 25
MANAGE_GUILD = 1 << 5
_TYPES = {OptionType.STRING: 3, OptionType.INTEGER: 4, OptionType.BOOLEAN: 5,
          OptionType.USER: 6, OptionType.CHANNEL: 7}
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
CHAT_INPUT, MESSAGE = 1, 3
GUILD_CONTEXT = 0

# Our language codes -> Discord's locales for them (discord.com/developers/docs/reference
# #locales). A translation whose language is not here is not offered by Discord.
DISCORD_LOCALES: dict[str, tuple[str, ...]] = {
    "bg": ("bg",), "cs": ("cs",), "da": ("da",), "de": ("de",), "el": ("el",),
    "es": ("es-ES", "es-419"), "fi": ("fi",), "fr": ("fr",), "hi": ("hi",), "hr": ("hr",),
    "hu": ("hu",), "id": ("id",), "it": ("it",), "ja": ("ja",), "ko": ("ko",),
    "lt": ("lt",), "nl": ("nl",), "no": ("no",), "nb": ("no",), "pl": ("pl",),
    "pt": ("pt-BR",), "ro": ("ro",), "ru": ("ru",), "sv": ("sv-SE",), "th": ("th",),
    "tr": ("tr",), "uk": ("uk",), "vi": ("vi",), "zh": ("zh-CN", "zh-TW"),
}


class Shortcut(Protocol):
    """What this module reads of a core message shortcut (`App.shortcuts`): an adapter
    names no feature module, so it states the little it needs here."""

    @property
    def shortcut_id(self) -> str: ...

    @property
    def label(self) -> str: ...


@dataclass
class CommandSet:
    """The payloads to register, and how to map an interaction back to the core."""

    payloads: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[tuple[str, ...], str] = field(default_factory=dict)
    shortcuts: dict[str, str] = field(default_factory=dict)  # menu name -> shortcut id

    def spec_name(self, path: tuple[str, ...]) -> str | None:
        """The core command for a Discord path (`("meeting", "list")`)."""
        return self.routes.get(path)


def build(registry: Registry, shortcuts: Mapping[str, Shortcut]) -> CommandSet:
    """Application command payloads for every command and message shortcut."""
    out = CommandSet()
    for top in registry.top_level_names():
        specs = registry.under(top)
        payload: dict[str, Any] = {"name": top, "type": CHAT_INPUT,
                                   "contexts": [GUILD_CONTEXT], "integration_types": [0]}
        if len(specs) == 1 and specs[0].words == (top,):
            spec = specs[0]
            payload.update(_described(spec.description))
            payload["options"] = _options(spec.options)
            out.routes[(top,)] = spec.name
        else:
            payload["description"] = _cut(_summary(top, specs), DESCRIPTION)
            payload["options"] = _subcommands(top, specs, out.routes)
        if not any(Role.MEMBER in s.roles for s in specs):
            payload["default_member_permissions"] = str(MANAGE_GUILD)
        out.payloads.append(payload)
    for shortcut in shortcuts.values():
        name = _cut_words(shortcut.label, CONTEXT_MENU_NAME)
        out.payloads.append({"name": name, "type": MESSAGE, "contexts": [GUILD_CONTEXT],
                             "integration_types": [0],
                             **_localized("name", shortcut.label, CONTEXT_MENU_NAME,
                                          _cut_words)})
        out.shortcuts[name] = shortcut.shortcut_id
    return out


def _subcommands(top: str, specs: list[CommandSpec],
                 routes: dict[tuple[str, ...], str]) -> list[dict[str, Any]]:
    groups: dict[str, list[CommandSpec]] = {}
    leaves: list[dict[str, Any]] = []
    for spec in specs:
        if len(spec.words) == 3:
            groups.setdefault(spec.words[1], []).append(spec)
    for spec in specs:
        words = spec.words
        if len(words) == 1:
            leaves.append(_leaf(SHOW, spec))
            routes[(top, SHOW)] = spec.name
        elif len(words) == 2 and words[1] in groups:
            groups[words[1]].insert(0, spec)  # `a b` beside `a b c`: `a b show`
        elif len(words) == 2:
            leaves.append(_leaf(words[1], spec))
            routes[(top, words[1])] = spec.name
    for name, members in groups.items():
        subs = []
        for spec in members:
            leaf = SHOW if len(spec.words) == 2 else spec.words[2]
            subs.append(_leaf(leaf, spec))
            routes[(top, name, leaf)] = spec.name
        leaves.append({"type": SUB_COMMAND_GROUP, "name": name,
                       **_described(catalog.command_group(top, name)), "options": subs})
    return leaves


def _leaf(name: str, spec: CommandSpec) -> dict[str, Any]:
    return {"type": SUB_COMMAND, "name": name, **_described(spec.description),
            "options": _options(spec.options)}


def _options(options: tuple[OptionSpec, ...]) -> list[dict[str, Any]]:
    ordered = sorted(options, key=lambda o: not o.required)  # required ones first
    out = []
    for opt in ordered:
        item: dict[str, Any] = {"type": _TYPES[opt.type], "name": opt.name,
                                **_described(opt.description or opt.name),
                                "required": opt.required}
        if opt.type is OptionType.STRING:
            item["max_length"] = max(1, min(opt.max_length, 6000))
            if opt.min_length:
                item["min_length"] = min(opt.min_length, 6000)
        if opt.type is OptionType.INTEGER:
            if opt.min_value is not None:
                item["min_value"] = opt.min_value
            if opt.max_value is not None:
                item["max_value"] = opt.max_value
        if opt.type is OptionType.CHANNEL:
            item["channel_types"] = [0, 5]
        if opt.choices and len(opt.choices) <= MAX_CHOICES:
            item["choices"] = [{"name": _cut(c.label, CHOICE_NAME), "value": c.value,
                                **_localized("name", c.label, CHOICE_NAME)}
                               for c in opt.choices]
        elif opt.choices:
            item["autocomplete"] = True
        out.append(item)
    return out


def read_invocation(data: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, Any],
                                                       str | None]:
    """From a slash command's interaction data: its path, its options (name -> typed
    value), and the option being typed if this is an autocomplete request."""
    path = [str(data["name"])]
    options: list[Mapping[str, Any]] = list(data.get("options") or [])
    while options and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(str(options[0]["name"]))
        options = list(options[0].get("options") or [])
    values = {str(o["name"]): o.get("value") for o in options}
    focused = next((str(o["name"]) for o in options if o.get("focused")), None)
    return tuple(path), values, focused


def _summary(top: str, specs: list[CommandSpec]) -> str:
    return specs[0].description if len(specs) == 1 else f"/{top}: " + ", ".join(
        " ".join(s.words[1:]) or SHOW for s in specs)


def _described(description: str) -> dict[str, Any]:
    """A description cut to Discord's limit, with its translations into the languages
    Discord offers (each cut the same way)."""
    return {"description": _cut(description, DESCRIPTION),
            **_localized("description", description, DESCRIPTION)}


def _localized(key: str, text: str, limit: int,
               fit: Callable[[str, int], str] = _cut) -> dict[str, Any]:
    """`<key>_localizations` for declared words (a description, a choice's or a message
    shortcut's name): the words in each language we have that Discord offers, fitted to
    the limit as the English is; nothing when no language differs from the English."""
    localized: dict[str, str] = {}
    for code in translations():
        with speaking(code):
            words = tr(text)
        if words != text:
            localized.update(dict.fromkeys(DISCORD_LOCALES.get(code, ()), fit(words, limit)))
    return {f"{key}_localizations": localized} if localized else {}
