"""Console controls: lines starting with `:` change the simulation, not the group.

`:as`, `:role`, `:unrole`, `:admin`, `:join`, `:in`, `:dm`, `:say`, `:report`, `:press`,
`:pick`, `:form`, `:cancel`, `:who`, `:help`, `:quit`.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from adapters.console.forms import FORM_CLOSED, parse_assignments
from adapters.console.render import Screen, Shown
from adapters.console.session import (
    GROUP_ID,
    Member,
    Session,
    clean_channel,
    role_words,
    valid_name,
)
from bot.app import App
from bot.catalog import BOT_NAME, CONCERN_SHORTCUT_LABEL
from bot.errors import UserError
from bot.events import ButtonPress, Event, MemberJoined, MessageShortcut, QuotedMessage
from bot.i18n import tr
from bot.messages import Button, Choice
from bot.parsing import split_words


class Console(Protocol):
    """What the controls drive of the console adapter (a protocol, so that the adapter
    and its controls do not import each other)."""

    session: Session
    screen: Screen

    @property
    def app(self) -> App:
        """The app being run."""

    def ask(self, member: Member) -> None:
        """Print the member's current form question, if any."""

    async def handle_event(self, event: Event, member: Member, channel: str | None,
                           pressed: int | None = None) -> None:
        """Hand an event to the core and print the reply."""

    async def direct_message(self, member: Member, text: str) -> None:
        """Send the bot a direct message as `member`."""

    async def submit_form(self, member: Member) -> None:
        """Send the member's form."""


