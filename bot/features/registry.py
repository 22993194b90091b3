"""The features a normal bot runs, in the order their commands are registered, and how
the composition root tells the core about them (`install`)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.feature_catalogue import install_features
from bot.features.agreement import package as agreement_feature
from bot.features.buddies import package as buddies_feature
from bot.features.checkins import package as checkins_feature
from bot.features.concerns import package as concerns_feature
from bot.features.feedback import package as feedback_feature
from bot.features.help import package as help_feature
from bot.features.language import package as language_feature
from bot.features.meetings import package as meetings_feature
from bot.features.package import FeaturePackage
from bot.features.package import catalogue_of
from bot.features.polls import package as polls_feature
from bot.features.prompts import package as prompts_feature
from bot.features.resources import package as resources_feature
from bot.features.retention import package as retention_feature
from bot.features.setup import package as setup_feature
from bot.features.welcome import package as welcome_feature

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


def install(packages: Iterable[FeaturePackage] | None = None) -> None:
    """Tell the core which features this bot is built with (`PACKAGES` unless given):
    their names, channels and config sections. The composition root (the CLI, the test
    suite, a benchmark) calls it once, before any config is read or settings are made;
    the core itself never imports a feature."""
    install_features(catalogue_of(PACKAGES if packages is None else packages))
