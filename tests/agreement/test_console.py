"""A console scenario: a newcomer joins and gets the welcome, reads the agreement, a
facilitator proposes an amendment, members vote, the new version is announced, and
/agreement history shows both versions.

The console runs in-process on a real SQLite file with a fake clock; typed lines are fed
one at a time, and the test moves the clock past the vote's close in between."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from bot.features.agreement import wording as agreement_words
from tests.console_helpers import live_console
from tests.console_helpers import until


async def test_join_welcome_read_amend_vote_and_history(tmp_path: Path) -> None:
    async with live_console(tmp_path, datetime(2031, 3, 3, 9, 0, tzinfo=UTC)) as live:
        app, clock, typed, out = live.app, live.clock, live.typed, live.out
        typed.type(":as carol", '/agreement start points="We listen\\nWe start on time"')
        await until(out, r"Saved as version 1")

        typed.type(":join dana")
        await until(out, r"Dana joined the group")
        await until(out, r"^\[DM to Dana\] coprod: Welcome, Dana!")
        await until(out, r"Please read our group agreement \(version 1\)")
        await until(out, r"buttons \(#\d+\): \[Show the agreement\]")

        typed.type(":as dana", "/agreement")
        await until(out, r"Our group agreement \(version 1, agreed 03 Mar 2031\)")
        typed.type(":press I have read it")
        await until(out, r"noted that you have read version 1")

        typed.type(":as carol", '/agreement propose change=change point=2 '
                                'text="We start and end on time" reason="Buses"')
        await until(out, r"Your proposed change is posted in #updates")
        await until(out, r"^\[#updates\] coprod: A proposed change to our agreement")
        for who in ("alice", "bob", "dana"):
            mark = len(out.getvalue())
            typed.type(f":as {who}", ":press Yes, change it")
            await until(out, r"Your vote is counted: Yes, change it", mark)

        clock.advance(timedelta(days=7, seconds=1))
        mark = len(out.getvalue())
        assert await app.scheduler.run_due() >= 1
        await until(out, r"^\[#updates\] coprod: The group agreed a change to our "
                          r"agreement \(3 yes, 0 no\)", mark)
        await until(out, r"Version 2 is now in force", mark)

        mark = len(out.getvalue())
        typed.type("/agreement history")
        await until(out, r"Version 1 \(03 Mar 2031\): " + agreement_words.AGREEMENT_FIRST_CHANGE
                     .replace(".", r"\."), mark)
        await until(out, r"Version 2 \(10 Mar 2031\): Change point 2 from “We start on "
                          r"time” to “We start and end on time”\. Why: Buses", mark)
        await live.finish()
    transcript = out.getvalue()
    assert "[#general] coprod: Welcome" not in transcript  # the welcome was private
