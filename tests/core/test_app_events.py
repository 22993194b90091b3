"""How the app treats forms, buttons, failures and logs, through the memory adapter."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.app import check_form
from bot.clock import FakeClock
from bot.config import Config
from bot.context import Context
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.features import Feature
from bot.features import FormSpec
from bot.features.registry import PACKAGES
from bot.logs import JsonFormatter
from bot.logs import KeyValueFormatter
from bot.logs import configure_logging
from bot.logs import log_event
from bot.messages import Reply
from storage.interface import Storage
from tests.demo_feature import FIELDS
from tests.demo_feature import Gate
from tests.demo_feature import demo_feature

CANARY = "Zebra-Canary-4417"

@pytest.fixture
async def demo(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    app = App(Config(), storage, clock=clock, features=[*PACKAGES, demo_feature(Gate())])
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    yield bot
    await bot.close()


def test_check_form_limits_choices_and_yes_no() -> None:
    values, errors = check_form(FIELDS, {"title": "  hi  ", "colour": "BLUE", "ok": "Y"})
    assert (values, errors) == ({"title": "hi", "colour": "blue", "ok": "yes"}, {})
    _, errors = check_form(FIELDS, {"title": "\u200b\u200b", "colour": "green", "ok": "maybe"})
    assert set(errors) == {"title", "colour", "ok"}
    assert "Please fill in “Title”" in errors["title"]
    _, errors = check_form(FIELDS, {"title": "x" * 11})
    assert "11 characters" in errors["title"]


async def test_form_open_submit_deliver_and_press(demo: MemoryBot) -> None:
    opened = await demo.run("alice", "/demo")
    assert opened.form is not None and opened.form.state == "s1"
    refused = await demo.submit("alice", "demo-form", {"title": ""})
    assert refused.field_errors and demo.adapter.sent == []
    done = await demo.submit("alice", "demo-form", {"title": "@everyone"})
    assert reply_text(done) == "Sent."
    posted = demo.adapter.sent_to_channel("updates")
    assert len(posted) == 1 and "@everyone" not in posted[0].text
    pressed = await demo.press("bob", "demo-like", "1")
    assert pressed.update is not None and pressed.update.text == "Liked 1"
    stale = await demo.press("bob", "gone-action", "1")
    assert "out of date" in reply_text(stale)


async def test_a_failing_handler_apologises_and_logs_no_text(
        demo: MemoryBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    reply = await demo.run("alice", f"/boom text={CANARY}")
    assert "something went wrong on my side" in reply_text(reply)
    records = [r for r in caplog.records if r.getMessage() == "event.failed"]
    assert records and records[0].__dict__["fields"]["error"] == "RuntimeError"
    for record in caplog.records:
        assert CANARY not in KeyValueFormatter().format(record)
        assert CANARY not in JsonFormatter().format(record)
        assert CANARY not in record.getMessage()


def test_log_formats_carry_fields_safely() -> None:
    stream = io.StringIO()
    configure_logging("info", "keyvalue", stream)
    log_event(logging.getLogger("bot.t"), logging.INFO, "delivery.sent", id=3, to="dm:U 1")
    configure_logging("info", "json", stream)
    log_event(logging.getLogger("bot.t"), logging.INFO, "delivery.sent", id=4)
    logging.getLogger("bot.t").debug("hidden")
    logging.getLogger("slack_sdk.web").info("request body: secret words")
    logging.getLogger("bot.app").info("ours")
    lines = stream.getvalue().splitlines()
    assert "event=delivery.sent id=3 to=\"dm:U 1\"" in lines[0]
    assert '"event": "delivery.sent"' in lines[1] and '"id": 4' in lines[1]
    assert "secret words" not in stream.getvalue()
    assert "event=ours" not in lines[0] and '"event": "ours"' in lines[2]
    assert len(lines) == 3
    configure_logging("warning", "keyvalue", io.StringIO())


async def test_message_shortcut_and_home(demo: MemoryBot) -> None:
    quoted = QuotedMessage("some text", "U-bob", "general", message_id="M1")
    alice = demo.adapter.member("alice")
    reply = await demo.app.handle(MessageShortcut(demo.group_id, alice, "demo-flag", quoted))
    assert reply.form is not None and reply.form.state == "M1"
    gone = await demo.app.handle(MessageShortcut(demo.group_id, alice, "nope", quoted))
    assert "out of date" in reply_text(gone)
    assert "demo-flag" in demo.app.shortcuts
    home = await demo.app.home(demo.group_id, alice)
    assert "Demo settings for Alice" in [m.text for m in home][1:]
    assert "only you can see it" in home[0].text


async def test_buttons_and_forms_of_a_switched_off_feature_stop_working(
        storage: Storage, clock: FakeClock) -> None:
    async def pressed(ctx: Context) -> Reply:
        return Reply.text("pressed")

    def resources_like(app: App) -> Feature:
        return Feature("resources", actions={"res-press": pressed},
                       forms=[FormSpec("res-form", FIELDS, pressed)])

    app = App(Config(), storage, clock=clock, features=[*PACKAGES, resources_like])
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    try:
        assert reply_text(await bot.press("alice", "res-press")) == "pressed"
        bot.adapter.member("carol", "Facilitator")
        await bot.run("carol", "/setup disable=resources")
        assert "switched off" in reply_text(await bot.press("alice", "res-press"))
        assert "switched off" in reply_text(await bot.submit("alice", "res-form",
                                                             {"title": "x"}))
    finally:
        await bot.close()
