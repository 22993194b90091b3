"""`/language`: each member sees, and chooses, the language the bot writes to them in."""

from __future__ import annotations

from bot.features.language.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("language", build, switchable=False)
