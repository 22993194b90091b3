"""Platform limits hold in every language, for every feature, through the real adapters'
rendering: what the console's first hour says and opens (captured as the core made it:
messages, buttons, select menus, forms), every feature's declared forms, every declared
button word and form title, and every command and option as Discord registers it.

English, Welsh and the pseudo-language (about 40% longer than the English) are rendered
by `adapters.discord` (render, FormDesk, commands.build) and `adapters.slack` (blocks,
modals); the test reads the payloads the platforms would receive and checks Discord's
limits (2,000-character messages, 80-character buttons, 45-character modal titles and
labels, 100-character descriptions and choices) and Slack's (3,000-character text
blocks, 75-character buttons, 24-character modal titles). Text over a limit is cut with
"…" (a prefix of the whole translation) or split at line breaks with nothing lost.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import discord
import pytest

from adapters.console.adapter import ConsoleAdapter
from adapters.discord import commands as discord_commands
from adapters.discord import limits as discord_limits
from adapters.discord.forms import FormDesk
from adapters.discord.forms import Ticket
from adapters.discord.render import channel_links
from adapters.discord.render import render
from adapters.slack import blocks as slack_blocks
from adapters.slack.modals import form_view
from bot import catalog
from bot.app import App
from bot.config import Config
from bot.i18n import PSEUDO
from bot.i18n import Text
from bot.i18n import speaking
from bot.i18n import tr
from bot.messages import Button
from bot.messages import Form
from bot.messages import Message
from bot.messages import Reply
from bot.text import render_channels
from storage.interface import Storage
from tests.console_helpers import run_script
from tests.e2e.test_first_hour import SCRIPT as FIRST_HOUR

LANGUAGES = ["en", "cy", PSEUDO]
ROOT = Path(__file__).resolve().parents[2]
_DECLARED = re.compile(r"(BUTTON|TITLE|_SAVE$|_START$|_SEND$|_ADD$|_CHANGE$|_DISCARD$)")


pytestmark = pytest.mark.usefixtures("pseudo")


class Cuts:
    """Every text an adapter had to fit, and whether each fit gracefully."""

    def __init__(self) -> None:
        self.cut = 0

    def fits(self, shown: str, whole: str, limit: int, where: str) -> None:
        """`shown` is within `limit`, and is `whole`, or a prefix of it ending in "…"."""
        assert len(shown) <= limit, (where, limit, shown)
        if shown != whole and whole.strip():
            assert shown.endswith("…") and whole.startswith(shown[:-1].rstrip()), (
                where, shown, whole)
            self.cut += 1


# ---- Discord ---------------------------------------------------------------------------------

def discord_message(message: Message, cuts: Cuts) -> None:
    """A message through Discord's renderer: each part at most 2,000 characters, nothing
    lost in the split, buttons and the select menu within their limits."""
    parts = render(message)
    for part in parts:
        assert len(part.content) <= discord_limits.MESSAGE, part.content[:80]
    if message.text:  # (channel references shown as Discord shows them)
        whole = render_channels(message.text, channel_links(None))
        assert "".join(p.content for p in parts).replace("\n", "") == (
            whole.replace("\n", "")), "a split lost text"
    view = parts[-1].view
    items = list(view.children) if view is not None else []
    labels = [b.label for b in message.buttons]
    buttons = [i for i in items if isinstance(i, discord.ui.Button)]
    for button, label in zip(buttons, labels, strict=True):
        cuts.fits(button.label or "", label, discord_limits.BUTTON_LABEL, "discord button")
    for item in items:
        if isinstance(item, discord.ui.Select):
            assert message.select is not None
            cuts.fits(item.placeholder or "", message.select.placeholder,
                      discord_limits.SELECT_PLACEHOLDER, "discord select")
            for option, choice in zip(item.options, message.select.choices, strict=True):
                cuts.fits(option.label, choice.label, discord_limits.SELECT_OPTION,
                          "discord select option")


def discord_modal(form: Form, cuts: Cuts) -> None:
    """A form as Discord's modals (five inputs a step), within Discord's limits."""
    desk = FormDesk()
    ticket_id = desk.open(form, "u1")
    ticket = desk.get(ticket_id, "u1")
    assert isinstance(ticket, Ticket)
    for step in range(len(ticket.steps)):
        modal = desk.modal(ticket_id, ticket, step)
        title = modal.title or ""
        assert len(title) <= discord_limits.MODAL_TITLE, title
        if len(ticket.steps) == 1:
            cuts.fits(title, form.title, discord_limits.MODAL_TITLE, "discord title")
        for item, field in zip(modal.children, ticket.steps[step], strict=True):
            assert isinstance(item, discord.ui.TextInput)
            sent = item.to_component_dict()  # what Discord receives
            cuts.fits(str(sent["label"]), field.label, discord_limits.MODAL_LABEL, "discord label")
            assert len(sent.get("placeholder", "")) <= discord_limits.MODAL_PLACEHOLDER


# ---- Slack -----------------------------------------------------------------------------------

def slack_message(message: Message, cuts: Cuts) -> None:
    """A message as Block Kit: every text block at most 3,000 characters, nothing lost
    in the split, every button at most 75."""
    payload = slack_blocks.message_payload([message])
    assert len(payload["text"]) <= slack_blocks.FALLBACK_LIMIT
    texts = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    for text in texts:
        assert len(text) <= slack_blocks.SECTION_LIMIT, text[:80]
    buttons = [e for b in payload["blocks"] if b["type"] == "actions"
               for e in b["elements"] if e["type"] == "button"]
    for element, button in zip(buttons, message.buttons, strict=True):
        cuts.fits(element["text"]["text"], button.label, slack_blocks.BUTTON_TEXT,
                  "slack button")


def slack_modal(form: Form, cuts: Cuts) -> None:
    """A form as a Slack modal: title, submit and close at most 24 characters."""
    view = form_view(form, None)
    cuts.fits(view["title"]["text"], form.title, slack_blocks.MODAL_TITLE, "slack title")
    cuts.fits(view["submit"]["text"], form.submit_label, slack_blocks.MODAL_TITLE,
              "slack submit")
    assert len(view["close"]["text"]) <= slack_blocks.MODAL_TITLE
    for block, field in zip(view["blocks"], form.fields, strict=True):
        cuts.fits(block["label"]["text"], field.label, slack_blocks.MODAL_LABEL, "slack label")
        element = block["element"]
        if "placeholder" in element:
            assert len(element["placeholder"]["text"]) <= slack_blocks.PLACEHOLDER
        for option in element.get("options", []):
            assert len(option["text"]["text"]) <= slack_blocks.BUTTON_TEXT


def both(made: Message | Form, cuts: Cuts) -> None:
    """Through both platforms' renderers."""
    if isinstance(made, Form):
        discord_modal(made, cuts)
        slack_modal(made, cuts)
    else:
        discord_message(made, cuts)
        slack_message(made, cuts)


