"""The welcome on join and the agreement flow through the real Slack adapter (slack-bolt
over Socket Mode against the fake Slack): `team_join` brings a welcome DM (or, when the
DM is refused, a private note in the facilitators' channel), and an amendment is
proposed, voted on with buttons, decided, announced and shown in the history."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from adapters.slack import SlackRunner
from adapters.slack.manifest import BOT_EVENTS
from bot.features.agreement.feature import Agreement
from bot.features.welcome import wording as welcome_words
from scheduler import Firing
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import CAROL
from tests.contract.slack.conftest import GENERAL
from tests.contract.slack.conftest import SAM
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import Workspace
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import press
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack

DANA, FRANK = "U0DANA001", "U0FRANK01"
FACILITATORS_CHANNEL = "G0FACIL001"


@pytest.fixture
def workspace() -> Workspace:
    """The standard workspace with the facilitators' private channel."""
    return Workspace().plus(channels={"facilitators": FACILITATORS_CHANNEL})


def _team_join(user: str, name: str) -> dict[str, Any]:
    return payloads.event_callback({
        "type": "team_join", "event_ts": f"{time.time():.6f}",
        "user": {"id": user, "name": name.lower(), "real_name": name, "is_bot": False,
                 "profile": {"display_name": name, "real_name": name}}})


def test_team_join_is_subscribed() -> None:
    assert "team_join" in BOT_EVENTS


async def test_welcome_dm_on_team_join_and_note_when_refused(
        slack: FakeSlack, runner: SlackRunner) -> None:
    slack.add_user(DANA, "Dana")
    await slack.send_and_ack("events_api", _team_join(DANA, "Dana"))
    await slack.wait_for(lambda: posted(slack))
    await settle(runner)
    (welcome,) = posted(slack)
    assert welcome["channel"].startswith("D")  # a direct message, not a channel
    assert "Welcome, Dana!" in welcome["text"]
    slack.add_user(FRANK, "Frank")
    slack.fail_next("conversations.open", error="cannot_dm_bot")
    await slack.send_and_ack("events_api", _team_join(FRANK, "Frank"))
    await slack.wait_for(lambda: posted(slack, FACILITATORS_CHANNEL))
    await settle(runner)
    (note,) = posted(slack, FACILITATORS_CHANNEL)
    assert note["text"] == welcome_words.welcome_undelivered("Frank")
    assert not posted(slack, GENERAL) and not posted(slack, UPDATES)


async def test_agreement_amendment_vote_and_history_on_slack(
        slack: FakeSlack, runner: SlackRunner) -> None:
    started = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/agreement", 'start points="We listen\\nWe start on time"', user=CAROL))
    assert started["text"] == f"Saved as version 1, and announced in <#{UPDATES}>."
    proposed = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/agreement", 'propose change=change point=2 text="We start and end on time" '
                             'reason="Buses"', user=CAROL))
    assert f"posted in <#{UPDATES}> for the group" in proposed["text"]
    await settle(runner)
    post = posted(slack, UPDATES)[-1]
    assert "A proposed change to our agreement" in json.dumps(post)
    yes, no = elements(post)
    for user, element in ((ALICE, yes), (BOB, yes), (SAM, no)):
        (answer,) = await press(slack, element, user, UPDATES)
        assert answer["text"].startswith("Your vote is counted")
        assert answer["response_type"] == "ephemeral"
    app = runner.core
    feature = app._actions["agreement.vote"].__self__  # type: ignore[attr-defined]
    assert isinstance(feature, Agreement)
    (amendment,) = await app.storage.open_amendments()
    assert await feature.decide(amendment.amendment_id, Firing(
        f"amendment-close:{amendment.amendment_id}", amendment.closes_at)) is not None
    await settle(runner)
    result = json.dumps(posted(slack, UPDATES)[-1], ensure_ascii=False)
    assert "(2 yes, 1 no)" in result and "Version 2 is now in force" in result
    history = await slack.send_and_ack("slash_commands", payloads.slash_command(
        slack, "/agreement", "history", user=ALICE))
    text = history["text"]
    assert "Version 1" in text and "Version 2" in text and "Buses" in text
