"""A console scenario: schedule a meeting two minutes ahead with a one-minute reminder,
see the reminder and its RSVP buttons, press one, and see the count change.

The console runs in-process on a real SQLite file with a fake clock; typed lines are fed
one at a time, and the test moves the clock and fires what is due in between."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from tests.console_helpers import live_console
from tests.console_helpers import until


async def test_schedule_remind_and_rsvp_in_the_console(tmp_path: Path) -> None:
    async with live_console(tmp_path, datetime(2031, 3, 3, 9, 0, 30, tzinfo=UTC)) as live:
        app, clock, typed, out = live.app, live.clock, live.typed, live.out
        typed.type('/meeting schedule reminders="1 minute"', "Coffee and plans",
                   "in 2 minutes", "", "Room 2", "")
        await until(out, r"Please check this before I save it")
        check = out.getvalue()
        assert "Monday 3 March 2031 at 09:03 (Europe/London time, GMT)" in check
        # Scheduled in #general, reminded in the updates channel, as /setup says.
        assert "Reminders in #updates" in check
        typed.type(":press Save meeting")
        await until(out, r"Saved: Coffee and plans \(meeting 1\)")

        clock.advance(timedelta(minutes=2))  # 09:02:30: the reminder is due at 09:02
        mark = len(out.getvalue())
        assert await app.scheduler.run_due() >= 1
        reminder = await until(out, r"^\[#updates\] coprod: Reminder: Coffee and plans"
                                     r" is on Monday 3 March 2031 at 09:03", mark)
        buttons = await until(out, r"buttons \(#(\d+)\): \[Going\] \[Maybe\] "
                                    r"\[Can't make it\]", mark)
        assert reminder and "0 going, 0 maybe, 0 can't make it" in out.getvalue()[mark:]
        number = buttons.group(1)

        mark = len(out.getvalue())
        typed.type(":as bob", f":press {number} Going")
        await until(out, rf"^\[message #{number} updated\] coprod: Reminder", mark)
        await until(out, r"1 going, 0 maybe, 0 can't make it", mark)
        await until(out, r"Your answer: Going", mark)
        await live.finish()
