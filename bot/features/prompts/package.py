"""The prompts' declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.prompts.config import PromptsConfig
from bot.features.prompts.feature import build
from bot.features.prompts.store import PromptsStores

PACKAGE = FeaturePackage("prompts", build, channel="updates_channel", config=PromptsConfig,
                         store=PromptsStores)
"""Prompts, as the registry lists it."""
