"""The main feedback and poll flow through the real Slack adapter (slack-bolt over Socket
Mode against the fake Slack): feedback by modal, a digest, "you said, we did", a poll
with buttons, a changed vote, and the results with a chart."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot.clock import FakeClock
from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.digests import DigestJobs
from bot.features.feedback.store import Audience
from bot.features.polls import Polls
from bot.logs import configure_logging
from scheduler import Firing
from storage.interface import Storage
from tests.contract.slack.conftest import (
    ALICE,
    BOB,
    CAROL,
    FACILITATORS,
    GENERAL,
    LEADS,
    SAM,
    UPDATES,
    Gate,
    make_app,
    settle,
    slack_config,
)
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack
from tests.feedback.helpers import feedback_host, reviewed_since_yesterday

FEEDBACK = "C0FEEDBK01"
MONDAY_5PM = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        for user, name in ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol")):
            fake.add_user(user, name)
        fake.add_user(SAM, "Sam", admin=True)
        fake.usergroups.append({"id": FACILITATORS, "handle": "facilitators",
                                "name": "Facilitators", "users": [CAROL]})
        fake.channels.update({"general": GENERAL, "updates": UPDATES,
                              "safeguarding-leads": LEADS, "feedback": FEEDBACK})
        yield fake


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every log line at debug, captured from before the bot starts."""
    stream = io.StringIO()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    configure_logging("debug", stream=stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def runner(slack: FakeSlack, storage: Storage, clock: FakeClock,
                 gate: Gate, logs: io.StringIO) -> AsyncIterator[SlackRunner]:
    config = slack_config(slack)
    app = await make_app(storage, clock, config, gate)
    adapter = SlackRunner(app, config, ack_budget=1.0)
    await adapter.start()
    await slack.connected()
    try:
        yield adapter
    finally:
        gate.release.set()
        await adapter.stop()


def _posted(slack: FakeSlack, channel: str) -> list[dict[str, Any]]:
    out = []
    for call in slack.calls_to("chat.postMessage"):
        if call.args.get("channel") == channel:
            args = dict(call.args)
            if isinstance(args.get("blocks"), str):
                args["blocks"] = json.loads(args["blocks"])
            out.append(args)
    return out


def _elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions"
            for e in b["elements"]]


async def _modal(slack: FakeSlack, count: int) -> dict[str, Any]:
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) >= count)
    view = slack.calls_to("views.open")[count - 1].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def test_feedback_digest_and_you_said_we_did_on_slack(
        slack: FakeSlack, runner: SlackRunner, logs: io.StringIO) -> None:
    senders = [ALICE, BOB, SAM, ALICE, ALICE]
    for n, user in enumerate(senders, start=1):
        ack = await slack.send_and_ack("slash_commands",
                                       payloads.slash_command(slack, "/feedback", "", user=user))
        assert ack == {}
        view = await _modal(slack, n)
        done = await slack.send_and_ack("interactive", payloads.view_submission(
            view, {"message": f"<!channel> point {n}", "topic": "",
                   "audience": "group"}, user=user))
        assert done["response_action"] == "update"
        assert feedback_wording.FEEDBACK_SENT.split(".")[0] in json.dumps(done["view"])
    # The canary: the senders' ids and names are in no log line so far.
    assert "command.run" in logs.getvalue()
    for needle in (ALICE, BOB, SAM, "Alice", "Bob", "Sam"):
        assert needle.lower() not in logs.getvalue().lower(), needle
    app = runner.core
    await reviewed_since_yesterday(app)
    assert await DigestJobs(feedback_host(app)).run(Audience.GROUP, Firing("feedback-digest:group",
                                                             MONDAY_5PM)) == 1
    await settle(runner)
    posts = _posted(slack, FEEDBACK)
    assert len(posts) == 5
    words = json.dumps(posts, ensure_ascii=False)
    assert "<!channel>" not in words and "&lt;\u200b!channel" in words
    (button,) = _elements(posts[0])
    pressed = payloads.block_actions(slack, payloads.button(button["action_id"],
                                                            button["value"]), user=CAROL,
                                     channel=FEEDBACK)
    await slack.send_and_ack("interactive", pressed)
    view = await _modal(slack, 6)
    done = await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"answer": "We changed the time."}, user=CAROL))
    assert "will be posted" in json.dumps(done)
    await settle(runner)
    said = _posted(slack, FEEDBACK)[-1]
    assert "You said, we did" in json.dumps(said) and "We changed the time." in json.dumps(said)


async def test_poll_vote_change_and_results_on_slack(slack: FakeSlack,
                                                     runner: SlackRunner) -> None:
    made = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/poll", 'question="Which day?" options="Monday|Friday" closes=2d', user=CAROL))
    await settle(runner)
    assert made["response_type"] == "ephemeral" and "will be posted" in made["text"]
    (post,) = _posted(slack, UPDATES)
    monday, friday = _elements(post)
    for user, element, expected in ((ALICE, monday, "Your vote is counted: Monday"),
                                    (ALICE, friday, "Your vote is changed to: Friday"),
                                    (BOB, friday, "Your vote is counted: Friday")):
        payload = payloads.block_actions(slack, payloads.button(element["action_id"],
                                                                element["value"]),
                                         user=user, channel=UPDATES)
        await slack.send_and_ack("interactive", payload)
        await slack.wait_for(lambda p=payload: slack.responded(p["response_url"]))
        (answer,) = slack.responded(payload["response_url"])
        assert answer["text"].startswith(expected)
        assert answer["response_type"] == "ephemeral"
    app = runner.core
    polls = app._actions["poll.vote"].__self__  # type: ignore[attr-defined]
    assert isinstance(polls, Polls)
    (poll,) = await app.storage.open_polls()
    assert await polls.close(poll.poll_id, Firing(f"poll-close:{poll.poll_id}",
                                                  poll.closes_at))
    await settle(runner)
    result = _posted(slack, UPDATES)[-1]
    assert "Poll results" in json.dumps(result)
    assert "Friday: 2 votes (100%)" in json.dumps(result)
    assert slack.calls_to("files.completeUploadExternal")
