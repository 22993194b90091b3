"""Forms as Block Kit modals, and modal submissions back as raw field values.

Each field is an input block whose `block_id` is the field's key, so the core's field
errors map straight onto `response_action: errors`. The form id travels in the modal's
`callback_id`; the feature's `state` and the channel the form was opened from travel in
`private_metadata` (at most 3,000 characters, checked here).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.slack.blocks import ID_LIMIT
from adapters.slack.blocks import MODAL_LABEL
from adapters.slack.blocks import MODAL_TITLE
from adapters.slack.blocks import PLACEHOLDER
from adapters.slack.blocks import clip
from adapters.slack.blocks import messages_blocks
from adapters.slack.blocks import plain_text
from bot import catalog
from bot.i18n import language
from bot.i18n import speaking
from bot.messages import Form
from bot.messages import FormField
from bot.messages import Message

CALLBACK_PREFIX = "coprod-form:"
VALUE_ACTION = "value"
_METADATA_LIMIT = 3000
_INPUT_LIMIT = 3000


@dataclass(frozen=True, slots=True)
class ModalContext:
    """What a submitted modal carries back besides its values."""

    form_id: str
    state: str
    channel: str | None


def _element(f: FormField) -> dict[str, Any]:
    if f.kind in ("choice", "yes_no"):
        choices = ([(c.label, c.value) for c in f.choices] if f.kind == "choice"
                   else [(catalog.SLACK_YES, "yes"), (catalog.SLACK_NO, "no")])
        options: list[dict[str, Any]] = [{"text": plain_text(label), "value": value[:150]}
                                         for label, value in choices[:100]]
        element: dict[str, Any] = {"type": "static_select" if f.kind == "choice"
                                   else "radio_buttons",
                                   "action_id": VALUE_ACTION, "options": options}
        if f.kind == "choice":
            element["placeholder"] = plain_text(f.placeholder or catalog.SLACK_PICK_ONE,
                                                PLACEHOLDER)
        for option in options:
            if f.default and str(option["value"]).casefold() == f.default.casefold():
                element["initial_option"] = option
        return element
    element = {"type": "plain_text_input", "action_id": VALUE_ACTION,
               "multiline": f.kind == "paragraph",
               "max_length": max(1, min(f.max_length, _INPUT_LIMIT))}
    if f.min_length:
        element["min_length"] = min(f.min_length, _INPUT_LIMIT)
    if f.placeholder:
        element["placeholder"] = plain_text(f.placeholder, PLACEHOLDER)
    if f.default:
        element["initial_value"] = f.default[:_INPUT_LIMIT]
    return element


def form_view(form: Form, channel: str | None) -> dict[str, Any]:
    """The modal for a form, ready for views.open / views.push / response_action update;
    the adapter's own words (Cancel, Yes, No) in the form's language."""
    with speaking(form.language):
        return _form_view(form, channel)


def _form_view(form: Form, channel: str | None) -> dict[str, Any]:
    metadata = json.dumps({"s": form.state, "c": channel or ""}, separators=(",", ":"))
    if len(metadata) > _METADATA_LIMIT:
        raise ValueError("form state is too long for a Slack modal")
    blocks = [{"type": "input", "block_id": f.key, "optional": not f.required,
               "label": plain_text(f.label, MODAL_LABEL), "element": _element(f)}
              for f in form.fields]
    return {
        "type": "modal",
        "callback_id": clip(CALLBACK_PREFIX + form.form_id, ID_LIMIT),
        "title": plain_text(form.title, MODAL_TITLE),
        "submit": plain_text(form.submit_label, MODAL_TITLE),
        "close": plain_text(catalog.SLACK_CANCEL, MODAL_TITLE),
        "private_metadata": metadata,
        "blocks": blocks[:100],
    }


def notice_view(title: str, messages: Sequence[Message]) -> dict[str, Any]:
    """A modal that only says something (shown in place of a form once it is sent), its
    title and "Close" in the language of what it says."""
    with speaking(messages[0].language if messages else language()):
        return {"type": "modal", "title": plain_text(title, MODAL_TITLE),
                "close": plain_text(catalog.SLACK_CLOSE, MODAL_TITLE),
                "blocks": messages_blocks(messages, 100)}


def read_submission(view: dict[str, Any]) -> tuple[ModalContext, dict[str, str]]:
    """The form id, state, channel and each field's raw text from a view_submission."""
    form_id = str(view.get("callback_id", "")).removeprefix(CALLBACK_PREFIX)
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    values: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        raw = (actions or {}).get(VALUE_ACTION) or {}
        kind = raw.get("type")
        if kind in ("static_select", "radio_buttons"):
            values[block_id] = str((raw.get("selected_option") or {}).get("value") or "")
        else:
            values[block_id] = str(raw.get("value") or "")
    context = ModalContext(form_id, str(meta.get("s", "")), str(meta.get("c", "")) or None)
    return context, values


def field_errors(view: dict[str, Any], errors: dict[str, str]) -> tuple[dict[str, str],
                                                                       list[str]]:
    """Errors for Slack's `response_action: errors` (by block id), and any left over for
    keys that are not a field of this modal."""
    blocks = {b.get("block_id") for b in view.get("blocks") or []}
    inline = {k: clip(v, MODAL_LABEL) for k, v in errors.items() if k in blocks}
    rest = [v for k, v in errors.items() if k not in blocks]
    return inline, rest
