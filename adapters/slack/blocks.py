"""Rendering neutral messages as Block Kit, and reading Block Kit actions back.

A message becomes mrkdwn sections (split to Slack's 3,000-character limit), an actions
block of buttons, and a select menu. Button action ids carry the core's action name plus
a position (`action#2`), because Slack wants each action id unique within a message; the
value travels in the button's own value. Colour never carries meaning: Slack's `primary`
and `danger` styles are only used alongside a label that says what the button does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from adapters.slack.mrkdwn import plain
from adapters.slack.mrkdwn import to_mrkdwn
from bot.i18n import tr
from bot.messages import Button
from bot.messages import Message
from bot.messages import Select

# Slack's length limits, in one place: text over one is cut (`clip`, `plain_text`) or
# split (`sections`) here, never refused, in any language.
SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
BUTTON_TEXT = 75
PLACEHOLDER = 150
MODAL_TITLE = 24
MODAL_LABEL = 2000
ID_LIMIT = 255
_BUTTONS_PER_BLOCK = 25
_POSITION = re.compile(r"#\d+$")


def clip(text: str, limit: int) -> str:
    """Text cut to a Slack limit, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_text(text: str, limit: int = BUTTON_TEXT) -> dict[str, Any]:
    """A Block Kit plain_text object (never formatted, never parsed for mentions), in the
    language in force when it is declared words (`bot.i18n.Text`), cut to `limit`."""
    return {"type": "plain_text", "text": clip(plain(tr(text)), limit) or " ", "emoji": True}


def sections(text: str) -> list[dict[str, Any]]:
    """mrkdwn section blocks for a text, split on line breaks to fit Slack's limit."""
    body = to_mrkdwn(text)
    chunks: list[str] = []
    current = ""
    for line in body.split("\n"):
        while len(line) > SECTION_LIMIT:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:SECTION_LIMIT])
            line = line[SECTION_LIMIT:]
        candidate = line if not current else current + "\n" + line
        if len(candidate) > SECTION_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip() or not chunks:
        chunks.append(current or " ")
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c, "verbatim": True}}
            for c in chunks if c.strip()] or [
        {"type": "section", "text": {"type": "mrkdwn", "text": " ", "verbatim": True}}]


def button_element(button: Button, position: int) -> dict[str, Any]:
    """One button; `primary`/`danger` styles only (Slack has no others)."""
    element: dict[str, Any] = {
        "type": "button",
        "action_id": clip(f"{button.action}#{position}", ID_LIMIT),
        "text": plain_text(button.label),
        "value": button.value[:2000],
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def select_element(select: Select) -> dict[str, Any]:
    """A static select menu (multi-select when more than one value may be picked)."""
    options = [{"text": plain_text(c.label), "value": c.value[:150]}
               for c in select.choices[:100]]
    element: dict[str, Any] = {
        "type": "multi_static_select" if select.max_values > 1 else "static_select",
        "action_id": clip(select.action, ID_LIMIT),
        "placeholder": plain_text(select.placeholder, PLACEHOLDER),
        "options": options,
    }
    if select.max_values > 1:
        element["max_selected_items"] = select.max_values
    return element


def message_blocks(message: Message) -> list[dict[str, Any]]:
    """The blocks of one neutral message."""
    blocks = sections(message.text)
    for start in range(0, len(message.buttons), _BUTTONS_PER_BLOCK):
        chunk = message.buttons[start:start + _BUTTONS_PER_BLOCK]
        blocks.append({"type": "actions", "elements": [
            button_element(b, start + i) for i, b in enumerate(chunk)]})
    if message.select is not None:
        blocks.append({"type": "actions", "elements": [select_element(message.select)]})
    return blocks


def fallback_text(message: Message) -> str:
    """The notification text Slack shows where blocks cannot be (escaped, no mentions)."""
    return clip(to_mrkdwn(message.text), FALLBACK_LIMIT)


def messages_blocks(messages: Sequence[Message], limit: int = MESSAGE_BLOCK_LIMIT,
                    ) -> list[dict[str, Any]]:
    """Several messages in one block list, a divider between them, within `limit`."""
    blocks: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(message_blocks(message))
    return blocks[:limit]


def message_payload(messages: Sequence[Message]) -> dict[str, Any]:
    """`text` and `blocks` for chat.postMessage, a response_url or a slash-command ack."""
    return {"text": clip("\n\n".join(fallback_text(m) for m in messages), FALLBACK_LIMIT),
            "blocks": messages_blocks(messages)}


def home_view(sections_: Sequence[Message]) -> dict[str, Any]:
    """The App Home tab: the member's own overview, one part per feature."""
    return {"type": "home", "blocks": messages_blocks(sections_, VIEW_BLOCK_LIMIT)}


def read_action(action: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """(core action, value, picked values) from one Block Kit action payload."""
    action_id = str(action.get("action_id", ""))
    kind = action.get("type")
    if kind == "button":
        return _POSITION.sub("", action_id), str(action.get("value", "")), ()
    if kind == "static_select":
        picked = (action.get("selected_option") or {}).get("value", "")
        return action_id, str(picked), (str(picked),) if picked else ()
    if kind == "multi_static_select":
        values = tuple(str(o.get("value", "")) for o in action.get("selected_options") or [])
        return action_id, values[0] if values else "", values
    return _POSITION.sub("", action_id), str(action.get("value", "")), ()
