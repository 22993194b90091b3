"""Buddies: opt-in peer support, pairing the members who joined every few weeks and
introducing each pair or trio privately."""

from __future__ import annotations

from bot.features.buddies.feature import build
from bot.features.checkins import BuddiesConfig
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("buddies", build, config=BuddiesConfig)
"""The buddies feature, as the registry lists it."""

__all__ = ["PACKAGE", "build"]
