"""The feedback and poll store on a real SQLite file: group commit, piles released for
review together, all-or-nothing digests and closings, and a schema with nowhere to put
an author."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackItem
from bot.features.feedback.store import FeedbackStatus
from bot.features.feedback.store import NewFeedback
from bot.features.polls.store import NewPoll
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import NewDelivery
from storage.group_commit import ROWS_PER_STATEMENT
from storage.interface import Storage
from storage.interface import StorageError
from storage.sqlite import SqliteStorage
from tests.backends import raw_rows
from tests.backends import table_columns

DAY = datetime(2026, 1, 5, tzinfo=UTC)
NOW = DAY + timedelta(hours=17)


def item(n: int, item_id: str | None = None, audience: Audience = Audience.GROUP,
         ) -> NewFeedback:
    return NewFeedback(item_id or f"id{n:08d}", "g1", audience, f"text {n}", "", DAY)


async def waiting(storage: Storage, audience: Audience = Audience.GROUP,
                  ) -> list[FeedbackItem]:
    """Release the day's pending items for review (at the next midnight), then list them."""
    await storage.release_feedback("g1", audience, DAY + timedelta(days=1), 1,
                                   DAY + timedelta(days=1))
    return await storage.waiting_feedback("g1", audience)


def digest(key: str) -> list[NewDelivery]:
    return [NewDelivery(f"feedback-digest:{key}", Destination.to_channel("g1", "feedback"),
                        Message("digest"))]


async def test_concurrent_submissions_are_stored_together(storage: Storage) -> None:
    await asyncio.gather(*(storage.submit_feedback(item(n)) for n in range(50)))
    assert await storage.waiting_feedback("g1", Audience.GROUP) == []  # pending, unseen
    stored = await waiting(storage)
    assert len(stored) == 50
    assert [i.item_id for i in stored] == sorted(i.item_id for i in stored)


async def test_more_submissions_at_once_than_one_statement_holds(storage: Storage) -> None:
    count = ROWS_PER_STATEMENT * 2 + 1
    await asyncio.gather(*(storage.submit_feedback(item(n)) for n in range(count)))
    stored = await waiting(storage)
    assert sorted(i.text for i in stored) == sorted(f"text {n}" for n in range(count))


async def test_one_bad_row_fails_alone_and_the_rest_of_its_batch_is_stored(
        storage: Storage) -> None:
    await storage.submit_feedback(item(0, "taken0000"))
    results = await asyncio.gather(storage.submit_feedback(item(1)),
                                   storage.submit_feedback(item(2, "taken0000")),
                                   storage.submit_feedback(item(3)),
                                   return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], StorageError)
    assert sorted(i.text for i in await waiting(storage)) == ["text 0", "text 1", "text 3"]
    await storage.submit_feedback(item(4))  # the writer carries on afterwards
    assert len(await waiting(storage)) == 4
    with pytest.raises(StorageError):  # a released item's id is taken too
        await storage.submit_feedback(item(5, "taken0000"))


async def test_a_digest_is_all_or_nothing(storage: Storage) -> None:
    for n in range(3):
        await storage.submit_feedback(item(n))
    ids = [i.item_id for i in await waiting(storage)]
    assert await storage.hide_feedback("g1", ids[0], "reason", "U-fac", DAY)
    with pytest.raises(StorageError):  # an item was hidden after the digest was built
        await storage.deliver_digest("d@1#g1", "me", "g1", ids, digest("d@1#g1"), NOW, DAY)
    assert await storage.delivery_status("feedback-digest:d@1#g1") is None
    assert len(await storage.waiting_feedback("g1", Audience.GROUP)) == 2
    assert await storage.deliver_digest("d@1#g1", "me", "g1", ids[1:], digest("d@1#g1"),
                                        NOW, DAY)
    assert not await storage.deliver_digest("d@1#g1", "me", "g1", ids[1:], digest("x"), NOW,
                                            DAY)
    assert await storage.delivery_status("feedback-digest:d@1#g1") is DeliveryStatus.PENDING
    stored = await storage.feedback_item("g1", ids[1])
    assert stored is not None and stored.status is FeedbackStatus.DELIVERED
    assert stored.delivered_day == DAY


async def test_answers_only_for_delivered_items(storage: Storage) -> None:
    await storage.submit_feedback(item(1))
    await waiting(storage)
    post = [NewDelivery("answer", Destination.to_channel("g1", "feedback"), Message("a"))]
    assert not await storage.answer_feedback("g1", "id00000001", "we did", DAY, post, NOW)
    assert await storage.delivery_status("answer") is None
    await storage.deliver_digest("k", "me", "g1", ["id00000001"], [], NOW, DAY)
    assert await storage.answer_feedback("g1", "id00000001", "we did", DAY, post, NOW)
    found = await storage.feedback_item("g1", "id00000001")
    assert found is not None and found.answered


