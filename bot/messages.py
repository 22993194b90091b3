"""The neutral message model every feature speaks and every adapter renders.

Nothing here knows a platform. Adapters turn these into Discord components or Slack
Block Kit; the console prints them. Everything is a frozen dataclass that round-trips
through JSON, so a message can be stored in the delivery outbox and sent later.

Words declared before anyone was known (`bot.i18n.Text`: a command's form labels, a
feature's fixed sentences) are put into the language in force when a message, a form or
a reply is made: features make them while handling someone's event, or inside
`bot.i18n.speaking` for someone else, so each is made in its reader's language.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from enum import StrEnum
from typing import Any
from typing import Literal

from bot.catalog import FORM_SEND
from bot.i18n import Text
from bot.i18n import language
from bot.i18n import tr

ButtonStyle = Literal["primary", "secondary", "danger", "success"]
FieldKind = Literal["short", "paragraph", "choice", "yes_no"]


@dataclass(frozen=True, slots=True)
class Button:
    """A button that, when pressed, routes `action` and `value` back to a feature.

    `action` names the feature handler; `value` carries what it needs (ids, a choice).
    Together they must fit in a platform custom id (100 characters on Discord).
    """

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = "secondary"

    def __post_init__(self) -> None:
        _translate(self, "label")


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice in a select menu or a choice field: what people read, and its value."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Select:
    """A select menu; picking routes `action` with the chosen values to a feature."""

    action: str
    placeholder: str
    choices: tuple[Choice, ...]
    min_values: int = 1
    max_values: int = 1

    def __post_init__(self) -> None:
        _translate(self, "placeholder")


@dataclass(frozen=True, slots=True)
class Attachment:
    """What every attachment is: a file name and its bytes (stored as base64 in the
    outbox). Each kind adds the words it must carry."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Image(Attachment):
    """An image attachment. `alt_text` is required: meaning never rests on a picture alone."""

    alt_text: str


@dataclass(frozen=True, slots=True)
class File(Attachment):
    """A file attachment (a calendar file, say). `description` says in words what it is
    and what to do with it."""

    description: str


@dataclass(frozen=True, slots=True)
class FormField:
    """One field in a form, with the limits the core will also check on submission."""

    key: str
    label: str
    kind: FieldKind = "short"
    required: bool = True
    min_length: int = 0
    max_length: int = 1000
    placeholder: str = ""
    default: str = ""
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class Form:
    """A form (a Discord modal, a Slack modal, field-by-field prompts on the console).

    `form_id` routes the submission to a feature; `state` is a short opaque string the
    feature gets back with the values (for example which meeting is being edited).
    `language` is the language it was made in (the language in force then): adapters
    write their own words around it (Cancel, a hint) in that language too.
    """

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = FORM_SEND
    state: str = ""
    language: str = ""

    def __post_init__(self) -> None:
        if not self.language:
            object.__setattr__(self, "language", language())
        _translate(self, "title", "submit_label")
        if any(isinstance(t, Text) for f in self.fields
               for t in (f.label, f.placeholder, *(c.label for c in f.choices))):
            object.__setattr__(self, "fields", tuple(
                replace(f, label=tr(f.label), placeholder=tr(f.placeholder),
                        choices=tuple(Choice(tr(c.label), c.value) for c in f.choices))
                for f in self.fields))


