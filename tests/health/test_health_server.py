"""The health server on a real app and a real SQLite file: /healthz, /readyz following
each part (database, platform, scheduler, dispatcher), and /metrics after a busy run
holding every metric the issue names and nothing about anyone."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta

import pytest

from adapters.health import HealthServer
from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.errors import Forbidden
from bot.errors import RateLimited
from bot.errors import Transient
from bot.health import CHECKS
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from bot.metrics import DELIVERY_ERRORS
from bot.metrics import EVENT_KINDS
from bot.metrics import OTHER
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.interface import Storage
from tests.backends import raw_rows
from tests.health.conftest import connected
from tests.health.helpers import NAMED_METRICS
from tests.health.helpers import get
from tests.health.helpers import readyz
from tests.health.helpers import samples
from tests.health.helpers import value
from tests.privacy.workload import fill


@pytest.mark.backends
async def test_healthz_answers_and_readyz_names_each_failing_check(
        served: tuple[MemoryBot, int], storage: Storage) -> None:
    bot, port = served
    assert await get(port, "/healthz") == (200, "ok\n")
    # Delivering, but no platform said it is connected and the scheduler is not running.
    status, body = await readyz(port)
    assert (status, body) == (503, {"ready": False, "failed": ["platform", "scheduler"]})
    bot.app.use_connection("console", connected)
    await bot.app.scheduler.start()
    assert await readyz(port) == (200, {"ready": True, "failed": []})
    await bot.app.stop()  # the scheduler and the dispatcher stop
    assert await readyz(port) == (503, {"ready": False,
                                        "failed": ["scheduler", "dispatcher"]})
    await storage.close()
    status, body = await readyz(port)
    assert status == 503 and body["failed"] == ["database", "scheduler", "dispatcher"]
    assert await get(port, "/healthz") == (200, "ok\n")
    # /metrics still answers with the database gone, saying which checks fail.
    families, _ = await samples(port)
    assert value(families, "coprod_ready", check="database") == 0
    assert value(families, "coprod_ready", check="platform") == 1
    assert "coprod_deliveries_waiting" not in families


def _vocabulary(app: App) -> set[str]:
    """Every label value a sample may carry: fixed words, and bucket bounds."""
    families = {spec.name.split(" ", 1)[0] for spec in app.registry.all()}
    return ({k.value for k in DestinationKind} | set(DELIVERY_ERRORS) | set(EVENT_KINDS)
            | set(CHECKS) | {"console", "discord", "slack", "record", "core", OTHER}
            | families | set(app.features))


async def test_metrics_after_a_busy_run_hold_every_named_metric_and_no_member_data(
        served: tuple[MemoryBot, int], clock: FakeClock) -> None:
    bot, port = served
    bot.app.use_connection("console", connected)
    filled = await fill(bot, clock)  # members with ids and names, concerns, feedback
    # A rate limit, a refusal rerouted to a fallback, a refusal with nowhere to go.
    people = bot.adapter
    people.fail_next(RateLimited(0.0), Forbidden("dms closed"), Forbidden("dms closed"))
    await bot.app.storage.enqueue([
        NewDelivery("busy-1", Destination.to_dm(bot.group_id, "U-bob"), Message("Hi Bob")),
        NewDelivery("busy-2", Destination.to_dm(bot.group_id, "U-dina"), Message("Hi"),
                    fallbacks=(Fallback(Destination.to_channel(bot.group_id, "leads")),)),
        NewDelivery("busy-3", Destination.to_dm(bot.group_id, "U-carol"), Message("Hi"))],
        clock.now())
    bot.app.deliveries_waiting()
    await bot.settle()
    await bot.run("alice", "/nosuchcommand Alice-typed-this")

    families, text = await samples(port)
    for name in NAMED_METRICS:
        assert name in families, name
    allowed = _vocabulary(bot.app)
    secrets = {"U-alice", "U-bob", "U-carol", "U-dev", "U-dina", "Alice", "Bob", "Carol",
               "Dina", "SECRET", "group-1", "Hi Bob", "nosuchcommand", "Alice-typed-this",
               filled.named_case, filled.anonymous_case, filled.case_about_alice,
               filled.named_poll, filled.anonymous_poll, filled.checkin_id}
    for family in families.values():
        for sample in family:
            for key, label in sample.labels.items():
                if key == "le":
                    float(label)  # a bucket bound: a number
                else:
                    assert label in allowed, (sample.name, key, label)
            assert isinstance(sample.value, float)
    for secret in secrets:
        assert secret not in text, secret
    assert not re.search(r"C-[A-Z0-9]{6}", text)

    # The numbers mean what they say.
    # The DM to Alice held back by her failing DMs, and the one waiting out its rate limit.
    assert value(families, "coprod_deliveries_waiting") == 2
    assert value(families, "coprod_concerns_unacknowledged") == 2  # one was closed
    assert value(families, "coprod_concerns_escalation_after_seconds") == 30 * 60
    assert value(families, "coprod_delivery_failures_total", kind="dm",
                 error="RateLimited") == 1
    assert value(families, "coprod_delivery_failures_total", kind="dm",
                 error="Forbidden") == 2
    assert value(families, "coprod_deliveries_rerouted_total", kind="dm") == 1
    assert value(families, "coprod_deliveries_undeliverable_total", kind="dm") == 1
    assert value(families, "coprod_delivery_retries_total", kind="dm") >= 1
    assert value(families, "coprod_delivery_failures_total", kind="dm",
                 error="Transient") >= 1
    assert value(families, "coprod_delivery_rate_limit_wait_seconds_count", kind="dm") == 1
    assert value(families, "coprod_deliveries_sent_total", kind="channel") > 0
    assert value(families, "coprod_scheduler_lateness_seconds_count") > 0
    assert value(families, "coprod_command_handling_seconds_count", kind="command",
                 family="case") > 0
    assert value(families, "coprod_command_handling_seconds_count", kind="form",
                 family="concerns") == 3
    assert value(families, "coprod_command_handling_seconds_count", kind="command",
                 family=OTHER) == 1
    assert value(families, "coprod_platform_connected", platform="console") == 1


async def test_the_oldest_ages_grow_with_the_clock(served: tuple[MemoryBot, int],
                                                   clock: FakeClock) -> None:
    bot, port = served
    await bot.submit("alice", "concern.raise", {
        "what": "Worried", "about": "", "danger": "no", "contact": "no", "anonymous": "yes"})
    bot.adapter.fail_when = lambda d: Transient("down")
    await bot.app.storage.enqueue([NewDelivery(
        "stuck", Destination.to_channel(bot.group_id, "general"), Message("x"))], clock.now())
    await bot.settle()
    clock.advance(timedelta(minutes=7))
    families, _ = await samples(port)
    assert value(families, "coprod_deliveries_waiting") >= 1
    assert value(families, "coprod_deliveries_waiting_oldest_age_seconds") == 7 * 60
    assert value(families, "coprod_concerns_unacknowledged") == 1
    assert value(families, "coprod_concerns_unacknowledged_oldest_age_seconds") == 7 * 60


async def test_two_apps_in_one_process_keep_their_own_counts(storage: Storage,
                                                            clock: FakeClock) -> None:
    apps = [App(Config(), storage, clock=clock) for _ in range(2)]
    servers = [HealthServer(app, "127.0.0.1", 0) for app in apps]
    ports = [await server.start() for server in servers]
    try:
        await apps[0].handle_text("group-1", MemoryAdapter().member("alice"), "/help",
                                  "general")
        first, _ = await samples(ports[0])
        second, _ = await samples(ports[1])
        assert value(first, "coprod_command_handling_seconds_count", kind="command",
                     family="help") == 1
        assert value(second, "coprod_command_handling_seconds_count", kind="command",
                     family="help") == 0
    finally:
        for server in servers:
            await server.stop()


@pytest.mark.backends
async def test_a_scrape_with_many_deliveries_waiting_is_quick(
        served: tuple[MemoryBot, int], clock: FakeClock) -> None:
    """10,000 deliveries owed beside 100,000 delivered: a scrape reads only the owed
    ones, through the index on status."""
    bot, port = served
    await bot.app.stop()  # nothing sends them
    now = clock.now()
    for start in range(0, 110_000, 10_000):
        await bot.app.storage.enqueue([NewDelivery(
            f"many-{n}", Destination.to_channel(bot.group_id, "general"), Message("x"))
            for n in range(start, start + 10_000)], now)
    await raw_rows(bot.app.storage, "UPDATE deliveries SET status = 'delivered' "
                                    "WHERE idem_key NOT LIKE 'many-10____'")
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        families, _ = await samples(port)
        timings.append(time.perf_counter() - started)
    assert value(families, "coprod_deliveries_waiting") == 10_000
    print(f"/metrics with 10,000 deliveries waiting beside 100,000 delivered: "
          f"best {min(timings) * 1000:.1f} ms, worst {max(timings) * 1000:.1f} ms")
    assert min(timings) < 1.0


async def test_anonymous_feedback_and_votes_show_in_no_metric_label_or_log_line(
        served: tuple[MemoryBot, int], caplog: pytest.LogCaptureFixture) -> None:
    """When anonymous feedback was written, or an anonymous vote cast, must not show:
    they are counted under `other`, as an unknown command is, and logged by no name."""
    bot, port = served
    await bot.run("carol", '/poll question="Which day?" options="Monday|Tuesday" '
                           'closes=2d anonymous=yes')
    post = bot.adapter.sent_to_channel("updates")[-1]
    await bot.settle()
    caplog.set_level(logging.INFO)  # what the bot logs (its drivers' debug lines aside)
    caplog.clear()
    assert (await bot.run("alice", "/feedback")).form is not None
    await bot.submit("alice", "feedback.send", {"message": "Words", "topic": "",
                                                "audience": "group"})
    await bot.press("alice", post.buttons[1].action, post.buttons[1].value)
    await bot.settle()

    families, text = await samples(port)
    assert 'family="feedback"' not in text and 'family="polls"' not in text
    for kind in ("command", "form", "button"):
        assert value(families, "coprod_command_handling_seconds_count", kind=kind,
                     family=OTHER) == 1, kind
    for record in caplog.records:
        line = f"{record.name} {record.getMessage()} {getattr(record, 'fields', '')}"
        assert "feedback" not in line and "poll" not in line, line
