"""The pieces that keep feedback and anonymous votes from pointing at a person, shared
by feedback, polls and the agreement's votes (feedback's daily limit is its own:
`bot.features.feedback.limiter`).

- `coarse_day`: stored times are days, never moments.
- `Sealer`: encrypts a voter's choice under a key that exists only in memory, so a vote
  can be changed while the bot runs, and nobody can read it from what is stored.
- `voter_tag`: marks "this member has voted in this poll" without storing their id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC
from datetime import datetime

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken

from bot.peers import PeerAccess

# The name under which the bot processes share the sealing key (`bot.peers`).
SEALING_SECRET = "vote-seal"


def coarse_day(moment: datetime) -> datetime:
    """Midnight UTC of the day `moment` falls on."""
    day = moment.astimezone(UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Sealer:
    """Encrypts a vote's choices under a key that lives only in this process's memory.

    Every token has the same length (the choices are padded to `SEALED_LENGTH` bytes) and
    the same time stamp, a constant (Fernet writes its time unencrypted), so a token says
    neither how many options were chosen nor when. The key is shared with the other
    bot processes on the same database, in memory only (`join`), so a vote can be
    changed through any of them; when the last process ends the key is gone, and stored
    tokens can never be read again.
    """

    SEALED_LENGTH = 32
    STAMP = 0

    def __init__(self) -> None:
        self._fernet = Fernet(Fernet.generate_key())

    async def join(self, peers: PeerAccess) -> None:
        """Seal with the key the other live processes hold (or a new one they will get
        from this process). Call at start, before anything is sealed."""
        secret = await peers.secret(SEALING_SECRET)
        self._fernet = Fernet(base64.urlsafe_b64encode(secret))

    def seal(self, choices: tuple[int, ...]) -> str:
        """The choices, sealed."""
        data = json.dumps(sorted(choices), separators=(",", ":")).ljust(self.SEALED_LENGTH)
        return self._fernet.encrypt_at_time(data.encode(), self.STAMP).decode()

    def unseal(self, token: str) -> tuple[int, ...] | None:
        """The choices, or None if they were sealed under a key no live process holds."""
        try:
            data = self._fernet.decrypt(token.encode())
        except (InvalidToken, ValueError):
            return None
        return tuple(int(c) for c in json.loads(data))


def voter_tag(poll_secret: str, group_id: str, user_id: str) -> str:
    """"This member voted in this poll", without their id: HMAC with the poll's secret.

    The secret is stored encrypted with the at-rest key, so whoever holds the database
    and that key can compute any member's tag and learn whether they voted (never what
    they chose); at close the tags are dropped (docs/threat-model.md)."""
    message = f"{group_id}\x00{user_id}".encode()
    return hmac.new(poll_secret.encode(), message, hashlib.sha256).hexdigest()
