"""The features a normal bot runs, in the order their commands are registered."""

from __future__ import annotations

from bot.features import FeatureFactory
from bot.features import feedback as feedback_feature
from bot.features import help as help_feature
from bot.features import polls as polls_feature
from bot.features import setup as setup_feature

DEFAULT_FEATURES: tuple[FeatureFactory, ...] = (
    help_feature.build,
    setup_feature.build,
    feedback_feature.build,
    polls_feature.build,
)