async def test_release_is_all_of_the_ended_days_at_once_or_nothing(storage: Storage) -> None:
    tomorrow = DAY + timedelta(days=1)
    for n in range(3):
        await storage.submit_feedback(item(n))
    await storage.submit_feedback(NewFeedback("today000", "g1", Audience.GROUP, "later", "",
                                              tomorrow))
    await storage.submit_feedback(item(9, audience=Audience.FACILITATORS))
    assert await storage.groups_with_waiting_feedback(Audience.GROUP) == ["g1"]
    # Too few, or a day not over yet: nothing changes, nothing shows.
    assert await storage.release_feedback("g1", Audience.GROUP, tomorrow, 4, tomorrow) == 0
    assert await storage.release_feedback("g1", Audience.GROUP, DAY, 1, DAY) == 0
    assert await storage.recent_feedback("g1", DAY - timedelta(days=9), 10) == []
    assert await storage.feedback_item("g1", "id00000000") is None
    assert not await storage.hide_feedback("g1", "id00000000", "r", "U-fac", DAY)
    assert await storage.release_feedback("g1", Audience.GROUP, tomorrow, 3, tomorrow) == 3
    released = await storage.waiting_feedback("g1", Audience.GROUP)
    assert [i.text for i in released] == ["text 0", "text 1", "text 2"]
    assert {i.review_from for i in released} == {tomorrow}
    assert {i.day for i in released} == {DAY}
    # Released once; tomorrow's item and the facilitators' one are still pending.
    assert await storage.release_feedback("g1", Audience.GROUP, tomorrow, 1, tomorrow) == 0
    assert await storage.waiting_feedback("g1", Audience.FACILITATORS) == []
    later = tomorrow + timedelta(days=1)
    assert await storage.release_feedback("g1", Audience.GROUP, later, 1, later) == 1
    assert (await storage.feedback_item("g1", "today000")).review_from == later  # type: ignore[union-attr]


def poll(closes: datetime = NOW, anonymous: bool = True) -> NewPoll:
    return NewPoll("p1", "g1", "Q?", ("A", "B"), anonymous, False, closes, "updates",
                   "secret", DAY)


async def test_votes_move_between_options_and_close_once(storage: Storage) -> None:
    await storage.create_poll(poll(), [], DAY)
    seal = {"t1": (0,), "t2": (1,)}
    ballot = Ballot("p1", "tag-a", (0,), sealed="t1", unseal=seal.get)
    assert await storage.cast_vote(ballot, DAY) is VoteResult.COUNTED
    changed = Ballot("p1", "tag-a", (1,), sealed="t2", unseal=seal.get)
    assert await storage.cast_vote(changed, DAY) is VoteResult.CHANGED
    assert await storage.cast_vote(changed, DAY) is VoteResult.SAME
    forgotten = Ballot("p1", "tag-a", (0,), sealed="t3", unseal=lambda _: None)
    assert await storage.cast_vote(forgotten, DAY) is VoteResult.LOCKED
    results = await storage.poll_results("p1")
    assert results is not None and results.tallies == (0, 1)
    with pytest.raises(StorageError):  # counts differ from what the results show
        await storage.close_poll("p1", "c", "me", (1, 0), [], NOW)
    assert (await storage.get_poll("p1")).open  # type: ignore[union-attr]
    assert await storage.close_poll("p1", "c", "me", (0, 1), [], NOW)
    assert not await storage.close_poll("p1", "c2", "me", (0, 1), [], NOW)
    assert await storage.cast_vote(ballot, NOW) is VoteResult.CLOSED
    assert await storage.cast_vote(Ballot("nope", "t", (0,)), NOW) is VoteResult.NOT_FOUND


async def test_no_table_has_a_column_for_an_author_or_a_moment(storage: Storage) -> None:
    for table in ("feedback_items", "feedback_pending", "polls", "poll_tallies",
                  "poll_voters"):
        columns = await table_columns(storage, table)
        assert columns, table
        # No column, and no hidden rowid or serial either, records arrival order.
        assert not {"id_seq", "rowid", "author", "author_id", "user_id", "created_by",
                    "creator", "created_at", "submitted_at"} & set(columns), table
        if isinstance(storage, SqliteStorage):
            sql = (await raw_rows(storage, "SELECT sql FROM sqlite_master WHERE name = ?",
                                  (table,)))[0]["sql"]
            assert "WITHOUT ROWID" in str(sql)
        else:
            assert "nextval" not in repr(await raw_rows(
                storage, "SELECT column_default FROM information_schema.columns "
                         "WHERE table_name = ?", (table,)))
