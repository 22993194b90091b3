"""The crash campaign: a real `coprod run --platform record` on SQLite, killed with SIGKILL
at 20 points chosen by a seeded random plan, and started again after each.

The workload mixes anonymous feedback, votes in a named and an anonymous poll, and
safeguarding concerns, while 40 seeded meetings' reminders fall due during the run
(some while the bot is down). After each kill: `PRAGMA integrity_check` is ok, and
every submission that was acknowledged (its answer is in the replies file) is in
storage. After each restart: every delivery that was due at the kill is delivered as
soon as nothing holds it (a delivery the killed process held stays held until its lease
ends, then goes). At the end every delivery is delivered, every seeded reminder went out,
and every message was sent at most once, except the one case the platforms force:
a message the killed process had handed to the platform but not yet recorded as sent
is sent again (Discord drops the repeat by its nonce; Slack, and this recorder, cannot).
Those are named, counted and each one explained by the kill that caused it.

Kill points come from CRASH_SEED (default 9): which kind (during start-up, a time after
ready, or right after the n-th send of the run) and its parameter. The plan is the same
for a seed on every run; the exact interleaving with the process's own timing is not.
Run with `-s` to see the counts.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.features.concerns.store import CaseStatus
from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.store import Audience
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from storage.sqlite_base import from_micros
from tests.campaigns.recorder import RecordedProcess
from tests.campaigns.recorder import read_lines
from tests.campaigns.recorder import reminder_meeting_id
from tests.campaigns.recorder import seed_meetings
from tests.campaigns.recorder import write_config

pytestmark = pytest.mark.campaign

SEED = int(os.environ.get("CRASH_SEED", "9"))
KILLS = 20
LEASE_SECONDS = 10
REMINDERS = 40
REMINDER_GAP = 0.8  # seconds between seeded reminders
GROUP = "demo"
# Before a catch-up kill the bot stays down this long, so reminders fall due meanwhile.
DOWN_SECONDS = 2.5
# How long after a restart a delivery that nothing holds may take to go out.
CATCH_UP_SECONDS = 8.0


@dataclass
class Acked:
    """Submissions whose answers were recorded (so they must be stored)."""

    feedback: list[str] = field(default_factory=list)
    named_votes: dict[str, int] = field(default_factory=dict)  # voter name -> choice
    anonymous_votes: int = 0
    concerns: dict[str, str] = field(default_factory=dict)  # case ref -> text
    refused: int = 0


@dataclass
class Kill:
    """One kill: its kind, and what the database held at that moment."""

    kind: str
    detail: str
    pid: int
    in_flight: set[str] = field(default_factory=set)  # sent, not yet recorded as sent
    held: int = 0  # deliveries under the killed process's lease


@dataclass
class Plan:
    """The workload and kill points, from the seed."""

    rng: random.Random
    counter: int = 0
    catch_up_kills: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        # Two kills (at least) land while the restarted bot sends what fell due while it
        # was down: it is stopped for a while first, so that there is some.
        self.catch_up_kills = frozenset(self.rng.sample(range(2, 12), 2))

    def kill_point(self, index: int) -> tuple[str, float]:
        roll = self.rng.random()
        if index in self.catch_up_kills:
            return "catch-up", DOWN_SECONDS
        if index == 0 or roll < 0.5:
            return "timed", self.rng.uniform(0.05, 1.2)
        if roll < 0.7:
            return "startup", self.rng.uniform(0.05, 0.8)
        return "in-send", float(self.rng.randint(1, 4))

    def events(self, polls: dict[str, str], count: int) -> list[dict[str, Any]]:
        out = []
        for _ in range(count):
            self.counter += 1
            n = self.counter
            roll = self.rng.random()
            if roll < 0.3:
                out.append({"type": "form", "form_id": "feedback.send",
                            "actor": {"id": f"f{n}", "name": f"F{n}"},
                            "values": {"message": f"crash feedback number {n}",
                                       "topic": "", "audience": "group"}})
            elif roll < 0.55:
                out.append({"type": "press", "action": "poll.vote",
                            "value": f"{polls['named']}:{n % 2}",
                            "actor": {"id": f"v{n}", "name": f"Voter{n}"}})
            elif roll < 0.75:
                out.append({"type": "press", "action": "poll.vote",
                            "value": f"{polls['anonymous']}:{n % 3}",
                            "actor": {"id": f"a{n}", "name": f"Anon{n}"}})
            else:
                out.append({"type": "form", "form_id": "concern.raise",
                            "actor": {"id": f"c{n}", "name": f"Reporter{n}"},
                            "values": {"what": f"crash concern number {n}", "about": "",
                                       "danger": "no", "contact": "yes",
                                       "anonymous": "no"}})
        return out


def _text(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply.get("messages", []))


def _record_acks(sent: dict[str, dict[str, Any]], replies: list[dict[str, Any]],
                 acked: Acked) -> None:
    for reply in replies:
        event = sent.get(str(reply.get("id")))
        if event is None or reply.get("kind") != "reply":
            continue
        text = _text(reply)
        if event["type"] == "form" and event["form_id"] == "feedback.send":
            if text == feedback_wording.FEEDBACK_SENT:
                acked.feedback.append(event["values"]["message"])
            else:
                acked.refused += 1
        elif event["type"] == "form":
            if "Your concern is saved as case **" in text:
                ref = text.split("case **", 1)[1].split("**", 1)[0]
                acked.concerns[ref] = event["values"]["what"]
            else:
                acked.refused += 1
        elif text.startswith("Your vote is counted"):
            if event["actor"]["id"].startswith("v"):
                acked.named_votes[event["actor"]["name"]] = int(event["value"][-1])
            else:
                acked.anonymous_votes += 1
        else:
            acked.refused += 1


def _log_count(folder: Path, event: str) -> int:
    path = folder / "bot-stderr.log"
    return path.read_text(encoding="utf-8", errors="replace").count(event) if path.exists() else 0


def _integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as raw:
        return str(raw.execute("PRAGMA integrity_check").fetchone()[0])


def _outbox(db: Path) -> list[tuple[str, str, datetime, datetime | None]]:
    """(key, status, next attempt, lease end) of every delivery."""
    with closing(sqlite3.connect(db)) as raw:
        rows = raw.execute("SELECT idem_key, status, next_attempt_at, lease_until "
                           "FROM deliveries").fetchall()
    return [(k, s, from_micros(n), from_micros(u) if u is not None else None)
            for k, s, n, u in rows]


async def _check_stored(db: Path, key: str, polls: dict[str, str], acked: Acked) -> None:
    storage = await open_storage(str(db), FieldCipher(key))
    try:
        later = datetime(2100, 1, 1, tzinfo=UTC)  # whatever is pending, released to read
        await storage.release_feedback(GROUP, Audience.GROUP, later, 1, later)
        waiting = {item.text for item in await storage.waiting_feedback(GROUP, Audience.GROUP)}
        missing = [t for t in acked.feedback if t not in waiting]
        assert not missing, f"acknowledged feedback lost: {missing}"
        named = await storage.poll_results(polls["named"])
        assert named is not None
        votes = {name: chosen for name, chosen in named.named}
        for voter, choice in acked.named_votes.items():
            assert votes.get(voter) == (choice,), f"acknowledged vote of {voter} lost"
        anonymous = await storage.poll_results(polls["anonymous"])
        assert anonymous is not None
        # At most one unacknowledged vote per kill may have been stored as well.
        assert acked.anonymous_votes <= anonymous.voters <= acked.anonymous_votes + KILLS
        assert sum(anonymous.tallies) == anonymous.voters
        refs = {s.case_id for s in await storage.concern_summaries(
            GROUP, [CaseStatus.OPEN])}
        assert set(acked.concerns) <= refs, "an acknowledged concern was lost"
        for ref, what in list(acked.concerns.items())[-12:]:
            concern = await storage.concern(ref)
            assert concern is not None and concern.text == what
    finally:
        await storage.close()


def _wait_delivered(db: Path, keys: set[str], limit: float) -> set[str]:
    """Wait (bounded) until these deliveries are delivered; return those that are not."""
    deadline = time.monotonic() + limit
    while True:
        status = {k: s for k, s, _, _ in _outbox(db)}
        left = {k for k in keys if status.get(k) != "delivered"}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def test_crash_campaign(tmp_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    plan = Plan(rng)
    key = generate_key()
    db = tmp_path / "coprod.db"
    config = write_config(tmp_path / "config.toml", {
        "bot": {"database": str(db), "log_level": "info"},
        "delivery": {"lease_seconds": LEASE_SECONDS, "retry_base_seconds": 0.5,
                     "concurrency": 4},
        "record": {"send_latency_ms": 40},
    })
    bot = RecordedProcess(tmp_path, "bot", key, config)
    sent: dict[str, dict[str, Any]] = {}

    # ---- set-up: leads register, two polls open; then the reminders are seeded ----------
    bot.start()
    for lead in ("dev", "erin"):
        bot.wait_reply(bot.send("command", actor=lead, text="/case register"))
    for name, anonymous in (("named", "no"), ("anonymous", "yes")):
        bot.wait_reply(bot.send("command", actor="carol", text=(
            f'/poll question="Crash {name}" options="One|Two|Three" closes=2d '
            f"anonymous={anonymous}")))
    bot.settle()
    polls: dict[str, str] = {}
    for line in bot.deliveries():
        if line["key"].startswith("poll-post:"):
            which = "named" if "Crash named" in line["text"] else "anonymous"
            polls[which] = line["buttons"][0][2].split(":")[0]
    assert set(polls) == {"named", "anonymous"}
    assert bot.stop() == 0
    first_due = datetime.now(UTC) + timedelta(seconds=2)
    due = [first_due + timedelta(seconds=REMINDER_GAP * i) for i in range(REMINDERS)]
    meetings = asyncio.run(seed_meetings(str(db), key, due, group_id=GROUP))

    # ---- the kills ------------------------------------------------------------------------
    acked = Acked()
    kills: list[Kill] = []
    outstanding: dict[str, datetime] = {}  # due at a kill: key -> when it may go
    late_checks = 0
    for index in range(KILLS):
        kind, value = plan.kill_point(index)
        catch_ups = _log_count(tmp_path, "event=schedule.catch_up")
        if kind == "catch-up":
            time.sleep(value)
        run = bot.start(wait_ready=kind not in ("startup", "catch-up"))
        if kind not in ("startup", "catch-up"):
            # What was due at the last kill and is no longer held goes out now.
            now = datetime.now(UTC)
            ready = {k for k, when in outstanding.items() if when <= now}
            left = _wait_delivered(db, ready, CATCH_UP_SECONDS)
            assert not left, f"due deliveries not sent after restart {index}: {left}"
            late_checks += len(ready)
            events = plan.events(polls, rng.randint(12, 30))
            for event, request_id in zip(events, bot.send_many(events), strict=True):
                sent[request_id] = event
        if kind == "catch-up":
            deadline = time.monotonic() + 10.0
            while (_log_count(tmp_path, "event=schedule.catch_up") == catch_ups
                   and time.monotonic() < deadline):
                time.sleep(0.001)
        elif kind == "in-send":
            deadline = time.monotonic() + 2.0
            while len(bot.deliveries()) < value and time.monotonic() < deadline:
                time.sleep(0.002)
        else:
            time.sleep(value)
        bot.kill()
        detail = {"in-send": f"after send {int(value)}",
                  "catch-up": f"down {value:.1f}s"}.get(kind, f"{value:.2f}s")
        # Sent by the killed process (in its file) but not recorded as sent: in flight.
        rows = _outbox(db)
        status = {k: s for k, s, _, _ in rows}
        sent_keys = {line["key"] for line in read_lines(run.deliveries)}
        kill = Kill(kind, detail, run.pid,
                    in_flight={k for k in sent_keys if status.get(k) == "sending"},
                    held=sum(1 for _, s, _, _ in rows if s == "sending"))
        kills.append(kill)
        assert _integrity(db) == "ok", f"integrity check failed after kill {index}"
        _record_acks(sent, read_lines(run.replies), acked)
        asyncio.run(_check_stored(db, key, polls, acked))
        now = datetime.now(UTC)
        outstanding = {}
        for k, s, next_at, lease_until in rows:
            if s == "pending" and next_at <= now:
                outstanding[k] = now
            elif s == "sending" and lease_until is not None:
                outstanding[k] = max(lease_until, now)

    # ---- the end: everything due goes out, once -------------------------------------------
    bot.start()
    last_due = max(due) + timedelta(seconds=1)
    wait_until = max([last_due, *outstanding.values()]) + timedelta(seconds=1)
    while datetime.now(UTC) < wait_until:
        time.sleep(0.1)
    left = _wait_delivered(db, {k for k, _, _, _ in _outbox(db)}, CATCH_UP_SECONDS)
    bot.settle()
    assert bot.stop() == 0
    assert not left, f"deliveries never sent: {sorted(left)}"
    assert _integrity(db) == "ok"
    _record_acks(sent, read_lines(bot.current.replies), acked)
    asyncio.run(_check_stored(db, key, polls, acked))

    every_send = [line for r in bot.runs for line in read_lines(r.deliveries)]
    copies = Counter(line["key"] for line in every_send)
    stored = {k: s for k, s, _, _ in _outbox(db)}
    assert set(copies) == set(stored), "a send with no delivery row, or a row never sent"
    assert all(s == "delivered" for s in stored.values())
    by_pid = {r.pid: r for r in bot.runs}
    in_flight = {(kill.pid, k) for kill in kills for k in kill.in_flight}
    explained = unexplained = 0
    for k, count in copies.items():
        if count == 1:
            continue
        pids = [line["pid"] for line in every_send if line["key"] == k]
        # Every copy but the last must come from a killed run that had it in flight.
        for pid in pids[:-1]:
            if by_pid[pid].killed and (pid, k) in in_flight:
                explained += 1
            else:
                unexplained += 1
    reminded = {reminder_meeting_id(k) for k in copies} - {None}
    missing_reminders = sorted(set(meetings) - reminded)

    elapsed = time.monotonic() - started
    kinds = Counter(kill.kind for kill in kills)
    print(f"\ncrash campaign (seed {SEED}): {len(kills)} SIGKILLs "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{len(bot.runs)} runs, {elapsed:.1f}s")
    print(f"  acknowledged and found after every restart: {len(acked.feedback)} feedback, "
          f"{len(acked.named_votes)} named votes, {acked.anonymous_votes} anonymous votes, "
          f"{len(acked.concerns)} concerns ({acked.refused} refused as asked)")
    print(f"  deliveries: {len(stored)} stored, all delivered; {len(every_send)} sends; "
          f"{len(reminded)}/{len(meetings)} seeded reminders sent; {late_checks} due at a "
          "kill were sent after the restart")
    print(f"  sent twice, forced by the platform's lack of idempotency (handed to the "
          f"platform, killed before recorded as sent): {explained}; unexplained: "
          f"{unexplained}")
    for i, kill in enumerate(kills):
        print(f"    kill {i + 1:2d}: {kill.kind:7s} {kill.detail:14s} held {kill.held}, "
              f"in flight {len(kill.in_flight)}")
    assert not missing_reminders, f"reminders never sent for meetings {missing_reminders}"
    assert unexplained == 0
    assert explained <= sum(len(kill.in_flight) for kill in kills)
