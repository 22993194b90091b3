"""The toy's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from tests.toy.kudos.config import KudosConfig
from tests.toy.kudos.feature import build
from tests.toy.kudos.store import KudosStore
from tests.toy.kudos.wording import SETTING_KUDOS_CHANNEL

PACKAGE = FeaturePackage("kudos", build, channel="kudos_channel",
                         channel_description=SETTING_KUDOS_CHANNEL, channel_default="kudos",
                         config=KudosConfig, store=KudosStore)
"""The one line the registry needs."""
