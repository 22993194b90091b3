"""`/help`: what the caller may run, one line per command or family of commands."""

from __future__ import annotations

from bot.features.help.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("help", build, switchable=False)
