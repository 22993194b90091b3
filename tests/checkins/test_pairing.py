"""Property tests for buddy pairing: nobody with themselves, everyone in exactly one pair
or the one trio, avoid lists always respected, no repeat of the last round when another
pairing exists (checked against a brute-force search on small groups)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.features.buddies.pairing import Pair
from bot.features.buddies.pairing import make_groups
from bot.features.buddies.pairing import pairs_in

PEOPLE = [f"m{i}" for i in range(10)]


def _all_groupings(people: list[str]) -> Iterator[list[tuple[str, ...]]]:
    """Every grouping into pairs (plus one trio when odd), by brute force."""
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    odd = len(people) % 2 == 1
    for q in rest:
        remaining = [r for r in rest if r != q]
        if len(remaining) % 2 == 0 or odd:
            for tail in _all_groupings(remaining):
                if sum(len(g) == 3 for g in tail) <= (1 if odd else 0):
                    yield [(first, q), *tail]
    if odd:
        for q, r in itertools.combinations(rest, 2):
            remaining = [s for s in rest if s not in (q, r)]
            for tail in _all_groupings(remaining):
                if all(len(g) == 2 for g in tail):
                    yield [(first, q, r), *tail]


def _valid(grouping: list[tuple[str, ...]], forbidden: set[Pair]) -> bool:
    return all(not (pairs_in(g) & forbidden) for g in grouping)


def _exists(people: list[str], forbidden: set[Pair]) -> bool:
    return any(_valid(g, forbidden) for g in _all_groupings(sorted(people))
               if sum(len(x) == 3 for x in g) == len(people) % 2)


@st.composite
def situations(draw: st.DrawFn) -> tuple[list[str], set[Pair], list[set[Pair]], int]:
    count = draw(st.integers(min_value=0, max_value=9))
    people = PEOPLE[:count]
    possible = [frozenset(p) for p in itertools.combinations(people, 2)]
    avoid = set(draw(st.lists(st.sampled_from(possible), max_size=6))) if possible else set()
    last = set(draw(st.lists(st.sampled_from(possible), max_size=5))) if possible else set()
    older = set(draw(st.lists(st.sampled_from(possible), max_size=5))) if possible else set()
    return people, avoid, [last, older], draw(st.integers(0, 2**32 - 1))


@settings(max_examples=300, deadline=None)
@given(situations())
def test_pairing_properties(situation: tuple[list[str], set[Pair], list[set[Pair]], int],
                            ) -> None:
    people, avoid, recent, seed = situation
    groups, left_out = make_groups(people, avoid, recent, random.Random(seed))
    placed = [p for g in groups for p in g]
    # Nobody with themselves, nobody twice, everyone accounted for exactly once.
    assert all(len(set(g)) == len(g) for g in groups)
    assert sorted(placed + left_out) == sorted(people)
    assert len(placed) == len(set(placed))
    # Pairs, and at most one trio (exactly one when the number placed is odd).
    assert all(len(g) in (2, 3) for g in groups)
    assert sum(len(g) == 3 for g in groups) == len(placed) % 2
    # Avoid lists always respected.
    assert _valid(groups, avoid)
    # Everyone is placed whenever that is possible at all.
    if left_out:
        assert not _exists(people, avoid)
    # No repeat of the last round when another complete pairing exists.
    if _exists(people, avoid | recent[0]):
        assert not left_out
        assert _valid(groups, recent[0])


def test_a_large_group_is_paired_quickly_and_completely() -> None:
    people = [f"p{i}" for i in range(201)]
    rng = random.Random(7)
    avoid = {frozenset(rng.sample(people, 2)) for _ in range(300)}
    last = {frozenset(people[i:i + 2]) for i in range(0, 200, 2)}
    groups, left_out = make_groups(people, avoid, [last], rng)
    assert not left_out
    assert sum(len(g) == 3 for g in groups) == 1
    assert _valid(groups, avoid | last)


def test_two_who_avoid_each_other_are_not_paired() -> None:
    groups, left_out = make_groups(["a", "b"], {frozenset(("a", "b"))}, [])
    assert groups == []
    assert sorted(left_out) == ["a", "b"]
