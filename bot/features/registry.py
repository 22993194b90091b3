"""The features a normal bot runs, in the order their commands are registered."""

from __future__ import annotations

import functools
from typing import Any

from bot.agreement_config import AgreementConfig, PromptsConfig
from bot.checkins_config import BuddiesConfig, CheckinsConfig
from bot.features import Feature, FeatureFactory
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
from bot.features.package import FeaturePackage
from bot.feedback_config import FeedbackConfig
from bot.meetings_config import MeetingsConfig
from bot.retention_config import RetentionConfig

PACKAGES: tuple[FeaturePackage, ...] = (
    help_feature.PACKAGE,
    setup_feature.PACKAGE,
    FeaturePackage("feedback", feedback_feature.build, channel="feedback_channel",
                   config=FeedbackConfig),
    FeaturePackage("polls", polls_feature.build, channel="updates_channel"),
    FeaturePackage("meetings", meetings_feature.build, channel="updates_channel",
                   config=MeetingsConfig),
    FeaturePackage("checkins", checkins_feature.build, config=CheckinsConfig),
    FeaturePackage("buddies", buddies_feature.build, config=BuddiesConfig),
    concerns_feature.PACKAGE,
    FeaturePackage("welcome", welcome_feature.build, switchable=False),
    FeaturePackage("agreement", agreement_feature.build, channel="updates_channel",
                   config=AgreementConfig),
    FeaturePackage("resources", resources_feature.build),
    FeaturePackage("prompts", prompts_feature.build, channel="updates_channel",
                   config=PromptsConfig),
    FeaturePackage("retention", retention_feature.build, switchable=False,
                   config=RetentionConfig),
)
"""Every feature, in the order their commands are registered: one line each."""


def _factory(package: FeaturePackage) -> FeatureFactory:
    """A package as a factory of the app, for callers that list factories: a package
    that takes a host is built from the host the app makes for it."""
    if not package.takes_host:
        return package.build

    @functools.wraps(package.build)
    def build(app: Any) -> Feature:
        return package.build(app.host_for(package))

    return build


DEFAULT_FEATURES: tuple[FeatureFactory, ...] = tuple(_factory(p) for p in PACKAGES)
