"""The delivery dispatcher: sends stored deliveries, retries, reroutes, never drops.

Claims due deliveries from storage under a lease, sends each through the adapter, and
records the outcome. Rate limits wait exactly as long as the platform asked; transient
failures back off exponentially with jitter, for as long as it takes; a refusal
for good (DMs closed, channel gone) moves to the delivery's next fallback, and only when
none is left is it marked undeliverable and logged at error level. A dispatcher that
dies mid-send leaves its claims to expire, and another (or the restarted one) resends.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable
from collections.abc import Collection
from datetime import timedelta

from bot.clock import Clock
from bot.errors import DeliveryError
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.errors import UnsupportedMessage
from bot.logs import log_event
from bot.metrics import NO_METRICS
from bot.metrics import Metrics
from bot.outbox import Delivery
from bot.outbox import Preference
from bot.ports import Sender
from storage.interface import Storage

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2.0
# Poll this often even without a wake-up, to pick up work other processes enqueued.
IDLE_POLL_SECONDS = 5.0
# With most slots busy, a freed slot waits up to this long for others to free before
# claiming (a quarter of the slots at a time): one claim for several sends, not one
# each, when a burst keeps every slot busy.
GATHER_SLOTS_SECONDS = 0.02
WARN_AFTER_ATTEMPTS = 5
MARK_ATTEMPTS = 3


class Dispatcher:
    """Drains the delivery outbox through one adapter."""

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        clock: Clock,
        *,
        concurrency: int = 4,
        max_backoff_seconds: float = 600.0,
        lease_seconds: float = 120.0,
        batch_size: int = 50,
        owner: str | None = None,
        rng: random.Random | None = None,
        retry_base_seconds: float = BACKOFF_BASE_SECONDS,
        metrics: Metrics = NO_METRICS,
        preferred: Callable[[], Collection[str] | None] | None = None,
        gather_seconds: float = GATHER_SLOTS_SECONDS,
    ) -> None:
        self._storage = storage
        # The groups this process sends to best (see `Preference`), or None for all alike.
        self._preferred = preferred
        self._sender = sender
        # Counts for the operator's monitoring (`bot.metrics`); may be replaced while running.
        self.metrics = metrics
        self._clock = clock
        self._concurrency = concurrency
        self._sending = 0  # deliveries claimed or being claimed by this dispatcher
        self._max_backoff = max_backoff_seconds
        self._retry_base = retry_base_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._batch = batch_size
        self._claim_at_least = max(1, concurrency // 4)
        self._gather_seconds = gather_seconds
        self.owner = owner or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._stopping = False
        self._busy = 0  # claims being made plus sends in hand
        self._in_hand: dict[asyncio.Task[None], int] = {}  # send -> delivery id
        self._sending_ids: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def wake(self) -> None:
        """Something new was enqueued: look now rather than at the next poll."""
        self._wake.set()

    async def process_once(self) -> int:
        """Claim as many due deliveries as there are free sending slots, attempt each, and
        wait for those attempts; return how many were claimed.

        Only free slots are claimed, so a lease runs only while its delivery is really
        being sent, never while it waits its turn.
        """
        tasks = await self._claim_and_start()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        return len(tasks)

    async def _claim_and_start(self) -> list[asyncio.Task[None]]:
        """Claim deliveries for the free slots and start sending each in its own task.

        Each send holds its slot only until it ends, so one slow send (a timeout, a long
        rate limit) never holds back the sends claimed with it.
        """
        free = min(self._batch, self._concurrency - self._sending)
        if free <= 0:
            return []
        # Reserved before the await, so callers cannot overbook, and marked busy so that
        # `drain` waits for what this call is about to claim and send.
        self._sending += free
        self._busy += 1
        self._idle.clear()
        claimed: list[Delivery] = []
        try:
            claimed = await self._storage.claim_deliveries(
                self._clock.now(), free, self.owner, self._lease, self._preference())
        finally:
            self._sending -= free - len(claimed)
            self._busy += len(claimed)
            self._ended_one()
        tasks = []
        for delivery in claimed:
            if delivery.id in self._sending_ids:
                # Its lease ran out while this dispatcher still has it in hand (a send
                # slower than the lease, or a clock that jumped): the claim is renewed,
                # and the send in hand records the outcome. Never two sends at once.
                self._sending -= 1
                self._ended_one()
                continue
            self._sending_ids.add(delivery.id)
            task = asyncio.create_task(self._attempt(delivery), name="coprod-send")
            self._in_hand[task] = delivery.id
            task.add_done_callback(self._attempt_ended)
            tasks.append(task)
        return tasks

    def _attempt_ended(self, task: asyncio.Task[None]) -> None:
        self._sending_ids.discard(self._in_hand.pop(task, -1))
        self._sending -= 1
        self._ended_one()
        self._wake.set()  # a slot is free
        if not task.cancelled() and task.exception() is not None:
            # Its outcome could not be recorded: the lease runs out and it is tried again.
            log_event(log, logging.ERROR, "delivery.attempt_failed",
                      error=type(task.exception()).__name__)

    def _ended_one(self) -> None:
        self._busy -= 1
        if not self._busy:
            self._idle.set()

    async def drain(self, limit_seconds: float = 10.0) -> None:
        """Attempt everything due now, repeatedly, until nothing is due (or time is up).

        Also waits for sends already in hand from the background loop. Used by the
        console between typed lines and by tests, so that what a step caused is shown
        before the next step.
        """
        async with asyncio.timeout(limit_seconds):
            while True:
                if await self.process_once():
                    continue
                if not self._busy:
                    return
                await self._idle.wait()  # sends the background loop has in hand

    async def run(self) -> None:
        """Deliver until `stop` is called, then wait for the sends in hand."""
        log_event(log, logging.INFO, "dispatcher.start", owner=self.owner)
        failures = 0
        try:
            gather_until: float | None = None
            while not self._stopping:
                try:
                    free = self._concurrency - self._sending
                    if self._sending and 0 < free < self._claim_at_least:
                        now = asyncio.get_running_loop().time()
                        gather_until = gather_until or now + self._gather_seconds
                        if now < gather_until:
                            await self._pause(gather_until - now)
                            continue
                    gather_until = None
                    if await self._claim_and_start():
                        failures = 0
                        continue
                    if self._sending >= self._concurrency:
                        await self._pause(IDLE_POLL_SECONDS)  # until a slot is free
                        continue
                    await self._sleep_until_due()
                    failures = 0
                except Exception as exc:
                    # The database may be locked or gone for a while: keep going, slower.
                    failures += 1
                    log_event(log, logging.ERROR, "dispatcher.loop_failed",
                              error=type(exc).__name__, failures=failures)
                    await self._pause(min(IDLE_POLL_SECONDS * failures, 60.0))
            if self._in_hand:
                await asyncio.gather(*self._in_hand, return_exceptions=True)
        finally:
            for task in list(self._in_hand):
                task.cancel()

    def stop(self) -> None:
        """Finish the sends in hand and return from `run`."""
        self._stopping = True
        self._wake.set()

    async def _pause(self, seconds: float) -> None:
        self._wake.clear()
        if not self._stopping:
            try:
                async with asyncio.timeout(seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _sleep_until_due(self) -> None:
        # Cleared before looking, so a wake-up that arrives meanwhile is not lost.
        self._wake.clear()
        delay = IDLE_POLL_SECONDS
        due = await self._storage.next_delivery_due(self._preference())
        if due is not None:
            delay = min(delay, max(0.0, (due - self._clock.now()).total_seconds()))
        if delay > 0 and not self._stopping:
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def _preference(self) -> Preference | None:
        """Other groups' deliveries wait a lease past due: as long as the claims of a
        process that died wait for another to take them over."""
        groups = self._preferred() if self._preferred is not None else None
        return None if groups is None else Preference(frozenset(groups), self._lease)

    async def _attempt(self, delivery: Delivery) -> None:
        try:
            ref = await self._sender.send(delivery.destination, delivery.message,
                                          delivery.key)
        except DeliveryError as exc:
            await self._failed(delivery, exc)
            return
        except Exception as exc:  # an adapter bug must not lose the delivery
            log_event(log, logging.ERROR, "delivery.adapter_error", id=delivery.id,
                      error=type(exc).__name__)
            await self._failed(delivery, Transient(type(exc).__name__), "AdapterError")
            return
        self.metrics.delivery_sent(delivery.destination.kind.value)
        for attempt in range(MARK_ATTEMPTS):
            try:
                await self._storage.mark_delivered(delivery.id, ref, self._clock.now(),
                                                   owner=self.owner)
                break
            except Exception as exc:
                # Sent but not recorded: if this keeps failing, the lease runs out and it
                # is sent again (Discord drops the repeat by its nonce).
                log_event(log, logging.ERROR, "delivery.mark_failed", id=delivery.id,
                          error=type(exc).__name__, attempt=attempt + 1)
                await asyncio.sleep(0.2 * (attempt + 1))
        log_event(log, logging.INFO, "delivery.sent", id=delivery.id,
                  kind=delivery.destination.kind.value, attempts=delivery.attempts + 1)

    async def _failed(self, delivery: Delivery, exc: DeliveryError,
                      error_class: str = "") -> None:
        now = self._clock.now()
        error = f"{type(exc).__name__}: {exc}"[:200]
        kind = delivery.destination.kind.value
        error_class = error_class or type(exc).__name__
        if isinstance(exc, RateLimited):
            wait = exc.retry_after + self._rng.uniform(0, 0.25)
            self.metrics.delivery_failed(kind, error_class, "retry")
            self.metrics.rate_limit_wait(kind, wait)
            await self._storage.mark_retry(delivery.id, now + timedelta(seconds=wait), error,
                                           count_attempt=False, owner=self.owner)
            log_event(log, logging.INFO, "delivery.rate_limited", id=delivery.id,
                      retry_after=round(exc.retry_after, 3))
        elif isinstance(exc, Forbidden | NotFound | UnsupportedMessage):
            if delivery.fallbacks and not isinstance(exc, UnsupportedMessage):
                self.metrics.delivery_failed(kind, error_class, "rerouted")
                nxt, rest = delivery.fallbacks[0], delivery.fallbacks[1:]
                await self._storage.reroute(delivery.id, nxt.destination,
                                            nxt.message or delivery.message, rest, error, now,
                                            owner=self.owner)
                log_event(log, logging.WARNING, "delivery.rerouted", id=delivery.id,
                          reason=type(exc).__name__, to=nxt.destination.kind.value)
            else:
                self.metrics.delivery_failed(kind, error_class, "undeliverable")
                await self._storage.mark_undeliverable(delivery.id, error, now,
                                                       owner=self.owner)
                log_event(log, logging.ERROR, "delivery.undeliverable", id=delivery.id,
                          reason=type(exc).__name__, to=delivery.destination.kind.value)
        else:
            self.metrics.delivery_failed(kind, error_class, "retry")
            attempts = delivery.attempts + 1
            ceiling = min(self._max_backoff, self._retry_base * 2 ** min(attempts, 30))
            wait = self._rng.uniform(ceiling / 2, ceiling)
            await self._storage.mark_retry(delivery.id, now + timedelta(seconds=wait), error,
                                           count_attempt=True, owner=self.owner)
            level = logging.WARNING if attempts >= WARN_AFTER_ATTEMPTS else logging.INFO
            log_event(log, level, "delivery.retry", id=delivery.id, attempts=attempts,
                      wait=round(wait, 3), reason=type(exc).__name__)
