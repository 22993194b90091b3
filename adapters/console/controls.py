"""Console controls: lines starting with `:` change the simulation, not the group.

`:as`, `:role`, `:unrole`, `:admin`, `:join`, `:in`, `:dm`, `:say`, `:report`, `:press`,
`:pick`, `:form`, `:cancel`, `:who`, `:help`, `:quit`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from adapters.console.forms import FORM_CLOSED
from adapters.console.forms import parse_assignments
from adapters.console.render import Screen
from adapters.console.render import Shown
from adapters.console.session import GROUP_ID
from adapters.console.session import Member
from adapters.console.session import Session
from adapters.console.session import clean_channel
from adapters.console.session import role_words
from adapters.console.session import valid_name
from bot import catalog
from bot.app import App
from bot.errors import UserError
from bot.events import ButtonPress
from bot.events import Event
from bot.events import MemberJoined
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.i18n import plain_list
from bot.i18n import tr
from bot.messages import Button
from bot.messages import Choice
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


_DOES, _EXAMPLE = catalog.CONSOLE_DOES, catalog.CONSOLE_EXAMPLES
HELP: tuple[ControlSpec, ...] = (
    ControlSpec(":as NAME", _DOES["as"], ":as carol"),
    ControlSpec(":role NAME ROLE", _DOES["role"], ":role bob facilitator"),
    ControlSpec(":unrole NAME ROLE", _DOES["unrole"], ":unrole bob facilitator"),
    ControlSpec(":admin NAME", _DOES["admin"], ":admin bob"),
    ControlSpec(":join NAME", _DOES["join"], ":join dana"),
    ControlSpec(":in CHANNEL", _DOES["in"], ":in updates"),
    ControlSpec(":dm", _DOES["dm"], ":dm"),
    ControlSpec(":dm TEXT", _DOES["dm-text"], _EXAMPLE["dm-text"]),
    ControlSpec(":say TEXT", _DOES["say"], _EXAMPLE["say"]),
    ControlSpec(":report N", _DOES["report"], ":report 4"),
    ControlSpec(":press LABEL", _DOES["press"], _EXAMPLE["press"]),
    ControlSpec(":press N LABEL", _DOES["press-n"], _EXAMPLE["press-n"]),
    ControlSpec(":pick CHOICE ...", _DOES["pick"], _EXAMPLE["pick"]),
    ControlSpec(":form key=value ...", _DOES["form"], _EXAMPLE["form"]),
    ControlSpec(":cancel", _DOES["cancel"], ":cancel"),
    ControlSpec(":who", _DOES["who"], ":who"),
    ControlSpec(":help", _DOES["help"], ":help"),
    ControlSpec(":quit", _DOES["quit"], ":quit"),
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
        console.screen.note(tr(exc.text))
        return True


def unknown_control(name: str) -> str:
    """A kind answer to a control that does not exist."""
    close = difflib.get_close_matches(name.lower(), NAMES, n=1)
    return catalog.console_unknown_control(name, close[0] if close else None,
                                           [f":{n}" for n in NAMES])


def help_text() -> str:
    """The console controls, one line each with an example."""
    lines = [tr(catalog.CONSOLE_CONTROLS)]
    for spec in HELP:
        lines.append("    " + catalog.console_control_line(spec.usage, spec.does,
                                                             tr(spec.example)))
    lines.append(tr(catalog.CONSOLE_COMMANDS_HINT))
    return "\n".join(lines)


# ---- who and where ------------------------------------------------------------------


def _member(console: Console, name: str) -> Member:
    member = console.session.find(name)
    if member is None:
        raise UserError(catalog.console_no_member(
            name, list(console.session.members), name if valid_name(name) else "NAME"))
    return member


async def _as(console: Console, args: str) -> bool:
    name = args.strip().lower()
    session = console.session
    if not name:
        raise UserError(catalog.console_as_who(list(session.members)))
    if not valid_name(name):
        raise UserError(catalog.CONSOLE_AS_BAD_NAME)
    old, lines = session.me, []
    member = session.find(name)
    if member is None:
        member = session.add(name)
        lines.append(catalog.console_added(member.display_name))
    if member is old:
        raise UserError(catalog.console_already(old.display_name, old.where_in_words()))
    if old.form is not None:
        lines.append(catalog.console_form_stays_open(old.display_name, old.form.form.title,
                                                     old.name))
    session.current_name = member.name
    lines.append(catalog.console_now(member.display_name, member.where_in_words()))
    if member.form is not None:
        lines.append(catalog.console_has_form(member.display_name, member.form.form.title))
    console.screen.note("\n".join(lines))
    console.ask(member)
    return True


async def _join(console: Console, args: str) -> bool:
    name = args.strip().lower()
    session = console.session
    if not name:
        raise UserError(catalog.CONSOLE_JOIN_WHO)
    if not valid_name(name):
        raise UserError(catalog.CONSOLE_JOIN_BAD_NAME)
    if session.find(name) is not None:
        raise UserError(catalog.console_already_member(name.title()))
    member = session.add(name)
    console.screen.note(catalog.console_joined(member.display_name, member.name))
    await console.handle_event(MemberJoined(GROUP_ID, member.actor(), None), member, None)
    return True


async def _who(console: Console, args: str) -> bool:
    settings = console.app.settings.for_group(GROUP_ID)
    me = console.session.me
    lines = [catalog.console_you_are(me.display_name, me.where_in_words()),
             tr(catalog.CONSOLE_MEMBERS)]
    for m in console.session.members.values():
        extra = tr(catalog.CONSOLE_YOU) if m is me else ""
        form = catalog.console_filling_in(m.form.form.title) if m.form is not None else ""
        lines.append(f"    {m.display_name}{extra}: {plain_list(role_words(m, settings))}; "
                     f"{m.where_in_words()}{form}")
    console.screen.note("\n".join(lines))
    return True


async def _in(console: Console, args: str) -> bool:
    channel = clean_channel(args)
    if not channel or any(ch.isspace() for ch in channel):
        raise UserError(catalog.CONSOLE_WHICH_CHANNEL)
    me = console.session.me
    me.place = channel
    console.screen.note(catalog.console_now_in(channel))
    return True


async def _dm(console: Console, args: str) -> bool:
    me = console.session.me
    if args:
        await console.direct_message(me, args)
        return True
    me.place = None
    console.screen.note(catalog.console_now_in_dm(console.session.home))
    return True


# ---- members' messages, and acting on a message -------------------------------------


async def _say(console: Console, args: str) -> bool:
    me = console.session.me
    if me.place is None:
        raise UserError(catalog.console_say_in_dm(console.session.home))
    if not args:
        raise UserError(catalog.CONSOLE_SAY_WHAT)
    console.screen.say(me.place, me.name, me.display_name, args)
    return True


def _here(console: Console) -> Shown:
    """The latest message the current member can see where they are."""
    me = console.session.me
    for shown in console.screen.latest():
        if shown.channel == me.place and shown.can_see(me.name):
            return shown
    raise UserError(catalog.console_no_message_here(me.where_in_words()))


async def _report(console: Console, args: str) -> bool:
    shortcut = next((s for s in console.app.shortcuts.values()
                     if s.reports_message), None)
    if shortcut is None:
        raise UserError(catalog.CONSOLE_NO_CONCERNS)
    word = args.strip().lstrip("#")
    if word and not word.isdecimal():
        raise UserError(catalog.CONSOLE_REPORT_WHICH)
    me = console.session.me
    shown = _here(console) if not word else console.screen.get(int(word))
    if shown is None:
        raise UserError(catalog.console_no_message(word))
    if not shown.can_see(me.name):
        owner = console.session.display_name(shown.visible_to)
        raise UserError(catalog.console_not_shown_to(shown.number, owner, me.display_name))
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
                raise UserError(catalog.console_no_roles_set(alias))
            return configured[0]
    if not role:
        raise UserError(catalog.CONSOLE_WHICH_ROLE)
    return role


def _name_and_role(console: Console, args: str, control: str) -> tuple[Member, str]:
    name, _, role = args.partition(" ")
    if not name or not role.strip():
        raise UserError(catalog.console_who_and_role(control))
    return _member(console, name), _role_name(console, role)


def _roles_now(console: Console, member: Member) -> str:
    settings = console.app.settings.for_group(GROUP_ID)
    return catalog.console_roles_now(member.display_name, role_words(member, settings))


async def _role(console: Console, args: str) -> bool:
    member, role = _name_and_role(console, args, "role")
    if member.has_role(role):
        raise UserError(catalog.console_has_role(member.display_name, role))
    member.roles.append(role)
    console.screen.note(catalog.console_gave_role(member.display_name, role) + " "
                        + _roles_now(console, member))
    return True


async def _unrole(console: Console, args: str) -> bool:
    member, role = _name_and_role(console, args, "unrole")
    if not member.has_role(role):
        raise UserError(catalog.console_lacks_role(member.display_name, role, member.roles))
    member.roles = [r for r in member.roles if r.casefold() != role.casefold()]
    console.screen.note(catalog.console_took_role(member.display_name, role) + " "
                        + _roles_now(console, member))
    return True


async def _admin(console: Console, args: str) -> bool:
    if not args:
        raise UserError(catalog.CONSOLE_ADMIN_WHO)
    member = _member(console, args.split()[0])
    member.admin = not member.admin
    console.screen.note(catalog.console_admin(member.display_name, member.admin) + " "
                        + _roles_now(console, member))
    return True


# ---- buttons and menus ------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip()
    return text


def _button(shown: Shown, label: str) -> Button | None:
    """The button of that label; or, where none is, the one whose label is that after its
    number (`Tea` for a poll's `1. Tea`), if only one is."""
    wanted = label.casefold()
    buttons = shown.message.buttons
    for button in buttons:
        if button.label.casefold() == wanted:
            return button
    numbered = [b for b in buttons
                if _NUMBERED.sub("", b.label, count=1).casefold() == wanted]
    return numbered[0] if len(numbered) == 1 else None


_NUMBERED = re.compile(r"^\d+\.\s+")


def _visible(console: Console, number: int) -> Shown:
    shown = console.screen.get(number)
    if shown is None:
        raise UserError(catalog.console_no_message(str(number)))
    me = console.session.me
    if not shown.can_see(me.name):
        owner = console.session.display_name(shown.visible_to)
        raise UserError(catalog.console_cannot_press(number, owner, me.display_name,
                                                     shown.visible_to))
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
        raise UserError(catalog.CONSOLE_NO_BUTTONS)
    raise UserError(_no_such_button(mine[0], label))


def _no_such_button(shown: Shown, label: str) -> str:
    if not shown.message.buttons:
        return catalog.console_message_has_no_buttons(shown.number)
    labels = " ".join(f"[{b.label}]" for b in shown.message.buttons)
    return catalog.console_no_such_button(label, shown.number, labels)


async def _press(console: Console, args: str) -> bool:
    if not args:
        raise UserError(catalog.CONSOLE_PRESS_WHICH)
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
            raise UserError(catalog.console_not_a_choice(word, [c.label for c in choices]))
        picked.append(choice)
    return list(dict.fromkeys(picked))


async def _pick(console: Console, args: str) -> bool:
    me = console.session.me
    menus = [s for s in console.screen.latest()
             if s.can_see(me.name) and s.message.select is not None]
    if not menus:
        raise UserError(catalog.CONSOLE_NO_MENU)
    shown = menus[0]
    select = shown.message.select
    assert select is not None
    if not args:
        raise UserError(catalog.console_pick_what(select.choices[0].label))
    picked = _picked(select.choices, args)
    if not select.min_values <= len(picked) <= select.max_values:
        raise UserError(catalog.console_pick_count(select.min_values, select.max_values))
    event = ButtonPress(GROUP_ID, me.actor(), select.action,
                        values=tuple(c.value for c in picked), channel=shown.channel,
                        message_ref=f"#{shown.number}")
    await console.handle_event(event, me, shown.channel, pressed=shown.number)
    return True


# ---- forms and leaving --------------------------------------------------------------


def _open_form(console: Console) -> Member:
    me = console.session.me
    if me.form is None:
        raise UserError(catalog.console_no_form(me.display_name))
    return me


async def _form(console: Console, args: str) -> bool:
    me = _open_form(console)
    assert me.form is not None
    if not args:
        raise UserError(catalog.console_form_how(me.form.keys))
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
