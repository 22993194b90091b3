"""Property tests for bad input: over-long points, empty amendments, invalid links and
tags with odd characters are refused with a clear message, and nothing is saved."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.events import Actor
from bot.events import FormSubmission
from bot.events import Invocation
from bot.features.agreement import wording as agreement_words
from bot.features.agreement.rules import POINT_LIMIT
from bot.features.resources import wording as resource_words
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from storage.interface import Storage

GROUP = "group-1"
CAROL = Actor("U-carol", "Carol", frozenset({"Facilitator"}))
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BLANK = st.lists(st.sampled_from([" ", "\t", "\n", "\u200b", "\u200d", "\ufeff", "\\n",
                                  "\u2066", "\x00"]), max_size=8).map("".join)
# Visible characters; no backslash, since a typed "\n" is a line break (a new point).
VISIBLE = st.characters(blacklist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me",
                                              "Co", "Cn", "Cs"), blacklist_characters="\\")
_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
_TAG = re.compile(r"#?[a-z0-9][a-z0-9-]{0,29}")


def _too_long(said: str) -> bool:
    return "300" in said and ("too long" in said or "the most it can hold" in said)


@dataclass
class Env:
    app: App
    storage: Storage

    async def counts(self) -> tuple[int, int, int]:
        return (len(await self.storage.open_amendments()),
                len(await self.storage.agreement_versions(GROUP)),
                len(await self.storage.resources(GROUP)))

    async def submit(self, form_id: str, values: dict[str, str]) -> str:
        reply = await self.app.handle(FormSubmission(GROUP, CAROL, form_id, values))
        if reply.field_errors:
            return " ".join(reply.field_errors.values())
        return reply_text(reply)


def _run(tmp_path: Path, check: Callable[[asyncio.Runner, Env], None],
         *, with_agreement: bool = True) -> None:
    async def env() -> Env:
        storage = await open_storage(str(tmp_path / "fuzz.db"), FieldCipher(generate_key()))
        await storage.migrate()
        app = App(Config(), storage, clock=FakeClock())
        await app.load()
        if with_agreement:
            await app.handle(Invocation(GROUP, CAROL, "agreement start",
                                        {"points": "Be kind\\nBe on time"}))
        return Env(app, storage)

    with asyncio.Runner() as runner:
        made = runner.run(env())
        try:
            check(runner, made)
        finally:
            runner.run(made.app.stop())
            runner.run(made.storage.close())


def test_over_long_points_are_refused(tmp_path: Path) -> None:
    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(text=st.text(VISIBLE, min_size=POINT_LIMIT + 1, max_size=POINT_LIMIT + 400),
               change=st.sampled_from(["add", "change"]))
        def one(text: str, change: str) -> None:
            before = runner.run(env.counts())
            said = runner.run(env.app.handle(Invocation(
                GROUP, CAROL, "agreement propose",
                {"change": change, "point": "1", "text": text, "reason": "why"})))
            assert _too_long(reply_text(said)), reply_text(said)
            started = runner.run(env.app.handle(Invocation(
                GROUP, CAROL, "agreement start", {"points": f"Fine\\n{text}"})))
            assert reply_text(started) in (agreement_words.AGREEMENT_ALREADY_STARTED,)
            assert runner.run(env.counts()) == before
        one()
    _run(tmp_path, check)


def test_first_version_with_an_over_long_point_saves_nothing(tmp_path: Path) -> None:
    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(text=st.text(VISIBLE, min_size=POINT_LIMIT + 1, max_size=POINT_LIMIT + 50))
        def one(text: str) -> None:
            said = runner.run(env.submit("agreement.start", {"points": f"Fine\n{text}"}))
            assert _too_long(said), said
            assert runner.run(env.counts()) == (0, 0, 0)
        one()
    _run(tmp_path, check, with_agreement=False)


def test_empty_amendments_are_refused(tmp_path: Path) -> None:
    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(text=BLANK, reason=st.one_of(BLANK, st.just("a reason")),
               change=st.sampled_from(["add", "change", "Add a point", "Change a point"]))
        @example(text="", reason="", change="add")
        def one(text: str, reason: str, change: str) -> None:
            before = runner.run(env.counts())
            said = runner.run(env.submit("agreement.propose", {
                "change": change, "point": "1", "text": text, "reason": reason}))
            assert said in ("Please say why: a change to the agreement needs a reason.",
                            agreement_words.agreement_point_empty(agreement_words.AGREEMENT_FIELD_TEXT),
                            catalog.field_required(agreement_words.AGREEMENT_FIELD_REASON)), said
            assert runner.run(env.counts()) == before
        one()
    _run(tmp_path, check)


def test_invalid_links_are_refused_and_valid_ones_kept_as_given(tmp_path: Path) -> None:
    seen: set[bool] = set()

    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        @given(link=st.one_of(
            st.text(max_size=40),
            st.tuples(st.sampled_from(["http://", "https://", "ftp://", "javascript:", "",
                                       "https:/", "//"]),
                      st.text(max_size=30)).map("".join)))
        @example(link="https://example.org/guide")
        @example(link="www.example.org")
        def one(link: str) -> None:
            before = runner.run(env.counts())
            said = runner.run(env.submit("resource.add", {"title": "A guide", "link": link}))
            after = runner.run(env.counts())
            seen.add(said.startswith("Added"))
            if said.startswith("Added"):
                # Added at the same (fake) moment as earlier examples: find it by its words.
                stored = [r.content for r in runner.run(env.storage.resources(GROUP))]
                assert link.strip() in stored
                assert all(_URL.fullmatch(content) for content in stored)
                assert after[2] == before[2] + 1
            else:
                assert after == before
                assert ("is not a web address" in said
                        or said == resource_words.RESOURCE_LINK_OR_TEXT
                        or "the most it can hold" in said), said
        one()
    _run(tmp_path, check)
    assert seen == {True, False}


def test_tags_with_odd_characters_are_refused(tmp_path: Path) -> None:
    def check(runner: asyncio.Runner, env: Env) -> None:
        @FUZZ
        # NUL is dropped on arrival (PostgreSQL refuses it), so a tag of NULs is empty.
        @given(tag=st.text(min_size=1, max_size=20).map(lambda t: t.replace("\x00", "")).filter(
            lambda t: t.strip() and "," not in t and not t.isspace()
            and any(not _TAG.fullmatch(w.casefold()) for w in t.split())))
        @example(tag="b@d")
        @example(tag="<@123>")
        def one(tag: str) -> None:
            before = runner.run(env.counts())
            said = runner.run(env.submit("resource.add", {"title": "Notes", "text": "Bring ID",
                                                          "tags": f"fine, {tag}"}))
            assert "can't be used" in said or "the most it can hold" in said, said
            assert "<@" not in said.replace("<\u200b@", "")
            assert runner.run(env.counts()) == before
        one()
    _run(tmp_path, check)
