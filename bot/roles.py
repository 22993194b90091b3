"""Roles in a group, and how a member's platform roles map onto them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """What a person may do in the group. Everyone is a member."""

    MEMBER = "member"
    FACILITATOR = "facilitator"
    LEAD = "lead"


def resolve_roles(
    platform_roles: Iterable[str],
    facilitator_roles: Iterable[str],
    lead_roles: Iterable[str],
) -> frozenset[Role]:
    """Map a member's platform role names or ids to the group's roles.

    Matching ignores case and a leading `@`, so `Facilitator`, `facilitator` and
    `@facilitator` in config all match the platform role "Facilitator".
    """
    mine = {role_key(r) for r in platform_roles}
    roles = {Role.MEMBER}
    if mine & {role_key(r) for r in facilitator_roles}:
        roles.add(Role.FACILITATOR)
    if mine & {role_key(r) for r in lead_roles}:
        roles.add(Role.LEAD)
    return frozenset(roles)


def role_key(name: str) -> str:
    """How role names are compared: case, spaces around and a leading `@` are ignored."""
    return name.strip().lstrip("@").casefold()
