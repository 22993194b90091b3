"""/language's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.language.feature import build
from bot.features.language.wording import LANGUAGE_EXPORT_TITLES
from bot.features.package import FeaturePackage
from bot.languages import LanguageStore

PACKAGE = FeaturePackage("language", build, switchable=False,
                         export_titles=LANGUAGE_EXPORT_TITLES, store=LanguageStore)
