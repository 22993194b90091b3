"""Reading typed lines without blocking the event loop, and Ctrl-C without a traceback.

A terminal is read through the event loop itself (`add_reader` on its file descriptor),
so Ctrl-C or Ctrl-D can end the console at once; anything else (a pipe, a file, a
StringIO in tests) is read on a worker thread.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from typing import Protocol
from typing import TextIO

from adapters.console.render import tolerate_unencodable


class LineReader(Protocol):
    """Something that hands over typed lines, one at a time."""

    async def read_line(self) -> str | None:
        """The next line with its newline, or None at the end of input."""
        ...


class ThreadReader:
    """Reads `stream.readline()` on a worker thread."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        tolerate_unencodable(stream)

    async def read_line(self) -> str | None:
        """The next line, or None at the end of input."""
        try:
            line = await asyncio.to_thread(self._stream.readline)
        except (OSError, ValueError):  # the input went away (closed, or a read error)
            return None
        return line or None


class TerminalReader:
    """Reads a terminal's file descriptor when the event loop says it is readable."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""
        self._lines: deque[str] = deque()
        self._ended = False

    async def read_line(self) -> str | None:
        """The next line, or None when the person pressed Ctrl-D on an empty line."""
        while not self._lines and not self._ended:
            await self._readable()
            self._read_chunk()
        return self._lines.popleft() if self._lines else None

    async def _readable(self) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(self._fd, wake)
        try:
            await ready
        finally:
            loop.remove_reader(self._fd)

    def _read_chunk(self) -> None:
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._ended = True
            self._partial += self._decoder.decode(b"", final=True)
            if self._partial:
                self._lines.append(self._partial)
                self._partial = ""
            return
        self._partial += self._decoder.decode(data)
        while "\n" in self._partial:
            line, _, self._partial = self._partial.partition("\n")
            self._lines.append(line + "\n")


def is_terminal(stream: TextIO) -> bool:
    """Whether the stream is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def reader_for(stream: TextIO) -> LineReader:
    """The best reader for this stream: the event loop for a terminal on POSIX, else a
    worker thread."""
    if is_terminal(stream) and sys.platform != "win32":
        try:
            return TerminalReader(stream.fileno())
        except (AttributeError, ValueError, OSError):
            pass
    return ThreadReader(stream)


async def next_line(reader: LineReader, interrupted: asyncio.Event) -> str | None:
    """The next line, or None at the end of input or when Ctrl-C was pressed."""
    if interrupted.is_set():
        return None
    read = asyncio.ensure_future(reader.read_line())
    stop = asyncio.ensure_future(interrupted.wait())
    try:
        await asyncio.wait({read, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
    if read.done():
        return read.result()
    read.cancel()
    return None


@contextlib.contextmanager
def catching_ctrl_c(interrupted: asyncio.Event) -> Iterator[None]:
    """While inside, Ctrl-C sets `interrupted` instead of raising KeyboardInterrupt.

    Only possible on the main thread of a POSIX event loop; elsewhere Ctrl-C keeps its
    usual meaning.
    """
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, interrupted.set)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)
