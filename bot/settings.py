"""Per-group settings: config defaults, overridden by what facilitators set in chat.

Each setting is described once here (type, check, words for people), and that one
description serves the config file's validation, `/setup` and its listing.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo
from zoneinfo import available_timezones

from bot import catalog
from bot.errors import SettingError as SettingError  # checks everywhere raise it from here
from bot.feature_catalogue import installed_features
from bot.i18n import language_name
from bot.i18n import languages
from bot.i18n import read_language
from bot.i18n import tr


def feature_names() -> tuple[str, ...]:
    """The features facilitators can switch on and off, in registry order (from the
    installed catalogue: this module imports no feature)."""
    return installed_features().switchable


def feature_channels() -> dict[str, str]:
    """The channel setting each feature cannot work without, from the registry."""
    return dict(installed_features().channels)


class Channels(Mapping[str, str]):
    """The channel settings the installed features bring, by key: immutable and
    hashable, so that `GroupSettings` stays a value the core never has to edit when a
    feature brings a channel of its own."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __repr__(self) -> str:
        return f"Channels({self._values!r})"

    def merged(self, changes: Mapping[str, str]) -> Channels:
        """These channels with some of them changed."""
        return Channels({**self._values, **changes})


def declared_channels() -> Channels:
    """Each channel setting the installed features bring, at its declared default."""
    return Channels({key: setting.default
                     for key, setting in installed_features().channel_settings.items()})


CORE_CHANNEL = "updates_channel"
"""The one channel setting the core has itself; features bring the others."""


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """The settings in force for one group: the core's own as fields, and the channel
    settings the features bring in `channels` (read them with `channel(key)`)."""

    group_id: str
    timezone: str = "Europe/London"
    updates_channel: str = "updates"
    facilitator_roles: tuple[str, ...] = ("Facilitator",)
    lead_roles: tuple[str, ...] = ("Safeguarding lead",)
    features: frozenset[str] = field(default_factory=lambda: frozenset(feature_names()))
    language: str = "en"
    channels: Channels = field(default_factory=declared_channels)

    @property
    def zone(self) -> ZoneInfo:
        """The group's time zone."""
        return ZoneInfo(self.timezone)

    def channel(self, key: str) -> str:
        """A channel setting's value ("" when unset), the core's or a feature's."""
        return self.updates_channel if key == CORE_CHANNEL else self.channels[key]

    def value(self, key: str) -> Any:
        """Any setting's value, by key."""
        return self.channels[key] if key in self.channels else getattr(self, key)

    def missing(self) -> list[tuple[str, str]]:
        """(feature, setting key) for each switched-on feature whose channel, or another
        setting it declares it needs, is unset."""
        out = [(feature, key) for feature, key in feature_channels().items()
               if feature in self.features and not self.channel(key)]
        out += [(feature, key) for feature, keys in installed_features().needs.items()
                if feature in self.features for key in keys if not self.value(key)]
        return out

    def privacy_problems(self) -> list[str]:
        """Settings that would let private things be seen publicly: a channel a feature
        declares private (the leads') must not be any other channel setting."""
        out = []
        for key in private_channels():
            mine = self.channel(key).casefold()
            if mine and any(self.channel(other).casefold() == mine
                            for other in channel_keys() if other != key):
                out.append(key)
        return out


def _check_timezone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingError(catalog.setting_bad_timezone("", None))
    name = value.strip()
    zones = _zone_names()
    if name in zones:
        return name
    by_case = [z for z in zones if z.casefold() == name.casefold()]
    if len(by_case) == 1:
        return by_case[0]
    raise SettingError(catalog.setting_bad_timezone(name, suggest_timezone(name)))


def suggest_timezone(name: str) -> str | None:
    """The time zone someone probably meant by a name we do not know ("Europe/Londn")."""
    close = difflib.get_close_matches(name.strip(), sorted(_zone_names()), n=1, cutoff=0.75)
    return close[0] if close else None


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(z for z in available_timezones()
                      if not z.startswith(("posix/", "right/")) and z not in _NOT_ZONES)
    return _ZONES


_NOT_ZONES = {"localtime", "posixrules", "Factory"}


def check_channel(value: Any) -> str:
    """A channel name or id as written in config or chat, without # or <#...>."""
    if not isinstance(value, str):
        raise SettingError(catalog.setting_bad_channel())
    name = value.strip().removeprefix("<#").removesuffix(">").lstrip("#").strip()
    name = name.split("|", 1)[0]  # Slack's <#C123|name>
    if len(name) > 100 or any(not ch.isprintable() or ch.isspace() or ch in _NOT_IN_CHANNEL
                              for ch in name):
        raise SettingError(catalog.setting_bad_channel())
    return name


# Neither platform allows these in a channel name; they would turn the name into a
# mention or markup wherever it is shown.
_NOT_IN_CHANNEL = frozenset("<>@#|`*\\[]")


def _names(value: Any, bad: str) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SettingError(bad)
    return [v.strip() for v in value if v.strip()]


def _check_roles(value: Any) -> tuple[str, ...]:
    roles = tuple(_names(value, catalog.setting_bad_roles()))
    if any(len(r) > 100 for r in roles):
        raise SettingError(catalog.setting_bad_roles())
    return roles


def _check_features(value: Any) -> frozenset[str]:
    known = feature_names()
    names = {n.lower() for n in _names(value, catalog.setting_bad_features([], known))}
    unknown = sorted(names - set(known))
    if unknown:
        raise SettingError(catalog.setting_bad_features(unknown, known))
    return frozenset(names)


