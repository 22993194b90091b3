"""The core's metrics (`bot.metrics.Metrics`) recorded with prometheus-client, in a
registry of each app's own (not the library's global one, so tests and several apps in
one process do not mix their counts).

Counters and histograms are fed as things happen; what is read from the database (the
deliveries owed, the concerns waiting for a lead), the readiness checks and the
platform connection are worked out at scrape time and handed to `ScrapeCollector`
before the registry is written out. Every label value is a word of a fixed vocabulary
(`label`), so no id, name or text can become one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence

from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import disable_created_metrics
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.core import Metric
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from bot.health import CHECKS
from bot.messages import DestinationKind
from bot.metrics import DELIVERY_ERRORS
from bot.metrics import EVENT_KINDS
from bot.metrics import OTHER
from bot.metrics import Metrics
from bot.metrics import Reading
from bot.metrics import label

KINDS = tuple(k.value for k in DestinationKind)
PLATFORMS = ("console", "discord", "slack", "record")
# Command families and feature names: lower-case words the code defines.
_FAMILY = re.compile(r"[a-z][a-z0-9_-]{0,31}")
LATENESS_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 3600.0)
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WAIT_BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)


def family_label(value: str) -> str:
    """A command family or feature name as a label value (`other` if it is not one)."""
    return value if _FAMILY.fullmatch(value) else OTHER


class ScrapeCollector(Collector):
    """The gauges worked out at scrape time, from what the server last gave it."""

    def __init__(self) -> None:
        self._checks: Mapping[str, bool] = {}
        self._platform = ""
        self._readings: Sequence[Reading] = ()

    def update(self, checks: Mapping[str, bool], platform: str,
               readings: Sequence[Reading]) -> None:
        """What the next collection reports."""
        self._checks, self._platform, self._readings = checks, platform, readings

    def collect(self) -> Iterator[Metric]:
        ready = GaugeMetricFamily("coprod_ready", "1 if this readiness check passes "
                                  "(database, platform, scheduler, dispatcher), else 0.",
                                  labels=["check"])
        for check in CHECKS:
            ready.add_metric([check], 1.0 if self._checks.get(check) else 0.0)
        yield ready
        connected = GaugeMetricFamily("coprod_platform_connected", "1 while the bot is "
                                      "connected to its platform, else 0.",
                                      labels=["platform"])
        if self._platform:
            connected.add_metric([label(self._platform, PLATFORMS)],
                                 1.0 if self._checks.get("platform") else 0.0)
        yield connected
        for reading in self._readings:
            yield GaugeMetricFamily(f"coprod_{reading.name}", reading.help,
                                    value=float(reading.value))


class PrometheusMetrics(Metrics):
    """`Metrics` in a registry of its own; `render` writes it in Prometheus' text format."""

    def __init__(self) -> None:
        # No `_created` series beside each counter and histogram: a start time each, which
        # doubles the output and says nothing a dashboard uses (a switch of the library's).
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.sent = Counter("coprod_deliveries_sent", "Deliveries the platform accepted, "
                            "by destination kind.", ["kind"], registry=r)
        self.failed = Counter("coprod_delivery_failures", "Delivery attempts that "
                              "failed, by destination kind and error class.",
                              ["kind", "error"], registry=r)
        self.retries = Counter("coprod_delivery_retries", "Deliveries put back to be "
                               "tried again after a passing error (not rate limits).",
                               ["kind"], registry=r)
        self.rerouted = Counter("coprod_deliveries_rerouted", "Deliveries refused for "
                                "good and sent on to their next fallback.", ["kind"],
                                registry=r)
        self.undeliverable = Counter("coprod_deliveries_undeliverable", "Deliveries "
                                     "refused everywhere they could go.", ["kind"],
                                     registry=r)
        self.waits = Histogram("coprod_delivery_rate_limit_wait_seconds", "Waits the "
                               "platform's rate limits asked for, in seconds.", ["kind"],
                               buckets=WAIT_BUCKETS, registry=r)
        self.lateness = Histogram("coprod_scheduler_lateness_seconds", "How long after "
                                  "its due time each scheduled occurrence was acted on.",
                                  buckets=LATENESS_BUCKETS, registry=r)
        self.handling = Histogram("coprod_command_handling_seconds", "How long the bot "
                                  "took to handle a command, button, form, shortcut, "
                                  "direct message or join, by kind and command family.",
                                  ["kind", "family"], buckets=HANDLING_BUCKETS, registry=r)
        for kind in KINDS:  # every kind shows from the start, at 0
            self.sent.labels(kind)
            self.retries.labels(kind)
        self.scraped = ScrapeCollector()
        r.register(self.scraped)
        ProcessCollector(registry=r)

    def delivery_sent(self, kind: str) -> None:
        self.sent.labels(label(kind, KINDS)).inc()

    def delivery_failed(self, kind: str, error: str, outcome: str) -> None:
        kind, error = label(kind, KINDS), label(error, DELIVERY_ERRORS)
        self.failed.labels(kind, error).inc()
        if outcome == "rerouted":
            self.rerouted.labels(kind).inc()
        elif outcome == "undeliverable":
            self.undeliverable.labels(kind).inc()
        elif error != "RateLimited":
            self.retries.labels(kind).inc()

    def rate_limit_wait(self, kind: str, seconds: float) -> None:
        self.waits.labels(label(kind, KINDS)).observe(max(0.0, seconds))

    def schedule_fired(self, lateness_seconds: float) -> None:
        self.lateness.observe(max(0.0, lateness_seconds))

    def event_handled(self, kind: str, family: str, seconds: float) -> None:
        self.handling.labels(label(kind, EVENT_KINDS), family_label(family)).observe(
            max(0.0, seconds))

    def render(self) -> bytes:
        """Everything, in Prometheus' text exposition format."""
        return generate_latest(self.registry)