# ---- what the first hour makes ---------------------------------------------------------------

async def first_hour(language: str, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> list[Message | Form]:
    """Every message and form the console's first hour made, in one language (the group's,
    set first), as the core made them."""
    made: list[Message | Form] = []
    send, show, open_form = (ConsoleAdapter.send, ConsoleAdapter.show_reply,
                             ConsoleAdapter.open_form)

    async def sent(self: ConsoleAdapter, destination: Any, message: Message, key: str) -> str:
        made.append(message)
        return await send(self, destination, message, key)

    def shown(self: ConsoleAdapter, reply: Reply, *args: Any, **kwargs: Any) -> None:
        made.extend([*([reply.update] if reply.update else []), *reply.messages])
        show(self, reply, *args, **kwargs)

    def opened(self: ConsoleAdapter, member: Any, form: Form, channel: str | None) -> None:
        made.append(form)
        open_form(self, member, form, channel)

    monkeypatch.setattr(ConsoleAdapter, "send", sent)
    monkeypatch.setattr(ConsoleAdapter, "show_reply", shown)
    monkeypatch.setattr(ConsoleAdapter, "open_form", opened)
    script = FIRST_HOUR.replace(":as carol\n", f":as carol\n/setup language={language}\n/setup\n"
                                "/help\n/meeting schedule\n:cancel\n", 1)
    await run_script(Config(database=str(tmp_path / f"{language}.db")), script)
    return made


@pytest.mark.parametrize("language", LANGUAGES)
async def test_what_the_first_hour_says_fits_both_platforms(
        language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = await first_hour(language, tmp_path, monkeypatch)
    cuts = Cuts()
    for item in made:
        with speaking(item.language or "en"):
            both(item, cuts)
    messages = [m for m in made if isinstance(m, Message)]
    assert sum(1 for m in messages if m.buttons) >= 5 and any(
        isinstance(m, Form) for m in made), "the first hour shows buttons and forms"
    assert {m.language for m in messages} >= {language}
    # Everything said, as one long message: split at line breaks on both platforms.
    long = Message("\n".join(m.text for m in messages if m.text))
    assert len(long.text) > 2 * slack_blocks.SECTION_LIMIT
    discord_message(long, cuts)
    slack_message(long, cuts)
    if language == PSEUDO:  # 40% longer: some words had to be cut, each gracefully
        assert cuts.cut > 0


# ---- everything declared ---------------------------------------------------------------------

def declared_words(app: App) -> dict[str, Text]:
    """Every declared button word and form title of every feature and of the core: the
    named ones (`*_BUTTON`, `*_TITLE`, a form's `*_SAVE`, ...), and those written where
    they are said (`Button(N_(...))`, `Choice(N_(...))`, `form(N_(...))`,
    `submit_label=N_(...)`), found in each feature package's code."""
    found: dict[str, Text] = {}
    modules = [catalog, *(importlib.import_module(f"bot.features.{name}.wording")
                          for name in app.features
                          if importlib.util.find_spec(f"bot.features.{name}.wording"))]
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, Text) and _DECLARED.search(name):
                found[f"{module.__name__}.{name}"] = value
        if module is not catalog:
            found |= _said_where(module)
    return found


def _said_where(wording: ModuleType) -> dict[str, Text]:
    """A feature's button words and form titles written where they are said, made with
    its own domain's `N_`."""
    found: dict[str, Text] = {}
    package = Path(wording.__file__ or "").parent
    for path in sorted(package.rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            called = getattr(call.func, "id", getattr(call.func, "attr", ""))
            kind = {"Button": "BUTTON", "Choice": "BUTTON", "form": "TITLE"}.get(called)
            said = [(kind, call.args[0])] if kind and call.args else []
            said += [("BUTTON", k.value) for k in call.keywords if k.arg == "submit_label"]
            for kind, node in said:
                if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "N_"
                        and node.args and isinstance(node.args[0], ast.Constant)):
                    where = f"{path.relative_to(ROOT)}:{node.lineno} {kind}"
                    found[where] = wording.N_(node.args[0].value)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_declared_button_form_and_title_fits(language: str,
                                                         storage: Storage) -> None:
    app = App(Config(), storage)
    cuts = Cuts()
    words = declared_words(app)
    assert len(words) >= 40, sorted(words)
    with speaking(language):
        for name, text in words.items():
            shown = tr(text)
            both(Message(name, buttons=(Button(text, "a"),)), cuts)
            if "TITLE" in name:
                both(Form("f", text, ()), cuts)
            assert shown
        forms = [(name, spec) for name, feature in app.features.items()
                 for spec in feature.forms]
        assert {name for name, _ in forms} >= {"meetings", "polls", "feedback", "concerns",
                                               "agreement", "resources", "welcome",
                                               "checkins"}
        for _name, spec in forms:
            both(spec.form(catalog.FORM_SEND), cuts)
    if language == PSEUDO:
        assert cuts.cut > 0


# ---- commands as Discord registers them ------------------------------------------------------

def _nodes(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield payload
    for option in payload.get("options", []):
        yield from _nodes(option)


@pytest.mark.parametrize("language", ["cy", PSEUDO])
async def test_every_command_and_option_is_registered_in_each_language_within_limits(
        language: str, storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the language pretended to be one Discord offers (it offers no Welsh), every
    command, subcommand, group and option carries its description in it, and each
    choice its name, all within Discord's limits."""
    monkeypatch.setitem(discord_commands.DISCORD_LOCALES, language, ("fr",))
    monkeypatch.setattr(discord_commands, "translations", lambda: (language,))
    app = App(Config(), storage)
    built = discord_commands.build(app.registry, app.shortcuts)
    described = 0
    for payload in built.payloads:
        if payload["type"] == discord_commands.MESSAGE:  # a message shortcut
            assert len(payload["name"]) <= discord_limits.CONTEXT_MENU_NAME
            assert len(payload["name_localizations"]["fr"]) <= discord_limits.CONTEXT_MENU_NAME
            continue
        for node in _nodes(payload):
            description = node["description"]
            assert len(description) <= discord_limits.DESCRIPTION, description
            if description.startswith(f"/{payload['name']}: "):
                continue  # a list of subcommand names: the same in every language
            localized = node["description_localizations"]["fr"]
            assert len(localized) <= discord_limits.DESCRIPTION, localized
            described += 1
            for choice in node.get("choices", []):
                assert len(choice["name"]) <= discord_limits.CHOICE_NAME
                if "name_localizations" in choice:
                    assert len(choice["name_localizations"]["fr"]) <= (
                        discord_limits.CHOICE_NAME)
    assert described >= 100
    cadence = next(o for p in built.payloads if p["name"] == "checkin" for n in _nodes(p)
                   for o in n.get("options", []) if o.get("name") == "cadence")
    names = [c["name_localizations"]["fr"] for c in cadence["choices"]]
    assert [c["name"] for c in cadence["choices"]] == ["weekly", "fortnightly", "monthly"]
    if language == "cy":
        assert names == ["wythnosol", "pythefnosol", "misol"]
    else:
        assert all(n and not n.isascii() for n in names), names
