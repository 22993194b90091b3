"""The console adapter: a terminal chat for one demo group with simulated members.

`ConsoleAdapter(config, sys.stdin, sys.stdout)` is both the dispatcher's `Sender` and the
reader of typed lines (`await adapter.run(app)`). See `README-snippet.md` for the
controls and a transcript.
"""

from adapters.console.adapter import ConsoleAdapter
from adapters.console.session import GROUP_ID

__all__ = ["GROUP_ID", "ConsoleAdapter"]
