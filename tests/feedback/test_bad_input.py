"""Property tests: arbitrary text in every feedback and poll field never crashes, a
refusal stores nothing, and whatever is stored or relayed is neutralised."""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
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
from bot.events import Actor
from bot.events import FormSubmission
from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackItem
from bot.text import has_visible_text
from bot.text import neutralise
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from storage.interface import Storage

PIECES = [
    "@everyone", "@here", "@channel", "<@123456789012345678>", "<@!42>", "<@&77>", "<#C0123>",
    "<!channel>", "<!here>", "<!subteam^S1>", "</cmd:1>", "||spoiler||", "[click](http://x.y)",
    "# Heading", "> quote", "**bold**", "`code`", "~~gone~~", "\u202e", "\u2066", "\u200b",
    "\u200d", "\u200e", "\u200f", "\x00", "\x07", "\x1b[31m", "\r\n", "\r", "\n", "\t", " ",
    "\ufeff", "👩‍👩‍👧", "مرحبا", "é", "ok", "w" * 10_000, "$x^2$", "|", "\\n", ":",
]
TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
    st.tuples(st.text(max_size=20), st.sampled_from(PIECES), st.text(max_size=20)).map(
        "".join),
)
OPTIONS = ["Tea", "Coffee @everyone", "<@1> Juice", "**Milk**", "Water\u202e", "||x||",
           "$y$", "Soup\x00"]
MENTION = re.compile(r"<[@#!/]|@(everyone|here|channel)\b", re.IGNORECASE)


def assert_inert(text: str) -> None:
    assert not MENTION.search(text), text[:200]
    assert "\u202e" not in text and "\x00" not in text and "\x1b" not in text


@dataclass
class Env:
    app: App
    adapter: MemoryAdapter
    storage: Storage
    users: itertools.count[int]

    def actor(self) -> Actor:
        n = next(self.users)
        return Actor(f"U{n}", f"Member {n}", frozenset({"Facilitator"}))

    async def stored_items(self) -> list[FeedbackItem]:
        """Every item, pending ones released for review first (as the next day would)."""
        group, later = self.adapter.group_id, datetime(2100, 1, 1, tzinfo=UTC)
        for audience in Audience:
            await self.storage.release_feedback(group, audience, later, 1, later)
        return await self.storage.recent_feedback(group, FakeClock().now().replace(year=2000),
                                                  100_000)

    async def stored_feedback(self) -> list[str]:
        return [i.text for i in await self.stored_items()]


async def _env(path: Path) -> Env:
    storage = await open_storage(str(path), FieldCipher(generate_key()))
    await storage.migrate()
    app = App(Config(), storage, clock=FakeClock())
    await app.load()
    adapter = MemoryAdapter()
    app.start_delivery(adapter)
    return Env(app, adapter, storage, itertools.count())


def _run_property(tmp_path: Path, check) -> None:  # type: ignore[no-untyped-def]
    with asyncio.Runner() as runner:
        env = runner.run(_env(tmp_path / "fuzz.db"))
        try:
            check(runner, env)
        finally:
            runner.run(env.app.stop())
            runner.run(env.storage.close())


FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_any_feedback_form_is_refused_kindly_or_stored_neutralised(tmp_path: Path) -> None:
    seen: set[bool] = set()

    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(message=TEXT, topic=st.one_of(TEXT, st.just("meetings"), st.just("")),
               audience=st.one_of(TEXT, st.sampled_from(["group", "facilitators"])))
        @example(message="Hi @everyone <@1> ||x||", topic="", audience="group")
        def one(message: str, topic: str, audience: str) -> None:
            before = runner.run(env.stored_feedback())
            reply = runner.run(env.app.handle(FormSubmission(
                env.adapter.group_id, env.actor(), "feedback.send",
                {"message": message, "topic": topic, "audience": audience})))
            after = runner.run(env.stored_feedback())
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            accepted = reply_text(reply).startswith(feedback_wording.FEEDBACK_SENT_START)
            seen.add(accepted)
            if accepted:
                assert len(after) == len(before) + 1
                assert has_visible_text(message) and len(message.strip()) <= 2000
                (new,) = [t for t in after if t not in before] or [neutralise(message.strip())]
                assert new == neutralise(message.strip())
                assert_inert(new)
            else:
                assert reply.field_errors or reply.messages
                assert after == before
        one()
    _run_property(tmp_path, check)
    assert seen == {True, False}, "both the accepted and the refused paths were tried"


