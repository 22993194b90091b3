"""Malformed Slack requests, through the fake Slack and the real slack-bolt: Socket Mode
envelopes and HTTP-mode requests with missing fields, wrong types and unknown types are
logged (kind, a short problem code and ids only), acknowledged where they can be, and
ignored; the adapter keeps serving, and the next valid command still works."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from adapters.slack import SlackRunner
from bot import catalog
from bot.features.help import wording as help_wording
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import TEAM_ID
from tests.contract.slack.conftest import events_url
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack
from tests.fakes.slack.server import sign
from tests.fakes.slack.server import signed_post

SECRET = "test-signing-secret"
_LOG_VALUE = re.compile(r"[\w.:/() -]{0,80}")


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def _submission(view: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": BOB},
            "view": view, **extra}


def malformed(slack: FakeSlack) -> dict[str, tuple[str, Any]]:
    """Named requests Slack never sends: (envelope kind, payload), or ("raw", frame)."""
    slash = payloads.slash_command(slack, "/coprod", "help", user=ALICE)
    press = payloads.block_actions(slack, payloads.button("poll.vote#0", "x:1"), user=BOB)
    dm = payloads.direct_message(BOB, "hi")
    form = {"type": "modal", "callback_id": "coprod-form:feedback.send"}
    return {
        # envelopes
        "envelope without payload": ("raw", {"envelope_id": "e1", "type": "slash_commands"}),
        "envelope with null payload": ("raw", {"envelope_id": "e2", "type": "interactive",
                                               "payload": None}),
        "envelope with text payload": ("raw", {"envelope_id": "e3", "type": "events_api",
                                               "payload": "x"}),
        "envelope of an unknown type": ("raw", {"envelope_id": "e4", "type": "nonsense",
                                                "payload": {}}),
        "envelope without id": ("raw", {"type": "slash_commands", "payload": slash}),
        "envelope a list": ("raw", [1, 2]),
        "envelope a number": ("raw", 5),
        # slash commands
        "command missing": ("slash_commands", _without(slash, "command")),
        "command only a slash": ("slash_commands", {**slash, "command": "/"}),
        "user missing": ("slash_commands", _without(slash, "user_id")),
        "text a number": ("slash_commands", {**slash, "text": 5}),
        "text a table": ("slash_commands", {**slash, "text": {"a": 1}}),
        # interactive payloads
        "interactive type missing": ("interactive", _without(press, "type")),
        "interactive type unknown": ("interactive", {**press, "type": "weird"}),
        "global shortcut (not offered)": ("interactive", {
            "type": "shortcut", "callback_id": "x", "team": {"id": TEAM_ID},
            "user": {"id": BOB}}),
        "view closed (not asked for)": ("interactive", _submission(form, type="view_closed")),
        "actions missing": ("interactive", _without(press, "actions")),
        "actions empty": ("interactive", {**press, "actions": []}),
        "actions as text": ("interactive", {**press, "actions": "x"}),
        "actions not tables": ("interactive", {**press, "actions": [1]}),
        "action id a number": ("interactive", {**press, "actions": [
            {"type": "button", "action_id": 5, "value": 3}]}),
        "user as text": ("interactive", {**press, "user": "bob"}),
        "user null": ("interactive", {**press, "user": None}),
        "channel as text": ("interactive", {**press, "channel": "C1"}),
        "container as text": ("interactive", {**press, "container": "x"}),
        "view missing": ("interactive", _submission(None)),
        "view as text": ("interactive", _submission("x")),
        "view without type": ("interactive", _submission({
            "callback_id": "coprod-form:feedback.send", "private_metadata": "[1]",
            "state": {"values": {}}})),
        "view callback id a number": ("interactive", _submission({**form, "callback_id": 5})),
        "view state as text": ("interactive", _submission({**form, "state": "x"})),
        "view values a list": ("interactive", _submission({**form, "state": {"values": [1]}})),
        "view answer as text": ("interactive", _submission({**form, "state": {
            "values": {"message": "x"}}})),
        "shortcut message as text": ("interactive", {
            "type": "message_action", "callback_id": "concern.flag", "team": {"id": TEAM_ID},
            "user": {"id": BOB}, "channel": {"id": "C0GENERAL1"}, "message": "x"}),
        # events
        "event missing": ("events_api", _without(dm, "event")),
        "event as text": ("events_api", {**dm, "event": "x"}),
        "event of an unknown type": ("events_api", {**dm, "event": {"type": "weird"}}),
        "message text a table": ("events_api", {**dm, "event": {**dm["event"],
                                                                 "text": {"a": 1}}}),
        "message without user": ("events_api", {**dm, "event": _without(dm["event"],
                                                                         "user")}),
        "message user a table": ("events_api", {**dm, "event": {**dm["event"],
                                                                 "user": {"id": BOB}}}),
        "join with user as text": ("events_api", payloads.event_callback(
            {"type": "team_join", "user": "U1"})),
        "join with profile as text": ("events_api", payloads.event_callback(
            {"type": "team_join", "user": {"id": "U0NEW0001", "profile": "x"}})),
        "home without user": ("events_api", payloads.event_callback(
            {"type": "app_home_opened", "tab": "home"})),
        "authorizations as text": ("events_api", {**dm, "authorizations": "x"}),
        "team id a table": ("events_api", {**dm, "team_id": {"a": 1}}),
    }


def readable_but_odd(slack: FakeSlack) -> dict[str, tuple[str, Any]]:
    """Requests in Slack's shape whose contents are odd: handled, never a failure."""
    slash = payloads.slash_command(slack, "/coprod", "help", user=ALICE)
    return {
        "no team id": ("slash_commands", _without(slash, "team_id")),
        "unknown command": ("slash_commands", {**slash, "command": "/nope"}),
        "shortcut without a message": ("interactive", {
            "type": "message_action", "callback_id": "concern.flag", "team": {"id": TEAM_ID},
            "user": {"id": BOB}, "channel": {"id": "C0GENERAL1"}, "trigger_id": "t"}),
        "button not ours": ("interactive", payloads.block_actions(
            slack, payloads.button("nobody.knows#0", "1"), user=BOB)),
        "modal not ours": ("interactive", _submission({
            "type": "modal", "callback_id": "coprod-form:nope", "state": {"values": {}}})),
    }


