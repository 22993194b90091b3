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
from bot.features.package import FeaturePackage

PACKAGES: tuple[FeaturePackage, ...] = (
    FeaturePackage("help", help_feature.build, switchable=False),
    FeaturePackage("setup", setup_feature.build, switchable=False),
    feedback_feature.PACKAGE,
    FeaturePackage("polls", polls_feature.build, channel="updates_channel"),
    FeaturePackage("meetings", meetings_feature.build, channel="updates_channel"),
    FeaturePackage("checkins", checkins_feature.build),
    FeaturePackage("buddies", buddies_feature.build),
    FeaturePackage("concerns", concerns_feature.build, channel="leads_channel"),
    FeaturePackage("welcome", welcome_feature.build, switchable=False),
    FeaturePackage("agreement", agreement_feature.build, channel="updates_channel"),
    FeaturePackage("resources", resources_feature.build),
    FeaturePackage("prompts", prompts_feature.build, channel="updates_channel"),
    FeaturePackage("retention", retention_feature.build, switchable=False),
)
"""Every feature, in the order their commands are registered: one line each."""

DEFAULT_FEATURES: tuple[FeatureFactory | FeaturePackage, ...] = tuple(
    p if p.takes_host else p.build for p in PACKAGES)
"""What `App(features=...)` takes for the normal bot: a package's `build` is called with
its host, an unmoved feature's with the app."""
