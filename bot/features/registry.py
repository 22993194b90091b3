"""The features a normal bot runs, in the order their commands are registered."""

from __future__ import annotations

from bot.features import FeatureFactory
from bot.features import agreement as agreement_feature
from bot.features import buddies as buddies_feature
from bot.features import checkins as checkins_feature
from bot.features import concerns as concerns_feature
from bot.features import feedback as feedback_feature
from bot.features import help as help_feature
from bot.features import meetings as meetings_feature
from bot.features import polls as polls_feature
from bot.features import prompts as prompts_feature
from bot.features import resources as resources_feature
from bot.features import retention as retention_feature
from bot.features import setup as setup_feature
from bot.features import welcome as welcome_feature

DEFAULT_FEATURES: tuple[FeatureFactory, ...] = (
    help_feature.build,
    setup_feature.build,
    feedback_feature.build,
    polls_feature.build,
    meetings_feature.build,
    checkins_feature.build,
    buddies_feature.build,
    concerns_feature.build,
    welcome_feature.build,
    agreement_feature.build,
    resources_feature.build,
    prompts_feature.build,
    retention_feature.build,
)
