"""The features a normal bot runs, in the order their commands are registered."""

from __future__ import annotations

from bot.features import agreement as agreement_feature
from bot.features import buddies as buddies_feature
from bot.features import checkins as checkins_feature
from bot.features import concerns as concerns_feature
from bot.features import feedback as feedback_feature
from bot.features import help as help_feature
from bot.features import language as language_feature
from bot.features import meetings as meetings_feature
from bot.features import polls as polls_feature
from bot.features import prompts as prompts_feature
from bot.features import resources as resources_feature
from bot.features import retention as retention_feature
from bot.features import setup as setup_feature
from bot.features import welcome as welcome_feature
from bot.features.package import FeaturePackage

PACKAGES: tuple[FeaturePackage, ...] = (
    help_feature.PACKAGE,
    language_feature.PACKAGE,
    setup_feature.PACKAGE,
    meetings_feature.PACKAGE,
    feedback_feature.PACKAGE,
    polls_feature.PACKAGE,
    checkins_feature.PACKAGE,
    buddies_feature.PACKAGE,
    concerns_feature.PACKAGE,
    welcome_feature.PACKAGE,
    agreement_feature.PACKAGE,
    resources_feature.PACKAGE,
    prompts_feature.PACKAGE,
    retention_feature.PACKAGE,
)
"""Every feature, one line each, in the order their commands are registered and the
switchable ones are listed to facilitators (`/setup`, `[group] features`)."""
