"""The core's cache in front of an adapter's `People` port: answers kept for a minute so
routing stays fast, failures turned into a reason (kept briefly, never raised), and no
port at all said plainly."""

from __future__ import annotations

from collections.abc import Sequence

from bot.people import FAILURE_TTL_SECONDS
from bot.people import NO_PORT
from bot.people import PeopleBook
from bot.ports import PeopleUnavailable
from bot.ports import Person


class Port:
    """A port that counts its calls and fails on demand."""

    def __init__(self) -> None:
        self.calls = 0
        self.failure: Exception | None = None

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        self.calls += 1
        if self.failure is not None:
            raise self.failure
        return [Person("U1", "Ann", "a.weston", "Birdie")]

    async def person(self, group_id: str, user_id: str) -> Person | None:
        self.calls += 1
        if self.failure is not None:
            raise self.failure
        return Person(user_id, "Dev") if user_id == "U2" else None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_answers_are_kept_for_the_ttl_then_asked_again() -> None:
    clock, port = Clock(), Port()
    book = PeopleBook(ttl=60, now=clock)
    book.attach(port)
    first = await book.holders("g", ["Safeguarding lead"])
    assert [p.names() for p in first.people] == [("Ann", "Birdie", "a.weston")]
    await book.holders("g", ["@safeguarding LEAD"])  # the same roles, written otherwise
    assert port.calls == 1
    clock.now += 61
    await book.holders("g", ["Safeguarding lead"])
    assert port.calls == 2
    assert (await book.person("g", "U2")).people[0].display_name == "Dev"
    assert (await book.person("g", "U3")).people == ()


async def test_a_failure_is_a_reason_kept_briefly_and_never_raised() -> None:
    clock, port = Clock(), Port()
    book = PeopleBook(ttl=60, now=clock)
    book.attach(port)
    port.failure = PeopleUnavailable("Discord would not list the members")
    found = await book.holders("g", ["lead"])
    assert found.people == () and found.problem == "Discord would not list the members"
    port.failure = None
    await book.holders("g", ["lead"])
    assert port.calls == 1  # the failure is remembered for a short while
    clock.now += FAILURE_TTL_SECONDS + 1
    assert (await book.holders("g", ["lead"])).problem == ""
    port.failure = RuntimeError("an adapter bug")
    assert (await book.person("g", "U9")).problem == "RuntimeError"


async def test_without_a_port_nobody_is_found_and_it_says_why() -> None:
    book = PeopleBook()
    assert (await book.holders("g", ["lead"])).problem == NO_PORT
    assert (await book.holders("g", [])).problem == ""
