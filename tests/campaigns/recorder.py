"""Driving real `coprod run --platform record` processes from a test.

`RecordedProcess` starts one process (several may share one database: give each its
own `name`), writes event lines to its standard input, reads its answers back, and
stops it gently or with SIGKILL. Each start records to its own files
(`NAME-replies-PID.jsonl`, `NAME-deliveries-PID.jsonl`), so what a killed process said
and sent stays readable. `seed_meetings` puts meetings with reminders in storage before
the processes start, through the storage interface (so it works on any backend the
database setting names). `write_config` writes a `config.toml` from a dict.

    key = generate_key()
    write_config(tmp / "config.toml", {"bot": {"database": str(tmp / "coprod.db")}})
    await seed_meetings(str(tmp / "coprod.db"), key, due=[now + timedelta(seconds=5)])
    bots = [RecordedProcess(tmp, f"bot{i}", key) for i in range(2)]
    for bot in bots:
        bot.start()
    ...
    bots[0].kill()
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.features.meetings.store import MeetingDraft
from storage.crypto import FieldCipher
from storage.factory import open_storage

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 30.0


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The complete JSON lines of a recording (a line cut short by a kill is left out)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    out = []
    for raw in data.split(b"\n")[:-1]:  # the part after the last newline is incomplete
        if raw.strip():
            out.append(json.loads(raw))
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def write_config(path: Path, sections: Mapping[str, Mapping[str, Any]]) -> Path:
    """Write a config.toml: `{"delivery": {"lease_seconds": 10}, ...}`."""
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def cli_env(key: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a recording process: this checkout on the path, the given
    encryption key, no platform tokens, and nothing else of ours from the caller."""
    env = {k: v for k, v in os.environ.items()
           if k != "DISCORD_TOKEN" and not k.startswith(("SLACK_", "COPROD_"))}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env["PYTHONUTF8"] = "1"
    env["COPROD_ENCRYPTION_KEY"] = key
    env.update(extra or {})
    return env


@dataclass
class Incarnation:
    """One run of a process: its pid, files, and how it ended."""

    pid: int
    replies: Path
    deliveries: Path
    started: float
    ready_at: float | None = None
    ended: float | None = None
    killed: bool = False
    code: int | None = None


@dataclass
class RecordedProcess:
    """A `coprod run --platform record` process that can be started again and again."""

    workdir: Path
    name: str
    key: str
    config: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    args: Sequence[str] = ()
    runs: list[Incarnation] = field(default_factory=list)
    _proc: subprocess.Popen[bytes] | None = None
    _seen: int = 0
    _counter: int = 0

    @property
    def current(self) -> Incarnation:
        """The run going on now (or the last one)."""
        return self.runs[-1]

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self._proc is not None and self._proc.poll() is None

    def start(self, *, wait_ready: bool = True) -> Incarnation:
        """Start the process; with `wait_ready`, return once it said it is ready."""
        assert not self.alive, "already running"
        config = ["--config", str(self.config)] if self.config else []
        stderr = (self.workdir / f"{self.name}-stderr.log").open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--platform", "record", *config,
             "--replies", str(self.workdir / f"{self.name}-replies-{{pid}}.jsonl"),
             "--deliveries", str(self.workdir / f"{self.name}-deliveries-{{pid}}.jsonl"),
             *self.args],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr,
            cwd=self.workdir, env=cli_env(self.key, self.env))
        stderr.close()
        pid = self._proc.pid
        self.runs.append(Incarnation(
            pid, self.workdir / f"{self.name}-replies-{pid}.jsonl",
            self.workdir / f"{self.name}-deliveries-{pid}.jsonl", time.monotonic()))
        self._seen = 0
        if wait_ready:
            self.wait_ready()
        return self.current

    def wait_ready(self, limit: float = READY_SECONDS) -> None:
        """Wait (bounded) for the process's "ready" line."""
        self._wait(lambda lines: any(r.get("kind") == "ready" for r in lines), limit,
                   "ready")
        self.current.ready_at = time.monotonic()

    def send(self, kind: str, **fields: Any) -> str:
        """Write one event line; returns its id."""
        assert self._proc is not None and self._proc.stdin is not None
        self._counter += 1
        request_id = str(fields.pop("id", f"{self.name}-{self._counter}"))
        line = json.dumps({"id": request_id, "type": kind, **fields}) + "\n"
        self._proc.stdin.write(line.encode())
        self._proc.stdin.flush()
        return request_id

    def send_many(self, lines: Iterable[dict[str, Any]]) -> list[str]:
        """Write several event lines at once (each a dict with "type"); returns ids."""
        return [self.send(str(line["type"]), **{k: v for k, v in line.items()
                                                 if k != "type"}) for line in lines]

    def replies(self) -> list[dict[str, Any]]:
        """Every answer of the current run so far."""
        return read_lines(self.current.replies)

    def deliveries(self) -> list[dict[str, Any]]:
        """Every send of the current run so far."""
        return read_lines(self.current.deliveries)

    def wait_reply(self, request_id: str, limit: float = 30.0) -> dict[str, Any]:
        """Wait (bounded) for the answer to one event line."""
        found: list[dict[str, Any]] = self._wait(
            lambda lines: [r for r in lines if r.get("id") == request_id], limit,
            f"an answer to {request_id}")
        return found[0]

    def settle(self, limit: float = 60.0) -> None:
        """Ask the process to send everything due now, and wait until it has."""
        self.wait_reply(self.send("settle"), limit)

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, like a power cut for this process."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGKILL)
        self._end(killed=True)

    def stop(self, limit: float = 60.0) -> int:
        """End the input and wait for a clean exit; returns the exit code."""
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.close()
        return self._end(limit=limit)

    def terminate(self, limit: float = 60.0) -> int:
        """SIGTERM (how a service manager stops it); returns the exit code."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGTERM)
        return self._end(limit=limit)

    def _end(self, *, killed: bool = False, limit: float = 30.0) -> int:
        assert self._proc is not None
        try:
            code = self._proc.wait(timeout=limit)
        finally:
            if self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait(timeout=10)
            if self._proc.stdin is not None and not self._proc.stdin.closed:
                with contextlib.suppress(BrokenPipeError):
                    self._proc.stdin.close()
        self.current.ended = time.monotonic()
        self.current.killed = killed
        self.current.code = code
        self._proc = None
        return code

    def _wait(self, check: Any, limit: float, what: str) -> Any:
        deadline = time.monotonic() + limit
        while True:
            found = check(self.replies())
            if found:
                return found
            if not self.alive:
                raise AssertionError(f"{self.name} ended before {what}: see "
                                     f"{self.workdir / (self.name + '-stderr.log')}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: timed out waiting for {what}")
            time.sleep(0.01)


def reply_words(reply: dict[str, Any]) -> str:
    """What an answer line says: its messages' texts, joined by spaces."""
    return " ".join(str(m.get("text", "")) for m in reply.get("messages") or [])