def test_any_poll_is_refused_kindly_or_stored_and_posted_neutralised(tmp_path: Path) -> None:
    seen: set[bool] = set()

    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(question=st.one_of(TEXT, st.sampled_from(["Which day? @here", "<!channel>"])),
               options=st.one_of(TEXT, st.lists(TEXT, max_size=12).map("\n".join),
                                 st.lists(st.sampled_from(OPTIONS), min_size=2, max_size=6,
                                          unique=True).map("\n".join)),
               closes=st.one_of(TEXT, st.sampled_from(["2d", "3h", "90m"])),
               anonymous=st.one_of(TEXT, st.sampled_from(["yes", "no", ""])),
               multiple=st.one_of(TEXT, st.sampled_from(["yes", "no", ""])))
        @example(question="Which day? @here", options="Tea\n<@1> Juice\n**Milk**",
                 closes="2d", anonymous="", multiple="yes")
        def one(question: str, options: str, closes: str, anonymous: str,
                multiple: str) -> None:
            polls_before = len(runner.run(env.storage.open_polls()))
            sent_before = len(env.adapter.sent)
            reply = runner.run(env.app.handle(FormSubmission(
                env.adapter.group_id, env.actor(), "poll.create",
                {"question": question, "options": options, "closes": closes,
                 "anonymous": anonymous, "multiple": multiple})))
            runner.run(env.app.dispatcher.drain())  # type: ignore[union-attr]
            polls = runner.run(env.storage.open_polls())
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            seen.add("will be posted" in reply_text(reply))
            if "will be posted" in reply_text(reply):
                assert len(polls) == polls_before + 1
                post = env.adapter.sent[-1].message
                assert_inert(post.text)
                for poll in polls:
                    assert_inert(poll.question)
                    for option in poll.options:
                        assert_inert(option)
            else:
                assert len(polls) == polls_before
                assert len(env.adapter.sent) == sent_before
        one()
    _run_property(tmp_path, check)
    assert seen == {True, False}, "both the accepted and the refused paths were tried"


@pytest.mark.parametrize("message", ["", "   ", "\u200b\u200d\u2060", "\n\t\n", "x" * 2001])
async def test_empty_invisible_or_long_feedback_is_refused_and_not_stored(
        bot, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = await bot.submit("alice", "feedback.send", {"message": message, "audience": "group"})
    assert "message" in reply.field_errors
    items = await bot.app.storage.recent_feedback(bot.group_id,
                                                  FakeClock().now().replace(year=2000), 10)
    assert items == []


def test_any_answer_reason_ref_or_vote_never_crashes_and_is_neutralised(
        tmp_path: Path) -> None:
    from bot.events import ButtonPress
    from bot.events import Invocation
    from bot.features.feedback.digests import DigestJobs
    from bot.features.feedback.store import FeedbackStatus
    from scheduler import Firing
    from tests.feedback.helpers import feedback_host

    def check(runner: asyncio.Runner, env: Env) -> None:
        group = env.adapter.group_id
        for i in range(5):
            runner.run(env.app.handle(FormSubmission(group, env.actor(), "feedback.send", {
                "message": f"point {i}", "audience": "group"})))
        tuesday = datetime(2026, 1, 6, 17, 0, tzinfo=UTC)
        clock = env.app.clock
        assert isinstance(clock, FakeClock)
        clock.advance(tuesday - clock.now())
        firing = Firing("feedback-digest:group", tuesday)
        assert runner.run(DigestJobs(feedback_host(env.app)).run(Audience.GROUP, firing)) == 1
        delivered = runner.run(env.stored_items())[0]
        runner.run(env.app.handle(Invocation(group, env.actor(), "poll", {
            "question": "Q", "options": "A|B", "closes": "2d"}, "general")))
        runner.run(env.app.dispatcher.drain())  # type: ignore[union-attr]
        poll_id = env.adapter.sent[-1].message.buttons[0].value.split(":")[0]

        @FUZZ
        @given(answer=TEXT, reason=TEXT, ref=TEXT, vote=TEXT)
        @example(answer="Done @everyone <@1>", reason="<!here> **x**", ref="#" + "a" * 9,
                 vote=f"{poll_id}:1")
        def one(answer: str, reason: str, ref: str, vote: str) -> None:
            me = env.actor()
            sent_before = len(env.adapter.sent)
            reply = runner.run(env.app.handle(FormSubmission(
                group, me, "feedback.answer", {"answer": answer}, state=delivered.item_id)))
            runner.run(env.app.dispatcher.drain())  # type: ignore[union-attr]
            assert reply_text(reply) != catalog.SOMETHING_WENT_WRONG
            if "will be posted" in reply_text(reply):
                assert len(env.adapter.sent) == sent_before + 1
                assert_inert(env.adapter.sent[-1].message.text)
            else:
                assert len(env.adapter.sent) == sent_before
            runner.run(env.app.handle(FormSubmission(group, me, "feedback.send", {
                "message": "to hide", "audience": "group"})))
            waiting = [i for i in runner.run(env.stored_items())
                       if i.status is FeedbackStatus.WAITING]
            for target in (waiting[0].item_id, ref):
                hid = runner.run(env.app.handle(Invocation(group, me, "feedback hide", {
                    "item": target, "reason": reason}, "general")))
                assert reply_text(hid) != catalog.SOMETHING_WENT_WRONG
            for item in runner.run(env.stored_items()):
                assert_inert(item.hidden_reason)
            for event in (ButtonPress(group, me, "poll.vote", vote),
                          ButtonPress(group, me, "poll.pick", "", (vote, f"{poll_id}:0"))):
                voted = runner.run(env.app.handle(event))
                assert reply_text(voted) != catalog.SOMETHING_WENT_WRONG
        one()
    _run_property(tmp_path, check)
