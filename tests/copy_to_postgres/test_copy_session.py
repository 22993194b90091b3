"""A group's whole life so far, on SQLite, moved to PostgreSQL by the real
`coprod copy-to-postgres`, and the bot carrying on there with everything.

A scripted console session (a real SQLite file, a fake clock) uses every feature: setup
changes, a newcomer's welcome, a meeting with an agenda point, personal reminders and
minutes with an action item, the agreement, a prompt, a resource, an anonymous poll with
votes, anonymous feedback, a check-in answered, buddies, and a safeguarding concern that
opens a case a lead picks up. Then the copy: every table's rows are the same on both
sides (read back here independently, row for row). Then the bot starts on PostgreSQL
with the same key: the meeting still reminds when its time comes, the case is still
open and a lead acts on it, the poll's earlier votes still count, and a member can still
vote and change their vote.
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from bot.messages import Button
from bot.messages import Destination
from bot.messages import Message
from storage.crypto import generate_key
from tests.console_helpers import LiveConsole
from tests.console_helpers import live_console
from tests.console_helpers import until
from tests.copy_to_postgres.conftest import copy_cli
from tests.copy_to_postgres.conftest import pg_tables
from tests.copy_to_postgres.conftest import sqlite_tables

pytestmark = pytest.mark.postgres

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
TUESDAY_16 = datetime(2031, 3, 4, 16, 0, tzinfo=UTC)


async def say(live: LiveConsole, *lines: str, wait: str) -> str:
    """Type lines, wait for `wait` in what they print, and return all they printed."""
    mark = len(live.out.getvalue())
    live.typed.type(*lines)
    try:
        await until(live.out, wait, mark)
    except TimeoutError:
        raise AssertionError(f"{wait!r} not printed:\n{live.out.getvalue()[mark:]}") from None
    return live.out.getvalue()[mark:]


async def fill_on_sqlite(folder: Path, key: str) -> str:
    """The scripted session on SQLite; returns the case reference."""
    async with live_console(folder, MONDAY_9, key=key) as live:
        await say(live, ":as carol", "/setup timezone=Europe/London updates_channel=#updates "
                  "feedback_channel=#feedback", wait=r"Saved: feedback_channel")
        await say(live, ":join dana", wait=r"^\[DM to Dana\] coprod: Welcome, Dana!")
        await say(live, '/meeting schedule reminders="1 hour"', "Planning meeting",
                  "tomorrow 18:00", "", "Room 2", "", wait=r"Please check this")
        await say(live, ":press Save meeting", wait=r"Saved: Planning meeting \(meeting 1\)")
        await say(live, ":as dana", '/agenda add text="Spring event"',
                  wait="Added to the agenda")
        await say(live, "/meeting remindme meeting=1 on=yes", wait="as a direct message")
        await say(live, ":as carol", "/minutes meeting=1", wait=r"Question 1 of 3")
        await say(live, ':form summary="We planned it." decisions="April." '
                  'actions="@dana: book the room (Friday)"', wait="Saved and posted the minutes")
        await say(live, '/agreement start points="We listen to each other.\\nWe start on time."',
                  wait="Saved as version 1")
        await say(live, '/prompt add text="What helped you feel heard this month?"',
                  wait="one is posted every week")
        await say(live, '/poll question="Which day suits?" options="Monday|Tuesday" closes=2d',
                  wait=r"buttons \(#\d+\): \[1\. Monday\] \[2\. Tuesday\]")
        for who, choice in (("dana", "1. Monday"), ("bob", "1. Monday"),
                            ("alice", "2. Tuesday")):
            await say(live, f":as {who}", f":press {choice}", wait="Your vote is counted")
        await say(live, ":as alice", "/feedback", wait=r"Question 1 of 3")
        await say(live, ':form message="The room was too loud." audience=group',
                  wait="Sent anonymously")
        await say(live, "/checkin on", wait="Your check-ins are on")
        await say(live, ":as dana", "/agreement", wait=r"I have read it")
        await say(live, ":press I have read it", wait="read version 1")
        await say(live, ":as bob", "/buddy join", wait="introduce you to a buddy")
        await say(live, ":as dana", "/buddy join", wait="introduce you to a buddy")
        await say(live, ":as bob", '/resource add title="Benefits guide" '
                  'link=https://example.org/benefits tags="money"', wait="Added “Benefits guide”")
        await say(live, "/concern", wait=r"Question 1 of 5")
        confirmed = await say(live, ':form what="Someone was shouted at after the meeting." '
                              "danger=no contact=yes anonymous=no", wait=r"saved as case C-")
        ref = re.search(r"case (C-[A-Z0-9]{6})", confirmed)
        assert ref is not None
        await say(live, ":as erin", ":press Acknowledge", wait=r"You have taken case")
        # The check-in comes at 10:00 and Alice answers it.
        live.clock.advance(timedelta(hours=1, seconds=30))
        mark = len(live.out.getvalue())
        assert await live.app.scheduler.run_due() >= 1
        await until(live.out, r"^\[DM to Alice\] coprod: How are things going", mark)
        await say(live, ":as alice", ":press Good", wait=r"(?i)thank")
        await live.finish()
    return ref[1]


async def test_a_filled_group_moves_to_postgres_and_carries_on(
        tmp_path: Path, pg_database: str) -> None:
    key = generate_key()
    ref = await fill_on_sqlite(tmp_path, key)
    source = tmp_path / "coprod.db"
    before = sqlite_tables(source)
    used = {name for name, rows in before.items() if rows}
    # Every feature left something behind to copy.
    for table in ("group_settings", "meetings", "agenda_items", "meeting_dm_optins",
                  "minutes", "action_items", "agreement_versions", "agreement_reads",
                  "prompts", "resources", "polls", "ballot_boxes", "feedback_pending",
                  "checkin_prefs", "checkins", "buddy_members", "concern_cases",
                  "concern_audit", "deliveries", "occurrences", "settings_audit"):
        assert table in used, table

    copied = copy_cli(tmp_path, "--from", str(source), "--to", pg_database)
    assert copied.code == 0, copied.out + copied.err
    assert "not-shown-anywhere" not in copied.out + copied.err
    for table, rows in before.items():
        assert re.search(rf"^  {table} +{len(rows):,} rows? +checksum [0-9a-f]{{12}}  ok$",
                         copied.out, re.MULTILINE), table
    assert f"Done: {sum(len(r) for r in before.values()):,} rows in {len(before)} tables" \
        in copied.out
    # Where the console's key is, and how the bot on PostgreSQL gets it.
    assert f"the console kept it in {tmp_path / 'coprod.key'}: put what that file holds " \
           "in COPROD_ENCRYPTION_KEY" in copied.out

    # Read back independently: the same rows, table by table; the SQLite file unchanged.
    after = await pg_tables(pg_database)
    assert after == before
    assert sqlite_tables(source) == before
    # The copy adds no trace of history: one transaction wrote every row, and each table
    # lies in its primary-key order (random ids for feedback and votes), not arrival order.
    physical = await pg_tables(pg_database, system=True)
    assert len({row[0] for rows in physical.values() for row in rows}) == 1
    for table, rows in physical.items():
        assert [row[1] for row in rows] == await ctids_in_key_order(pg_database, table)

    await carry_on_on_postgres(tmp_path, pg_database, key, ref)
    # New rows get new ids: the sequences continue after SQLite's highest.
    now = await pg_tables(pg_database)
    old_ids = {row[0] for row in before["deliveries"]}
    new_ids = {row[0] for row in now["deliveries"]} - old_ids
    assert new_ids and min(new_ids) > max(old_ids)


async def ctids_in_key_order(url: str, table: str) -> list[str]:
    """A table's row places (ctid), listed in its primary key's order (text byte by
    byte, as SQLite orders it)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        keys = await conn.fetch(
            "SELECT a.attname, t.typname FROM pg_index i JOIN pg_attribute a ON "
            "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) JOIN pg_type t ON "
            "t.oid = a.atttypid WHERE i.indrelid = $1::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)", table)
        order = ", ".join(name + (' COLLATE "C"' if kind == "text" else "")
                          for name, kind in keys)
        return [r[0] for r in await conn.fetch(
            f"SELECT ctid::text FROM {table} ORDER BY {order}")]
    finally:
        await conn.close()


