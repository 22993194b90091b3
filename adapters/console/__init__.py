"""The console adapter: a terminal chat for one demo group with simulated members.

`ConsoleAdapter(config, sys.stdin, sys.stdout)` is both the dispatcher's `Sender` and the
reader of typed lines (`await adapter.run(app)`). See the README's console section for the
controls and a transcript.
"""

import sys

from adapters.console.adapter import ConsoleAdapter
from adapters.console.session import GROUP_ID
from bot.app import App
from bot.config import Config


async def _always() -> bool:
    """The console is its own platform: connected while it runs."""
    return True


async def run_platform(app: App, config: Config) -> int:
    """Run the console on this process's terminal (or piped input) until input ends."""
    adapter = ConsoleAdapter(config, sys.stdin, sys.stdout)
    app.use_connection("console", _always)
    app.start_delivery(adapter)
    return await adapter.run(app)


__all__ = ["GROUP_ID", "ConsoleAdapter", "run_platform"]