Control = Callable[[Console, str], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class ControlSpec:
    """One console control: how to type it, what it does, an example."""

    usage: str
    does: str
    example: str


HELP: tuple[ControlSpec, ...] = (
    ControlSpec(":as NAME", "act as another member (a new name adds a member)", ":as carol"),
    ControlSpec(":role NAME ROLE", "give a member a platform role; facilitator and lead "
                "mean the group's own role names", ":role bob facilitator"),
    ControlSpec(":unrole NAME ROLE", "take a platform role away", ":unrole bob facilitator"),
    ControlSpec(":admin NAME", "switch a member's platform admin flag on or off",
                ":admin bob"),
    ControlSpec(":join NAME", "a new member joins the group (the bot welcomes them)",
                ":join dana"),
    ControlSpec(":in CHANNEL", "move to a channel", ":in updates"),
    ControlSpec(":dm", "move into your direct messages with the bot", ":dm"),
    ControlSpec(":dm TEXT", "send the bot a direct message without moving", ":dm hello"),
    ControlSpec(":say TEXT", "write a message in this channel as the member you are "
                "(the bot does not read it)", ":say I had a hard week"),
    ControlSpec(":report N", "raise a safeguarding concern about message #N, like "
                "“Raise a safeguarding concern” on a message in Discord or Slack (no N: "
                "the latest message where you are)", ":report 4"),
    ControlSpec(":press LABEL", "press a button on the latest message that has it",
                ":press Going"),
    ControlSpec(":press N LABEL", "press a button on message #N", ":press 3 Going"),
    ControlSpec(":pick CHOICE ...", "choose in the latest menu (quote choices with spaces)",
                ':pick "Option A"'),
    ControlSpec(":form key=value ...", "answer the open form in one line and send it",
                ':form title="Monthly meeting" notes=none'),
    ControlSpec(":cancel", "close the open form without sending it", ":cancel"),
    ControlSpec(":who", "list the members, their roles and where you are", ":who"),
    ControlSpec(":help", "show these controls", ":help"),
    ControlSpec(":quit", "leave the console (Ctrl-D does the same)", ":quit"),
)
NAMES: tuple[str, ...] = ("as", "role", "unrole", "admin", "join", "in", "dm", "say",
                          "report", "press", "pick", "form", "cancel", "who", "help", "quit")


async def run_control(console: Console, line: str) -> bool:
    """Run a `:control` line; return False when the console should stop."""
    name, _, args = line[1:].strip().partition(" ")
    control = CONTROLS.get(name.lower())
    if control is None:
        console.screen.note(unknown_control(name))
        return True
    try:
        return await control(console, args.strip())
    except UserError as exc:
        console.screen.note(exc.text)
        return True


def unknown_control(name: str) -> str:
    """A kind answer to a control that does not exist."""
    close = difflib.get_close_matches(name.lower(), NAMES, n=1)
    hint = f" Did you mean :{close[0]}?" if close else ""
    listed = ", ".join(f":{n}" for n in NAMES[:-1]) + f" and :{NAMES[-1]}"
    return (f"Sorry, “:{name}” is not a console control.{hint} The controls are {listed}. "
            "Type :help to see what each one does.")


def help_text() -> str:
    """The console controls, one line each with an example."""
    lines = ["Console controls (they change the practice chat, not the group):"]
    for spec in HELP:
        lines.append(f"    {spec.usage}: {spec.does}. Example: {spec.example}")
    lines.append("Commands for the bot start with a slash: type /help to see them.")
    return "\n".join(lines)


# ---- who and where ------------------------------------------------------------------


def _member(console: Console, name: str) -> Member:
    member = console.session.find(name)
    if member is None:
        names = ", ".join(console.session.members)
        raise UserError(f"There is no member called “{name}”. The members are: {names}. "
                        f"To add someone, type :as {name if valid_name(name) else 'NAME'}.")
    return member


async def _as(console: Console, args: str) -> bool:
    name = args.strip().lower()
    session = console.session
    if not name:
        raise UserError("Who would you like to be? For example :as carol. The members are: "
                        + ", ".join(session.members) + ".")
    if not valid_name(name):
        raise UserError("A member's name is one word of letters and digits, like :as zoe.")
    old, lines = session.me, []
    member = session.find(name)
    if member is None:
        member = session.add(name)
        lines.append(f"There was no member called {member.display_name}, so I added "
                     f"{member.display_name} as a plain member.")
    if member is old:
        raise UserError(f"You are already {old.display_name}, {old.where_in_words()}.")
    if old.form is not None:
        lines.append(f"{old.display_name}'s form “{old.form.form.title}” stays open: "
                     f"type :as {old.name} to finish it.")
    session.current_name = member.name
    lines.append(f"You are now {member.display_name}, {member.where_in_words()}.")
    if member.form is not None:
        lines.append(f"{member.display_name} has the form “{member.form.form.title}” open. "
                     "Carry on answering it, or type :cancel.")
    console.screen.note("\n".join(lines))
    console.ask(member)
    return True


async def _join(console: Console, args: str) -> bool:
    name = args.strip().lower()
    session = console.session
    if not name:
        raise UserError("Who joins? For example :join dana.")
    if not valid_name(name):
        raise UserError("A member's name is one word of letters and digits, like :join dana.")
    if session.find(name) is not None:
        raise UserError(f"{name.title()} is already a member. To add someone new, pick "
                        "another name.")
    member = session.add(name)
    console.screen.note(f"{member.display_name} joined the group as a plain member. Type "
                        f":as {member.name} to act as them.")
    await console.handle_event(MemberJoined(GROUP_ID, member.actor(), None), member, None)
    return True


async def _who(console: Console, args: str) -> bool:
    settings = console.app.settings.for_group(GROUP_ID)
    me = console.session.me
    lines = [f"You are {me.display_name}, {me.where_in_words()}.", "Members:"]
    for m in console.session.members.values():
        extra = " (you)" if m is me else ""
        form = f", filling in “{m.form.form.title}”" if m.form is not None else ""
        lines.append(f"    {m.display_name}{extra}: {', '.join(role_words(m, settings))}; "
                     f"{m.where_in_words()}{form}")
    console.screen.note("\n".join(lines))
    return True


async def _in(console: Console, args: str) -> bool:
    channel = clean_channel(args)
    if not channel or any(ch.isspace() for ch in channel):
        raise UserError("Which channel? Write its name without spaces, for example "
                        ":in updates.")
    me = console.session.me
    me.place = channel
    console.screen.note(f"You are now in #{channel}.")
    return True


async def _dm(console: Console, args: str) -> bool:
    me = console.session.me
    if args:
        await console.direct_message(me, args)
        return True
    me.place = None
    console.screen.note(
        f"You are now in your direct messages with {BOT_NAME}. Whatever you type here "
        f"goes to the bot, and only you see its answers. Type :in "
        f"{console.session.home} to go back.")
    return True


# ---- members' messages, and acting on a message -------------------------------------


async def _say(console: Console, args: str) -> bool:
    me = console.session.me
    if me.place is None:
        raise UserError(f"You are in your direct messages with {BOT_NAME}, where whatever "
                        f"you type goes to the bot. To write in a channel, type :in "
                        f"{console.session.home} first.")
    if not args:
        raise UserError("What would you like to say? For example :say Hello everyone.")
    console.screen.say(me.place, me.name, me.display_name, args)
    return True


def _here(console: Console) -> Shown:
    """The latest message the current member can see where they are."""
    me = console.session.me
    for shown in console.screen.latest():
        if shown.channel == me.place and shown.can_see(me.name):
            return shown
    raise UserError(f"There is no message {me.where_in_words()} yet. Say which one, for "
                    "example :report 4.")


async def _report(console: Console, args: str) -> bool:
    shortcut = next((s for s in console.app.shortcuts.values()
                     if s.label == CONCERN_SHORTCUT_LABEL), None)
    if shortcut is None:
        raise UserError("This bot has no safeguarding concerns, so there is nothing to "
                        "report a message to.")
    word = args.strip().lstrip("#")
    if word and not word.isdecimal():
        raise UserError("Which message? Write its number, for example :report 4 (or just "
                        ":report for the latest message where you are).")
    me = console.session.me
    shown = _here(console) if not word else console.screen.get(int(word))
    if shown is None:
        raise UserError(f"There is no message #{word} yet.")
    if not shown.can_see(me.name):
        owner = console.session.display_name(shown.visible_to)
        raise UserError(f"Message #{shown.number} was shown only to {owner}, so "
                        f"{me.display_name} can't see it.")
    where = f"#{shown.channel}" if shown.channel is not None else "a direct message"
    quoted = QuotedMessage(text=shown.message.text, author_id=shown.author,
                           channel=shown.channel or "",
                           link=f"message #{shown.number} in {where}",
                           message_id=f"#{shown.number}")
    event = MessageShortcut(GROUP_ID, me.actor(), shortcut.shortcut_id, quoted,
                            channel=me.place)
    await console.handle_event(event, me, me.place)
    return True


# ---- roles ------------------------------------------------------------------------


def _role_name(console: Console, word: str) -> str:
    role = word.strip()
    if len(role) >= 2 and role[0] == role[-1] and role[0] in "\"'":
        role = role[1:-1].strip()
    settings = console.app.settings.for_group(GROUP_ID)
    for alias, configured in (("facilitator", settings.facilitator_roles),
                              ("lead", settings.lead_roles)):
        if role.casefold() == alias:
            if not configured:
                raise UserError(f"This group has no {alias} roles set up yet. A facilitator "
                                f"or admin can set them with /setup {alias}_roles=NAME.")
            return configured[0]
    if not role:
        raise UserError("Which role? For example :role bob facilitator.")
    return role


def _name_and_role(console: Console, args: str, control: str) -> tuple[Member, str]:
    name, _, role = args.partition(" ")
    if not name or not role.strip():
        raise UserError(f"Please say who and which role, for example :{control} bob "
                        "facilitator.")
    return _member(console, name), _role_name(console, role)


def _roles_now(console: Console, member: Member) -> str:
    settings = console.app.settings.for_group(GROUP_ID)
    return f"{member.display_name} is now: {', '.join(role_words(member, settings))}."


async def _role(console: Console, args: str) -> bool:
    member, role = _name_and_role(console, args, "role")
    if member.has_role(role):
        raise UserError(f"{member.display_name} already has the role {role}.")
    member.roles.append(role)
    console.screen.note(f"Gave {member.display_name} the role {role}. "
                        + _roles_now(console, member))
    return True


async def _unrole(console: Console, args: str) -> bool:
    member, role = _name_and_role(console, args, "unrole")
    if not member.has_role(role):
        have = ", ".join(member.roles) or "no roles"
        raise UserError(f"{member.display_name} doesn't have the role {role} "
                        f"({member.display_name} has: {have}).")
    member.roles = [r for r in member.roles if r.casefold() != role.casefold()]
    console.screen.note(f"Took the role {role} from {member.display_name}. "
                        + _roles_now(console, member))
    return True


async def _admin(console: Console, args: str) -> bool:
    if not args:
        raise UserError("Whose admin flag? For example :admin bob.")
    member = _member(console, args.split()[0])
    member.admin = not member.admin
    state = "now a platform admin" if member.admin else "no longer a platform admin"
    console.screen.note(f"{member.display_name} is {state}. " + _roles_now(console, member))
    return True


# ---- buttons and menus ------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip()
    return text


def _button(shown: Shown, label: str) -> Button | None:
    for button in shown.message.buttons:
        if button.label.casefold() == label.casefold():
            return button
    return None


def _visible(console: Console, number: int) -> Shown:
    shown = console.screen.get(number)
    if shown is None:
        raise UserError(f"There is no message #{number} yet.")
    me = console.session.me
    if not shown.can_see(me.name):
        owner = console.session.display_name(shown.visible_to)
        raise UserError(f"Message #{number} was shown only to {owner}, so "
                        f"{me.display_name} can't press its buttons. Type :as "
                        f"{shown.visible_to} to act as {owner}.")
    return shown


def _find_pressable(console: Console, args: str) -> tuple[Shown, Button]:
    first, _, rest = args.partition(" ")
    if first.lstrip("#").isdecimal() and rest.strip():
        shown = _visible(console, int(first.lstrip("#")))
        label = _unquote(rest)
        button = _button(shown, label)
        if button is None:
            raise UserError(_no_such_button(shown, label))
        return shown, button
    label = _unquote(args)
    me = console.session.me
    mine = [s for s in console.screen.latest() if s.can_see(me.name) and s.message.buttons]
    for shown in mine:
        button = _button(shown, label)
        if button is not None:
            return shown, button
    if not mine:
        raise UserError("There are no buttons to press yet.")
    raise UserError(_no_such_button(mine[0], label))


def _no_such_button(shown: Shown, label: str) -> str:
    if not shown.message.buttons:
        return f"Message #{shown.number} has no buttons."
    labels = " ".join(f"[{b.label}]" for b in shown.message.buttons)
    return (f"I couldn't find a button called “{label}”. Message #{shown.number} has "
            f"these: {labels}.")


async def _press(console: Console, args: str) -> bool:
    if not args:
        raise UserError("Which button? For example :press Going, or :press 3 Going.")
    shown, button = _find_pressable(console, args)
    me = console.session.me
    event = ButtonPress(GROUP_ID, me.actor(), button.action, button.value,
                        channel=shown.channel, message_ref=f"#{shown.number}")
    await console.handle_event(event, me, shown.channel, pressed=shown.number)
    return True


def _choice(choices: tuple[Choice, ...], word: str) -> Choice | None:
    for choice in choices:
        if word.casefold() in (choice.label.casefold(), choice.value.casefold()):
            return choice
    return None


def _picked(choices: tuple[Choice, ...], args: str) -> list[Choice]:
    whole = _choice(choices, _unquote(args))
    if whole is not None:
        return [whole]
    words = ([w.strip() for w in args.split(",") if w.strip()] if "," in args
             else split_words(args))
    picked = []
    for word in words:
        choice = _choice(choices, _unquote(word))
        if choice is None:
            raise UserError(f"“{word}” is not one of the choices. The choices are: "
                            + " | ".join(c.label for c in choices) + ".")
        picked.append(choice)
    return list(dict.fromkeys(picked))


async def _pick(console: Console, args: str) -> bool:
    me = console.session.me
    menus = [s for s in console.screen.latest()
             if s.can_see(me.name) and s.message.select is not None]
    if not menus:
        raise UserError("There is no menu to choose from yet.")
    shown = menus[0]
    select = shown.message.select
    assert select is not None
    if not args:
        raise UserError("Please say what you choose, for example :pick "
                        + select.choices[0].label + ".")
    picked = _picked(select.choices, args)
    if not select.min_values <= len(picked) <= select.max_values:
        raise UserError(f"Please choose from {select.min_values} to {select.max_values} "
                        "of the choices.")
    event = ButtonPress(GROUP_ID, me.actor(), select.action,
                        values=tuple(c.value for c in picked), channel=shown.channel,
                        message_ref=f"#{shown.number}")
    await console.handle_event(event, me, shown.channel, pressed=shown.number)
    return True


# ---- forms and leaving --------------------------------------------------------------


def _open_form(console: Console) -> Member:
    me = console.session.me
    if me.form is None:
        raise UserError(f"{me.display_name} has no form open right now.")
    return me


async def _form(console: Console, args: str) -> bool:
    me = _open_form(console)
    assert me.form is not None
    if not args:
        raise UserError("Write the answers after :form, like :form "
                        + " ".join(f"{k}=..." for k in me.form.keys) + ".")
    me.form.fill_all(parse_assignments(args, me.form.keys))
    await console.submit_form(me)
    return True


async def _cancel(console: Console, args: str) -> bool:
    me = _open_form(console)
    me.form = None
    console.screen.note(tr(FORM_CLOSED))
    return True


async def _help(console: Console, args: str) -> bool:
    console.screen.note(help_text())
    return True


async def _quit(console: Console, args: str) -> bool:
    return False


CONTROLS: dict[str, Control] = {
    "as": _as, "role": _role, "unrole": _unrole, "admin": _admin, "in": _in, "dm": _dm,
    "press": _press, "pick": _pick, "form": _form, "cancel": _cancel, "who": _who,
    "help": _help, "quit": _quit, "join": _join, "say": _say, "report": _report,
}
