"""The toy's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from tests.toy.kudos.config import KudosConfig
from tests.toy.kudos.feature import build

PACKAGE = FeaturePackage("kudos", build, config=KudosConfig)
"""The one line the registry needs."""
