"""The recording platform's adapter: reads event lines, records replies and sends."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import threading
from pathlib import Path
from typing import IO
from typing import Any

from adapters.record.lines import InputError
from adapters.record.lines import delivery_dict
from adapters.record.lines import event_from_line
from adapters.record.lines import reply_dict
from bot.app import App
from bot.config import Config
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message

log = logging.getLogger(__name__)

# How long the end of input (or a "settle" line) waits for what is due to be sent.
SETTLE_SECONDS = 30.0


def recording_path(template: str, pid: int | None = None) -> Path:
    """A configured file name with `{pid}` replaced by the process id."""
    return Path(template.replace("{pid}", str(os.getpid() if pid is None else pid))
                ).expanduser()


class JsonLines:
    """An append-only file of JSON lines; each line is on disk before `write` returns."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: IO[str] = path.open("a", encoding="utf-8")

    def write(self, data: dict[str, Any]) -> None:
        """Append one line, flushed and fsynced."""
        self._file.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()


class NonceLedger:
    """The pretend platform's memory of delivery keys, shared by every process through
    one file under an exclusive lock: the first send of a key is taken (one line), a
    repeat gets the first one's reference back and is not taken again, as Discord does
    with a repeated nonce."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._taken: dict[str, str] = {}
        self._offset = 0

    def take(self, key: str, pid: int, ref: str) -> str:
        """Take a send (on disk before this returns); the reference it is known by."""
        with self.path.open("a+", encoding="utf-8") as ledger:
            fcntl.flock(ledger, fcntl.LOCK_EX)
            ledger.seek(self._offset)
            for line in ledger.read().splitlines():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    data = json.loads(line)
                    self._taken.setdefault(str(data["key"]), str(data["ref"]))
            if key in self._taken:
                self._offset = ledger.tell()
                return self._taken[key]
            ledger.write(json.dumps({"key": key, "pid": pid, "ref": ref}) + "\n")
            ledger.flush()
            os.fsync(ledger.fileno())
            self._offset = ledger.tell()
            self._taken[key] = ref
            return ref


class RecordAdapter:
    """A pretend platform that records every reply and every send as a JSON line.

    Implements the dispatcher's `Sender`; `run(app, stop)` reads events from the input
    until it ends (and then, with `keep_running`, until `stop` is set).
    """

    def __init__(self, config: Config, replies: JsonLines, deliveries: JsonLines,
                 source: str) -> None:
        self.config = config
        self.replies = replies
        self.deliveries = deliveries
        self.source = source
        self.pid = os.getpid()
        self.sent = 0
        self._latency = config.record.send_latency_ms / 1000
        ledger = config.record.nonce_ledger
        self.ledger = NonceLedger(recording_path(ledger)) if ledger else None

    # ---- outbound: the dispatcher calls this ---------------------------------------

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Record the message (on disk before this returns); the reference is `PID:N`."""
        self.sent += 1
        ref = f"{self.pid}:{self.sent}"
        self.deliveries.write(delivery_dict(key, self.pid, destination, message, ref))
        if self.ledger is not None:
            ref = self.ledger.take(key, self.pid, ref)
        if self._latency:
            await asyncio.sleep(self._latency)
        return ref

    # ---- inbound ---------------------------------------------------------------------

    async def run(self, app: App, stop: asyncio.Event) -> int:
        """Start delivering, say "ready", then handle input lines in order."""
        app.start_delivery(self)
        self.replies.write({"kind": "ready", "pid": self.pid})
        reading = asyncio.create_task(self._read_all(app), name="record-input")
        stopping = asyncio.create_task(stop.wait(), name="record-stop")
        done, _ = await asyncio.wait({reading, stopping},
                                     return_when=asyncio.FIRST_COMPLETED)
        if reading in done:
            reading.result()
            if self.config.record.keep_running:
                await stopping
            else:
                await self._settle(app)
        reading.cancel()
        stopping.cancel()
        return 0

    async def _read_all(self, app: App) -> None:
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=_feed, args=(self.source, lines, loop), daemon=True,
                         name="record-input").start()
        number = 0
        while (line := await lines.get()) is not None:
            number += 1
            if line.strip():
                await self.handle_line(app, line, number)

    async def handle_line(self, app: App, line: str, number: int) -> None:
        """Handle one input line and record its answer (a refusal for a bad line)."""
        try:
            incoming = event_from_line(line, self.config, number)
        except InputError as exc:
            request_id = _id_of(line, number)
            self.replies.write({"id": request_id, "pid": self.pid, "kind": "refused",
                                "error": str(exc)})
            return
        if incoming.kind == "settle":
            await self._settle(app)
            self.replies.write({"id": incoming.request_id, "pid": self.pid,
                                "kind": "settled"})
            return
        if incoming.event is None:
            assert incoming.actor is not None
            reply = await app.handle_text(incoming.group_id, incoming.actor, incoming.text,
                                          incoming.channel)
        else:
            reply = await app.handle(incoming.event)
        self.replies.write(reply_dict(incoming.request_id, self.pid, reply))

    async def _settle(self, app: App) -> None:
        if app.dispatcher is None:
            return
        try:
            await app.dispatcher.drain(SETTLE_SECONDS)
        except Exception as exc:
            log_event(log, logging.WARNING, "record.settle_failed", error=type(exc).__name__)

    def close(self) -> None:
        """Close the files."""
        self.replies.close()
        self.deliveries.close()


def _id_of(line: str, number: int) -> str:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return f"line-{number}"
    return str(data["id"]) if isinstance(data, dict) and "id" in data else f"line-{number}"


def _feed(source: str, lines: asyncio.Queue[str | None],
          loop: asyncio.AbstractEventLoop) -> None:
    """Read input lines on a thread (opening a named pipe waits for its writer)."""
    try:
        stream = (os.fdopen(os.dup(0), encoding="utf-8", errors="replace")
                  if source == "-" else Path(source).expanduser().open(
                      encoding="utf-8", errors="replace"))
        with stream:
            for line in stream:
                loop.call_soon_threadsafe(lines.put_nowait, line)
    except (OSError, ValueError) as exc:
        log_event(log, logging.ERROR, "record.input_failed", error=type(exc).__name__)
    finally:
        with contextlib.suppress(RuntimeError):  # the loop has ended already
            loop.call_soon_threadsafe(lines.put_nowait, None)


def open_adapter(config: Config) -> RecordAdapter:
    """The adapter with its two files open. Raises `OSError` naming what failed."""
    record = config.record
    opened: list[JsonLines] = []
    for key, template in (("replies", record.replies), ("deliveries", record.deliveries)):
        path = recording_path(template)
        try:
            opened.append(JsonLines(path))
        except OSError as exc:
            for done in opened:
                done.close()
            raise OSError(f"[record] {key}: cannot write to {path} ({exc.strerror}). "
                          "Choose a folder you can write to.") from None
    source = record.input
    if source != "-" and not Path(source).expanduser().exists():
        for done in opened:
            done.close()
        raise OSError(f"[record] input: there is no file {source}. Make it first (a named "
                      "pipe with mkfifo, or a file of JSON lines), or use \"-\" for standard "
                      "input.")
    return RecordAdapter(config, opened[0], opened[1], source)
