"""A shared resource's record and the resources store port (implemented by the database
in storage/agreement/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable


@dataclass(frozen=True, slots=True)
class Resource:
    """A shared resource: a link or a short text, with tags."""

    resource_id: str
    group_id: str
    title: str
    content: str
    is_link: bool
    tags: tuple[str, ...]
    added_by: str
    added_by_name: str
    added_at: datetime


@runtime_checkable
class ResourceStore(Protocol):
    """Storage operations for shared resources."""

    async def add_resource(self, resource: Resource) -> None:
        """Store a resource."""

    async def resources(self, group_id: str) -> list[Resource]:
        """The group's resources, newest first."""

    async def remove_resource(self, group_id: str, resource_id: str) -> bool:
        """Remove a resource; False if there was none with that id."""
