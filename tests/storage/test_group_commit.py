"""Group commit: what arrives together is done together, each caller gets its own result,
and one bad item cannot fail the others."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from storage.group_commit import ROWS_PER_STATEMENT
from storage.group_commit import GroupCommit
from storage.group_commit import many_values
from storage.interface import StorageError


async def test_items_arriving_together_share_one_run_and_get_their_own_results() -> None:
    runs: list[list[int]] = []

    async def run(items: Sequence[int]) -> list[int]:
        runs.append(list(items))
        await asyncio.sleep(0)
        return [i * 10 for i in items]

    batch: GroupCommit[int, int] = GroupCommit(run, "test-writer")
    async with asyncio.timeout(5):
        results = await asyncio.gather(*(batch.submit(i) for i in range(20)))
    assert results == [i * 10 for i in range(20)]
    assert sorted(i for r in runs for i in r) == list(range(20))
    assert len(runs) < 20  # not one run each


async def test_one_bad_item_fails_alone() -> None:
    async def run(items: Sequence[int]) -> list[int]:
        if 13 in items:
            raise StorageError("clash")
        return list(items)

    batch: GroupCommit[int, int] = GroupCommit(run, "test-writer")
    async with asyncio.timeout(5):
        results = await asyncio.gather(*(batch.submit(i) for i in range(20)),
                                       return_exceptions=True)
    assert isinstance(results[13], StorageError)
    assert [r for n, r in enumerate(results) if n != 13] == [
        n for n in range(20) if n != 13]


async def test_an_unexpected_error_reaches_every_caller_as_a_storage_error() -> None:
    async def run(items: Sequence[int]) -> list[int]:
        raise RuntimeError("bug")

    batch: GroupCommit[int, int] = GroupCommit(run, "test-writer")
    async with asyncio.timeout(5):
        with pytest.raises(StorageError, match="test-writer failed"):
            await batch.submit(1)


def test_many_values_makes_chunks_of_rows_with_flat_parameters() -> None:
    rows = [(n, f"id{n}") for n in range(ROWS_PER_STATEMENT * 2 + 5)]
    statements = many_values("INSERT INTO t (n, id)", "(?, ?, 'x')", rows,
                             "ON CONFLICT DO NOTHING")
    assert [len(values) for _, values in statements] == [
        ROWS_PER_STATEMENT * 2, ROWS_PER_STATEMENT * 2, 10]
    sql, values = statements[-1]
    assert sql == ("INSERT INTO t (n, id) VALUES (?, ?, 'x'), (?, ?, 'x'), (?, ?, 'x'), "
                   "(?, ?, 'x'), (?, ?, 'x') ON CONFLICT DO NOTHING")
    assert values[:2] == [ROWS_PER_STATEMENT * 2, f"id{ROWS_PER_STATEMENT * 2}"]
    assert many_values("INSERT INTO t (n)", "(?)", []) == []


async def test_after_runs_once_a_burst_is_committed() -> None:
    committed: list[int] = []
    afters: list[int] = []

    async def run(items: Sequence[int]) -> list[int]:
        await asyncio.sleep(0)
        committed.extend(items)
        return list(items)

    async def after() -> None:
        afters.append(len(committed))
        await asyncio.sleep(0)

    batch: GroupCommit[int, int] = GroupCommit(run, "test-writer", after=after)
    async with asyncio.timeout(5):
        results = await asyncio.gather(*(batch.submit(i) for i in range(30)))
        await batch.idle()
        assert results == list(range(30))
        assert afters == [30]  # once for the whole burst, after its last commit
        assert await batch.submit(99) == 99
        await batch.idle()
    assert afters == [30, 31]


async def test_callers_answered_a_few_per_turn_all_hear_and_let_others_run_between() -> None:
    heard: list[str] = []

    async def run(items: Sequence[int]) -> list[int]:
        return list(items)

    async def other() -> None:
        await asyncio.sleep(0)
        heard.append("other")

    batch: GroupCommit[int, int] = GroupCommit(run, "test-writer", answers_per_turn=3)

    async def caller(i: int) -> int:
        result = await batch.submit(i)
        heard.append(f"caller {i}")
        return result

    async with asyncio.timeout(5):
        callers = [asyncio.create_task(caller(i)) for i in range(9)]
        await asyncio.sleep(0)  # every caller has submitted
        others = asyncio.create_task(other())
        assert await asyncio.gather(*callers) == list(range(9))
        await others
    assert heard.index("other") < heard.index("caller 8")  # not all answered in one go
