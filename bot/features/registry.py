"""The features a normal bot runs, in the order their commands are registered."""

from __future__ import annotations

from bot.features import FeatureFactory
from bot.features import help as help_feature
from bot.features import setup as setup_feature

DEFAULT_FEATURES: tuple[FeatureFactory, ...] = (
    help_feature.build,
    setup_feature.build,
)