def all_deliveries(processes: Iterable[RecordedProcess]) -> list[dict[str, Any]]:
    """Every send recorded by every run of these processes."""
    return [line for p in processes for run in p.runs for line in read_lines(run.deliveries)]


def wait_sent(processes: Sequence[RecordedProcess], prefix: str,
              limit: float = 30.0) -> list[dict[str, Any]]:
    """Every send whose key starts with `prefix`, by whichever of these processes claimed
    it (any of them may): each live one is asked to settle until one has been sent, for
    at most `limit` seconds."""
    deadline = time.monotonic() + limit
    while True:
        for process in processes:
            if process.alive:
                process.settle()
        sent = [line for line in all_deliveries(processes)
                if str(line["key"]).startswith(prefix)]
        if sent:
            return sent
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing starting {prefix!r} was sent in {limit:g} s")
        time.sleep(0.1)


def stop_all(processes: Iterable[RecordedProcess]) -> None:
    """SIGTERM every one still running, in order; one that fails to stop does not keep
    the others running (its error is raised once all were asked)."""
    with contextlib.ExitStack() as stack:
        for process in reversed(list(processes)):  # the stack calls back last first
            if process.alive:
                stack.callback(process.terminate)


async def seed_meetings(database: str, key: str, due: Sequence[datetime], *,
                        group_id: str = "demo", channel: str = "updates",
                        zone: str = "UTC", title: str = "Seeded meeting",
                        created_by: str = "carol") -> list[int]:
    """Store one meeting per due time, each with a single reminder due at that time (one
    minute before it starts). Returns the meeting ids, in the order of `due`."""
    storage = await open_storage(database, FieldCipher(key))
    try:
        await storage.migrate()
        drafts = [MeetingDraft(group_id=group_id, title=f"{title} {i + 1}",
                               starts_at=when + timedelta(minutes=1), zone=zone, rrule="",
                               location="", notes="", channel=channel, reminders=(1,),
                               created_by=created_by)
                  for i, when in enumerate(due)]
        now = min(due) - timedelta(minutes=1) if due else datetime.now().astimezone()
        return await storage.add_meetings(drafts, now)
    finally:
        await storage.close()


def reminder_meeting_id(key: str) -> int | None:
    """The meeting a reminder delivery key belongs to (`meeting:7@...:...`), if it is one."""
    if not key.startswith("meeting:"):
        return None
    head = key[len("meeting:"):].split("@", 1)[0]
    return int(head) if head.isdigit() else None
