"""Core forms as Discord modals, within Discord's limits.

A modal holds at most 5 inputs, 45-character labels and 4,000-character values, so a
longer form is split into steps: after each step the member gets a private "Continue"
button (Discord does not let a modal open another modal). Partly filled forms, and
forms the core refused so they can be reopened pre-filled ("Try again"), are kept in
memory under a short ticket carried in the custom id. After a restart those tickets
are gone: a one-step form still arrives (its form id and state travel in the custom id),
but a half-done long form or a "Try again" answers that the form is out of date.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field

import discord

from adapters.discord import customid
from adapters.discord import limits
from adapters.discord.limits import cut as _cut
from bot import catalog
from bot.i18n import speaking
from bot.i18n import tr
from bot.messages import Form
from bot.messages import FormField

MAX_INPUTS = limits.MODAL_INPUTS
MAX_LABEL = limits.MODAL_LABEL
MAX_TITLE = limits.MODAL_TITLE
MAX_VALUE = limits.MODAL_VALUE
MAX_PLACEHOLDER = limits.MODAL_PLACEHOLDER
KEEP_TICKETS = 1000


@dataclass
class Ticket:
    """A form being filled in by one member: the form and the values so far."""

    form: Form
    user_id: str
    values: dict[str, str] = field(default_factory=dict)

    @property
    def steps(self) -> list[tuple[FormField, ...]]:
        """The form's fields in groups of at most five."""
        fields = self.form.fields
        return [fields[i:i + MAX_INPUTS] for i in range(0, len(fields), MAX_INPUTS)] or [()]


class FormDesk:
    """Keeps tickets (bounded, oldest dropped first) and builds the modals."""

    def __init__(self, keep: int = KEEP_TICKETS) -> None:
        self._tickets: OrderedDict[str, Ticket] = OrderedDict()
        self._keep = keep

    def open(self, form: Form, user_id: str, values: dict[str, str] | None = None) -> str:
        """Start a ticket for a form; returns its id."""
        ticket = secrets.token_urlsafe(6)
        self._tickets[ticket] = Ticket(form, user_id, dict(values or {}))
        while len(self._tickets) > self._keep:
            self._tickets.popitem(last=False)
        return ticket

    def get(self, ticket: str, user_id: str) -> Ticket | None:
        """The ticket, if it is still kept and belongs to this member."""
        found = self._tickets.get(ticket)
        return found if found is not None and found.user_id == user_id else None

    def close(self, ticket: str) -> None:
        """Forget a ticket (the form was handed to the core)."""
        self._tickets.pop(ticket, None)

    def modal(self, ticket_id: str, ticket: Ticket, step: int) -> discord.ui.Modal:
        """The modal for one step, pre-filled with the values given so far."""
        steps = ticket.steps
        form = ticket.form
        title = form.title if len(steps) == 1 else f"{form.title} ({step + 1}/{len(steps)})"
        modal = discord.ui.Modal(
            title=_cut(title, MAX_TITLE), timeout=None,
            custom_id=customid.form_step(ticket_id, step, len(steps), form.form_id,
                                        form.state))
        with speaking(form.language):  # the adapter's own words: the form's language
            for f in steps[step]:
                modal.add_item(_text_input(f, ticket.values.get(f.key, f.default)))
        modal.stop()  # answered by the adapter from the raw submission, not by discord.py
        return modal


def _text_input(f: FormField, value: str) -> discord.ui.TextInput[discord.ui.Modal]:
    hint = f.placeholder
    if f.kind == "yes_no" and not hint:
        hint = tr(catalog.FORM_YES_OR_NO)
    elif f.kind == "choice" and not hint:
        hint = catalog.form_one_of([c.label for c in f.choices])
    if len(f.label) > MAX_LABEL and not hint:
        hint = f.label
    max_length = max(1, min(f.max_length, MAX_VALUE))
    return discord.ui.TextInput(
        label=_cut(f.label, MAX_LABEL), custom_id=f.key,
        style=discord.TextStyle.paragraph if f.kind == "paragraph" else discord.TextStyle.short,
        required=f.required, min_length=min(f.min_length, max_length) or None,
        max_length=max_length, placeholder=_cut(hint, MAX_PLACEHOLDER) or None,
        default=value[:max_length] or None)


def values_from(components: list[object]) -> dict[str, str]:
    """Text per input custom id, from a modal submission's component rows (anything
    that is not a component is skipped)."""
    out: dict[str, str] = {}
    stack = list(components)
    while stack:
        item = stack.pop(0)
        if not isinstance(item, dict):
            continue
        if "custom_id" in item and "value" in item:
            out[str(item["custom_id"])] = str(item["value"] or "")
        children = item.get("components")
        if isinstance(children, list):
            stack.extend(children)
        child = item.get("component")
        if isinstance(child, dict):
            stack.append(child)
    return out
