"""An in-memory adapter for tests: push events in, read what was sent where.

Shipped with the package (like errbot's test backend) so that a feature's tests read
`reply = await bot.run("alice", "/help")` and `bot.sent_to_dm("carol")`. It also plays
a platform that fails on demand, to test retries and rerouting.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from bot.app import App
from bot.errors import DeliveryError
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import FormSubmission
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from bot.messages import Reply
from bot.ports import PeopleUnavailable
from bot.ports import Person
from bot.roles import role_key
from bot.text import plain_channels


@dataclass(frozen=True, slots=True)
class Sent:
    """One message the adapter was asked to send."""

    destination: Destination
    message: Message
    key: str
    ref: str


@dataclass
class MemoryAdapter:
    """Records sends; fails the next sends with queued errors if a test asks it to."""

    group_id: str = "group-1"
    sent: list[Sent] = field(default_factory=list)
    attempts: int = 0
    failures: deque[DeliveryError] = field(default_factory=deque)
    fail_when: Callable[[Destination], DeliveryError | None] | None = None
    members: dict[str, Actor] = field(default_factory=dict)
    # Extra names per member (username, nickname, real name), by member name.
    profiles: dict[str, Person] = field(default_factory=dict)
    # Set to make every look-up of people fail with this reason (platform trouble).
    people_problem: str = ""

    # ---- outbound (the dispatcher calls this) --------------------------------------

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Record the message, or raise the next queued failure."""
        self.attempts += 1
        if self.failures:
            raise self.failures.popleft()
        if self.fail_when is not None:
            error = self.fail_when(destination)
            if error is not None:
                raise error
        ref = f"m{len(self.sent) + 1}"
        self.sent.append(Sent(destination, message, key, ref))
        return ref

    def fail_next(self, *errors: DeliveryError) -> None:
        """Make the next sends fail with these errors, in order."""
        self.failures.extend(errors)

    # ---- who is who ------------------------------------------------------------------

    def member(self, name: str, *roles: str, admin: bool = False) -> Actor:
        """A member of the test group (created on first use; roles are platform roles)."""
        actor = self.members.get(name)
        if actor is None or roles or admin:
            actor = Actor(user_id=f"U-{name}", display_name=name.title(),
                          platform_roles=frozenset(roles), is_admin=admin)
            self.members[name] = actor
        return actor

    def names(self, name: str, *, username: str = "", nickname: str = "",
              real_name: str = "") -> None:
        """Give a member more names, as a platform would (a handle, a nickname)."""
        actor = self.member(name)
        self.profiles[name] = Person(actor.user_id, actor.display_name, username,
                                     nickname, real_name)

    def _person(self, name: str, actor: Actor) -> Person:
        return self.profiles.get(name) or Person(actor.user_id, actor.display_name)

    # ---- who holds a role (the `People` port) ----------------------------------------

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        """The test group's members holding any of these platform roles."""
        if self.people_problem:
            raise PeopleUnavailable(self.people_problem)
        wanted = {role_key(r) for r in roles}
        if group_id != self.group_id:
            return []
        return [self._person(name, actor) for name, actor in self.members.items()
                if wanted & {role_key(r) for r in actor.platform_roles}]

    async def person(self, group_id: str, user_id: str) -> Person | None:
        """A member of the test group by id (None if there is no such member)."""
        if self.people_problem:
            raise PeopleUnavailable(self.people_problem)
        for name, actor in self.members.items():
            if actor.user_id == user_id and group_id == self.group_id:
                return self._person(name, actor)
        return None

    # ---- reading what was sent -------------------------------------------------------

    def sent_to_channel(self, channel: str) -> list[Message]:
        """Messages posted in a channel."""
        return [s.message for s in self.sent
                if s.destination.kind is DestinationKind.CHANNEL
                and s.destination.channel == channel]

    def sent_to_dm(self, name: str) -> list[Message]:
        """Direct messages to a member."""
        user = self.member(name).user_id
        return [s.message for s in self.sent
                if s.destination.kind is DestinationKind.DM and s.destination.user == user]


class MemoryBot:
    """Drives an `App` through a `MemoryAdapter`, the way a test reads best."""

    def __init__(self, app: App, adapter: MemoryAdapter | None = None) -> None:
        self.app = app
        self.adapter = adapter or MemoryAdapter()
        self.app.use_people(self.adapter, ttl=0)
        self.app.start_delivery(self.adapter)

    @property
    def group_id(self) -> str:
        """The test group's id."""
        return self.adapter.group_id

    async def run(self, who: str, line: str, channel: str | None = "general") -> Reply:
        """`who` types a command line in `channel` (None: in a DM with the bot)."""
        reply = await self.app.handle_text(self.group_id, self.adapter.member(who), line,
                                           channel)
        await self.settle()
        return reply

    async def press(self, who: str, action: str, value: str = "",
                    channel: str | None = "general") -> Reply:
        """`who` presses a button."""
        reply = await self.app.handle(ButtonPress(self.group_id, self.adapter.member(who),
                                                  action, value, channel=channel))
        await self.settle()
        return reply

    async def submit(self, who: str, form_id: str, values: dict[str, str], state: str = "",
                     channel: str | None = "general") -> Reply:
        """`who` sends a form."""
        reply = await self.app.handle(FormSubmission(
            self.group_id, self.adapter.member(who), form_id, values, state, channel))
        await self.settle()
        return reply

    async def dm(self, who: str, text: str) -> Reply:
        """`who` writes to the bot in a direct message."""
        reply = await self.app.handle(DirectMessageReceived(
            self.group_id, self.adapter.member(who), text))
        await self.settle()
        return reply

    async def settle(self) -> None:
        """Send whatever is due now, so a test can look at it."""
        if self.app.dispatcher is not None:
            await self.app.dispatcher.drain()

    async def close(self) -> None:
        """Stop the dispatcher."""
        await self.app.stop()


def reply_text(reply: Reply) -> str:
    """All the text of a reply, joined, for assertions (channel references as `#name`,
    the way a person reads them)."""
    return "\n".join(plain_channels(m.text) for m in reply.messages)
