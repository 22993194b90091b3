"""Property tests: any schedule form, minutes form or option is either refused kindly
with nothing saved, or checked and shown back (never an error, never stored unasked)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.memory import MemoryAdapter
from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.events import FormSubmission
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from storage.interface import Storage
from tests.features.meetings.conftest import T0

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT = st.text(max_size=140)
WHEN = st.one_of(TEXT, st.sampled_from([
    "next Tuesday 6pm", "tomorrow 10:30", "in 2 hours", "2026-01-20 18:00"]), st.sampled_from([
    "yesterday 6pm", "2020-01-01 10:00", "Tuesday", "in 0 minutes", "in 9999 weeks",
    "2026-02-30 10:00", "2026-03-29 01:30"]))
REPEAT = st.one_of(TEXT, st.sampled_from([
    "", "weekly", "fortnightly", "monthly", "monthly by weekday", "RRULE:FREQ=DAILY;COUNT=3"]),
    st.sampled_from(["RRULE:FREQ=HOURLY", "FREQ=YEARLY;BYMONTH=13",
                     "RRULE:FREQ=WEEKLY;INTERVAL=0", "second Tuesday"]))


def _with_app(tmp_path: Path, body: Callable[[asyncio.Runner, App, Storage], None]) -> None:
    with asyncio.Runner() as runner:
        store = runner.run(open_storage(str(tmp_path / "fuzz.db"),
                                        FieldCipher(generate_key())))
        runner.run(store.migrate())
        app = App(Config(), store, clock=FakeClock(T0))
        runner.run(app.load())
        try:
            body(runner, app, store)
        finally:
            runner.run(app.stop())
            runner.run(store.close())


def test_any_schedule_form_is_refused_kindly_or_shown_back(tmp_path: Path) -> None:
    seen: set[bool] = set()
    actor = MemoryAdapter().member("alice")

    def body(runner: asyncio.Runner, app: App, store: Storage) -> None:
        @FUZZ
        @example(title="Group meeting", when="2026-01-20 18:00", repeat="weekly", where="",
                 agenda="")
        @example(title="", when="whenever", repeat="often", where="", agenda="")
        @given(title=st.one_of(st.just("Group meeting"), TEXT, st.just("x" * 101)),
               when=WHEN, repeat=REPEAT,
               where=TEXT, agenda=st.one_of(TEXT, st.just("y" * 1001)))
        def one(title: str, when: str, repeat: str, where: str, agenda: str) -> None:
            reply = runner.run(app.handle(FormSubmission(
                "g", actor, "meetings.schedule",
                {"title": title, "when": when, "repeat": repeat, "where": where,
                 "agenda": agenda}, "r=60")))
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            assert runner.run(store.active_meetings("g")) == []  # never saved unconfirmed
            if reply.field_errors:
                assert not reply.messages
                assert all(text.strip() for text in reply.field_errors.values())
                seen.add(False)
            else:
                (message,) = reply.messages
                assert message.text.startswith("Please check this")
                assert len(title.strip()) <= 100 and len(agenda.strip()) <= 1000
                seen.add(True)
        one()
    _with_app(tmp_path, body)
    assert seen == {True, False}


def test_any_minutes_form_is_refused_kindly_or_stored(tmp_path: Path) -> None:
    seen: set[bool] = set()
    carol = MemoryAdapter().member("carol", "Facilitator")
    line = st.one_of(TEXT, st.sampled_from(["@sam: book the room (Friday)", "sam: call",
                                            "@x: y (2020-01-01)", "no owner here", ":"]))

    def body(runner: asyncio.Runner, app: App, store: Storage) -> None:
        @FUZZ
        @example(summary="We met.", lines=["@sam: book the room (Friday)"])
        @example(summary="We met.", lines=["no owner here"])
        @given(summary=TEXT, lines=st.lists(line, max_size=4))
        def one(summary: str, lines: list[str]) -> None:
            before = runner.run(store.open_actions("g"))
            reply = runner.run(app.handle(FormSubmission(
                "g", carol, "meetings.minutes",
                {"summary": summary, "decisions": "", "actions": "\n".join(lines)})))
            after = runner.run(store.open_actions("g"))
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            if reply.field_errors:
                assert after == before
                seen.add(False)
            else:
                assert "Saved and posted the minutes" in reply_text(reply)
                seen.add(True)
        one()
    _with_app(tmp_path, body)
    assert seen == {True, False}
