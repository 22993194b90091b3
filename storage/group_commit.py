"""Group commit: operations asked for at the same moment, done in one transaction.

A store acknowledges a person only once their change is committed, and each commit
costs a flush to disk (an fsync on SQLite with synchronous=FULL, a WAL flush on
PostgreSQL). When hundreds of members press the same button at once, doing their
changes one transaction each makes the last wait for hundreds of flushes; doing
everything that arrived meanwhile in one transaction makes each wait for about one.
Each caller still returns only after its own change is committed. The rows of a group
go in as few statements as possible (`many_values`): one statement is one round trip to
PostgreSQL, where a statement per row would cost as many round trips as rows.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Generic
from typing import TypeVar

from storage.interface import StorageError

Item = TypeVar("Item")
Result = TypeVar("Result")
Row = TypeVar("Row", bound=tuple[object, ...])

# Rows per statement: well under both databases' limits on parameters (SQLite 32,766,
# PostgreSQL 65,535) for rows of up to a dozen columns.
ROWS_PER_STATEMENT = 200
# What a writer's callers are answered in per turn of the event loop (`answers_per_turn`).
ANSWERS_PER_TURN = 50


def many_values(insert: str, row: str, rows: Sequence[Row], rest: str = "",
                ) -> list[tuple[str, list[object]]]:
    """`INSERT ... VALUES (row), (row), ... rest` statements with their flattened
    parameters, for the rows in chunks of `ROWS_PER_STATEMENT`. `row` is the values of
    one row with `?` placeholders, like "(?, ?, 'waiting')"."""
    out: list[tuple[str, list[object]]] = []
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start:start + ROWS_PER_STATEMENT]
        sql = f"{insert} VALUES {', '.join([row] * len(chunk))} {rest}".strip()
        out.append((sql, [value for one in chunk for value in one]))
    return out


@dataclass
class GroupCommit(Generic[Item, Result]):
    """Runs `run` on everything submitted while the previous run was busy.

    `run` does the items in one transaction and returns one result per item, in order,
    or raises `StorageError` having committed nothing. Then each item is tried again on
    its own, so one bad item (say, a clash) cannot fail the others.
    """

    run: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]]
    name: str
    # Run once the queue is empty after a burst, with every caller already answered: for
    # tidying that must follow the commits but need not delay the answers.
    after: Callable[[], Awaitable[None]] | None = None
    # Once committed, the callers are answered this many per turn of the event loop (0:
    # all in one): between the groups, the database's replies to another writer are
    # seen, so its commit goes on while these callers make their replies instead of
    # waiting for all of them. Not for a read whose callers go on to write: they would
    # then reach their writers in many small groups instead of one.
    answers_per_turn: int = 0
    _waiting: list[tuple[Item, asyncio.Future[Result]]] = field(default_factory=list)
    _writer: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """Whether a run is under way (what is submitted now goes into the next one)."""
        return self._writer is not None and not self._writer.done()

    async def idle(self) -> None:
        """Wait until everything submitted so far is done, `after` included."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def submit(self, item: Item) -> Result:
        """Do `item` with whatever else is waiting; return once it is committed."""
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name=self.name)
        return await done

    async def _write(self) -> None:
        try:
            while self._waiting:
                while self._waiting:
                    taken, self._waiting = self._waiting, []
                    try:
                        await self._settle(taken)
                    except StorageError:
                        if len(taken) > 1:
                            for one in taken:
                                if not one[1].done():
                                    with contextlib.suppress(StorageError):
                                        await self._settle([one])
                if self.after is not None:
                    await self.after()
        finally:
            # Only left non-empty if this task was cancelled: nobody may wait forever.
            left, self._waiting = self._waiting, []
            for _, done in left:
                if not done.done():
                    done.set_exception(StorageError(f"{self.name} stopped"))

    async def _settle(self, taken: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        """Run the items together and settle their futures (an error on all if alone or
        not a storage error: the caller sees what went wrong)."""
        try:
            results = await self.run([item for item, _ in taken])
        except BaseException as exc:
            error = exc if isinstance(exc, StorageError) else StorageError(
                f"{self.name} failed ({type(exc).__name__})")
            if len(taken) == 1 or not isinstance(exc, StorageError):
                for _, done in taken:
                    if not done.done():
                        done.set_exception(error)
            if not isinstance(exc, Exception):
                raise
            raise error from None
        answers = list(zip(taken, results, strict=True))
        try:
            for n, ((_, done), result) in enumerate(answers):
                if self.answers_per_turn and n and n % self.answers_per_turn == 0:
                    await asyncio.sleep(0)
                if not done.done():
                    done.set_result(result)
        finally:  # all committed: even if this task is stopped now, every caller hears
            for (_, done), result in answers:
                if not done.done():
                    done.set_result(result)
