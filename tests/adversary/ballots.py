"""What an adversary does with anonymous votes they found in the database: turn every
state of a vote they can read into equations, and solve them for who chose what.

The adversary holds the at-rest key (so they decrypt every field, read each vote's
`voter_secret` and compute every member's voter tag the way the bot does) but not the
running process's memory (so a sealed choice is an opaque token to them). A state of one
vote they can read, from whatever source (a WAL commit, a stale page, a PostgreSQL
snapshot), is an `Observation`: the (tag, sealed token) pairs present, and the counts
per option. A pair is one variable: that voter's choice while that token stood (a
changed vote is a new token, so a new variable). Each observation says: for each option,
the number of present variables whose choice includes it equals the count.

`possible_choices` finds, for every variable, every choice some assignment consistent
with all the observations allows (an exhaustive search: the flows under test are
small). A *link* is a variable whose possible choices are fewer than what a baseline
allows: the baseline is one observation by itself (the current state, or the published
results), so a link is exactly what the extra history gave away. The search is sound:
every link it reports is a true deduction (tests check them against the truth).

It reads both layouts the product has had: the ballot box (`ballot_boxes`, one
encrypted row per vote) and the old one (`poll_voters` + `poll_tallies`,
`amendment_voters` + the amendment's counts), so the same attack runs on both designs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from cryptography.fernet import MultiFernet

from bot.anonymity import voter_tag
from tests.adversary.forensics import decrypt_value

Choice = frozenset[int]
Var = tuple[str, str]  # (voter tag, sealed token)

_TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{60,}={0,2}")


@dataclass(frozen=True)
class Observation:
    """One readable state of one vote: who had voted (tag, sealed token) and the counts."""

    pairs: frozenset[Var]
    tallies: tuple[int, ...]


@dataclass
class Target:
    """A vote under attack, as the adversary knows it: its ids, its options, and every
    member's tag (computed from the decrypted `voter_secret`)."""

    kind: str  # "poll" or "amendment"
    ref: str
    options: int
    multiple: bool
    tags: dict[str, str] = field(default_factory=dict)  # tag -> member id

    @property
    def box_id(self) -> str:
        """The ballot box row's id."""
        return f"{self.kind}:{self.ref}"

    def domain(self) -> list[Choice]:
        """Every choice a voter can make."""
        if not self.multiple:
            return [frozenset({i}) for i in range(self.options)]
        return [frozenset(c) for n in range(1, self.options + 1)
                for c in itertools.combinations(range(self.options), n)]

    def learn_tags(self, secret: str, group_id: str, members: Iterable[str]) -> None:
        """Compute every member's tag as the bot does (the adversary has the secret)."""
        for member in members:
            self.tags[voter_tag(secret, group_id, member)] = member


# ---- reading observations ----------------------------------------------------------------

def _box_observation(box: object) -> Observation | None:
    if not isinstance(box, dict) or "tallies" not in box or "sealed" not in box:
        return None
    pairs = frozenset((str(tag), str(token)) for tag, token in box["sealed"])
    return Observation(pairs, tuple(int(t) for t in box["tallies"]))


def observe(everything: Mapping[str, Sequence[Mapping[str, object]]],
            target: Target) -> Observation | None:
    """The vote's state in one decrypted database state (`decrypt_everything`), in
    whichever layout it is stored; None where the vote is not there."""
    for row in everything.get("ballot_boxes", ()):
        if row.get("id") == target.box_id:
            return _box_observation(row.get("box"))
    if target.kind == "poll":
        tallies = sorted((int(str(r["option"])), int(str(r["votes"])))
                         for r in everything.get("poll_tallies", ())
                         if r.get("poll_id") == target.ref)
        if not tallies:
            return None
        pairs = frozenset((str(r["voter"]), str(r["sealed"]))
                          for r in everything.get("poll_voters", ())
                          if r.get("poll_id") == target.ref)
        return Observation(pairs, tuple(v for _, v in tallies))
    rows = [r for r in everything.get("amendments", ()) if r.get("id") == target.ref]
    if not rows or "yes_votes" not in rows[0]:
        return None
    pairs = frozenset((str(r["voter"]), str(r["sealed"]))
                      for r in everything.get("amendment_voters", ())
                      if r.get("amendment_id") == target.ref)
    return Observation(pairs, (int(str(rows[0]["yes_votes"])), int(str(rows[0]["no_votes"]))))


def secrets_of(everything: Mapping[str, Sequence[Mapping[str, object]]]) -> dict[str, str]:
    """Every vote's decrypted voter secret, by box id ("poll:ID", "amendment:ID")."""
    found: dict[str, str] = {}
    for table, kind in (("polls", "poll"), ("amendments", "amendment")):
        for row in everything.get(table, ()):
            secret = row.get("voter_secret")
            if isinstance(secret, dict) and "secret" in secret:
                found[f"{kind}:{row['id']}"] = str(secret["secret"])
    return found


