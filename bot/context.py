"""What a feature handler is given: the event, the group's settings, roles and services."""

from __future__ import annotations

from collections.abc import Mapping
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


class ContextStorage(Protocol):
    """What a handler's context writes through: deliveries that need no state change
    beside them, and (for /setup) a group's chat-made settings. A feature's own records
    go through its host's store port, never here."""

    async def enqueue(self, deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Store deliveries; those whose key already exists are ignored."""

    async def save_group_settings(self, group_id: str, changes: Mapping[str, Any],
                                  changed_by: str, now: datetime,
                                  deliveries: Sequence[NewDelivery] = ()) -> None:
        """Store chat-made settings for a group, with their notices."""


class Services(Running, Protocol):
    """The running bot's services as the core's wider parts see them: the database, the
    whole checked config, every group's settings, and who holds a role and people's
    names as the platform says (the app implements it; a protocol, so that nothing a
    feature imports depends on the app itself). A handler's context has none of them:
    its `app` is the app seen as `Running`, its `storage` a `ContextStorage`."""

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

    app: Running
    storage: ContextStorage
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

    def now(self) -> datetime:
        """The current time (UTC)."""
        return self.app.clock.now()

    def has_role(self, role: Role) -> bool:
        """Whether the actor has this role in the group."""
        return role in self.roles

    async def deliver(self, deliveries: Sequence[NewDelivery]) -> None:
        """Store deliveries that need no state change alongside them, and send soon."""
        await self.storage.enqueue(deliveries, self.now())
        self.app.deliveries_waiting()
