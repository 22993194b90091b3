"""The retention sweep's declaration: what the registry lists (and what tests use)."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.retention.config import RetentionConfig
from bot.features.retention.feature import NAME
from bot.features.retention.feature import SCHEDULE
from bot.features.retention.feature import Retention
from bot.features.retention.feature import build
from bot.features.retention.feature import daily_at_midnight
from bot.features.retention.store import RetentionStore

PACKAGE = FeaturePackage(NAME, build, switchable=False, config=RetentionConfig,
                         store=RetentionStore, core_host=True)
"""The retention sweep, as the registry lists it."""

__all__ = ["NAME", "PACKAGE", "SCHEDULE", "Retention", "build", "daily_at_midnight"]
