"""Buddy pairing: everyone opted in is put in a pair (one trio if the number is odd),
never with someone on either person's private avoid list, and where possible not with
anyone they were paired with in recent rounds.

A small exhaustive search (most constrained person first), tried with the strictest
rules first: no pair from any recent round, then no pair from the last round, then only
the avoid lists. Only if even that cannot place everyone are the fewest possible people
left out of the round (they are told, kindly, and are tried again next round).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from collections.abc import Sequence

Pair = frozenset[str]
Grouping = list[tuple[str, ...]]

SEARCH_BUDGET = 200_000
DYNAMIC_ORDER_UP_TO = 40


class _OutOfBudget(Exception):
    pass


def pairs_in(group: Iterable[str]) -> set[Pair]:
    """Every two-person pair inside a pair or trio."""
    return {frozenset(p) for p in itertools.combinations(sorted(group), 2)}


def _search(people: list[str], forbidden: set[Pair], budget: list[int]) -> Grouping | None:
    """A grouping of everyone (pairs, plus one trio if odd) using no forbidden pair."""
    trio_needed = len(people) % 2 == 1
    blocked: dict[str, set[str]] = {p: set() for p in people}
    for pair in forbidden:
        a, b = tuple(pair)
        if a in blocked and b in blocked:
            blocked[a].add(b)
            blocked[b].add(a)
    # Most constrained first. In small groups this is worked out afresh at each step
    # (fewest partners left); in large ones from the whole group, once, to stay fast.
    order = {p: i for i, p in enumerate(sorted(people, key=lambda p: -len(blocked[p])))}
    people = sorted(people, key=order.__getitem__)

    def ok(a: str, b: str) -> bool:
        return b not in blocked[a]

    def solve(rest: list[str], trio: bool) -> Grouping | None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _OutOfBudget
        if not rest:
            return [] if not trio else None
        if len(rest) == 1:
            return None
        # Most constrained first: the person with the fewest possible partners left.
        if len(rest) <= DYNAMIC_ORDER_UP_TO:
            first = min(rest, key=lambda p: sum(ok(p, q) for q in rest if q != p))
        else:
            first = rest[0]
        others = [q for q in rest if q != first and ok(first, q)]
        for q in others:
            remaining = [r for r in rest if r not in (first, q)]
            found = solve(remaining, trio)
            if found is not None:
                return [(first, q), *found]
        if trio:
            for q, r in itertools.combinations(others, 2):
                if not ok(q, r):
                    continue
                remaining = [s for s in rest if s not in (first, q, r)]
                found = solve(remaining, False)
                if found is not None:
                    return [(first, q, r), *found]
        return None

    return solve(list(people), trio_needed)


def make_groups(members: Sequence[str], avoid: Iterable[Pair],
                recent: Sequence[Iterable[Pair]] = (),
                rng: random.Random | None = None) -> tuple[Grouping, list[str]]:
    """Pair the members; returns (groups, left out).

    `avoid`: pairs never to make (from anyone's avoid list). `recent`: the pairs of past
    rounds, newest first; avoided where possible, the last round most of all.
    """
    rng = rng or random.Random()
    people = sorted(set(members))
    rng.shuffle(people)
    hard = {p for p in avoid if len(p) == 2}
    last = set(recent[0]) if recent else set()
    every_recent = set().union(*[set(r) for r in recent]) if recent else set()
    budget = [SEARCH_BUDGET]
    for forbidden in (hard | every_recent, hard | last, hard):
        try:
            found = _search(people, forbidden, budget)
        except _OutOfBudget:
            break
        if found is not None:
            return found, []
    return _leave_out_fewest(people, hard, last, rng)


def _leave_out_fewest(people: list[str], hard: set[Pair], last: set[Pair],
                      rng: random.Random) -> tuple[Grouping, list[str]]:
    budget = [SEARCH_BUDGET]
    try:
        for k in range(1, len(people) + 1):
            for out in itertools.combinations(people, k):
                rest = [p for p in people if p not in out]
                for forbidden in (hard | last, hard):
                    found = _search(rest, forbidden, budget)
                    if found is not None:
                        return found, sorted(out)
    except _OutOfBudget:
        pass
    return _greedy(people, hard, rng)


def _greedy(people: list[str], hard: set[Pair], rng: random.Random) -> tuple[Grouping, list[str]]:
    """A last resort for very large, very constrained groups: pair whoever fits."""
    left = list(people)
    rng.shuffle(left)
    groups: Grouping = []
    out: list[str] = []
    while left:
        first = left.pop()
        partner = next((q for q in left if frozenset((first, q)) not in hard), None)
        if partner is None:
            out.append(first)
            continue
        left.remove(partner)
        groups.append((first, partner))
    if out and groups and len(out) == 1:
        lone = out[0]
        for i, group in enumerate(groups):
            if len(group) == 2 and not (pairs_in((*group, lone)) & hard):
                groups[i] = (*group, lone)
                out = []
                break
    return groups, sorted(out)
