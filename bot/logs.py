"""Structured logging: an event name and ids, as key=value or JSON lines.

Log lines carry ids and event names only, never message text and never the author of
anything anonymous. `log_event` takes keyword fields so a call site cannot slip a whole
message into a format string by accident.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import IO
from typing import Any

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}


def log_event(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Log `event` with id-like fields (numbers, ids, counts, error codes)."""
    logger.log(level, event, extra={"fields": fields})


class KeyValueFormatter(logging.Formatter):
    """`2026-01-05T09:00:00Z level=info logger=bot.app event=command.run id=3`."""

    def format(self, record: logging.LogRecord) -> str:
        """One line per record."""
        parts = [
            datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            f"level={record.levelname.lower()}",
            f"logger={record.name}",
            f"event={_kv(record.getMessage())}",
        ]
        for key, value in getattr(record, "fields", {}).items():
            parts.append(f"{key}={_kv(value)}")
        if record.exc_info and record.exc_info[0] is not None:
            parts.append(f"error={record.exc_info[0].__name__}")
        return " ".join(parts)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        """One line per record."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = record.exc_info[0].__name__
        return json.dumps(data, default=str)


def _kv(value: Any) -> str:
    text = str(value)
    if not text or any(ch.isspace() or ch in '"=' for ch in text):
        return json.dumps(text)
    return text


class _CoprodHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our handler, told apart so reconfiguring replaces only ours."""


class LogFile(logging.FileHandler):
    """Our handler when logs go to a file: made on the first line (so a run that logs
    nothing leaves no file), readable by its owner only, appended to. `written` counts
    the lines, so the console can say at the end that there are some to read."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=True)
        self.written = 0

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, "a", encoding="utf-8")

    def emit(self, record: logging.LogRecord) -> None:
        """Write the line (and count it)."""
        super().emit(record)
        self.written += 1


_OURS = ("bot", "storage", "scheduler", "adapters", "tests", "__main__")


def _quiet_libraries(record: logging.LogRecord) -> bool:
    """Libraries (discord.py, slack-sdk, aiohttp, ...) log request bodies and gateway
    payloads at debug and info, which would carry what people wrote: only their warnings
    and errors pass, whatever level is configured."""
    return record.name.split(".", 1)[0] in _OURS or record.levelno >= logging.WARNING


def configure_logging(level: str, fmt: str = "keyvalue", stream: IO[str] | None = None,
                      path: Path | None = None) -> logging.Handler:
    """Send all logs to `stream` (stderr by default), or to the file at `path`, at
    `level`, in the chosen format; returns the handler.

    Tracebacks are not printed: exceptions are logged by type, because a traceback's
    local values could hold message text.
    """
    handler: logging.Handler = LogFile(path) if path is not None else _CoprodHandler(
        stream or sys.stderr)
    handler.addFilter(_quiet_libraries)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _CoprodHandler | LogFile)]:
        root.removeHandler(old)
        if isinstance(old, LogFile):
            old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("aiosqlite", "apscheduler", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return handler