def _check_language(value: Any) -> str:
    found = read_language(value) if isinstance(value, str) else None
    if found is None:
        raise SettingError(catalog.setting_bad_language(
            [f"{code} ({language_name(code)})" for code in languages()]))
    return found


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One group setting: how to check a value, and what it is for in plain words (a
    declared sentence of the core's catalog, or of the feature that brings the setting:
    `tr(description)` in the reader's language)."""

    key: str
    check: Callable[[Any], Any]
    description: str


# The core's own settings, before and after the channel settings features bring.
_FIRST: tuple[SettingSpec, ...] = (
    SettingSpec("timezone", _check_timezone, catalog.SETTING_TIMEZONE),
    SettingSpec(CORE_CHANNEL, check_channel, catalog.SETTING_UPDATES_CHANNEL),
)
_LAST: tuple[SettingSpec, ...] = (
    SettingSpec("facilitator_roles", _check_roles, catalog.SETTING_FACILITATOR_ROLES),
    SettingSpec("lead_roles", _check_roles, catalog.SETTING_LEAD_ROLES),
    SettingSpec("features", _check_features, catalog.SETTING_FEATURES),
    SettingSpec("language", _check_language, catalog.SETTING_LANGUAGE),
)


def settings_specs() -> tuple[SettingSpec, ...]:
    """Every group setting, in the order /setup lists them: the core's time zone and
    updates channel, the channel settings the installed features bring (feedback's,
    concerns'), then the roles, the features and the language."""
    channels = tuple(SettingSpec(key, check_channel, setting.description) for key, setting
                     in installed_features().channel_settings.items())
    return (*_FIRST, *channels, *_LAST)


def channel_keys() -> tuple[str, ...]:
    """The settings that name a channel, the core's and the features', in
    `settings_specs()` order."""
    return tuple(s.key for s in settings_specs() if s.check is check_channel)


def private_channels() -> dict[str, str]:
    """The channel settings features declare private, each with who alone may read it."""
    return {key: setting.private_to
            for key, setting in installed_features().channel_settings.items()
            if setting.private_to}


def setting_keys() -> tuple[str, ...]:
    """Every group setting's key, in `settings_specs()` order."""
    return tuple(s.key for s in settings_specs())


def setting_spec(key: str) -> SettingSpec | None:
    """The description of a setting, by key."""
    for spec in settings_specs():
        if spec.key == key:
            return spec
    return None


def apply_settings(base: GroupSettings, values: Mapping[str, Any]) -> GroupSettings:
    """Settings with these (already checked) values applied on top."""
    keys = setting_keys()
    changes = {k: v for k, v in values.items() if k in keys}
    brought = {k: changes.pop(k) for k in list(changes)
               if k in installed_features().channel_settings}
    if brought:
        changes["channels"] = base.channels.merged(brought)
    if "features" in changes:
        changes["features"] = frozenset(changes["features"])
    if "facilitator_roles" in changes:
        changes["facilitator_roles"] = tuple(changes["facilitator_roles"])
    if "lead_roles" in changes:
        changes["lead_roles"] = tuple(changes["lead_roles"])
    return replace(base, **changes)


def to_stored(key: str, value: Any) -> Any:
    """A checked setting value as JSON-friendly data for storage."""
    if isinstance(value, frozenset | tuple):
        return sorted(value) if key == "features" else list(value)
    return value


def describe(settings: GroupSettings, key: str) -> str:
    """A setting's value as people read it, in the language in force."""
    value = settings.value(key)
    if key == "features":
        return ", ".join(f for f in feature_names() if f in value) or tr(
            catalog.SETTING_NO_FEATURES)
    if isinstance(value, tuple):
        return ", ".join(value)
    if key == "language":
        return f"{value} ({language_name(value)})"
    return str(value)


@dataclass
class SettingsBook:
    """Resolves each group's settings: defaults, config overrides, then chat-made ones.

    Kept in memory (read on every command) and updated when `/setup` saves, so a
    command never waits on the database just to know its group's settings.
    """

    defaults: GroupSettings
    config_groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    _cache: dict[str, GroupSettings] = field(default_factory=dict)

    def for_group(self, group_id: str) -> GroupSettings:
        """The settings in force for a group."""
        found = self._cache.get(group_id)
        if found is None:
            found = self._resolve(group_id, self.stored.get(group_id, {}))
            self._cache[group_id] = found
        return found

    def preview(self, group_id: str, changes: Mapping[str, Any]) -> GroupSettings:
        """The settings a group would have with these chat-made changes (stored form;
        None removes one), without saving anything."""
        stored = dict(self.stored.get(group_id, {}))
        for key, value in changes.items():
            if value is None:
                stored.pop(key, None)
            else:
                stored[key] = value
        return self._resolve(group_id, stored)

    def _resolve(self, group_id: str, stored: Mapping[str, Any]) -> GroupSettings:
        found = replace(self.defaults, group_id=group_id)
        found = apply_settings(found, self.config_groups.get(group_id, {}))
        return apply_settings(found, _checked(stored))

    def replace_stored(self, stored: dict[str, dict[str, Any]]) -> None:
        """Take every group's chat-made settings as newly loaded from storage."""
        self.stored = stored
        self._cache.clear()

    def update_stored(self, group_id: str, changes: Mapping[str, Any]) -> None:
        """Record chat-made changes (None removes one) after they are saved."""
        mine = self.stored.setdefault(group_id, {})
        for key, value in changes.items():
            if value is None:
                mine.pop(key, None)
            else:
                mine[key] = value
        self._cache.pop(group_id, None)

    def stored_keys(self, group_id: str) -> Sequence[str]:
        """Which settings of a group were set in chat."""
        return sorted(self.stored.get(group_id, {}))


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        spec = setting_spec(key)
        if spec is None:
            continue
        try:
            out[key] = spec.check(value)
        except SettingError:
            continue
    return out
