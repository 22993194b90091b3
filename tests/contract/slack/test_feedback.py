"""The main feedback and poll flow through the real Slack adapter (slack-bolt over Socket
Mode against the fake Slack): feedback by modal, a digest, "you said, we did", a poll
with buttons, a changed vote, and the results with a chart."""

from __future__ import annotations

import io
import json
from datetime import UTC
from datetime import datetime

import pytest

from adapters.slack import SlackRunner
from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.digests import DigestJobs
from bot.features.feedback.store import Audience
from scheduler import Firing
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import CAROL
from tests.contract.slack.conftest import SAM
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import Workspace
from tests.contract.slack.conftest import button_press
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import press
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack
from tests.feedback.helpers import close_the_poll
from tests.feedback.helpers import feedback_host
from tests.feedback.helpers import reviewed_since_yesterday

FEEDBACK = "C0FEEDBK01"
MONDAY_5PM = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)


@pytest.fixture
def workspace() -> Workspace:
    """The standard workspace with a feedback channel."""
    return Workspace().plus(channels={"feedback": FEEDBACK})


@pytest.fixture
async def runner(logs: io.StringIO, runner: SlackRunner) -> SlackRunner:
    """The standard runner, started after the logs are captured."""
    return runner


async def test_feedback_digest_and_you_said_we_did_on_slack(
        slack: FakeSlack, runner: SlackRunner, logs: io.StringIO) -> None:
    senders = [ALICE, BOB, SAM, ALICE, ALICE]
    for n, user in enumerate(senders, start=1):
        ack = await slack.send_and_ack("slash_commands",
                                       payloads.slash_command(slack, "/feedback", "", user=user))
        assert ack == {}
        view = await modal(slack, n)
        done = await slack.send_and_ack("interactive", payloads.view_submission(
            view, {"message": f"<!channel> point {n}", "topic": "",
                   "audience": "group"}, user=user))
        assert done["response_action"] == "update"
        assert feedback_wording.FEEDBACK_SENT.split(".")[0] in json.dumps(done["view"])
    # The canary: the senders' ids and names are in no log line so far.
    assert "slack.connected" in logs.getvalue()  # the logs are captured
    assert "command.run" not in logs.getvalue()  # /feedback is not logged by name
    for needle in (ALICE, BOB, SAM, "Alice", "Bob", "Sam"):
        assert needle.lower() not in logs.getvalue().lower(), needle
    app = runner.core
    await reviewed_since_yesterday(app)
    assert await DigestJobs(feedback_host(app)).run(Audience.GROUP, Firing("feedback-digest:group",
                                                             MONDAY_5PM)) == 1
    await settle(runner)
    posts = posted(slack, FEEDBACK)
    assert len(posts) == 5
    words = json.dumps(posts, ensure_ascii=False)
    assert "<!channel>" not in words and "&lt;\u200b!channel" in words
    (button,) = elements(posts[0])
    await slack.send_and_ack("interactive", button_press(slack, button, CAROL, FEEDBACK))
    view = await modal(slack, 6)
    done = await slack.send_and_ack("interactive", payloads.view_submission(
        view, {"answer": "We changed the time."}, user=CAROL))
    assert "will be posted" in json.dumps(done)
    await settle(runner)
    said = posted(slack, FEEDBACK)[-1]
    assert "You said, we did" in json.dumps(said) and "We changed the time." in json.dumps(said)


async def test_poll_vote_change_and_results_on_slack(slack: FakeSlack,
                                                     runner: SlackRunner) -> None:
    made = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/poll", 'question="Which day?" options="Monday|Friday" closes=2d', user=CAROL))
    await settle(runner)
    assert made["response_type"] == "ephemeral" and "will be posted" in made["text"]
    (post,) = posted(slack, UPDATES)
    monday, friday = elements(post)
    for user, element, expected in ((ALICE, monday, "Your vote is counted: Monday"),
                                    (ALICE, friday, "Your vote is changed to: Friday"),
                                    (BOB, friday, "Your vote is counted: Friday")):
        (answer,) = await press(slack, element, user, UPDATES)
        assert answer["text"].startswith(expected)
        assert answer["response_type"] == "ephemeral"
    await close_the_poll(runner.core)
    await settle(runner)
    result = posted(slack, UPDATES)[-1]
    assert "Poll results" in json.dumps(result)
    assert "Friday: 2 votes (100%)" in json.dumps(result)
    assert slack.calls_to("files.completeUploadExternal")
