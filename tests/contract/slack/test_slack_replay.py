"""Replays in HTTP mode, through the real slack-bolt against the fake Slack: a correctly
signed request sent again inside Slack's five-minute signature window (by anyone who saw
it: a proxy log, a load balancer) is acknowledged with nothing and changes nothing,
whatever its kind (slash command, button press, form, event), and whichever process of
several sharing one database receives it. Slack's own retries of an event still count
once; a bad or stale signature is still refused; a Socket Mode envelope Slack delivers
again is not handled twice."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

from adapters.slack import SlackRunner
from adapters.slack.runner import CLAIM_BUCKET_SECONDS
from adapters.slack.runner import CLAIM_MARGIN_SECONDS
from adapters.slack.runner import SIGNATURE_WINDOW_SECONDS
from bot.clock import FakeClock
from bot.features.feedback.store import Audience
from storage.crypto import FieldCipher
from storage.interface import Storage
from storage.interface import StorageError
from tests.backends import another_handle
from tests.backends import raw_rows
from tests.contract.slack.conftest import ALICE
from tests.contract.slack.conftest import BOB
from tests.contract.slack.conftest import CAROL
from tests.contract.slack.conftest import UPDATES
from tests.contract.slack.conftest import button_press
from tests.contract.slack.conftest import dm
from tests.contract.slack.conftest import elements
from tests.contract.slack.conftest import events_url
from tests.contract.slack.conftest import modal
from tests.contract.slack.conftest import posted
from tests.contract.slack.conftest import settle
from tests.contract.slack.conftest import start_http_runner
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack
from tests.fakes.slack.server import SignedRequest
from tests.fakes.slack.server import post_signed
from tests.fakes.slack.server import signed_request
from tests.feedback.helpers import close_the_poll

SECRET = "test-signing-secret"
MICROS = 1_000_000
GRACE_SECONDS = 0.3


@pytest.fixture
async def two_processes(slack: FakeSlack, storage: Storage, cipher: FieldCipher,
                        clock: FakeClock) -> AsyncIterator[tuple[SlackRunner, SlackRunner]]:
    """Two bots in HTTP mode, each with its own connection to one database, as two
    processes behind a load balancer are."""
    other = another_handle(storage, cipher)
    await other.open()
    first = await start_http_runner(slack, storage, clock)
    second = await start_http_runner(slack, other, clock)
    try:
        yield first, second
    finally:
        await second.stop()
        await first.stop()
        await other.close()


def command(slack: FakeSlack, text: str, user: str = CAROL,
            name: str = "/poll") -> SignedRequest:
    return signed_request(SECRET, form=payloads.slash_command(slack, name, text, user=user))


def interactive(payload: dict[str, Any], **kwargs: Any) -> SignedRequest:
    return signed_request(SECRET, form=payloads.interactive_form(payload), **kwargs)


POLL = 'question="Which day?" options="Monday|Tuesday" closes=2d'


async def _count(storage: Storage, table: str) -> int:
    rows = await raw_rows(storage, f"SELECT COUNT(*) AS n FROM {table}")
    return int(str(rows[0]["n"]))


async def _feedback_pieces(storage: Storage) -> int:
    """Pieces of feedback stored: pending ones (kept in sealed piles until their day is
    over) are released for review first, then every row counted."""
    later = datetime(2100, 1, 1, tzinfo=UTC)
    for audience in Audience:
        for group_id in await storage.groups_with_waiting_feedback(audience):
            await storage.release_feedback(group_id, audience, later, 1, later)
    return await _count(storage, "feedback_items")


def _logged(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == event]


def _replays_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return _logged(caplog, "slack.replay_ignored")


class _Logged(logging.Handler):
    """Lets a test wait (bounded) for a log line by its event name, logged from when
    this is made."""

    def __init__(self, event: str) -> None:
        super().__init__(logging.INFO)
        self.event = event
        self.seen = asyncio.Event()
        logging.getLogger().addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == self.event:
            self.seen.set()

    async def wait(self, limit: float = 5.0) -> None:
        try:
            async with asyncio.timeout(limit):
                await self.seen.wait()
        finally:
            logging.getLogger().removeHandler(self)


async def _dm_answers(slack: FakeSlack, user: str, count: int) -> None:
    """Wait for `count` answers in the bot's DM with `user`, then a little longer, so
    that a second answer to the same event (Bolt handles events after acknowledging
    them) would be seen."""
    await slack.wait_for(lambda: len(posted(slack, dm(user))) >= count)
    await asyncio.sleep(GRACE_SECONDS)
    assert len(posted(slack, dm(user))) == count


# ---- each kind, replayed ------------------------------------------------------------------


async def test_a_replayed_slash_command_is_acknowledged_empty_and_changes_nothing(
        slack: FakeSlack, http_runner: SlackRunner, storage: Storage,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    request = command(slack, POLL)
    status, body = await post_signed(events_url(http_runner), request)
    assert status == 200 and "will be posted" in json.loads(body)["text"]
    status, body = await post_signed(events_url(http_runner), request)
    assert (status, body) == (200, "")
    await settle(http_runner)
    assert len(await storage.open_polls()) == 1
    assert len(posted(slack, UPDATES)) == 1
    # Logged by its event name only: no id of the person, the group or the request.
    (logged,) = _replays_logged(caplog)
    assert getattr(logged, "fields", None) == {}


async def test_a_replayed_vote_cannot_bring_back_a_changed_vote(
        slack: FakeSlack, http_runner: SlackRunner, caplog: pytest.LogCaptureFixture) -> None:
    """The defect as found: vote Monday, change to Tuesday, replay the Monday press."""
    caplog.set_level(logging.INFO)
    status, _ = await post_signed(events_url(http_runner), command(slack, POLL))
    assert status == 200
    await slack.wait_for(lambda: posted(slack, UPDATES))
    monday, tuesday = elements(posted(slack, UPDATES)[0])

    def press(button: dict[str, Any]) -> tuple[dict[str, Any], SignedRequest]:
        payload = button_press(slack, button, ALICE, UPDATES)
        return payload, interactive(payload)

    monday_payload, monday_press = press(monday)
    tuesday_payload, tuesday_press = press(tuesday)
    for payload, request, expected in (
            (monday_payload, monday_press, "Your vote is counted: Monday"),
            (tuesday_payload, tuesday_press, "Your vote is changed to: Tuesday")):
        assert (await post_signed(events_url(http_runner), request))[0] == 200
        await slack.wait_for(lambda p=payload: slack.responded(p["response_url"]))
        (answer,) = slack.responded(payload["response_url"])
        assert answer["text"].startswith(expected)

    # Bolt acknowledges a button with an empty 200 too: the log says it went no further.
    assert await post_signed(events_url(http_runner), monday_press) == (200, "")
    assert len(_replays_logged(caplog)) == 1
    await asyncio.sleep(GRACE_SECONDS)
    await settle(http_runner)
    assert len(slack.responded(monday_payload["response_url"])) == 1  # no "changed to"

    await close_the_poll(http_runner.core)
    await settle(http_runner)
    results = json.dumps(posted(slack, UPDATES)[-1])
    assert "Tuesday: 1 vote (100%)" in results and "Monday: 0 votes (0%)" in results


async def test_a_replayed_form_submission_is_stored_once(
        slack: FakeSlack, http_runner: SlackRunner, storage: Storage) -> None:
    status, _ = await post_signed(events_url(http_runner), command(slack, "", ALICE, "/feedback"))
    assert status == 200
    view = await modal(slack)
    sent = interactive(payloads.view_submission(
        view, {"message": "The room was cold.", "topic": "", "audience": "group"},
        user=ALICE))
    status, body = await post_signed(events_url(http_runner), sent)
    assert status == 200 and json.loads(body)["response_action"] == "update"
    assert await post_signed(events_url(http_runner), sent) == (200, "")
    await settle(http_runner)
    assert await _feedback_pieces(storage) == 1


async def test_a_replayed_event_is_handled_once_even_when_both_arrive_together(
        slack: FakeSlack, http_runner: SlackRunner, caplog: pytest.LogCaptureFixture) -> None:
    # Before, the event id was marked only once the first copy was handled to the end, so
    # a copy arriving meanwhile was handled too.
    caplog.set_level(logging.INFO)
    first = signed_request(SECRET, json_body=payloads.direct_message(BOB, "hello"))
    answers = await asyncio.gather(*(post_signed(events_url(http_runner), first)
                                     for _ in range(3)))
    assert all(status == 200 for status, _ in answers)
    assert len(_replays_logged(caplog)) == 2  # two of the three never reached Bolt
    await _dm_answers(slack, BOB, 1)
    later = signed_request(SECRET, json_body=payloads.direct_message(BOB, "again"))
    assert (await post_signed(events_url(http_runner), later))[0] == 200
    await _dm_answers(slack, BOB, 2)
    assert await post_signed(events_url(http_runner), later) == (200, "")
    assert len(_replays_logged(caplog)) == 3
    await _dm_answers(slack, BOB, 2)


async def test_slacks_own_retry_of_an_event_is_not_a_replay_and_counts_once(
        slack: FakeSlack, http_runner: SlackRunner, caplog: pytest.LogCaptureFixture) -> None:
    """Slack signs each retry afresh (new timestamp, `X-Slack-Retry-Num`): it passes the
    replay check, and the event id keeps the event to one answer."""
    caplog.set_level(logging.INFO)
    dm = payloads.direct_message(BOB, "hi")
    assert (await post_signed(events_url(http_runner), signed_request(
        SECRET, json_body=dm, age_seconds=3)))[0] == 200
    await _dm_answers(slack, BOB, 1)
    repeat = _Logged("event.repeat_ignored")
    assert (await post_signed(events_url(http_runner), signed_request(
        SECRET, json_body=dm, retry=1)))[0] == 200
    await repeat.wait()
    assert _replays_logged(caplog) == []
    await _dm_answers(slack, BOB, 1)
    # A retry of an event whose first copy never arrived is handled.
    assert (await post_signed(events_url(http_runner), signed_request(
        SECRET, json_body=payloads.direct_message(BOB, "lost"), retry=2)))[0] == 200
    await _dm_answers(slack, BOB, 2)


async def test_a_request_whose_replay_claim_cannot_be_stored_is_not_handled(
        slack: FakeSlack, http_runner: SlackRunner, storage: Storage,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without its claim a request could be handled twice: it is refused (503, so Slack
    retries an event), and Slack's retry is handled once the database answers again."""
    real = storage.claim_request

    async def down(*args: Any) -> bool:
        raise StorageError("database unreachable")

    monkeypatch.setattr(storage, "claim_request", down)
    dm = payloads.direct_message(BOB, "hi")
    assert await post_signed(events_url(http_runner), signed_request(
        SECRET, json_body=dm, age_seconds=3)) == (503, "")
    monkeypatch.setattr(storage, "claim_request", real)
    assert (await post_signed(events_url(http_runner), signed_request(
        SECRET, json_body=dm, retry=1)))[0] == 200
    await _dm_answers(slack, BOB, 1)


