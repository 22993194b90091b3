"""Printing for the console: bot messages with where they went, and console notes.

Every bot message gets a number (#1, #2, ...) so a person can press its buttons with
`:press N LABEL`. The first line of each message starts with a fixed prefix that says
where it went (scripted tests and the README rely on these):

- `[#general] coprod: ...`               a channel post;
- `[DM to Alice] coprod: ...`            a direct message;
- `[only Alice can see this] coprod: ...` a private reply in a channel;
- `[message #3 updated] coprod: ...`     a message whose content changed.

A member's own message in a channel (`:say`) is numbered too, and shows its number
because people refer to it (`:report N`): `[#general] Bob (message #4): ...`.

The number is shown on the lines that need it: under a message with buttons or a
select menu, in the "updated" prefix, and on members' messages.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from typing import TextIO

from bot.catalog import BOT_NAME
from bot.messages import Message
from bot.text import plain_channels

INDENT = "    "
_ESCAPE = re.compile(r"\\([\\*_~`|\[\]()>#])")
# A bold marker the core wrote (what people typed has its asterisks escaped).
_BOLD = re.compile(r"(?<!\\)\*\*")


def plain(text: str) -> str:
    """Neutral markup as a terminal shows it: bold markers dropped (a terminal line has no
    bold to show), backslash escapes become the plain character, channel references
    `#name`."""
    return plain_channels(_ESCAPE.sub(r"\1", _BOLD.sub("", text)))


def channel_prefix(channel: str) -> str:
    """`[#general]`."""
    return f"[#{channel.lstrip('#')}]"


def dm_prefix(name: str) -> str:
    """`[DM to Alice]`."""
    return f"[DM to {name}]"


def private_prefix(name: str) -> str:
    """`[only Alice can see this]`."""
    return f"[only {name} can see this]"


def updated_prefix(number: int) -> str:
    """`[message #3 updated]`."""
    return f"[message #{number} updated]"


def message_lines(prefix: str, message: Message, number: int) -> list[str]:
    """A message as printed: the prefix and first line, then indented lines and controls."""
    first, *rest = plain(message.text).split("\n")
    lines = [f"{prefix} {BOT_NAME}: {first}".rstrip()]
    lines += [INDENT + line if line else "" for line in rest]
    for image in message.images:
        lines.append(f"{INDENT}[image {image.filename}: {plain(image.alt_text)}]")
    for file in message.files:
        lines.append(f"{INDENT}[file {file.filename}: {plain(file.description)}]")
    if message.buttons:
        labels = " ".join(f"[{b.label}]" for b in message.buttons)
        lines.append(f"{INDENT}buttons (#{number}): {labels}")
    if message.select is not None:
        choices = " | ".join(c.label for c in message.select.choices)
        most = message.select.max_values
        extra = f" (pick up to {most})" if most > 1 else ""
        lines.append(f"{INDENT}choose (#{number}): {choices}{extra}")
    return lines


@dataclass(slots=True)
class Shown:
    """A message as the console showed it, kept so its buttons can be pressed (and the
    message reported with `:report`).

    `channel` is where it is (None for a direct message); `visible_to` is the one member
    who can see it (a direct message or a private reply), or "" for everyone; `author`
    is the member who wrote it with `:say`, or "" for the bot.
    """

    number: int
    message: Message
    channel: str | None
    visible_to: str = ""
    author: str = ""

    def can_see(self, user_id: str) -> bool:
        """Whether this member can see (and so press) the message."""
        return not self.visible_to or self.visible_to == user_id


class Screen:
    """The output stream: numbers and prints bot messages, notes, prompts and echoes.

    While the console is handling a typed line it `holds` the screen: deliveries the
    dispatcher sends meanwhile wait, so the reply to the line is always printed first
    and a transcript reads the same on every run.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        tolerate_unencodable(out)
        self.broken = False
        self._count = 0
        self._shown: dict[int, Shown] = {}
        self._prompt = ""
        self._prompt_visible = False
        self._released = asyncio.Event()
        self._released.set()
        self._sending = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    # ---- holding and quiet ---------------------------------------------------------

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Hold deliveries back while a typed line is handled and its reply printed."""
        self._released.clear()
        try:
            yield
        finally:
            self._released.set()

    async def wait_released(self) -> None:
        """Wait until the console is not in the middle of handling a line."""
        await self._released.wait()

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Mark a delivery as in flight (so `wait_quiet` can wait for it)."""
        self._sending += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._sending -= 1
            if self._sending == 0:
                self._quiet.set()

    async def wait_quiet(self) -> None:
        """Wait until no delivery is being printed."""
        await self._quiet.wait()

    # ---- bot messages --------------------------------------------------------------

    def show(self, prefix: str, message: Message, channel: str | None,
             visible_to: str = "") -> int:
        """Print a new bot message and return its number."""
        self._count += 1
        shown = Shown(self._count, message, channel, visible_to)
        self._shown[shown.number] = shown
        self._write(message_lines(prefix, message, shown.number))
        return shown.number

    def say(self, channel: str, author: str, display_name: str, text: str) -> int:
        """Print a member's message in a channel (`:say`) and return its number."""
        self._count += 1
        shown = Shown(self._count, Message(text), channel, author=author)
        self._shown[shown.number] = shown
        self._write([f"{channel_prefix(channel)} {display_name} (message #{shown.number}): "
                     f"{text}".rstrip()])
        return shown.number

    def update(self, number: int, message: Message) -> None:
        """Print the new content of message #number and remember it."""
        shown = self._shown.get(number)
        if shown is not None:
            shown.message = message
        self._write(message_lines(updated_prefix(number), message, number))

    def get(self, number: int) -> Shown | None:
        """A message shown earlier, by number."""
        return self._shown.get(number)

    def latest(self) -> list[Shown]:
        """Every message shown, newest first."""
        return sorted(self._shown.values(), key=lambda s: s.number, reverse=True)

    # ---- console text --------------------------------------------------------------

    def note(self, text: str) -> None:
        """Print console text (not from the bot): the first line as is, the rest as is."""
        self._write(text.split("\n"))

    def echo(self, prompt: str, line: str) -> None:
        """Print a typed line after its prompt, for transcripts of piped scripts."""
        self._write([f"{prompt}{line}".rstrip()])

    def show_prompt(self, prompt: str) -> None:
        """Show the input prompt (interactive use) without a newline."""
        self._prompt = prompt
        self._prompt_visible = True
        self._emit(prompt)

    def prompt_answered(self) -> None:
        """The person pressed Enter: the prompt line is finished."""
        self._prompt_visible = False

    def _write(self, lines: list[str]) -> None:
        text = "\n".join(lines) + "\n"
        if self._prompt_visible:  # a delivery arrived while waiting for input
            text = "\n" + text + self._prompt
        self._emit(text)

    def _emit(self, text: str) -> None:
        if self.broken:
            return
        try:
            self._out.write(text)
            self._out.flush()
        except (OSError, ValueError):  # the reader went away (a closed pipe)
            self.broken = True


def tolerate_unencodable(stream: TextIO) -> None:
    """Make a text stream replace what it cannot encode or decode instead of failing: a
    terminal that is not UTF-8 shows `?` for a curly quote, and input bytes that are not
    UTF-8 arrive as U+FFFD rather than stopping the console."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with suppress(OSError, ValueError, TypeError):
            reconfigure(errors="replace")
