"""The feedback and poll store on a real SQLite file: group commit, all-or-nothing
digests and closings, and a schema with nowhere to put an author."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.messages import Destination, Message
from bot.outbox import DeliveryStatus, NewDelivery
from storage.feedback import Audience, FeedbackStatus, NewFeedback
from storage.group_commit import ROWS_PER_STATEMENT
from storage.interface import Storage, StorageError
from storage.polls import Ballot, NewPoll, VoteResult
from storage.sqlite import SqliteStorage
from tests.backends import raw_rows, table_columns

DAY = datetime(2026, 1, 5, tzinfo=UTC)
NOW = DAY + timedelta(hours=17)


def item(n: int, item_id: str | None = None, audience: Audience = Audience.GROUP,
         ) -> NewFeedback:
    return NewFeedback(item_id or f"id{n:08d}", "g1", audience, f"text {n}", "", DAY)


def digest(key: str) -> list[NewDelivery]:
    return [NewDelivery(f"feedback-digest:{key}", Destination.to_channel("g1", "feedback"),
                        Message("digest"))]


async def test_concurrent_submissions_are_stored_together(storage: Storage) -> None:
    await asyncio.gather(*(storage.submit_feedback(item(n)) for n in range(50)))
    waiting = await storage.waiting_feedback("g1", Audience.GROUP)
    assert len(waiting) == 50


async def test_more_submissions_at_once_than_one_statement_holds(storage: Storage) -> None:
    count = ROWS_PER_STATEMENT * 2 + 1
    await asyncio.gather(*(storage.submit_feedback(item(n)) for n in range(count)))
    waiting = await storage.waiting_feedback("g1", Audience.GROUP)
    assert sorted(i.text for i in waiting) == sorted(f"text {n}" for n in range(count))


async def test_one_bad_row_fails_alone_and_the_rest_of_its_batch_is_stored(
        storage: Storage) -> None:
    await storage.submit_feedback(item(0, "taken0000"))
    results = await asyncio.gather(storage.submit_feedback(item(1)),
                                   storage.submit_feedback(item(2, "taken0000")),
                                   storage.submit_feedback(item(3)),
                                   return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], StorageError)
    waiting = await storage.waiting_feedback("g1", Audience.GROUP)
    assert sorted(i.text for i in waiting) == ["text 0", "text 1", "text 3"]
    await storage.submit_feedback(item(4))  # the writer carries on afterwards
    assert len(await storage.waiting_feedback("g1", Audience.GROUP)) == 4


async def test_a_digest_is_all_or_nothing(storage: Storage) -> None:
    for n in range(3):
        await storage.submit_feedback(item(n))
    ids = [i.item_id for i in await storage.waiting_feedback("g1", Audience.GROUP)]
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
    post = [NewDelivery("answer", Destination.to_channel("g1", "feedback"), Message("a"))]
    assert not await storage.answer_feedback("g1", "id00000001", "we did", DAY, post, NOW)
    assert await storage.delivery_status("answer") is None
    await storage.deliver_digest("k", "me", "g1", ["id00000001"], [], NOW, DAY)
    assert await storage.answer_feedback("g1", "id00000001", "we did", DAY, post, NOW)
    found = await storage.feedback_item("g1", "id00000001")
    assert found is not None and found.answered


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
    for table in ("feedback_items", "polls", "poll_tallies", "poll_voters"):
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
