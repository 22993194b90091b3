"""A hard bound on a test, even one stuck in a database thread: past it, every thread's
stack is dumped and the test process exits."""

from __future__ import annotations

import contextlib
import faulthandler
from collections.abc import Iterator


@contextlib.contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Dump the stacks and exit if the block runs longer than `seconds`."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