def _names(make: Any) -> list[str]:
    return sorted(make(FakeSlack()))


def _ours(caplog: pytest.LogCaptureFixture) -> Iterator[logging.LogRecord]:
    return (r for r in caplog.records if r.name.startswith(("adapters.", "bot.")))


def _check_logs(caplog: pytest.LogCaptureFixture, allowed_errors: tuple[str, ...] = ()
                ) -> list[logging.LogRecord]:
    records = list(_ours(caplog))
    for record in records:
        for value in getattr(record, "fields", {}).values():
            assert _LOG_VALUE.fullmatch(str(value)), (record.getMessage(), value)
        assert not record.exc_info, record.getMessage()
    errors = [(r.getMessage(), getattr(r, "fields", {})) for r in records
              if r.levelno >= logging.ERROR
              and getattr(r, "fields", {}).get("error") not in allowed_errors]
    assert not errors, errors
    return records


async def help_still_works(slack: FakeSlack) -> None:
    """The next valid command is acknowledged with the help (bounded wait)."""
    ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/coprod", "help", user=ALICE), limit=5)
    assert help_wording.N_("Here is what you can do. Commands start with a slash (/). Type /help "
                           "followed by a command's name to learn more about "
                           "it.").split(".")[0] in str(ack), ack


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """What is logged from INFO up: every test here checks what the adapter logged."""
    caplog.set_level(logging.INFO)
    return caplog