# ---- signatures ---------------------------------------------------------------------------


async def test_a_replay_with_a_bad_or_stale_signature_is_refused_and_claims_nothing(
        slack: FakeSlack, http_runner: SlackRunner, storage: Storage) -> None:
    seen = command(slack, POLL)
    tampered = SignedRequest(seen.body.replace(b"Monday", b"Sunday"), seen.headers)
    refused = [
        tampered,
        SignedRequest(seen.body, {**seen.headers, "X-Slack-Signature": "v0=" + "0" * 64}),
        signed_request(SECRET, form=payloads.slash_command(slack, "/poll", POLL, user=CAROL),
                       age_seconds=SIGNATURE_WINDOW_SECONDS + 1),
        signed_request(SECRET, form=payloads.slash_command(slack, "/poll", POLL, user=CAROL),
                       bad_signature=True),
    ]
    for request in refused:
        assert (await post_signed(events_url(http_runner), request))[0] == 401
    await settle(http_runner)
    assert slack.calls == [] and await storage.open_polls() == []
    # Nothing unsigned reaches the claims: they cannot be filled up, or a request taken
    # before Slack's own copy arrives, by someone without the signing secret.
    assert await _count(storage, "request_claims") == 0


async def test_a_replay_claim_keeps_a_digest_only_for_longer_than_the_window(
        slack: FakeSlack, http_runner: SlackRunner, storage: Storage) -> None:
    request = command(slack, POLL)
    assert (await post_signed(events_url(http_runner), request))[0] == 200
    (row,) = await raw_rows(storage, "SELECT digest, expires_at FROM request_claims")
    digest, expires = str(row["digest"]), int(str(row["expires_at"]))
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert digest not in request.headers["X-Slack-Signature"]
    assert expires % (CLAIM_BUCKET_SECONDS * MICROS) == 0
    assert expires >= (request.timestamp + SIGNATURE_WINDOW_SECONDS
                       + CLAIM_MARGIN_SECONDS) * MICROS
    assert expires <= (request.timestamp + SIGNATURE_WINDOW_SECONDS + CLAIM_MARGIN_SECONDS
                       + CLAIM_BUCKET_SECONDS) * MICROS


