"""`coprod healthcheck`: ask a running bot's health server whether it is ready.

For a container's HEALTHCHECK or a service manager: GET `/readyz` on `[health]` host and
port (an "every address" host such as 0.0.0.0 is asked on this machine), exit 0 when the
bot is ready, else 1 with one line saying why. Standard library only: it runs often, and
must start fast.
"""

from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.request
from typing import TextIO

from bot.config import Config

TIMEOUT_SECONDS = 5.0
_EVERY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def readyz_url(config: Config) -> str:
    """Where the health server of this config answers `/readyz`."""
    host = _EVERY_ADDRESS.get(config.health.host, config.health.host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{config.health.port}/readyz"


def run_healthcheck(config: Config, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
                    timeout: float = TIMEOUT_SECONDS) -> int:
    """Ask `/readyz`; 0 if ready, else 1 with one line on `err`."""
    if config.health.enabled is False:
        print("Not checked: the health server is switched off ([health] enabled = false "
              "or COPROD_HEALTH=off). Switch it on to use coprod healthcheck.", file=err)
        return 1
    url = readyz_url(config)
    try:
        # No proxy: the bot is on this machine (or its container), whatever *_proxy say.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=timeout) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        why = ("nothing is listening there" if isinstance(reason, ConnectionRefusedError)
               else "it did not answer in time" if isinstance(reason, TimeoutError | socket.timeout)
               else type(reason).__name__)
        print(f"Not ready: no answer from the health server at {url} ({why}). Is coprod "
              "running, with the same [health] host and port?", file=err)
        return 1
    if status == 200:
        print(f"Ready ({url}).", file=out)
        return 0
    failed = _failed_checks(body)
    if failed:
        print(f"Not ready: failing {'check' if len(failed) == 1 else 'checks'}: "
              f"{', '.join(failed)} ({url}; the bot's log says more).", file=err)
    else:
        print(f"Not ready: the health server answered HTTP {status} ({url}).", file=err)
    return 1


def _failed_checks(body: bytes) -> list[str]:
    try:
        data = json.loads(body)
    except ValueError:
        return []
    failed = data.get("failed") if isinstance(data, dict) else None
    return [str(f) for f in failed if isinstance(f, str)][:4] if isinstance(failed, list) else []
