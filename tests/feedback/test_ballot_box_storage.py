"""Ballot boxes on both databases: what one box holds, and migration 10 moving the votes
of anonymous polls and agreement votes out of per-voter and per-option rows."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.features.agreement.store import AgreementVersion
from bot.features.agreement.store import Amendment
from bot.features.agreement.store import AmendmentStatus
from bot.features.agreement.store import Decision
from bot.features.polls.store import NewPoll
from storage.ballot_box import PAD
from storage.ballot_box import BallotBox
from storage.crypto import FieldCipher
from storage.sql import SqlBase
from storage.sql import to_micros
from storage.sqlite import SqliteStorage
from tests.backends import another_handle
from tests.backends import opened_storage
from tests.backends import raw_rows
from tests.backends import table_columns

DAY = datetime(2026, 1, 5, tzinfo=UTC)
CLOSES = DAY + timedelta(days=3)


def test_a_box_is_sorted_padded_and_keeps_no_tags_once_closed() -> None:
    box = BallotBox([0, 0, 0])
    seal = {"s-z": (2,), "s-a": (0,), "s-m": (0,), "s-z2": (1,)}
    for tag, token in (("z", "s-z"), ("a", "s-a"), ("m", "s-m")):
        assert box.cast(Ballot("p", tag, seal[token], sealed=token,
                               unseal=seal.get)) is VoteResult.COUNTED
    assert box.cast(Ballot("p", "z", (1,), sealed="s-z2", unseal=seal.get)) \
        is VoteResult.CHANGED
    assert box.tallies == [2, 1, 0] and box.voters == 3
    text = box.text()
    assert len(text) % PAD == 0
    assert [tag for tag, _ in json.loads(text)["sealed"]] == ["a", "m", "z"]
    assert BallotBox.from_text(text) == box
    closed = box.closed()
    assert json.loads(closed.text())["sealed"] == [] and closed.voters == 3
    assert closed.cast(Ballot("p", "q", (0,), sealed="x")) is VoteResult.CLOSED


async def _old_rows(store: SqlBase, cipher: FieldCipher) -> None:
    """What version 9 held: anonymous votes as rows per voter and per option."""
    def enc(data: object) -> str:
        return cipher.encrypt(json.dumps(data))

    def poll(pid: str, anonymous: int, status: str) -> tuple[object, ...]:
        return (pid, "g", enc({"question": "Q?", "options": ["A", "B"]}), anonymous, 0,
                to_micros(CLOSES), "updates", enc({"secret": "s"}), status, to_micros(DAY))

    async with store._transaction() as db:
        await db.executemany(
            "INSERT INTO polls (id, group_id, body, anonymous, multiple, closes_at, channel, "
            "voter_secret, status, created_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [poll("open", 1, "open"), poll("done", 1, "closed"), poll("named", 0, "open")])
        await db.executemany("INSERT INTO poll_tallies (poll_id, option, votes) VALUES (?, ?, ?)",
                             [("open", 0, 1), ("open", 1, 2), ("done", 0, 0), ("done", 1, 1),
                              ("named", 0, 1), ("named", 1, 0)])
        await db.executemany("INSERT INTO poll_voters (poll_id, voter, sealed) VALUES (?, ?, ?)",
                             [("open", "tag-a", "seal-a0"), ("open", "tag-b", "seal-b1"),
                              ("open", "tag-c", "seal-c1"), ("done", "tag-a", None),
                              ("named", "U-ann", enc({"choices": [0], "name": "Ann"}))])
        body = enc({"kind": "add", "point": 0, "text": "T", "reason": "R"})
        await db.executemany(
            "INSERT INTO amendments (id, group_id, body, base_version, closes_at, channel, "
            "voter_secret, status, yes_votes, no_votes, created_day) "
            "VALUES (?, 'g', ?, 1, ?, 'updates', ?, ?, ?, ?, ?)",
            [("a-open", body, to_micros(CLOSES), enc({"secret": "s"}), "open", 1, 1,
              to_micros(DAY)),
             ("a-done", body, to_micros(CLOSES), enc({"secret": "s"}), "passed", 3, 0,
              to_micros(DAY))])
        await db.executemany(
            "INSERT INTO amendment_voters (amendment_id, voter, sealed) VALUES (?, ?, ?)",
            [("a-open", "tag-a", "seal-a-yes"), ("a-open", "tag-b", "seal-b-no"),
             ("a-done", "tag-a", None)])


async def test_migration_10_moves_votes_into_boxes_and_leaves_no_row_per_voter(
        backend: str, tmp_path: Path, cipher: FieldCipher) -> None:
    async with opened_storage(backend, tmp_path / "coprod.db", cipher, migrate=False) as store:
        assert isinstance(store, SqlBase)
        await store.migrate(target=9)
        await _old_rows(store, cipher)
        assert await store.migrate(target=10) == [10]

        boxes = {str(r["id"]): BallotBox.from_text(cipher.decrypt(str(r["box"])))
                 for r in await raw_rows(store, "SELECT id, box FROM ballot_boxes")}
        assert boxes == {
            "poll:open": BallotBox([1, 2], {"tag-a": "seal-a0", "tag-b": "seal-b1",
                                            "tag-c": "seal-c1"}, 3, True),
            "poll:done": BallotBox([0, 1], {}, 1, False),
            "amendment:a-open": BallotBox([1, 1], {"tag-a": "seal-a-yes",
                                                   "tag-b": "seal-b-no"}, 2, True)}
        left = await raw_rows(store, "SELECT poll_id, voter FROM poll_voters")
        assert left == [{"poll_id": "named", "voter": "U-ann"}]
        tallies = await raw_rows(store, "SELECT DISTINCT poll_id FROM poll_tallies")
        assert tallies == [{"poll_id": "named"}]
        assert await raw_rows(store, "SELECT * FROM amendment_voters") == []
        counts = await raw_rows(store, "SELECT id, yes_votes, no_votes FROM amendments "
                                       "ORDER BY id")
        assert [tuple(r.values()) for r in counts] == [("a-done", 3, 0), ("a-open", 0, 0)]

        # The moved votes keep working: counted, changed (a token the process can open),
        # refused kindly when it cannot; the results and the decision use the box.
        seals = {"seal-b1": (1,), "new-b": (0,)}
        change = Ballot("open", "tag-b", (0,), sealed="new-b", unseal=seals.get)
        assert await store.cast_vote(change, DAY) is VoteResult.CHANGED
        locked = Ballot("open", "tag-a", (1,), sealed="x", unseal=seals.get)
        assert await store.cast_vote(locked, DAY) is VoteResult.LOCKED
        results = await store.poll_results("open")
        assert results is not None and results.tallies == (2, 1) and results.voters == 3
        named = await store.poll_results("named")
        assert named is not None and named.named == (("Ann", (0,)),)
        seen: list[tuple[int, int]] = []

        def decide(found: Amendment, current: AgreementVersion | None) -> Decision:
            seen.append((found.yes, found.no))
            return Decision(AmendmentStatus.FAILED, None, ())

        assert await store.decide_amendment("a-open", "k", "me", decide, DAY) is not None
        assert seen == [(1, 1)]
        after = await raw_rows(store, "SELECT id FROM ballot_boxes ORDER BY id")
        assert [r["id"] for r in after] == ["poll:done", "poll:open"]
        decided = await store.get_amendment("a-open")
        assert decided is not None and (decided.yes, decided.no) == (1, 1)


async def test_the_box_table_has_no_hidden_order_and_votes_from_two_processes_all_count(
        backend: str, tmp_path: Path, cipher: FieldCipher) -> None:
    """`ballot_boxes` is (id, box) only: no rowid or serial recording when boxes changed.
    Votes arriving at once through two connections (two processes) each count once: the
    box is read and rewritten in the poll's turn (on SQLite, the file's), so none is
    lost."""
    async with opened_storage(backend, tmp_path / "coprod.db", cipher) as store:
        assert await table_columns(store, "ballot_boxes") == ["id", "box"]
        if isinstance(store, SqliteStorage):
            sql = (await raw_rows(store, "SELECT sql FROM sqlite_master WHERE name = ?",
                                  ("ballot_boxes",)))[0]["sql"]
            assert "WITHOUT ROWID" in str(sql)
        else:
            defaults = await raw_rows(store, "SELECT column_default FROM "
                                             "information_schema.columns WHERE table_name = ? "
                                             "AND table_schema = current_schema()",
                                      ("ballot_boxes",))
            assert len(defaults) == 2
            assert all(row["column_default"] is None for row in defaults)
        await store.create_poll(NewPoll("p", "g", "Q?", ("A", "B", "C"), True, False, CLOSES,
                                        "updates", "secret", DAY), [], DAY)
        other = another_handle(store, cipher)
        await other.open()
        try:
            ballots = [Ballot("p", f"tag-{i:02d}", (i % 3,), sealed=f"s{i}")
                       for i in range(30)]
            results = await asyncio.wait_for(asyncio.gather(*(
                (store if i % 2 else other).cast_vote(b, DAY)
                for i, b in enumerate(ballots))), 60)
            again = await other.cast_vote(ballots[0], DAY)
        finally:
            await other.close()
        assert results == [VoteResult.COUNTED] * 30
        assert again is VoteResult.LOCKED  # its sealed choice opens nowhere here
        counted = await store.poll_results("p")
        assert counted is not None and counted.tallies == (10, 10, 10)
        assert counted.voters == 30
