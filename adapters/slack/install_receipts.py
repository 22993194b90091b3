"""A receipt kept by the browser that finished an install, so that reloading the page
Slack sent it back to (its one-use link now used) shows a neutral page, not a false
"coprod was not added".

The receipt is a cookie, set only on the redirect path, holding the workspace id and a
keyed digest (the app's client secret) of that workspace and the install's one-use
state. It names nothing but the workspace, and it proves only that this browser
finished that very install: a receipt for another state, or a forged one, is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from http.cookies import CookieError
from http.cookies import SimpleCookie

COOKIE = "coprod-slack-installed"
# How long a reload is recognised after the install (the state lasts ten minutes).
MAX_AGE_SECONDS = 24 * 60 * 60


class Receipts:
    """Makes the receipt for a finished install and recognises it on a replay."""

    def __init__(self, secret: str, path: str,
                 installed: Callable[[str], Awaitable[bool]]) -> None:
        self.secret = secret.encode("utf-8")
        self.path = path
        self.installed = installed

    def _seal(self, state: str, team: str) -> str:
        return hmac.new(self.secret, f"{team}\n{state}".encode(),
                        hashlib.sha256).hexdigest()

    def set_cookie(self, state: str, team: str) -> str:
        """The Set-Cookie header value for a finished install of `team`."""
        return (f"{COOKIE}={team}.{self._seal(state, team)}; Path={self.path}; "
                f"Max-Age={MAX_AGE_SECONDS}; HttpOnly; Secure; SameSite=Lax")

    async def replayed(self, query: Mapping[str, Sequence[str]],
                       headers: Mapping[str, Sequence[str]]) -> bool:
        """Whether this redirect is one this browser already finished, for a workspace
        that is still installed."""
        state = next(iter(query.get("state") or []), "")
        cookie = SimpleCookie()
        try:
            for line in headers.get("cookie") or []:
                cookie.load(line)
        except CookieError:
            return False
        morsel = cookie.get(COOKIE)
        if not state or morsel is None:
            return False
        team, _, seal = morsel.value.partition(".")
        if not team or not hmac.compare_digest(seal, self._seal(state, team)):
            return False
        return await self.installed(team)
