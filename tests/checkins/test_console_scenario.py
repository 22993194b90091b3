"""The console scenario: a member opts in, receives a check-in, answers "Not so good"
with a note, is offered a one-to-one and asks for it, and the facilitator receives the
request privately while no channel shows anything. The console runs in-process on a
real SQLite file with a fake clock."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from tests.console_helpers import live_console
from tests.console_helpers import until


async def test_check_in_not_so_good_with_a_note_in_the_console(tmp_path: Path) -> None:
    monday = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    async with live_console(tmp_path, monday) as live:
        app, clock, typed, out = live.app, live.clock, live.typed, live.out
        typed.type(":as carol", "/help", ":as alice", "/checkin on")
        await until(out, r"Your check-ins are on\. Your next one will reach you by "
                          r"direct message on Monday 3 March at 10:00 \(Europe/London\)")
        clock.advance(timedelta(hours=1))
        mark = len(out.getvalue())
        assert await app.scheduler.run_due() >= 1
        await until(out, r"^\[DM to Alice\] coprod: How are things going for you "
                          r"in the group\?", mark)
        await until(out, r"buttons \(#\d+\): \[Good\] \[Okay\] \[Not so good\] "
                          r"\[I'd like a one-to-one\] \[Add a private note\]", mark)
        typed.type(":press Add a private note", "Not so good",
                   "I have been feeling left out lately", "")
        await until(out, r"Nobody has been told", mark)
        typed.type(":press I'd like a one-to-one")
        await until(out, r"^\[DM to Carol\] coprod: Alice would like a "
                          r"one-to-one\. Their check-in answer: Not so good\.", mark)
        await until(out, r"> I have been feeling left out lately", mark)
        await until(out, r"Carol will be in touch with you privately within 3 days",
                    mark)
        await live.finish()
    transcript = out.getvalue()
    assert not re.search(r"^\[#", transcript, re.MULTILINE), transcript
    shown_to_others = [line for line in transcript.splitlines()
                       if "left out" in line and not line.startswith(
                           ("[DM to Carol]", "> ", "    ", "alice in"))]
    assert all("Your note" in line or "only Alice" in line for line in shown_to_others), \
        shown_to_others
