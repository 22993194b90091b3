"""Deliveries through the Slack sender: rate limits, transient failures, refusals as the
core's typed errors, DMs, private replies, images, role pings; and the real entry point."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.slack import SlackRunner
from adapters.slack import run_platform
from bot.clock import FakeClock
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.errors import UnsupportedMessage
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Image
from bot.messages import Message
from bot.outbox import NewDelivery
from storage.interface import Storage
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import FACILITATORS
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import Gate
from tests.contract.slack.conftest import make_app
from tests.contract.slack.conftest import settle
from tests.contract.slack.conftest import slack_config
from tests.fakes.slack import payloads
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack


async def deliver(runner: SlackRunner, clock: FakeClock, key: str,
                  destination: Destination, message: Message) -> None:
    await runner.core.storage.enqueue([NewDelivery(key, destination, message)], clock.now())
    runner.core.deliveries_waiting()


async def test_a_rate_limited_send_waits_and_is_then_sent_once(
        slack: FakeSlack, runner: SlackRunner, clock: FakeClock) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=30)
    await deliver(runner, clock, "k1", Destination.to_channel(TEAM_ID, "updates"),
                  Message("Meeting moved"))
    await settle(runner)
    assert len(slack.calls_to("chat.postMessage")) == 1  # refused with 429, not retried yet
    clock.advance(timedelta(seconds=10))
    await settle(runner)
    assert len(slack.calls_to("chat.postMessage")) == 1  # still inside Retry-After
    clock.advance(timedelta(seconds=25))
    await settle(runner)
    calls = slack.calls_to("chat.postMessage")
    assert len(calls) == 2 and calls[1].args["channel"] == UPDATES
    clock.advance(timedelta(hours=1))
    await settle(runner)
    assert len(slack.calls_to("chat.postMessage")) == 2  # sent once, never again


async def test_a_server_error_is_retried(slack: FakeSlack, runner: SlackRunner,
                                         clock: FakeClock) -> None:
    slack.fail_next("chat.postMessage", status=503)
    await deliver(runner, clock, "k2", Destination.to_dm(TEAM_ID, BOB), Message("Hi Bob"))
    await settle(runner)
    clock.advance(timedelta(minutes=15))
    await settle(runner)
    calls = slack.calls_to("chat.postMessage")
    assert [c.args["channel"] for c in calls] == ["D0BOB0001", "D0BOB0001"]
    assert len(slack.calls_to("conversations.open")) == 1  # the DM channel is remembered


@pytest.mark.parametrize(("method", "error", "status", "expected"), [
    ("chat.postMessage", "ratelimited", 429, RateLimited),
    ("chat.postMessage", "channel_not_found", 200, NotFound),
    ("chat.postMessage", "not_in_channel", 200, Forbidden),
    ("chat.postMessage", "is_archived", 200, Forbidden),
    ("chat.postMessage", "invalid_blocks", 200, UnsupportedMessage),
    ("chat.postMessage", "internal_error", 200, Transient),
    ("chat.postMessage", "", 500, Transient),
    ("conversations.open", "cannot_dm_bot", 200, Forbidden),
    ("conversations.open", "user_disabled", 200, NotFound),
])
async def test_slack_errors_become_typed_errors(
        slack: FakeSlack, runner: SlackRunner, method: str, error: str, status: int,
        expected: type[Exception]) -> None:
    slack.fail_next(method, status=status, error=error, retry_after=2 if status == 429 else None)
    destination = (Destination.to_dm(TEAM_ID, "U0NEWUSER1") if method == "conversations.open"
                   else Destination.to_channel(TEAM_ID, "updates"))
    slack.add_user("U0NEWUSER1", "New")
    with pytest.raises(expected) as caught:
        await runner.sender.send(destination, Message("x"), "key")
    if expected is RateLimited:
        assert isinstance(caught.value, RateLimited) and caught.value.retry_after == 2


async def test_an_unknown_channel_name_is_not_found(slack: FakeSlack,
                                                    runner: SlackRunner) -> None:
    with pytest.raises(NotFound):
        await runner.sender.send(Destination.to_channel(TEAM_ID, "#nowhere"), Message("x"), "k")


async def test_private_replies_images_and_role_pings(slack: FakeSlack,
                                                     runner: SlackRunner) -> None:
    ephemeral = Destination(DestinationKind.EPHEMERAL, TEAM_ID, channel="general", user=ALICE)
    ref = await runner.sender.send(ephemeral, Message("Only you", images=(
        Image("a.png", b"png", "a chart of attendance"),)), "k1")
    [call] = slack.calls_to("chat.postEphemeral")
    assert call.args["user"] == ALICE and ref.startswith("C0GENERAL1:")
    assert "a chart of attendance" in json.dumps(call.args)
    assert slack.calls_to("files.getUploadURLExternal") == []  # never shared publicly

    await runner.sender.send(Destination.to_channel(TEAM_ID, "updates"), Message(
        "Meeting today", images=(Image("m.png", b"png", "the room map"),),
        allow_role_mentions=("facilitators",)), "k2")
    [upload] = slack.calls_to("files.getUploadURLExternal")
    assert upload.args["alt_txt"] == "the room map"
    assert slack.calls_to("files.completeUploadExternal")
    [post] = slack.calls_to("chat.postMessage")
    assert post.args["text"].startswith(f"<!subteam^{FACILITATORS}>")


async def test_roles_fall_back_to_member_when_user_groups_are_unavailable(
        slack: FakeSlack, runner: SlackRunner) -> None:
    slack.usergroups_error = "paid_teams_only"
    runner.directory.forget()
    actor = await runner.directory.actor("U0CAROL01")
    assert actor.platform_roles == frozenset({"U0CAROL01"}) and not actor.is_admin
    slack.usergroups_error = ""
    runner.directory.forget()
    actor = await runner.directory.actor("U0CAROL01")
    assert {"facilitators", FACILITATORS, "Facilitators"} <= actor.platform_roles
    assert (await runner.directory.actor("U0SAM0001")).is_admin


async def test_run_platform_connects_through_api_base_and_stops_cleanly(
        slack: FakeSlack, storage: Storage, clock: FakeClock) -> None:
    config = slack_config(slack)
    app = await make_app(storage, clock, config, Gate())
    task = asyncio.create_task(run_platform(app, config))
    await slack.connected()
    ack = await slack.send_and_ack("slash_commands",
                                   payloads.slash_command(slack, "/coprod", "", user=ALICE))
    assert "/demo" in ack["text"]
    assert [c.method for c in slack.calls[:2]] == ["auth.test", "apps.connections.open"]
    assert slack.calls_to("apps.connections.open")[0].token == "xapp-test-token"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(10):
            await task
    assert app.dispatcher is None or app._dispatch_task is None


async def test_run_platform_refuses_a_bad_token(slack: FakeSlack, storage: Storage,
                                                clock: FakeClock,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    slack.fail_next("auth.test", error="invalid_auth")
    config = slack_config(slack)
    app = await make_app(storage, clock, replace(config), Gate())
    async with asyncio.timeout(10):
        assert await run_platform(app, config) == 1
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
    assert slack.calls_to("apps.connections.open") == []


async def test_a_timeout_is_transient(slack: FakeSlack, runner: SlackRunner) -> None:
    slack.stall_next("chat.postMessage", 1.0)
    runner.client.timeout = 0.2
    with pytest.raises(Transient):
        await runner.sender.send(Destination.to_channel(TEAM_ID, "updates"), Message("x"), "k")


async def test_socket_mode_reconnects_when_slack_asks(slack: FakeSlack,
                                                      runner: SlackRunner) -> None:
    await slack.ask_to_reconnect()
    await slack.connected()
    await slack.wait_for(lambda: len(slack.calls_to("apps.connections.open")) == 2)
    ack = await slack.send_and_ack("slash_commands",
                                   payloads.slash_command(slack, "/coprod", "", user=ALICE))
    assert "/demo" in ack["text"]


async def test_a_send_slower_than_its_wait_is_retried_without_posting_twice(
        slack: FakeSlack, runner: SlackRunner) -> None:
    """Found by the fault campaign: a timed-out chat.postMessage that Slack carried out
    anyway was posted again by the retry (Slack has no idempotency key)."""
    sender = runner.sender
    sender.wait_seconds = 0.2
    where = Destination.to_channel(TEAM_ID, "updates")
    slack.stall_next("chat.postMessage", 0.6)
    with pytest.raises(Transient):
        await sender.send(where, Message("Meeting moved"), "slow-1")
    await asyncio.sleep(0.3)  # the dispatcher's backoff
    ref = await sender.send(where, Message("Meeting moved"), "slow-1")  # the retry
    assert [p["ts"] for p in slack.posted] == [ref.split(":")[1]]
    assert len(slack.calls_to("chat.postMessage")) == 1
    # A send that failed for sure is sent afresh by its retry.
    slack.fail_next("chat.postMessage", status=503)
    with pytest.raises(Transient):
        await sender.send(where, Message("Agenda"), "slow-2")
    await sender.send(where, Message("Agenda"), "slow-2")
    assert len(slack.calls_to("chat.postMessage")) == 3 and len(slack.posted) == 2