def boxes_in_bytes(data: bytes, keys: MultiFernet) -> list[Observation]:
    """Every ballot box whose encrypted text lies anywhere in `data` (a page, free space,
    a stale frame), decrypted: the dead-bytes adversary."""
    found: list[Observation] = []
    for match in _TOKEN.finditer(data):
        raw = match.group(0)
        for end in range(len(raw), max(len(raw) - 4, 0), -1):
            value = decrypt_value(raw[:end].decode("ascii"), keys)
            if isinstance(value, dict):
                observation = _box_observation(value)
                if observation is not None:
                    found.append(observation)
                break
    return found


def belongs(observation: Observation, target: Target) -> bool:
    """Whether a box found loose in the bytes is this vote's (its tags are)."""
    return (len(observation.tallies) == target.options
            and any(tag in target.tags for tag, _ in observation.pairs))


# ---- solving -------------------------------------------------------------------------------

def possible_choices(observations: Iterable[Observation], domain: Sequence[Choice],
                     differ: Iterable[tuple[Var, Var]] = ()) -> dict[Var, set[Choice]]:
    """For every variable, every choice that some assignment consistent with all the
    observations (and with `differ`: pairs of variables known to hold different
    choices, a change of vote) gives it."""
    # A closed box lists no voters: it constrains nobody's choice.
    seen = [o for o in set(observations) if o.pairs]
    variables = sorted({v for o in seen for v in o.pairs})
    unequal = [(a, b) for a, b in differ if a in variables and b in variables]
    result: dict[Var, set[Choice]] = {v: set() for v in variables}
    for variable in variables:
        for choice in domain:
            if choice in result[variable]:
                continue
            solution = _solve(variables, {variable: choice}, seen, domain, unequal)
            if solution is not None:
                for v, c in solution.items():
                    result[v].add(c)
    return result


def _solve(variables: Sequence[Var], fixed: dict[Var, Choice], observations: list[Observation],
           domain: Sequence[Choice], differ: list[tuple[Var, Var]]) -> dict[Var, Choice] | None:
    assign = dict(fixed)
    order = sorted((v for v in variables if v not in assign),
                   key=lambda v: -sum(v in o.pairs for o in observations))

    def consistent() -> bool:
        for o in observations:
            unknown = sum(1 for v in o.pairs if v not in assign)
            for option, count in enumerate(o.tallies):
                chosen = sum(1 for v in o.pairs if v in assign and option in assign[v])
                if chosen > count or chosen + unknown < count:
                    return False
        return all(a not in assign or b not in assign or assign[a] != assign[b]
                   for a, b in differ)

    def search(i: int) -> bool:
        if not consistent():
            return False
        if i == len(order):
            return True
        for choice in domain:
            assign[order[i]] = choice
            if search(i + 1):
                return True
            del assign[order[i]]
        return False

    return dict(assign) if search(0) else None


@dataclass(frozen=True)
class Link:
    """What the adversary learnt beyond the baseline: this member's choice (while this
    sealed token stood) is one of `could_be`, where the baseline allowed more."""

    member: str
    tag: str
    token: str
    could_be: frozenset[Choice]


def links(observations: Sequence[Observation], baseline: Sequence[Observation],
          target: Target, differ: Iterable[tuple[Var, Var]] = ()) -> list[Link]:
    """Every variable the observations pin down more than the baseline alone does."""
    domain = target.domain()
    differ = list(differ)
    full = possible_choices([*observations, *baseline], domain, differ)
    base = possible_choices(baseline, domain)
    found = []
    for variable, choices in full.items():
        allowed = base.get(variable, set(domain))
        if choices < allowed:
            tag, token = variable
            found.append(Link(target.tags.get(tag, "?" + tag[:8]), tag, token,
                              frozenset(choices)))
    return sorted(found, key=lambda link: (link.member, link.token))


def known(variable: Var, choice: Sequence[int], options: int) -> Observation:
    """An observation that says what one variable is (for a baseline that already knows
    one vote)."""
    return Observation(frozenset({variable}), tuple(int(i in choice) for i in range(options)))


def changes(history: Sequence[Observation]) -> list[tuple[Var, Var]]:
    """Pairs of variables that must differ: a tag whose token changed between two states
    read in order (a vote is rewritten only when its choice changes)."""
    found: list[tuple[Var, Var]] = []
    for before, after in itertools.pairwise(history):
        old = {tag: token for tag, token in before.pairs}
        for tag, token in after.pairs:
            if tag in old and old[tag] != token:
                found.append(((tag, old[tag]), (tag, token)))
    return found