# ---- several processes on one database ----------------------------------------------------


@pytest.mark.backends
async def test_a_replay_to_another_process_is_handled_once(
        slack: FakeSlack, storage: Storage, two_processes: tuple[SlackRunner, SlackRunner],
        caplog: pytest.LogCaptureFixture) -> None:
    """The same signed request reaching two processes (one of them from a replay), at
    the same moment or one after the other: handled by one only, whatever its kind."""
    caplog.set_level(logging.INFO)
    first, second = two_processes
    both = (events_url(first), events_url(second))

    made = command(slack, POLL)
    answers = await asyncio.gather(*(post_signed(u, made) for u in both))
    assert sorted(status for status, _ in answers) == [200, 200]
    assert sorted(bool(body) for _, body in answers) == [False, True]
    assert len(await storage.open_polls()) == 1

    await slack.wait_for(lambda: posted(slack, UPDATES))
    monday, _ = elements(posted(slack, UPDATES)[0])
    vote = button_press(slack, monday, ALICE, UPDATES)
    pressed = interactive(vote)
    assert (await post_signed(both[0], pressed))[0] == 200
    await slack.wait_for(lambda: slack.responded(vote["response_url"]))
    assert await post_signed(both[1], pressed) == (200, "")
    assert len(_replays_logged(caplog)) == 2

    opened = command(slack, "", ALICE, "/feedback")
    assert (await post_signed(both[0], opened))[0] == 200
    view = await modal(slack)
    sent = interactive(payloads.view_submission(
        view, {"message": "Thank you.", "topic": "", "audience": "group"}, user=ALICE))
    answers = await asyncio.gather(*(post_signed(u, sent) for u in both))
    assert sorted(bool(body) for _, body in answers) == [False, True]

    dm = signed_request(SECRET, json_body=payloads.direct_message(BOB, "hi"))
    answers = await asyncio.gather(*(post_signed(u, dm) for u in reversed(both)))
    assert all(status == 200 for status, _ in answers)
    assert len(_replays_logged(caplog)) == 4
    await _dm_answers(slack, BOB, 1)

    await settle(first)
    await settle(second)
    assert len(slack.calls_to("views.open")) == 1
    assert await _feedback_pieces(storage) == 1
    assert len(slack.responded(vote["response_url"])) == 1


# ---- Socket Mode --------------------------------------------------------------------------


async def test_a_socket_mode_envelope_delivered_again_is_acknowledged_not_replayed(
        slack: FakeSlack, runner: SlackRunner, storage: Storage) -> None:
    payload = payloads.slash_command(slack, "/poll", POLL, user=CAROL)
    first = await slack.ack(await slack.send("slash_commands", payload, "env-again"))
    assert "will be posted" in first["text"]
    again = await slack.ack(await slack.send("slash_commands", payload, "env-again"))
    assert again == {}
    await settle(runner)
    assert len(await storage.open_polls()) == 1
