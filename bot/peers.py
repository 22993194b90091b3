"""What the bot processes sharing one database tell each other, and nothing stored.

Some things must be the same in every process yet may never be written down: the key
that seals anonymous votes (so a vote can be changed through any process) and the daily
feedback limit's key and counts (so the limit holds whichever process a member reaches).
`Peers` passes them between live processes over a `PeerLink` (PostgreSQL's LISTEN/NOTIFY,
which keeps nothing in tables or in the write-ahead log), never through storage.

- `secret(name)`: a random secret every live process holds the same copy of. A process
  asks its peers first (under a lock, so two processes never make two); a peer that
  holds it answers with it encrypted for the asker alone (X25519 with keys made at
  start and never kept, then AES-GCM), so whoever records the link's messages learns
  nothing. If no peer holds it, the asker makes a new one.
- `tell(topic, body)` and `on(topic, ...)`: a small message to every other process.
- `request(topic, body)` and `answer(topic, ...)`: ask every other live process and
  wait (bounded) for all their answers.

Without a link (SQLite: one process) every secret is made here and nothing is sent.
docs/decisions/anonymous-polls.md says why this is safe and what it does not stop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat

from bot.logs import log_event

log = logging.getLogger(__name__)

# The longest a process waits for its peers' answers (a peer that died without closing
# its connection is the only one that makes anyone wait this long).
ANSWER_SECONDS = 2.0

Body = dict[str, Any]


class PeerLink(Protocol):
    """A channel between the processes on one database: every message published reaches
    every open link, this one included, and is never stored."""

    async def open(self, deliver: Callable[[str], None]) -> None:
        """Start listening; `deliver` gets each message's text."""

    async def publish(self, text: str) -> None:
        """Send a message (at most about 7,000 characters) to every open link."""

    async def peer_count(self) -> int:
        """How many other processes are listening now."""

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """Held by one process at a time, across every process."""

    async def close(self) -> None:
        """Stop listening."""


Responder = Callable[[Body], list[Body]]


@dataclass
class _Waiting:
    expected: int
    parts: dict[str, list[Body]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, sender: str, part: Body, total: int) -> None:
        self.parts.setdefault(sender, []).append(part)
        self.totals[sender] = total
        if sum(len(self.parts[s]) >= self.totals[s] for s in self.parts) >= self.expected:
            self.done.set()


