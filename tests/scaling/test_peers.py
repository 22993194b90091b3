"""Nothing held per process: real `coprod run` processes on one PostgreSQL database,
a member reaching one process and then another.

- The daily feedback limit is counted across processes (and a process started later in
  the day learns the counts from the others).
- An anonymous vote taken by one process is changed through another, and through a
  process started later; once no process that holds the sealing key is left, a change is
  refused kindly and the vote still counts once.
- A member who switches check-ins on through one process is scheduled by the other
  without a restart: with the first process frozen (SIGSTOP) at the due time, the other
  sends the check-in; the first, woken, finds it claimed. It is sent exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.campaigns.recorder import RecordedProcess
from tests.campaigns.recorder import read_lines
from tests.campaigns.recorder import reply_words
from tests.campaigns.recorder import stop_all
from tests.campaigns.recorder import wait_sent
from tests.campaigns.recorder import write_config

FEEDBACK_FORM = "feedback.send"


async def _migrated(database: str, key: str) -> None:
    storage = await open_storage(database, FieldCipher(key))
    try:
        await storage.migrate()
    finally:
        await storage.close()


def _bots(tmp_path: Path, database: str, key: str, names: list[str],
          extra: dict[str, dict[str, Any]] | None = None) -> list[RecordedProcess]:
    config = write_config(tmp_path / "config.toml", {
        "record": {"keep_running": True}, **(extra or {})})
    return [RecordedProcess(tmp_path, name, key, config=config,
                            env={"COPROD_DATABASE_URL": database}) for name in names]


def _feedback(bot: RecordedProcess, who: str, words: str) -> str:
    return reply_words(bot.wait_reply(bot.send(
        "form", actor=who, form_id=FEEDBACK_FORM,
        values={"message": words, "topic": "", "audience": "group"})))


async def test_the_daily_feedback_limit_holds_whichever_process_a_member_reaches(
        tmp_path: Path, database: str) -> None:
    key = generate_key()
    await _migrated(database, key)
    first, second, later = _bots(tmp_path, database, key, ["first", "second", "later"],
                                 {"feedback": {"daily_limit": 2}})
    try:
        first.start()
        second.start()
        assert "anonymously" in _feedback(first, "alice", "The room was cold")
        assert "anonymously" in _feedback(second, "alice", "Start on time please")
        refused = _feedback(first, "alice", "A third one")
        assert "2 pieces of feedback today" in refused, refused
        assert "2 pieces of feedback today" in _feedback(second, "alice", "And a fourth")
        assert "anonymously" in _feedback(second, "bob", "Bob's own count is apart")
        # A process started later in the day asks the others for today's counts.
        later.start()
        assert "2 pieces of feedback today" in _feedback(later, "alice", "Through a third")
        assert "anonymously" in _feedback(later, "bob", "Bob's second")
        assert "2 pieces of feedback today" in _feedback(first, "bob", "Bob's third")
    finally:
        stop_all([first, second, later])


def _vote(bot: RecordedProcess, who: str, button: list[str]) -> str:
    _label, action, value = button
    return reply_words(bot.wait_reply(bot.send("press", actor=who, action=action, value=value)))


async def test_an_anonymous_vote_is_changed_through_any_live_process(
        tmp_path: Path, database: str) -> None:
    key = generate_key()
    await _migrated(database, key)
    first, second, third, fresh = _bots(tmp_path, database, key,
                                        ["first", "second", "third", "fresh"])
    try:
        first.start()
        second.start()
        made = reply_words(first.wait_reply(first.send(
            "command", actor="carol",
            text='/poll question="Which day?" options="Mon|Tue|Wed" closes=1d')))
        assert "Your poll will be posted" in made
        monday, tuesday, wednesday = wait_sent([first, second], "poll-post:")[0]["buttons"]
        assert "counted" in _vote(first, "alice", monday)
        assert "changed to: Tue" in _vote(second, "alice", tuesday)
        # A process started now gets the key from the live ones.
        third.start()
        first.terminate()
        second.terminate()
        assert "changed to: Wed" in _vote(third, "alice", wednesday)
        assert "counted" in _vote(third, "bob", monday)
        # No live process holds the key any more: the change is refused kindly.
        third.terminate()
        fresh.start()
        refused = _vote(fresh, "alice", monday)
        assert "can't change it now" in refused, refused
    finally:
        stop_all([first, second, third, fresh])
    poll_id = str(monday[2]).split(":")[0]
    storage = await open_storage(database, FieldCipher(key))
    try:
        results = await storage.poll_results(poll_id)
    finally:
        await storage.close()
    assert results is not None
    assert results.voters == 2
    assert list(results.tallies) == [1, 0, 1]  # alice's last change (Wed), bob's Mon


def _checkin_time(now: datetime) -> datetime:
    """The next whole minute at least 40 seconds away (time for the other process's
    refresh, every 15 seconds, to pick the change up)."""
    due = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return due if due - now >= timedelta(seconds=40) else due + timedelta(minutes=1)


async def test_a_checkin_switched_on_through_one_process_is_sent_once_by_any(
        tmp_path: Path, database: str) -> None:
    key = generate_key()
    await _migrated(database, key)
    ledger = tmp_path / "nonces.jsonl"
    first, second = _bots(tmp_path, database, key, ["first", "second"],
                          {"record": {"keep_running": True, "nonce_ledger": str(ledger)}})
    try:
        first.start()
        second.start()
        due = _checkin_time(datetime.now(UTC))
        day = due.strftime("%A").lower()
        for line in (f"/checkin set cadence=weekly day={day} time={due:%H:%M} timezone=UTC",
                     "/checkin on"):
            answer = reply_words(first.wait_reply(first.send("command", actor="alice", text=line)))
            assert "check-in" in answer.lower(), answer
        # The first process is frozen through the due time: only the other can send it.
        assert first.current.pid
        freeze_at = due - timedelta(seconds=3)
        await asyncio.sleep(max(0.0, (freeze_at - datetime.now(UTC)).total_seconds()))
        os.kill(first.current.pid, signal.SIGSTOP)
        try:
            deadline = time.monotonic() + 60
            while not [d for d in second.deliveries() if str(d["key"]).startswith("checkin:")]:
                assert time.monotonic() < deadline, "the other process never sent the check-in"
                await asyncio.sleep(0.2)
        finally:
            os.kill(first.current.pid, signal.SIGCONT)
        first.settle()
        second.settle()
        await asyncio.sleep(2.0)  # the first process, woken, runs its late firing: it is claimed
    finally:
        stop_all([first, second])
    sent = [d for bot in (first, second) for d in bot.deliveries()
            if str(d["key"]).startswith("checkin:")]
    accepted = [d for d in read_lines(ledger) if str(d["key"]).startswith("checkin:")]
    assert len(sent) == 1 and len(accepted) == 1
    assert sent[0]["destination"]["kind"] == "dm"
