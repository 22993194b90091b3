"""What a component's `custom_id` carries, so a press works after a restart.

Discord gives a pressed button's or submitted modal's `custom_id` (at most 100
characters) back to the bot, so everything the core needs travels in it:

- `cp:b:<action>:<value>`: a feature's button;
- `cp:s:<action>`: a feature's select menu (the picked values come with the press);
- `cp:f:<ticket>:<step>/<steps>[:<form_id>:<state>]`: a form step (form id and state
  are included when they fit, so a one-step form sent after a restart still works);
- `cp:n:<ticket>:<step>`: "Continue" to the next step of a long form;
- `cp:r:<ticket>`: "Try again" after the core refused a form's values.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CUSTOM_ID = 100
PREFIX = "cp"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A decoded custom id: its kind and parts."""

    kind: str
    parts: tuple[str, ...]


def button(action: str, value: str) -> str:
    """The custom id of a feature's button; raises ValueError if it cannot fit."""
    return _fit(f"{PREFIX}:b:{action}:{value}")


def select(action: str) -> str:
    """The custom id of a feature's select menu."""
    return _fit(f"{PREFIX}:s:{action}")


def form_step(ticket: str, step: int, steps: int, form_id: str = "", state: str = "",
              ) -> str:
    """The custom id of a modal: with form id and state if they fit, else the ticket only."""
    full = f"{PREFIX}:f:{ticket}:{step}/{steps}:{form_id}:{state}"
    if form_id and len(full) <= MAX_CUSTOM_ID:
        return full
    return _fit(f"{PREFIX}:f:{ticket}:{step}/{steps}")


def next_step(ticket: str, step: int) -> str:
    """The custom id of a "Continue" button."""
    return _fit(f"{PREFIX}:n:{ticket}:{step}")


def retry(ticket: str) -> str:
    """The custom id of a "Try again" button."""
    return _fit(f"{PREFIX}:r:{ticket}")


def parse(custom_id: str) -> Parsed | None:
    """Decode a custom id this adapter made; None for anything else."""
    head, _, rest = custom_id.partition(":")
    kind, _, rest = rest.partition(":")
    if head != PREFIX or not kind:
        return None
    if kind == "b":
        action, _, value = rest.partition(":")
        return Parsed(kind, (action, value))
    if kind == "f":
        ticket, _, rest = rest.partition(":")
        step, _, rest = rest.partition(":")
        form_id, _, state = rest.partition(":")
        return Parsed(kind, (ticket, step, form_id, state))
    if kind == "n":
        ticket, _, step = rest.partition(":")
        return Parsed(kind, (ticket, step))
    return Parsed(kind, (rest,))


def _fit(custom_id: str) -> str:
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"custom id longer than {MAX_CUSTOM_ID} characters")
    return custom_id