@pytest.mark.parametrize("case", _names(malformed))
async def test_a_malformed_envelope_is_logged_and_ignored(
        slack: FakeSlack, runner: SlackRunner, logs: pytest.LogCaptureFixture,
        case: str) -> None:
    kind, body = malformed(slack)[case]
    envelope = None
    if kind == "raw":
        await slack.send_raw(body)
    else:
        envelope = await slack.send(kind, body)
    if envelope is not None:
        ack = await slack.ack(envelope, limit=5)  # acknowledged, so Slack does not resend
        if kind == "slash_commands":
            assert ack.get("text") == catalog.PLATFORM_UNREADABLE
    await help_still_works(slack)
    # The Socket Mode client itself refuses a payload that is no payload at all.
    records = _check_logs(logs, allowed_errors=("ValueError",))
    assert any(r.getMessage() == "slack.payload_ignored" for r in records), case


@pytest.mark.parametrize("case", _names(readable_but_odd))
async def test_an_odd_but_readable_request_is_handled(
        slack: FakeSlack, runner: SlackRunner, logs: pytest.LogCaptureFixture,
        case: str) -> None:
    kind, body = readable_but_odd(slack)[case]
    await slack.ack(await slack.send(kind, body), limit=5)
    await runner.bridge.settle(5.0)
    await help_still_works(slack)
    records = _check_logs(logs)
    assert not any(r.getMessage() == "slack.payload_ignored" for r in records), case


async def test_a_frame_that_is_not_json_is_ignored(
        slack: FakeSlack, runner: SlackRunner, logs: pytest.LogCaptureFixture) -> None:
    await slack.send_raw("{not json")
    await slack.send_raw(b"\x00\x01")
    await help_still_works(slack)
    _check_logs(logs, allowed_errors=("JSONDecodeError",))


# ---- HTTP mode ------------------------------------------------------------------------


async def post_signed(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    """A request signed as Slack signs them, whatever its body."""
    stamp = str(int(time.time()))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": sign(SECRET, stamp, body)}
    async with aiohttp.ClientSession() as session, session.post(
            url, data=body, headers=headers) as response:
        return response.status, await response.text()


def _form(fields: dict[str, Any]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


HTTP_CASES: dict[str, tuple[bytes, str, int]] = {
    "empty form": (b"", "application/x-www-form-urlencoded", 200),
    "payload that is not JSON": (_form({"payload": "{nope"}),
                                 "application/x-www-form-urlencoded", 400),
    "JSON that is a list": (b"[1, 2]", "application/json", 400),
    "JSON that is not JSON": (b"{nope", "application/json", 400),
    "body not UTF-8": (b"\xff\xfe\x00payload", "application/x-www-form-urlencoded", 400),
    "command with no user": (_form({"command": "/coprod", "text": "help",
                                    "team_id": TEAM_ID}),
                             "application/x-www-form-urlencoded", 200),
    "interactive of no type": (_form({"payload": '{"user": {"id": "U0BOB0001"}}'}),
                               "application/x-www-form-urlencoded", 200),
    "event missing": (b'{"type": "event_callback", "team_id": "T0TEST01"}',
                      "application/json", 200),
    "event of an unknown type": (b'{"type": "event_callback", "event": {"type": "x"}}',
                                 "application/json", 200),
}


async def test_malformed_http_requests_are_logged_and_answered_without_failing(
        slack: FakeSlack, http_runner: SlackRunner,
        logs: pytest.LogCaptureFixture) -> None:
    url = events_url(http_runner)
    for case, (body, content_type, status) in HTTP_CASES.items():
        before = len([r for r in logs.records if r.getMessage() == "slack.payload_ignored"])
        answer = await post_signed(url, body, content_type)
        assert answer[0] == status, (case, answer)
        after = len([r for r in logs.records if r.getMessage() == "slack.payload_ignored"])
        assert after == before + 1, case
    # Unsigned garbage is refused before anything of it is read.
    async with aiohttp.ClientSession() as session, session.post(
            url, data=b"{nope", headers={"Content-Type": "application/json"}) as response:
        assert response.status == 401
    status, text = await signed_post(url, SECRET, form=payloads.slash_command(
        slack, "/coprod", "help", user=ALICE))
    assert status == 200 and help_wording.N_(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.").split(".")[0] in text
    _check_logs(logs)
    await asyncio.sleep(0)
