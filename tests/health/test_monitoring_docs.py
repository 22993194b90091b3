"""docs/deploying.md's Monitoring section stays true: its metric table names exactly the
metrics /metrics serves, and its example alert rules use only those."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.memory import MemoryBot
from tests.health.conftest import connected
from tests.health.helpers import NAMED_METRICS
from tests.health.helpers import samples

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploying.md"
_METRIC = re.compile(r"\bcoprod_[a-z_]+[a-z]")
_SUFFIXES = ("_total", "_bucket", "_count", "_sum")


def _monitoring() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split("## Monitoring\n", 1)[1].split("\n## ", 1)[0]


def _base(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


async def test_the_metric_table_and_the_alerts_match_what_is_served(
        served: tuple[MemoryBot, int]) -> None:
    bot, port = served
    bot.app.use_connection("console", connected)
    await bot.app.scheduler.start()
    families, _ = await samples(port)
    served_names = {name for name in families if name.startswith("coprod_")}
    section = _monitoring()
    table = {_base(m) for line in section.splitlines() if line.startswith("| `coprod_")
             for m in _METRIC.findall(line.split("|")[1])}
    assert table == served_names
    assert set(NAMED_METRICS) <= table
    rules = section.split("groups:", 1)[1]
    assert rules.count("- alert:") == 3
    used = {_base(m) for m in _METRIC.findall(rules)}
    assert used and used <= served_names, used - served_names
