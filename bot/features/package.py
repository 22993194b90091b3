"""What a feature declares about itself, so that the core builds its lists (config
sections, switchable features, the channels each needs) from the registry instead of
lists typed in by hand."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from bot.config_model import ConfigSection
from bot.feature_catalogue import ChannelSetting
from bot.feature_catalogue import FeatureCatalogue
from bot.features import Feature


@dataclass(frozen=True, slots=True)
class FeaturePackage:
    """One feature, as the registry lists it.

    `build` makes the running feature from its host. `switchable`: facilitators can
    switch it on and off per group (`/setup`, `[group] features`). `channel`: the group
    setting naming the channel it cannot work without ("" if none). When this feature is
    the one that brings that setting (rather than the core, which has
    `updates_channel`), `channel_description` says what it is for (a declared
    sentence), `channel_default` is its value unless config or chat set one, and
    `channel_private_to` says who alone may read it, when it is private (see
    `ChannelSetting`). `needs`: the other group settings it cannot work without while
    switched on (concerns: `lead_roles`). `config`: the model of its `config.toml`
    section (None if it has none), read from `[section]`, which is the feature's name
    unless given.
    `export_titles`: what each section a member's export holds of this feature is, in the
    order the member reads them (declared sentences, by section name); `not_in_export`:
    what of this feature an export leaves out, and why.
    `store`: the feature's store port (the Protocol in its `store.py`; None if it keeps
    nothing): its host hands it a view of the database with that port's members only.
    `core_host`: its `build` takes a `CoreHost` (the other features, the registry, every
    setting, the whole config), which only a feature declaring it is given.
    `peer_names`: the secrets and topics it shares with the other bot processes
    (`bot.peers`; a name covers `name:anything`); its host refuses any other.
    """

    name: str
    build: Callable[[Any], Feature]
    switchable: bool = True
    channel: str = ""
    config: type[ConfigSection] | None = None
    section: str = ""
    channel_description: str = ""
    channel_default: str = ""
    channel_private_to: str = ""
    needs: tuple[str, ...] = ()
    export_titles: Mapping[str, str] = field(default_factory=dict)
    not_in_export: tuple[str, ...] = ()
    store: type | None = None
    core_host: bool = False
    peer_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if any(":" in name for name in self.peer_names):
            raise ValueError(f"{self.name}: a peer name is a root (it covers "
                             "`name:anything`), without a colon")
        if self.channel_description and not self.channel:
            raise ValueError(f"{self.name}: a channel_description needs a channel")
        if (self.channel_default or self.channel_private_to) and not self.channel_description:
            raise ValueError(f"{self.name}: only a channel setting the feature brings (with "
                             "a channel_description) has a default or is private")
        if not self.section:
            object.__setattr__(self, "section", self.name)


def catalogue_of(packages: Iterable[FeaturePackage]) -> FeatureCatalogue:
    """What the core needs to know of these packages (names, channels and the channel
    settings they bring, the other settings they need, config sections), in their
    order."""
    packages = tuple(packages)
    return FeatureCatalogue(
        switchable=tuple(p.name for p in packages if p.switchable),
        channels={p.name: p.channel for p in packages if p.channel},
        channel_settings={p.channel: ChannelSetting(p.channel_description, p.channel_default,
                                                    p.channel_private_to)
                          for p in packages if p.channel_description},
        needs={p.name: p.needs for p in packages if p.needs},
        sections={p.section: p.config for p in packages if p.config is not None})
