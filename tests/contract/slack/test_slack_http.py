"""HTTP mode: Slack's signed requests accepted; a bad signature or a replayed (old)
timestamp refused by Bolt's verification, with nothing processed."""

from __future__ import annotations

import json

import pytest

from adapters.slack import SlackRunner
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import events_url
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import settle
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack
from tests.fakes.slack.server import signed_post

SECRET = "test-signing-secret"


async def test_a_correctly_signed_command_is_answered(slack: FakeSlack,
                                                     http_runner: SlackRunner) -> None:
    form = payloads.slash_command(slack, "/coprod", "help", user=ALICE)
    status, body = await signed_post(events_url(http_runner), SECRET, form=form)
    assert status == 200
    answer = json.loads(body)
    assert answer["response_type"] == "ephemeral" and "/demo" in answer["text"]


async def test_a_signed_form_submission_and_event_are_processed(
        slack: FakeSlack, http_runner: SlackRunner) -> None:
    form = payloads.slash_command(slack, "/demo", "", user=ALICE)
    status, _ = await signed_post(events_url(http_runner), SECRET, form=form)
    assert status == 200
    view = await modal(slack, 1)
    submission = payloads.view_submission(view, {"title": "x" * 11}, user=ALICE)
    status, body = await signed_post(events_url(http_runner), SECRET,
                                     form=payloads.interactive_form(submission))
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    dm = payloads.direct_message(BOB, "hi")
    status, _ = await signed_post(events_url(http_runner), SECRET, json_body=dm)
    assert status == 200
    await slack.wait_for(lambda: slack.calls_to("chat.postMessage"))
    # Slack's retry of the same event (it did not see the 200 in time) is answered once.
    status, _ = await signed_post(events_url(http_runner), SECRET, json_body=dm, retry=1)
    assert status == 200
    await settle(http_runner)
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("tamper", ["bad_signature", "replayed"])
async def test_a_forged_or_replayed_request_is_refused_and_nothing_runs(
        slack: FakeSlack, http_runner: SlackRunner, tamper: str) -> None:
    form = payloads.slash_command(slack, "/demo", "", user=ALICE)
    status, _ = await signed_post(events_url(http_runner), SECRET, form=form,
                                  bad_signature=tamper == "bad_signature",
                                  age_seconds=301 if tamper == "replayed" else 0)
    assert status == 401
    status, _ = await signed_post(events_url(http_runner), SECRET,
                                  json_body=payloads.direct_message(BOB, "hi"),
                                  bad_signature=tamper == "bad_signature",
                                  age_seconds=600 if tamper == "replayed" else 0)
    assert status == 401
    await settle(http_runner)
    assert slack.calls == [] and slack.responses == []


async def test_slacks_url_verification_challenge_is_answered(
        slack: FakeSlack, http_runner: SlackRunner) -> None:
    status, body = await signed_post(events_url(http_runner), SECRET, json_body={
        "type": "url_verification", "token": "legacy", "challenge": "c-123"})
    assert status == 200 and json.loads(body)["challenge"] == "c-123"