@dataclass(frozen=True, slots=True)
class Message:
    """What the bot says: text plus optional buttons, one select menu and images.

    Text is plain language with light markdown (`**bold**`, `*italic*`, lists). Text that
    came from a person must be passed through `bot.text.neutralise` by the feature before
    it is put here. `language` is the language it was made in (the language in force
    then; its reader's): adapters write their own words around it (a "Continue" button, a
    note about files) in that language too, however late the outbox sends it.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    select: Select | None = None
    images: tuple[Image, ...] = ()
    # A feature that deliberately pings (a meeting reminder to a configured role) says so;
    # otherwise adapters send with every mention disabled.
    allow_role_mentions: tuple[str, ...] = ()
    files: tuple[File, ...] = ()
    language: str = ""

    def __post_init__(self) -> None:
        if not self.language:
            object.__setattr__(self, "language", language())
        _translate(self, "text")


class DestinationKind(StrEnum):
    """Where a message goes."""

    CHANNEL = "channel"
    DM = "dm"
    EPHEMERAL = "ephemeral"
    GROUP_DM = "group_dm"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where an outbound message goes within a group.

    - channel: `channel` is a channel id or name as configured;
    - dm: `user` is the member's platform id (a direct message);
    - ephemeral: only `user` sees it, in `channel`;
    - group_dm: one private conversation with several members; `user` holds their ids,
      comma-separated ("id1,id2[,id3]"). Platforms without group DMs for bots (Discord)
      send each member the same direct message, which names them all.
    """

    kind: DestinationKind
    group_id: str
    channel: str = ""
    user: str = ""

    @classmethod
    def to_channel(cls, group_id: str, channel: str) -> Destination:
        """A message posted in a channel, visible to everyone who can read it."""
        return cls(DestinationKind.CHANNEL, group_id, channel=channel)

    @classmethod
    def to_dm(cls, group_id: str, user: str) -> Destination:
        """A direct message to one member."""
        return cls(DestinationKind.DM, group_id, user=user)

    @classmethod
    def to_group_dm(cls, group_id: str, users: Sequence[str]) -> Destination:
        """One private conversation with several members (a buddy pair or trio)."""
        return cls(DestinationKind.GROUP_DM, group_id, user=",".join(users))

    @property
    def users(self) -> tuple[str, ...]:
        """The member ids a DM or group DM goes to."""
        return tuple(u for u in self.user.split(",") if u)

    def describe(self) -> str:
        """A short, log-safe description (ids only, never text)."""
        if self.kind is DestinationKind.CHANNEL:
            return f"channel:{self.channel}"
        if self.kind is DestinationKind.DM:
            return f"dm:{self.user}"
        if self.kind is DestinationKind.GROUP_DM:
            return f"group_dm:{self.user}"
        return f"ephemeral:{self.channel}:{self.user}"


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler answers to the person who acted.

    - `messages`: shown only to them (ephemeral) unless `public` is set;
    - `form`: a form to open (must be the first and only response on the platforms);
    - `update`: replaces the message whose button was pressed (RSVP counts);
    - `field_errors`: a form submission was refused; key -> kind explanation, shown on
      the fields where the platform can (Slack) and as a message otherwise.

    `language` is the language it was made in (the actor's): adapters write the words
    they add to it (a "Done.", "Try again") in that language.
    """

    messages: tuple[Message, ...] = ()
    form: Form | None = None
    update: Message | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    public: bool = False
    language: str = ""

    def __post_init__(self) -> None:
        if not self.language:
            object.__setattr__(self, "language", language())
        for key, problem in self.field_errors.items():
            if isinstance(problem, Text):
                self.field_errors[key] = problem.translated()

    @classmethod
    def text(cls, text: str, *, public: bool = False) -> Reply:
        """A reply of a single plain text message."""
        return cls(messages=(Message(text),), public=public)


def _translate(made: object, *names: str) -> None:
    """Put a frozen dataclass's declared words (`Text`) into the language in force."""
    for name in names:
        value = getattr(made, name)
        if isinstance(value, Text):
            object.__setattr__(made, name, value.translated())


# ---- JSON round trip, for the delivery outbox -------------------------------------------


def message_to_dict(message: Message) -> dict[str, Any]:
    """Serialise a message for storage (images as base64)."""
    return {
        "text": message.text,
        "buttons": [[b.label, b.action, b.value, b.style] for b in message.buttons],
        "select": None
        if message.select is None
        else {
            "action": message.select.action,
            "placeholder": message.select.placeholder,
            "choices": [[c.label, c.value] for c in message.select.choices],
            "min": message.select.min_values,
            "max": message.select.max_values,
        },
        "images": [_packed(i, i.alt_text) for i in message.images],
        "allow_role_mentions": list(message.allow_role_mentions),
        "files": [_packed(f, f.description) for f in message.files],
        "language": message.language,
    }


def _packed(attachment: Attachment, words: str) -> list[str]:
    """An attachment as stored: its name, its bytes in base64 and its words."""
    return [attachment.filename, base64.b64encode(attachment.data).decode("ascii"), words]


def _unpacked(row: list[str]) -> tuple[str, bytes, str]:
    """Inverse of `_packed`: the name, the bytes and the words."""
    return row[0], base64.b64decode(row[1]), row[2]


def message_from_dict(data: dict[str, Any]) -> Message:
    """Inverse of `message_to_dict`."""
    select = data.get("select")
    return Message(
        text=data["text"],
        buttons=tuple(Button(b[0], b[1], b[2], b[3]) for b in data.get("buttons", [])),
        select=None
        if select is None
        else Select(
            action=select["action"],
            placeholder=select["placeholder"],
            choices=tuple(Choice(c[0], c[1]) for c in select["choices"]),
            min_values=select["min"],
            max_values=select["max"],
        ),
        images=tuple(Image(*_unpacked(i)) for i in data.get("images", [])),
        allow_role_mentions=tuple(data.get("allow_role_mentions", [])),
        files=tuple(File(*_unpacked(f)) for f in data.get("files", [])),
        language=data.get("language", ""),
    )


def destination_to_dict(dest: Destination) -> dict[str, str]:
    """Serialise a destination for storage."""
    return {"kind": dest.kind.value, "group": dest.group_id, "channel": dest.channel,
            "user": dest.user}


def destination_from_dict(data: dict[str, str]) -> Destination:
    """Inverse of `destination_to_dict`."""
    return Destination(DestinationKind(data["kind"]), data["group"], data["channel"],
                       data["user"])
