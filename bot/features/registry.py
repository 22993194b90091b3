"""The features a normal bot runs, in the order their commands are registered."""

from __future__ import annotations

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
    FeaturePackage("feedback", feedback_feature.build, channel="feedback_channel"),
    FeaturePackage("polls", polls_feature.build, channel="updates_channel"),
    FeaturePackage("meetings", meetings_feature.build, channel="updates_channel"),
    FeaturePackage("checkins", checkins_feature.build),
    FeaturePackage("buddies", buddies_feature.build),
    FeaturePackage("concerns", concerns_feature.build, channel="leads_channel"),
    welcome_feature.PACKAGE,
    agreement_feature.PACKAGE,
    resources_feature.PACKAGE,
    prompts_feature.PACKAGE,
    FeaturePackage("retention", retention_feature.build, switchable=False),
)
"""Every feature, in the order their commands are registered: one line each."""

DEFAULT_FEATURES: tuple[FeaturePackage, ...] = PACKAGES
"""What `App` builds when given no features (tests add their own to these): the
packages themselves, so each is built from its host when it takes one."""
