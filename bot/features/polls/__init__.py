"""Polls: `/poll`, anonymous by default, results posted when the poll closes.

What other features may use: `parse_closes` and `CLOSE_EXAMPLE` (the agreement's votes
close the same way) and the store's records (`bot.features.polls.store`).
"""

from __future__ import annotations

from typing import Any

from bot.features import Feature
from bot.features.package import FeaturePackage
from bot.features.polls.reading import CLOSE_EXAMPLE, parse_closes


def build(app: Any) -> Feature:
    """The polls feature.

    The feature module is imported here, not at the top: storage imports this
    package's store port, and the feature imports the scheduler, which imports storage.
    """
    from bot.features.polls.feature import build as build_polls

    return build_polls(app)


PACKAGE = FeaturePackage("polls", build, channel="updates_channel")

__all__ = ["CLOSE_EXAMPLE", "PACKAGE", "build", "parse_closes"]