async def carry_on_on_postgres(folder: Path, url: str, key: str, ref: str) -> None:
    """The bot on PostgreSQL, the next afternoon."""
    async with live_console(folder, TUESDAY_16, database=url, key=key) as live:
        # The case is still open, and a lead can act on it.
        shown = await say(live, ":as erin", f"/case show case={ref}",
                          wait=r"Acknowledged by: Erin")
        assert f"Safeguarding concern {ref}" in shown
        assert "Someone was shouted at after the meeting." in shown
        assert "Status: taken by a lead" in shown
        await say(live, f'/case note case={ref} kind=fact text="Spoke to Bob at 4pm."',
                  wait=rf"Your fact note is added to case {ref}")
        await say(live, f'/case close case={ref} outcome="Talked it through with both."',
                  wait=rf"Case {ref} is closed and its outcome recorded\.")

        # The poll's message is still on the platform; the console shows it again.
        polls = await pg_tables(url)
        poll_id, group_id, channel = next((r[0], r[1], r[6]) for r in polls["polls"])
        await live.console.send(Destination.to_channel(group_id, channel), Message(
            "Poll: Which day suits?", buttons=(
                Button("1. Monday", "poll.vote", f"{poll_id}:0"),
                Button("2. Tuesday", "poll.vote", f"{poll_id}:1"))), "poll-again")
        # A member who had not voted votes, and changes their vote.
        await say(live, ":as sam", ":press 2. Tuesday", wait=r"Your vote is counted: Tuesday")
        await say(live, ":press 1. Monday", wait=r"Your vote is changed to: Monday")
        # A vote from before the move still counts; as after any restart, it can no
        # longer be changed (the key that sealed it lived only in the old process).
        await say(live, ":as dana", ":press 2. Tuesday",
                  wait=r"Your earlier vote is counted, but I can't change it now")

        # The meeting still reminds when its time comes (17:00: an hour before 18:00).
        live.clock.advance(timedelta(hours=1, seconds=30))
        mark = len(live.out.getvalue())
        assert await live.app.scheduler.run_due() >= 1
        await until(live.out, r"^\[#updates\] coprod: Reminder: Planning meeting is on "
                              r"Tuesday 4 March 2031 at 18:00", mark)
        await until(live.out, r"^\[DM to Dana\] coprod: Reminder: Planning meeting", mark)

        # The poll closes on Wednesday at 09:00 and every vote counts: three for Monday
        # (two from before the move, one after), one for Tuesday.
        live.clock.advance(timedelta(hours=16))  # Wednesday 09:00:30
        mark = len(live.out.getvalue())
        assert await live.app.scheduler.run_due() >= 1
        await until(live.out, r"^\[#updates\] coprod: Poll results: Which day suits\?", mark)
        results = live.out.getvalue()[mark:]
        assert "- Monday: 3 votes (75%)" in results
        assert "- Tuesday: 1 vote (25%)" in results
        assert "4 people voted." in results
        await live.finish()