class Peers:
    """This process's side of the link: its secrets, and the topics it tells and answers."""

    def __init__(self, link: PeerLink | None) -> None:
        self._link = link
        self._open = False
        self.name = secrets.token_hex(8)
        self._private = X25519PrivateKey.generate()
        self._public = _b64(self._private.public_key().public_bytes(Encoding.Raw,
                                                                     PublicFormat.Raw))
        self._secrets: dict[str, bytes] = {}
        self._quiet: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._listeners: dict[str, Callable[[Body], None]] = {}
        self._responders: dict[str, Responder] = {"secret": self._give_secret}
        self._waiting: dict[str, _Waiting] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def linked(self) -> bool:
        """Whether other processes can be reached (False on SQLite)."""
        return self._link is not None and self._open

    async def open(self) -> None:
        """Start listening to the other processes (nothing to do without a link)."""
        if self._link is not None and not self._open:
            try:
                await self._link.open(self._receive)
            except Exception as exc:
                # The bot still works, each process on its own as on SQLite; said once.
                log_event(log, logging.ERROR, "peers.unlinked", error=type(exc).__name__)
                await self._link.close()
                return
            self._open = True

    async def close(self) -> None:
        """Stop listening; secrets are forgotten with the process."""
        if self._link is not None and self._open:
            self._open = False
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._link.close()

    # ---- secrets -------------------------------------------------------------------

    async def secret(self, name: str, *, logged: bool = True) -> bytes:
        """The 32-byte secret `name` all live processes share: from a peer, else new.
        `logged=False` for a secret first asked for when a member does something whose
        moment must not show (the feedback limit's): its hand-overs are never logged."""
        if not logged:
            self._quiet.add(name)
        held = self._secrets.get(name)
        if held is not None:
            return held
        async with self._locks.setdefault(name, asyncio.Lock()):
            if name not in self._secrets:
                self._secrets[name] = await self._fetch(name) or secrets.token_bytes(32)
        return self._secrets[name]

    def forget(self, name: str) -> None:
        """Drop a secret this process no longer needs (peers keep theirs)."""
        self._secrets.pop(name, None)
        self._quiet.discard(name)

    async def _fetch(self, name: str) -> bytes | None:
        if self._link is None or not self._open:
            return None
        async with self._link.exclusive(f"secret:{name}"):
            for answer in await self.request("secret", {"name": name, "pub": self._public}):
                found = self._open_box(name, answer)
                if found is not None:
                    if name not in self._quiet:
                        log_event(log, logging.INFO, "peers.secret_received", secret=name)
                    return found
        return None

    def _give_secret(self, body: Body) -> list[Body]:
        name, asker = str(body.get("name", "")), str(body.get("pub", ""))
        held = self._secrets.get(name)
        if held is None or not asker:
            return [{}]
        try:
            key = self._shared_key(name, asker)
        except ValueError:
            return [{}]
        nonce = secrets.token_bytes(12)
        box = nonce + AESGCM(key).encrypt(nonce, held, name.encode())
        if name not in self._quiet:
            log_event(log, logging.INFO, "peers.secret_given", secret=name)
        return [{"pub": self._public, "box": _b64(box)}]

    def _open_box(self, name: str, answer: Body) -> bytes | None:
        try:
            key = self._shared_key(name, str(answer["pub"]))
            box = base64.b64decode(str(answer["box"]))
            return AESGCM(key).decrypt(box[:12], box[12:], name.encode())
        except (KeyError, ValueError, InvalidTag):
            return None

    def _shared_key(self, name: str, their_public: str) -> bytes:
        theirs = X25519PublicKey.from_public_bytes(base64.b64decode(their_public))
        shared = self._private.exchange(theirs)
        return HKDF(algorithm=SHA256(), length=32, salt=None,
                    info=b"coprod peers " + name.encode()).derive(shared)

    # ---- telling and asking --------------------------------------------------------

    def on(self, topic: str, listener: Callable[[Body], None]) -> None:
        """Call `listener` with the body of each `tell(topic, ...)` of another process."""
        self._listeners[topic] = listener

    def answer(self, topic: str, responder: Responder) -> None:
        """Answer other processes' `request(topic, ...)` with these bodies (each small)."""
        self._responders[topic] = responder

    async def tell(self, topic: str, body: Body) -> None:
        """Send `body` to every other process listening to `topic` (nothing without a link)."""
        await self._publish({"op": "tell", "topic": topic, "body": body})

    async def request(self, topic: str, body: Body) -> list[Body]:
        """Every other live process's answer to `body` (waits at most `ANSWER_SECONDS`)."""
        if self._link is None or not self._open:
            return []
        expected = await self._link.peer_count()
        if expected <= 0:
            return []
        rid = secrets.token_hex(8)
        waiting = self._waiting[rid] = _Waiting(expected)
        try:
            await self._publish({"op": "request", "rid": rid, "topic": topic, "body": body})
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(ANSWER_SECONDS):
                    await waiting.done.wait()
        finally:
            self._waiting.pop(rid, None)
        return [part for parts in waiting.parts.values() for part in parts]

    async def _publish(self, message: Body) -> None:
        if self._link is None or not self._open:
            return
        await self._link.publish(json.dumps({**message, "from": self.name},
                                            separators=(",", ":")))

    def _receive(self, text: str) -> None:
        try:
            message = json.loads(text)
            sender, op = str(message["from"]), message["op"]
        except (ValueError, KeyError, TypeError):
            return
        if sender == self.name:
            return
        if op == "tell":
            listener = self._listeners.get(str(message.get("topic")))
            if listener is not None:
                listener(dict(message.get("body") or {}))
        elif op == "request":
            self._respond(sender, message)
        elif op == "answer" and message.get("to") == self.name:
            waiting = self._waiting.get(str(message.get("rid")))
            if waiting is not None:
                waiting.add(sender, dict(message.get("body") or {}),
                            int(message.get("total", 1)))

    def _respond(self, sender: str, message: Body) -> None:
        responder = self._responders.get(str(message.get("topic")))
        parts = responder(dict(message.get("body") or {})) if responder else [{}]
        parts = parts or [{}]
        for part in parts:
            self._spawn(self._publish({"op": "answer", "to": sender, "rid": message.get("rid"),
                                       "total": len(parts), "body": part}))

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class PeerAccess(Protocol):
    """What a feature may do with the other processes: share the secrets and use the
    topics its package declares (`FeaturePackage.peer_names`), nothing else."""

    @property
    def linked(self) -> bool:
        """Whether other processes can be reached."""

    async def secret(self, name: str, *, logged: bool = True) -> bytes:
        """The secret `name` all live processes share."""

    def forget(self, name: str) -> None:
        """Drop a secret this process no longer needs."""

    def on(self, topic: str, listener: Callable[[Body], None]) -> None:
        """Hear other processes' `tell(topic, ...)`."""

    def answer(self, topic: str, responder: Responder) -> None:
        """Answer other processes' `request(topic, ...)`."""

    async def tell(self, topic: str, body: Body) -> None:
        """Tell every other process listening to `topic`."""

    async def request(self, topic: str, body: Body) -> list[Body]:
        """Every other live process's answer."""


class NamedPeers:
    """The peers as one feature sees them: only the names its package declares, each
    name also covering `name:anything` (a day's key, say). Another feature's secret
    (the key that seals anonymous votes) or topic, or the core's own ("secret", which
    hands secrets over), is refused with PermissionError."""

    __slots__ = ("_names", "_peers")

    def __init__(self, peers: Peers, names: Sequence[str]) -> None:
        self._peers = peers
        self._names = tuple(names)

    def _check(self, name: str) -> str:
        if not any(name == n or name.startswith(f"{n}:") for n in self._names):
            raise PermissionError(f"{name!r} is not among the peer names this feature "
                                  "declares (FeaturePackage.peer_names)")
        return name

    @property
    def linked(self) -> bool:
        """Whether other processes can be reached."""
        return self._peers.linked

    async def secret(self, name: str, *, logged: bool = True) -> bytes:
        """The secret `name` all live processes share, if declared."""
        return await self._peers.secret(self._check(name), logged=logged)

    def forget(self, name: str) -> None:
        """Drop a declared secret."""
        self._peers.forget(self._check(name))

    def on(self, topic: str, listener: Callable[[Body], None]) -> None:
        """Hear a declared topic."""
        self._peers.on(self._check(topic), listener)

    def answer(self, topic: str, responder: Responder) -> None:
        """Answer a declared topic."""
        self._peers.answer(self._check(topic), responder)

    async def tell(self, topic: str, body: Body) -> None:
        """Tell on a declared topic."""
        await self._peers.tell(self._check(topic), body)

    async def request(self, topic: str, body: Body) -> list[Body]:
        """Ask on a declared topic."""
        return await self._peers.request(self._check(topic), body)
