"""What a feature declares about itself, so that the core builds its lists (config
sections, switchable features, the channels each needs) from the registry instead of
lists typed in by hand."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.config_model import ConfigSection
from bot.feature_catalogue import FeatureCatalogue
from bot.features import Feature


@dataclass(frozen=True, slots=True)
class FeaturePackage:
    """One feature, as the registry lists it.

    `build` makes the running feature from its host. `switchable`: facilitators can
    switch it on and off per group (`/setup`, `[group] features`). `channel`: the group
    setting naming the channel it cannot work without ("" if none). `config`: the model
    of its `config.toml` section (None if it has none), read from `[section]`, which is
    the feature's name unless given.
    """

    name: str
    build: Callable[[Any], Feature]
    switchable: bool = True
    channel: str = ""
    config: type[ConfigSection] | None = None
    section: str = ""

    def __post_init__(self) -> None:
        if not self.section:
            object.__setattr__(self, "section", self.name)


def catalogue_of(packages: Iterable[FeaturePackage]) -> FeatureCatalogue:
    """What the core needs to know of these packages (names, channels, config sections),
    in their order."""
    packages = tuple(packages)
    return FeatureCatalogue(
        switchable=tuple(p.name for p in packages if p.switchable),
        channels={p.name: p.channel for p in packages if p.channel},
        sections={p.section: p.config for p in packages if p.config is not None})
