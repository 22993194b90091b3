"""The main feedback and poll flow through the real Discord adapter (discord.py against
the fake Discord): feedback by modal, a digest, "you said, we did", a poll with buttons,
a changed vote, and the results with a chart."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.digests import DigestJobs
from bot.features.feedback.store import Audience
from bot.features.polls import wording as poll_wording
from bot.text import render_channels
from scheduler import Firing
from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import buttons
from tests.contract.discord.conftest import inputs
from tests.fakes.discord import FakeDiscord
from tests.feedback.helpers import close_the_poll
from tests.feedback.helpers import feedback_host
from tests.feedback.helpers import reviewed_since_yesterday


@pytest.fixture
def guild() -> Guild:
    return Guild(channels=("feedback", "facilitators"),
                 members=(("alice",), ("bob",), ("erin",), ("finn",), ("carol", "Facilitator")),
                 admins=())


@pytest.fixture
async def harness(logs: io.StringIO, harness: Harness) -> Harness:
    """The standard harness, started after the logs are captured."""
    return harness


async def _send_feedback(fake: FakeDiscord, who: str, text: str) -> dict[str, Any]:
    opened = await fake.slash(who, "feedback", [{"name": "show", "type": 1, "options": []}])
    modal = await fake.wait_response(opened)
    assert modal["type"] == 9, "the form must be the first response"
    keys = [i["custom_id"] for i in inputs(modal["data"])]
    assert keys[:1] == ["message"]
    values = {"message": text, "topic": "", "audience": "group"}
    sent = await fake.submit(who, modal["data"], {k: values.get(k, "") for k in keys})
    return dict(await fake.wait_response(sent))


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_feedback_digest_and_you_said_we_did_on_discord(
        harness: Harness, logs: io.StringIO, tmp_path: Path) -> None:
    fake = harness.fake
    app = harness.app
    assert app is not None
    answer = await _send_feedback(fake, "alice", "Too much jargon @everyone")
    assert answer["data"]["content"] == feedback_wording.FEEDBACK_SENT
    assert answer["data"]["flags"] & 64  # only the sender sees it
    for who in ("bob", "carol", "erin", "finn"):
        await _send_feedback(fake, who, f"{who}'s point")
    zone = ZoneInfo(app.config.group.timezone)
    today = datetime.now(zone).replace(hour=17, minute=0, second=0, microsecond=0)
    await reviewed_since_yesterday(app)
    assert await DigestJobs(feedback_host(app)).run(Audience.GROUP, Firing("feedback-digest:group",
                                                             today)) == 1
    await harness.settle()
    posts = fake.public_posts("#feedback")
    assert len(posts) == 5
    for post in posts:
        assert_no_mentions(post["_body"])
    assert "@\u200beveryone" in "\n".join(p["content"] for p in posts)
    first = posts[0]
    (button,) = buttons(first)
    assert button["label"] == "You said, we did"
    pressed = await fake.press("carol", first, button["custom_id"])
    modal = await fake.wait_response(pressed)
    assert modal["type"] == 9
    done = await fake.submit("carol", modal["data"], {"answer": "We wrote a glossary."})
    reply = await fake.wait_response(done)
    link = f"<#{fake.by_name['#feedback']}>"  # a channel link, which pings nobody
    assert reply["data"]["content"] == render_channels(
        feedback_wording.feedback_answer_posted("feedback"), lambda _: link)
    await harness.settle()
    said = fake.public_posts("#feedback")[-1]
    assert said["content"].startswith("**You said, we did**")
    assert "We wrote a glossary." in said["content"]
    assert_no_mentions(said["_body"])
    # The canary: alice's id and name are nowhere in the logs or the database.
    alice = fake.by_name["alice"]
    assert "feedback.digest" in logs.getvalue()  # the logs are captured
    files = [p.read_bytes().lower() for p in _database_files(tmp_path)]
    assert files
    for needle in (alice, "alice"):
        assert needle not in logs.getvalue().lower()
        for data in files:
            assert needle.encode() not in data


def _database_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("coprod.db")]


async def test_poll_vote_change_and_results_on_discord(harness: Harness) -> None:
    fake = harness.fake
    app = harness.app
    assert app is not None
    made = await fake.slash("carol", "poll", [
        {"name": "question", "type": 3, "value": "Which day?"},
        {"name": "options", "type": 3, "value": "Monday|Friday"},
        {"name": "closes", "type": 3, "value": "2d"}])
    response = await fake.wait_response(made)
    assert f"will be posted in <#{fake.by_name['#updates']}>" in response["data"]["content"]
    await harness.settle()
    (post,) = fake.public_posts("#updates")
    monday, friday = buttons(post)
    assert [monday["label"], friday["label"]] == ["1. Monday", "2. Friday"]
    first = await fake.wait_response(await fake.press("alice", post, monday["custom_id"]))
    assert first["data"]["content"].startswith("Your vote is counted: Monday")
    assert first["data"]["flags"] & 64
    again = await fake.wait_response(await fake.press("alice", post, friday["custom_id"]))
    assert again["data"]["content"] == poll_wording.poll_vote_changed(["Friday"])
    await fake.wait_response(await fake.press("bob", post, friday["custom_id"]))
    poll_id = await close_the_poll(app)
    assert poll_id in monday["custom_id"]  # the poll travels in the button
    await harness.settle()
    result = fake.public_posts("#updates")[-1]
    assert result["content"].startswith("**Poll results:** Which day?")
    assert "- Friday: 2 votes (100%)" in result["content"]
    assert_no_mentions(result["_body"])
    attachments = result["_body"].get("attachments") or []
    assert attachments and "Bar chart" in attachments[0].get("description", "")
