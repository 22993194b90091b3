"""`/kudos`: thank the group for something, and see how many thanks it has had.

A toy that exists to prove the shape of a feature (docs/adding-a-feature.md)."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from tests.toy.kudos.config import KudosConfig
from tests.toy.kudos.feature import build

PACKAGE = FeaturePackage("kudos", build, config=KudosConfig)
"""The one line the registry needs."""
