"""The prompts' declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.prompts.config import PromptsConfig
from bot.features.prompts.feature import build

PACKAGE = FeaturePackage("prompts", build, channel="updates_channel", config=PromptsConfig)
"""Prompts, as the registry lists it."""
