"""A feature's store port reaches only its own data: each member of the port its package
declares is implemented by the SQL mixin of the feature's own storage package (issue 19).

A feature is handed a view of the database showing its port's members only
(`bot.port_view`), but the feature chooses its port: a port naming `member_records`
would be handed every member's data from every feature. So every member must come from
the feature's own storage package, or be one of the few cross-feature reads listed, with
why, in `CROSS_READS`. The core's storage interface (member data, erasure, the outbox,
settings) is no feature's storage, so it is reachable only through an entry there.
"""

from __future__ import annotations

from typing import Any
from typing import Protocol

import pytest

from bot.features.buddies.store import BuddyStore
from bot.features.package import FeaturePackage
from bot.features.registry import PACKAGES
from bot.port_view import port_members
from storage.packages import storage_packages

STORED_WITH = {
    "buddies": "checkins",
    "welcome": "agreement",
    "resources": "agreement",
    "prompts": "agreement",
}
"""Features whose tables are in another feature's storage package (one migration made
them together); every other feature's storage package has its name."""

_LANGUAGE = ("the language feature's store is the app's LanguageBook (bot/app.py), "
             "over the core's `LanguageStore` port, so the app sees a member's new "
             "choice at once")
_SWEEP = "retention runs the core's member-data sweep over every feature's tables"

CROSS_READS: dict[tuple[str, str], str] = {
    # The welcome points a newcomer to the agreement version in force.
    ("welcome", "agreement_versions"): "the agreement's versions",
    # A prompt is posted before the group's next meeting.
    ("prompts", "all_meeting_times"): "the meetings' times",
    ("language", "member_language"): _LANGUAGE,
    ("language", "set_member_language"): _LANGUAGE,
    ("retention", "retention_cutoff_names"): _SWEEP,
    ("retention", "purge_expired"): _SWEEP,
    ("retention", "prune"): _SWEEP,
    ("retention", "purge_closed_concerns"): "retention deletes old closed cases through "
                                            "the concerns package's audited deletion",
    # The weekly post and action item reminders claim each firing once, with its
    # deliveries, through the core's occurrence claim.
    ("meetings", "claim_occurrence"): "the core's occurrence claim",
}
"""Port members that are not the feature's own storage, by (feature, member): why."""


def _own_members(package: str) -> frozenset[str]:
    """The public names defined by a storage package's own SQL mixin classes (those in
    `storage/<package>/`, not the shared base or the ports they implement)."""
    (stored,) = [p for p in storage_packages() if p.feature == package]
    module = f"storage.{package}"
    return frozenset(name for cls in stored.sql.__mro__
                     if cls.__module__ == module or cls.__module__.startswith(module + ".")
                     for name in vars(cls) if not name.startswith("_"))


def _owner(member: str) -> str:
    """Which storage package's mixin defines `member`, or the core."""
    owners = [p.feature for p in storage_packages() if member in _own_members(p.feature)]
    return f"storage/{owners[0]}" if owners else "the core's storage interface"


def foreign_members(feature: str, port: type) -> dict[str, str]:
    """The members of `port` outside `feature`'s own storage package, and where each is
    implemented. The whole port counts as foreign when it is declared outside the
    feature's own package; in a storage package shared by several features, a member
    another feature's port declares too is the namesake feature's, foreign to the
    others."""
    home = STORED_WITH.get(feature, feature)
    own = _own_members(home) if any(p.feature == home for p in storage_packages()) \
        else frozenset()
    if home != feature:
        own -= {member for p in PACKAGES if p.store is not None and p.name != feature
                for member in port_members(p.store)}
    inside = port.__module__.startswith(f"bot.features.{feature}.")
    return {member: _owner(member) for member in sorted(port_members(port))
            if member not in own or not inside}


def _declared() -> list[FeaturePackage]:
    return [p for p in PACKAGES if p.store is not None]


@pytest.mark.parametrize("package", _declared(), ids=lambda p: p.name)
def test_a_port_reaches_only_its_features_own_storage(package: FeaturePackage) -> None:
    assert package.store is not None
    unlisted = {member: where for member, where in
                foreign_members(package.name, package.store).items()
                if (package.name, member) not in CROSS_READS}
    assert unlisted == {}, (f"{package.name}'s store port reaches data that is not its "
                            "own (member: where it is implemented); add it to CROSS_READS "
                            "with why, if it must")


def test_every_listed_cross_read_is_still_one() -> None:
    found = {(p.name, member) for p in _declared() if p.store is not None
             for member in foreign_members(p.name, p.store)}
    assert set(CROSS_READS) <= found, "a CROSS_READS entry no port needs: remove it"


def test_a_port_with_member_records_added_fails() -> None:
    class LeakyBuddies(BuddyStore, Protocol):
        """A made-up buddies port reaching every member's data."""

        async def member_records(self, member_id: str) -> Any:
            """Every feature's records of a member."""

    LeakyBuddies.__module__ = BuddyStore.__module__
    assert foreign_members("buddies", BuddyStore) == {}
    assert foreign_members("buddies", LeakyBuddies) == {
        "member_records": "the core's storage interface"}


def test_a_port_with_another_features_method_fails() -> None:
    class NosyBuddies(BuddyStore, Protocol):
        """A made-up buddies port reading the concerns' cases."""

        async def concern_summaries(self, group_id: str) -> Any:
            """The group's safeguarding cases."""

    NosyBuddies.__module__ = BuddyStore.__module__
    assert foreign_members("buddies", NosyBuddies) == {"concern_summaries": "storage/concerns"}


def test_a_port_declared_outside_the_feature_is_foreign() -> None:
    assert foreign_members("polls", BuddyStore).keys() == port_members(BuddyStore)
