"""What a feature handler is given: the event, the group's settings, roles and services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

from bot.clock import Clock
from bot.events import Actor
from bot.events import Event
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.settings import GroupSettings
from bot.settings import SettingsBook

if TYPE_CHECKING:
    from bot.config import Config
    from bot.people import PeopleBook
    from storage.interface import Storage


class Running(Protocol):
    """What both a handler's context (through `Services`) and a feature's host reach of
    the running bot, alike: the time, deliveries and languages."""

    @property
    def clock(self) -> Clock:
        """The time (a fake one in tests)."""

    def deliveries_waiting(self) -> None:
        """Say that deliveries were stored, so they are sent soon."""

    async def language_of(self, group_id: str, user_id: str) -> str:
        """The language to write to one member in (`bot.languages`): their choice, else
        the group's. Write a direct message inside
        `bot.i18n.speaking(await host.language_of(...))`, and a channel post inside
        `speaking(host.group(group_id).language)`."""


class Services(Running, Protocol):
    """What a handler's context reaches of the running bot: the database, the whole
    checked config, every group's settings, and who holds a role and people's names as
    the platform says (the app implements it; a protocol, so that nothing a feature
    imports depends on the app itself)."""

    storage: Storage
    config: Config
    settings: SettingsBook
    people: PeopleBook

    def roles_of(self, actor: Actor, settings: GroupSettings) -> frozenset[Role]:
        """Someone's group roles."""


@dataclass(slots=True)
class Context:
    """One event being handled.

    `options` holds a command's checked options, a form's checked values, or a button's
    value under "value" (and "values" for a select menu).
    """

    app: Services
    event: Event
    settings: GroupSettings
    roles: frozenset[Role]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        """Who acted."""
        return self.event.actor

    @property
    def group_id(self) -> str:
        """The group this happened in."""
        return self.event.group_id

    @property
    def storage(self) -> Storage:
        """The database, through its interface."""
        return self.app.storage

    def now(self) -> datetime:
        """The current time (UTC)."""
        return self.app.clock.now()

    def has_role(self, role: Role) -> bool:
        """Whether the actor has this role in the group."""
        return role in self.roles

    async def deliver(self, deliveries: Sequence[NewDelivery]) -> None:
        """Store deliveries that need no state change alongside them, and send soon."""
        await self.app.storage.enqueue(deliveries, self.now())
        self.app.deliveries_waiting()
