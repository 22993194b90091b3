"""The platform's people as the core asks for them: through the adapter's `People` port,
kept for a short time so routing a concern stays fast, and never an exception.

A failed lookup is logged (event name and group only) and answered with what is known
(nothing) plus the reason, so the caller can fall back to what storage knows and say
why; it is asked again after a short pause, not on every event.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.logs import log_event
from bot.ports import People
from bot.ports import PeopleUnavailable
from bot.ports import Person
from bot.roles import role_key

log = logging.getLogger(__name__)

# How long an answer is kept, and how long a failure is remembered before asking again.
TTL_SECONDS = 60.0
FAILURE_TTL_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Found:
    """What a lookup found, and why it could not ask the platform ("" if it could)."""

    people: tuple[Person, ...] = ()
    problem: str = ""


NO_PORT = "this platform cannot list who holds a role"


class PeopleLookup(Protocol):
    """What a feature may ask of the people book: who holds a role, who someone is, and
    whether the platform can be asked at all. Never which port answers, nor attaching
    another (that would let a feature decide who the safeguarding leads are)."""

    @property
    def can_ask(self) -> bool:
        """Whether a platform port is attached to ask."""

    async def holders(self, group_id: str, roles: Sequence[str]) -> Found:
        """The people who hold any of these roles in the group."""

    async def person(self, group_id: str, user_id: str) -> Found:
        """One person of the group (nobody if they are not in it)."""


class PeopleBook:
    """Cached look-ups of people through the adapter's port (none attached: nobody is
    found, and the problem says so)."""

    def __init__(self, ttl: float = TTL_SECONDS,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.port: People | None = None
        self._ttl = ttl
        self._now = now
        self._cache: dict[tuple[str, ...], tuple[float, Found]] = {}

    @property
    def can_ask(self) -> bool:
        """Whether a platform port is attached to ask."""
        return self.port is not None

    def attach(self, port: People | None, ttl: float | None = None) -> None:
        """Use this adapter's port from now on (forgetting what was cached); `ttl`, how
        long answers are kept (0: ask every time, for a platform that answers at once)."""
        self.port = port
        if ttl is not None:
            self._ttl = ttl
        self._cache.clear()

    def forget(self, group_id: str | None = None) -> None:
        """Drop cached answers (of one group, or all), e.g. after a lead registered."""
        if group_id is None:
            self._cache.clear()
        else:
            for key in [k for k in self._cache if k[1] == group_id]:
                del self._cache[key]

    def _cached(self, key: tuple[str, ...]) -> Found | None:
        hit = self._cache.get(key)
        if hit is not None and hit[0] > self._now():
            return hit[1]
        return None

    def _keep(self, key: tuple[str, ...], found: Found) -> Found:
        ttl = min(FAILURE_TTL_SECONDS, self._ttl) if found.problem else self._ttl
        if ttl <= 0:
            return found
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (self._now() + ttl, found)
        return found

    async def holders(self, group_id: str, roles: Sequence[str]) -> Found:
        """Who holds any of these platform roles in the group."""
        wanted = tuple(sorted({role_key(r) for r in roles if role_key(r)}))
        if not wanted:
            return Found()

        async def ask(port: People) -> tuple[Person, ...]:
            return tuple(await port.holders(group_id, list(roles)))

        return await self._ask(("holders", group_id, *wanted), ask)

    async def person(self, group_id: str, user_id: str) -> Found:
        """Someone's names (no one found if they are not in the group)."""

        async def ask(port: People) -> tuple[Person, ...]:
            found = await port.person(group_id, user_id)
            return () if found is None else (found,)

        return await self._ask(("person", group_id, user_id), ask)

    async def _ask(self, key: tuple[str, ...],
                   ask: Callable[[People], Awaitable[tuple[Person, ...]]]) -> Found:
        """The cached answer, or the port's, or what went wrong (logged, never raised).
        `key` is (kind, group id, ...)."""
        hit = self._cached(key)
        if hit is not None:
            return hit
        if self.port is None:
            return Found(problem=NO_PORT)
        kind, group_id = key[0], key[1]
        try:
            people = await ask(self.port)
        except PeopleUnavailable as exc:
            log_event(log, logging.WARNING, "people.lookup_failed", group=group_id,
                      kind=kind)
            return self._keep(key, Found(problem=str(exc) or type(exc).__name__))
        except Exception as exc:  # an adapter bug must not stop a concern
            log_event(log, logging.ERROR, "people.lookup_failed", group=group_id,
                      kind=kind, error=type(exc).__name__)
            return self._keep(key, Found(problem=type(exc).__name__))
        return self._keep(key, Found(people))


@dataclass(frozen=True, slots=True)
class Remembered:
    """Someone storage remembers as holding a role: seen acting with it (`by_role`: the
    platform's word overrules this once it can say), or declared some other way, such as
    a command that registers them (kept whatever the platform says)."""

    user_id: str
    name: str = ""
    by_role: bool = True


@dataclass(frozen=True, slots=True)
class Roster:
    """Who holds a role in a group now, each with every name known for them (platform
    names first), and why the platform could not be asked ("" if it could).

    `on_platform`: those the platform says hold the role now. `stepped_down`: those
    remembered from acting with the role whom the platform says hold it no longer.
    `not_in_group`: those named in config whom the platform says are not in the group.
    """

    holders: dict[str, tuple[str, ...]]
    problem: str = ""
    on_platform: frozenset[str] = frozenset()
    stepped_down: tuple[str, ...] = ()
    not_in_group: tuple[str, ...] = ()


async def role_roster(people: PeopleLookup, group_id: str, roles: Sequence[str],
                      remembered: Sequence[Remembered], named: Sequence[str]) -> Roster:
    """The one way a role's holders are found (facilitators and safeguarding leads
    alike): holding one of `roles` on the platform, remembered in storage, or `named` in
    config. When the platform answers, it decides for those remembered only from acting
    with the role (someone whose role was taken away leaves the roster) and for those
    named in config (someone not in the group is left out); when it cannot be asked,
    storage and config are used as they are, and the reason kept."""
    found: dict[str, tuple[str, ...]] = {}

    def merge(user_id: str, names: Sequence[str]) -> None:
        found[user_id] = tuple(dict.fromkeys((*found.get(user_id, ()), *names)))

    problems: list[str] = []
    holders = await people.holders(group_id, roles)
    if holders.problem:
        problems.append(holders.problem)
    for person in holders.people:
        merge(person.user_id, person.names())
    fresh = frozenset(found)
    answered = people.can_ask and not holders.problem
    overruled = []
    for someone in remembered:
        if answered and someone.by_role and someone.user_id not in fresh:
            overruled.append(someone.user_id)
            continue
        merge(someone.user_id, [someone.name] if someone.name else [])
    from_config = [u for u in dict.fromkeys(named) if u not in found]
    outside = []
    for user_id in [u for u in found if u not in fresh] + from_config:
        lookup = await people.person(group_id, user_id)
        if lookup.problem:
            if people.can_ask:
                problems.append(lookup.problem)
        elif not lookup.people and user_id in from_config:
            outside.append(user_id)
            continue
        merge(user_id, [n for p in lookup.people for n in p.names()])
    return Roster(found, problems[0] if problems else "", fresh,
                  tuple(u for u in dict.fromkeys(overruled) if u not in found),
                  tuple(outside))
