"""Property tests: arbitrary text in every check-in and buddy option and form field never
crashes, a refusal changes nothing, and whatever is relayed to a facilitator is inert."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory import reply_text
from bot import catalog
from bot.events import Actor
from bot.events import FormSubmission
from bot.events import Invocation
from bot.messages import DestinationKind
from scheduler import Firing
from tests.feedback.test_bad_input import FUZZ
from tests.feedback.test_bad_input import TEXT
from tests.feedback.test_bad_input import Env
from tests.feedback.test_bad_input import _run_property
from tests.feedback.test_bad_input import assert_inert

OPTION = st.one_of(TEXT, st.just(""), st.sampled_from(
    ["weekly", "monthly", "friday", "18:00", "24:00", "7:5", "Europe/Paris", "europe/paris",
     "22:00-08:00", "none", "2026-02-30", "2026-12-31", "9999-01-01"]))


async def _prefs(env: Env, user: str) -> object:
    return await env.storage.checkin_prefs(env.adapter.group_id, user)


def test_any_checkin_settings_are_refused_kindly_or_saved(tmp_path: Path) -> None:
    alice = Actor("U-alice", "Alice")

    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(cadence=OPTION, day=OPTION, time=OPTION, timezone=OPTION, quiet=OPTION,
               until=OPTION)
        @example(cadence="", day="", time="25:00", timezone="", quiet="", until="")
        def one(cadence: str, day: str, time: str, timezone: str, quiet: str,
                until: str) -> None:
            before = runner.run(_prefs(env, alice.user_id))
            reply = runner.run(env.app.handle(Invocation(
                env.adapter.group_id, alice, "checkin set",
                {"cadence": cadence, "day": day, "time": time, "timezone": timezone,
                 "quiet": quiet}, "general")))
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            assert not reply.public
            if not reply_text(reply).startswith("Saved."):
                assert runner.run(_prefs(env, alice.user_id)) == before
            paused = runner.run(env.app.handle(Invocation(
                env.adapter.group_id, alice, "checkin pause", {"until": until}, None)))
            assert reply_text(paused) != catalog.SOMETHING_WENT_WRONG
        one()
    _run_property(tmp_path, check)


def test_any_note_or_avoid_is_handled_and_relayed_inert(tmp_path: Path) -> None:
    alice = Actor("U-alice", "Alice @everyone")
    carol = Actor("U-carol", "Carol", frozenset({"Facilitator"}))

    async def setup(env: Env) -> str:
        await env.app.handle(Invocation(env.adapter.group_id, carol, "help", {}, "general"))
        await env.app.handle(Invocation(env.adapter.group_id, alice, "checkin on", {}, None))
        checkins = env.app.features["checkins"].actions["checkin.on"].__self__  # type: ignore[attr-defined]
        now = env.app.clock.now()
        await checkins.fire(env.adapter.group_id, alice.user_id,
                            Firing("checkin:fuzz", now + timedelta(seconds=1)))
        (checkin,) = await env.storage.checkins_between(env.adapter.group_id,
                                                        now - timedelta(days=1), now)
        return checkin.checkin_id

    def check(runner: asyncio.Runner, env: Env) -> None:
        checkin_id = runner.run(setup(env))

        @FUZZ
        @given(note=TEXT, answer=OPTION, member=OPTION)
        @example(note="Help <@1> @here ||x||", answer="not_so_good", member="<@U-bob>")
        def one(note: str, answer: str, member: str) -> None:
            reply = runner.run(env.app.handle(FormSubmission(
                env.adapter.group_id, alice, "checkin.note", {"note": note, "answer": answer},
                checkin_id, None)))
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            assert reply.field_errors or reply.messages
            avoid = runner.run(env.app.handle(Invocation(
                env.adapter.group_id, alice, "buddy avoid", {"member": member}, None)))
            assert reply_text(avoid) != catalog.SOMETHING_WENT_WRONG
            runner.run(env.app.dispatcher.drain())  # type: ignore[union-attr]
            for sent in env.adapter.sent:
                assert sent.destination.kind is DestinationKind.DM
                assert_inert(sent.message.text)
        one()
    _run_property(tmp_path, check)
