"""What the core knows of the features a bot is built with, without importing any.

The core's lists of features (the switchable ones, their channels and the channel
settings they bring for group settings, the other settings each needs, each feature's
config section for `config.toml`) come from the registry, but the core must not import
the features: they import the core. So the composition root (the CLI, a test suite, a
benchmark) builds a catalogue from the registry's packages and installs it here once,
before any config is read or settings are made (`bot.features.registry.install`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from bot.config_model import ConfigSection


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    """A channel setting a feature brings to the group settings, so the core holds,
    checks and offers it without naming it.

    `description`: what it is for (a declared sentence). `default`: the channel when
    neither config nor chat names one. `private_to`: who alone may read it, in the
    config check's words ("the safeguarding leads"), or "" when it is not private; a
    private channel must not be the same as any other channel setting.
    """

    description: str
    default: str = ""
    private_to: str = ""


@dataclass(frozen=True, slots=True)
class FeatureCatalogue:
    """The features' names, channels and config sections, in registry order.

    `switchable`: the features facilitators can switch on and off. `channels`: the
    channel setting each feature cannot work without. `channel_settings`: the channel
    settings features bring (the core has `updates_channel`), by key. `needs`: the
    other settings each feature cannot work without (concerns: `lead_roles`).
    `sections`: each feature's config section model, by section name.
    """

    switchable: tuple[str, ...] = ()
    channels: Mapping[str, str] = field(default_factory=dict)
    channel_settings: Mapping[str, ChannelSetting] = field(default_factory=dict)
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sections: Mapping[str, type[ConfigSection]] = field(default_factory=dict)


_installed: list[FeatureCatalogue] = []


def install_features(catalogue: FeatureCatalogue) -> FeatureCatalogue | None:
    """Make `catalogue` the features the core knows; returns the one it replaces (so a
    test can put it back)."""
    previous = _installed[0] if _installed else None
    _installed[:] = [catalogue]
    return previous


def installed_features() -> FeatureCatalogue:
    """The installed catalogue; a programming error if the composition root has not
    installed one."""
    if not _installed:
        raise RuntimeError("no features are installed: call bot.features.registry.install() "
                           "before reading config or making group settings")
    return _installed[0]
