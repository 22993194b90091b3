"""The bad-input campaign: hostile values in every command option, form field and button
of every feature, generated from the app's own registry, so a new command, option,
form, field or button is fuzzed without anyone adding it here.

For each event, whoever sends it (a member, a facilitator, a lead, an admin, or someone
with every role, sometimes under a hostile display name), the properties are:

- no crash: nothing escapes `App.handle`, no apology for an unexpected failure, nothing
  logged at error level;
- a clear answer: every message shown is non-empty plain language, with no traceback,
  exception name or internal value;
- a refusal (a kind `UserError`, or field errors on a form) changes nothing: every
  table of the SQLite file reads the same (through a separate read-only connection)
  and nothing is sent;
- whatever is sent (through the memory adapter) or shown is inert: no live mention, no
  direction override or control character, no unescaped code block, spoiler or masked
  link; and at the end, every listing of what was stored, and everything the scheduled
  jobs send a week on (reminders, digests, coming-up posts), is inert.

Example counts are small per command (the suite runs on two cores) and derandomized,
so a run is repeatable; COPROD_CAMPAIGN_EXAMPLES=200 runs a deeper random campaign.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from collections.abc import Coroutine
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.commands import CommandSpec
from bot.commands import OptionType
from bot.config import Config
from bot.errors import UserError
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.events import Invocation
from bot.events import MemberJoined
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.features import FormSpec
from bot.features.concerns.config import ConcernsConfig
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.campaigns.hostile import NAMES
from tests.campaigns.hostile import TEXT
from tests.campaigns.hostile import live_problems
from tests.campaigns.hostile import message_problems
from tests.campaigns.hostile import mutated
from tests.campaigns.hostile import unclear
from tests.campaigns.world import GROUP
from tests.campaigns.world import PEOPLE
from tests.campaigns.world import Opener
from tests.campaigns.world import World
from tests.campaigns.world import changed_tables
from tests.campaigns.world import make_world

# COPROD_CAMPAIGN_EXAMPLES=200 runs a deeper, random campaign (the default is small and
# repeatable, for the suite).
DEEP = int(os.environ.get("COPROD_CAMPAIGN_EXAMPLES", "0") or 0)
CAMPAIGN = settings(max_examples=DEEP or 10, deadline=None, derandomize=not DEEP,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def _catalogue() -> tuple[App, dict[str, FormSpec], dict[str, str]]:
    """The default app's commands, forms and button actions (no storage needed)."""
    app = App(Config(), None)  # type: ignore[arg-type]
    forms = {spec.form_id: spec for f in app.features.values() for spec in f.forms}
    actions = {action: f.name for f in app.features.values() for action in f.actions}
    return app, forms, actions


_APP, FORMS, ACTIONS = _catalogue()
COMMANDS = [spec.name for spec in _APP.registry.all()]


# ---- one seeded world per test, copied from a template --------------------------------


@dataclass
class Template:
    """A seeded database file and its key, made once and copied for each test."""

    path: Path
    key: str
    hints: dict[str, list[str]]
    openers: dict[str, list[Opener]]
    buttons: dict[str, list[str]]
    now: datetime


_TEMPLATE: list[Template] = []


def _template(tmp_factory: pytest.TempPathFactory) -> Template:
    if not _TEMPLATE:
        folder = tmp_factory.mktemp("campaign-template")
        with asyncio.Runner() as runner:
            world = make_world(runner, folder, key=(key := generate_key()))
            buttons: dict[str, list[str]] = {}
            messages = [sent.message for sent in world.adapter.sent]
            for replied in world.replies:
                messages += [*replied.messages, *((replied.update,) if replied.update
                                                  else ())]
            for message in messages:
                for b in message.buttons:
                    buttons.setdefault(b.action, []).append(b.value)
                if message.select is not None:
                    buttons.setdefault(message.select.action, []).extend(
                        c.value for c in message.select.choices)
            now = world.clock.now()
            world.run(world.bot.close())
            world.run(world.storage.close())
        _TEMPLATE.append(Template(world.path, key, world.hints, world.openers, buttons, now))
    return _TEMPLATE[0]


@contextmanager
def fresh_world(tmp_path: Path, tmp_factory: pytest.TempPathFactory,
                config: Config | None = None) -> Iterator[World]:
    """A copy of the seeded world, its features started (with `config`, else the
    defaults)."""
    template = _template(tmp_factory)
    path = tmp_path / "campaign.db"
    shutil.copyfile(template.path, path)
    with asyncio.Runner() as runner:
        async def build() -> World:
            storage = await open_storage(str(path), FieldCipher(template.key))
            await storage.migrate()
            clock = FakeClock(template.now)
            app = App(config or Config(), storage, clock=clock)
            await app.load()
            for feature in app.features.values():
                if feature.start is not None:
                    await feature.start()
            world = World(runner, MemoryBot(app, MemoryAdapter(GROUP)), storage, path, clock,
                          hints=template.hints, openers=template.openers)
            for name, (roles, admin) in PEOPLE.items():
                world.adapter.member(name, *roles, admin=admin)
            return world

        world = runner.run(build())
        try:
            yield world
        finally:
            runner.run(world.bot.close())
            runner.run(world.storage.close())


# ---- what the properties look at ------------------------------------------------------


class ErrorLog(logging.Handler):
    """Collects log records at error level or above (an unexpected failure)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def watching() -> Iterator[tuple[ErrorLog, list[str]]]:
    """Error-level logs, and the text of every `UserError` raised (kind refusals)."""
    errors = ErrorLog()
    refusals: list[str] = []
    original = UserError.__init__

    def noting(self: UserError, text: str) -> None:
        refusals.append(text)
        original(self, text)

    root = logging.getLogger()
    root.addHandler(errors)
    UserError.__init__ = noting  # type: ignore[method-assign]
    try:
        yield errors, refusals
    finally:
        UserError.__init__ = original  # type: ignore[method-assign]
        root.removeHandler(errors)


def shown(reply: Reply) -> list[str]:
    """Every text a reply shows the person who acted."""
    texts = [m.text for m in reply.messages]
    texts += list(reply.field_errors.values())
    if reply.update is not None:
        texts.append(reply.update.text)
    return texts


def introduce(world: World, actor: Actor) -> None:
    """Let the features see the person act once as they are now (the features note
    facilitators and leads, with their current names, when they act), so that what the
    fuzzed event changes is the event's own doing."""
    if actor in world.introduced:
        return
    for line in ("/help", "/case list"):
        world.run(world.app.handle_text(GROUP, actor, line, "general"))
    world.run(world.bot.settle())
    world.introduced.add(actor)


def check_event(world: World, event: Event, given: list[str]) -> Reply:
    """Handle one event and assert every property (see the module docstring)."""
    return check(world, event.actor, world.app.handle(event),
                 f"{type(event).__name__} {describe(event)}", given,
                 answer_expected=not isinstance(event, MemberJoined))


def check(world: World, actor: Actor, work: Coroutine[Any, Any, Reply], where: str,
          given: list[str], *, answer_expected: bool = True) -> Reply:
    """Run one piece of work by `actor` (an event, or a typed line) and assert every
    property (see the module docstring)."""
    introduce(world, actor)
    before = world.snapshot()
    sent_before = len(world.adapter.sent)
    with watching() as (errors, refusals):
        reply = world.run(work)
        world.run(world.bot.settle())
    after = world.snapshot()
    new_sends = world.adapter.sent[sent_before:]

    assert not errors.records, (where, [r.getMessage() for r in errors.records])
    texts = shown(reply)
    assert catalog.SOMETHING_WENT_WRONG not in texts, where
    # A join is no interaction: nobody waits for an answer to it.
    assert texts or reply.form is not None or not answer_expected, (
        f"{where}: an empty answer")
    for text in texts:
        problem = unclear(text, given)
        assert problem is None, f"{where}: {problem}"

    refused = bool(reply.field_errors) or any(t in refusals for t in texts)
    if refused:
        assert changed_tables(before, after) == [], f"{where}: refused but stored"
        assert not new_sends, f"{where}: refused but sent {new_sends[0].message.text[:80]!r}"
    for sent in new_sends:
        problems = [p for p in message_problems(sent.message)
                    if not _allowed_ping(p, sent.message)]
        assert not problems, f"{where}: sent {problems} in {sent.message.text[:300]!r}"
    for message in (*reply.messages, *((reply.update,) if reply.update else ())):
        # Even answers only the actor sees: an echo must not ping, hide or fake anything.
        problems = message_problems(message)
        assert not problems, f"{where}: shown {problems} in {message.text[:300]!r}"
    return reply


def _allowed_ping(problem: str, message: Message) -> bool:
    return bool(message.allow_role_mentions) and problem.startswith("live mention") and any(
        f"@{role}" in message.text for role in message.allow_role_mentions)


def describe(event: Event) -> str:
    """A short account of an event for a failure message (values cut short)."""
    if isinstance(event, Invocation):
        return f"/{event.command} {_short(event.options)} as {event.actor.user_id}"
    if isinstance(event, FormSubmission):
        return (f"{event.form_id} {_short(event.values)} state={event.state[:40]!r} "
                f"as {event.actor.user_id}")
    if isinstance(event, ButtonPress):
        return f"{event.action} {event.value[:60]!r} {event.values!r:.80} as {event.actor.user_id}"
    return f"as {event.actor.user_id}"


def _short(values: dict[str, Any]) -> str:
    return repr({k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v)
                 for k, v in values.items()})


def views_are_inert(world: World) -> None:
    """Every listing of what is stored, as the person with every role sees it, is inert."""
    hints = world.hints
    lines = ["/meeting list", "/agenda show", "/actions all=yes", "/agreement",
             "/agreement history", "/resource list", "/prompt list", "/case list",
             f"/case show case={hints['case'][0]}", f"/case audit case={hints['case'][0]}",
             "/feedback list", "/checkin", "/checkin summary", "/buddy status", "/welcome",
             "/setup", "/meeting calendar"]
    for line in lines:
        reply = world.run(world.app.handle_text(GROUP, world.actor("boss"), line, "general"))
        for message in reply.messages:
            problems = message_problems(message)
            assert not problems, f"{line}: {problems} in {message.text[:300]!r}"
    for section in world.run(world.app.home(GROUP, world.actor("alice"))):
        assert not message_problems(section), section.text[:300]


def jobs_relay_inert(world: World, days: int = 8) -> int:
    """Move the clock on and let every scheduled job run (reminders, digests, coming-up
    posts, escalations, closing votes): everything they send is inert. Returns how many
    messages they sent."""
    sent_before = len(world.adapter.sent)
    world.clock.advance(timedelta(days=days))
    world.run(world.app.scheduler.run_due())
    world.run(world.bot.settle())
    for sent in world.adapter.sent[sent_before:]:
        problems = [p for p in message_problems(sent.message)
                    if not _allowed_ping(p, sent.message)]
        assert not problems, f"a job sent {problems} in {sent.message.text[:300]!r}"
    return len(world.adapter.sent) - sent_before


# ---- strategies from the registry ------------------------------------------------------


def who_strategy() -> st.SearchStrategy[str]:
    """Anyone in the world; the person with every role most often."""
    return st.one_of(st.just("boss"), st.sampled_from(sorted(PEOPLE)))


def option_values(spec: CommandSpec, hints: dict[str, list[str]],
                  ) -> st.SearchStrategy[dict[str, Any]]:
    """A random subset of the command's options, each hostile or plausible."""
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for opt in spec.options:
        plausible: list[Any] = list(hints.get(opt.name, []))
        plausible += [c.value for c in opt.choices] + [c.label for c in opt.choices]
        if opt.type is OptionType.INTEGER:
            typed: st.SearchStrategy[Any] = st.one_of(
                st.integers(), st.sampled_from([0, -1, 2**63, 10**30, True]))
        elif opt.type is OptionType.BOOLEAN:
            typed = st.sampled_from([True, False, "yes", "no", "maybe", 1, None])
        elif opt.type in (OptionType.USER, OptionType.CHANNEL):
            typed = st.sampled_from(["<@U-bob>", "<@!U-dev>", "<#C1|general>", "#general",
                                     "U-nobody", "<@&77>", "<!channel>"])
        elif opt.type is OptionType.STRING:
            typed = st.just("")
        else:  # a new option type must be given hostile values here
            raise AssertionError(f"/{spec.name} {opt.name}: no strategy for {opt.type}")
        choices = [TEXT, typed]
        if plausible:
            choices.append(st.sampled_from(plausible))
        optional[opt.name] = st.one_of(*choices)
    return st.fixed_dictionaries({}, optional=optional)  # type: ignore[arg-type]


def field_values(fields: tuple[FormField, ...], hints: dict[str, list[str]],
                 ) -> st.SearchStrategy[dict[str, str]]:
    """A random subset of a form's fields, each hostile or plausible."""
    optional: dict[str, st.SearchStrategy[str]] = {}
    for f in fields:
        plausible = [*hints.get(f.key, []), *(c.value for c in f.choices),
                     *(c.label for c in f.choices), f.default, f.placeholder]
        if f.kind == "yes_no":
            plausible += ["yes", "no", "Y", "nope"]
        optional[f.key] = st.one_of(TEXT, st.sampled_from([p for p in plausible if p]
                                                          or [""]))
    return st.fixed_dictionaries({}, optional=optional)  # type: ignore[arg-type]


def actor_strategy(world: World, who: str) -> st.SearchStrategy[Actor]:
    """The person as they are, or under a hostile display name (platforms let people
    choose their names, and the bot relays them)."""
    actor = world.actor(who)
    return st.one_of(st.just(actor),
                     NAMES.map(lambda name: replace(actor, display_name=name)))


def _quoted(value: Any) -> str:
    text = str(value)
    return '"' + text.replace('"', '\\"') + '"'


# ---- the campaign ----------------------------------------------------------------------


def test_every_command_form_and_button_is_in_the_campaign(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The campaign reaches everything the features offer: every form a feature
    registers was returned by a feature while the world was seeded (so it is fuzzed with
    a real state), with the fields of its spec; every button action has a real value;
    every option type has a strategy."""
    template = _template(tmp_path_factory)
    assert set(FORMS) == set(template.openers), (
        "forms no seeded step opened (add a step to tests/campaigns/world.py): "
        f"{sorted(set(FORMS) - set(template.openers))}")
    for form_id, openers in template.openers.items():
        for opener in openers:
            assert [f.key for f in opener.form.fields] == [
                f.key for f in FORMS[form_id].fields], form_id
    missing = sorted(a for a in ACTIONS if a not in template.buttons)
    assert not missing, ("button actions with no value seen while seeding (add a step "
                         f"to tests/campaigns/world.py): {missing}")
    for name in COMMANDS:
        spec = _APP.registry.get(name)
        assert spec is not None
        option_values(spec, template.hints)  # raises for an option type with no strategy
    assert len(COMMANDS) >= 50 and len(FORMS) >= 12 and len(ACTIONS) >= 25


@pytest.mark.parametrize("name", COMMANDS)
def test_command_options(name: str, tmp_path: Path,
                         tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every option of the command, typed (as Discord sends them) or as a command line
    (as the console and Slack send them)."""
    spec = _APP.registry.get(name)
    assert spec is not None
    with fresh_world(tmp_path, tmp_path_factory) as world:
        @CAMPAIGN
        @given(data=st.data(), who=who_strategy(),
               channel=st.sampled_from(["general", None]),
               options=option_values(spec, world.hints),
               as_line=st.booleans())
        def one(data: st.DataObject, who: str, channel: str | None,
                options: dict[str, Any], as_line: bool) -> None:
            actor = data.draw(actor_strategy(world, who))
            given_texts = [str(v) for v in options.values()] + [actor.display_name]
            if as_line:
                line = f"/{name} " + " ".join(f"{k}={_quoted(v)}" for k, v in options.items())
                check(world, actor, world.app.handle_text(GROUP, actor, line, channel),
                      f"typed {line[:200]!r} as {actor.user_id}", given_texts)
                return
            check_event(world, Invocation(GROUP, actor, name, options, channel), given_texts)
        one()
        views_are_inert(world)


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_form_fields(form_id: str, tmp_path: Path,
                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every field of the form, as sent back by the person it was opened for (or by
    someone else), with its real state or a hostile one."""
    spec = FORMS[form_id]
    with fresh_world(tmp_path, tmp_path_factory) as world:
        openers = world.openers[form_id]

        @CAMPAIGN
        @given(data=st.data(), opener=st.sampled_from(openers),
               values=field_values(spec.fields, world.hints))
        def one(data: st.DataObject, opener: Opener, values: dict[str, str]) -> None:
            who = data.draw(st.one_of(st.just(opener.who), who_strategy()))
            state = data.draw(st.one_of(st.just(opener.form.state), TEXT,
                                        mutated([opener.form.state])))
            actor = data.draw(actor_strategy(world, who))
            check_event(world, FormSubmission(GROUP, actor, form_id, values, state,
                                              opener.channel),
                        [*values.values(), state, actor.display_name])
        one()
        views_are_inert(world)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_button_values(action: str, tmp_path: Path,
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    """A button or menu pressed with its real value, a hostile one, or a real one pressed
    by someone it was not for (a custom id is platform input like any other)."""
    with fresh_world(tmp_path, tmp_path_factory) as world:
        real = _template(tmp_path_factory).buttons[action]

        @CAMPAIGN
        @given(data=st.data(), who=who_strategy(), channel=st.sampled_from(["general", None]),
               value=st.one_of(st.sampled_from(real), mutated(real), TEXT),
               values=st.lists(st.one_of(st.sampled_from(real), mutated(real), TEXT),
                               max_size=3))
        def one(data: st.DataObject, who: str, channel: str | None, value: str,
                values: list[str]) -> None:
            actor = data.draw(actor_strategy(world, who))
            check_event(world, ButtonPress(GROUP, actor, action, value, tuple(values),
                                           channel),
                        [value, *values, actor.display_name])
        one()
        views_are_inert(world)


def test_direct_messages_joins_and_shortcuts(tmp_path: Path,
                                            tmp_path_factory: pytest.TempPathFactory,
                                            ) -> None:
    """Anything written to the bot directly, anyone joining under any name, and the
    message shortcut on any message."""
    with fresh_world(tmp_path, tmp_path_factory) as world:
        @settings(CAMPAIGN, max_examples=30)
        @given(data=st.data(), who=who_strategy(), text=TEXT,
               kind=st.sampled_from(["dm", "join", "shortcut"]),
               shortcut=st.one_of(st.sampled_from(sorted(world.app.shortcuts)), TEXT))
        def one(data: st.DataObject, who: str, text: str, kind: str, shortcut: str) -> None:
            actor = data.draw(actor_strategy(world, who))
            event: Event
            if kind == "dm":
                event = DirectMessageReceived(GROUP, actor, text)
            elif kind == "join":
                event = MemberJoined(GROUP, replace(actor, user_id=f"U-new-{len(text)}"))
            else:
                quoted = QuotedMessage(text=text, author_id=data.draw(st.one_of(
                    st.just("U-bob"), TEXT)), channel="general",
                    link=data.draw(st.one_of(st.just("https://chat.example/1"), TEXT)),
                    message_id=data.draw(st.one_of(st.just("1700000000.0001"), TEXT)))
                event = MessageShortcut(GROUP, actor, shortcut, quoted, "general")
            check_event(world, event, [text, actor.display_name])
        one()
        views_are_inert(world)


# Hostile text that is otherwise a fine answer, so it is accepted and stored.
ACCEPTED_HOSTILE = ["Tea @everyone <@&77> <!here> <@U-bob>",
                    "```py\nx``` ||hidden|| [click](http://evil.example) **b** # H",
                    "\u202eevil\u2066 <#C0123> @here\u200b \x07 <!subteam^S1>"]


def _plausible(key: str, fields: dict[str, FormField], hints: dict[str, list[str]]) -> str:
    field = fields.get(key)
    choices = [c.value for c in field.choices] if field else []
    return next(iter([*hints.get(key, []), *choices, *([field.default] if field and
                                                       field.default else [])]), "Hello")


def test_stored_hostile_text_comes_back_inert_from_every_view_and_job(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hostile text placed in every text field and option, with the rest of the answer
    plausible, so it is stored; then every listing and a week of scheduled jobs
    (reminders with agendas, digests, coming-up posts, action reminders, vote results)
    relay it inert."""
    # A week's grace, so one jump of the clock fires every job that fell due; unanswered
    # concerns escalate daily rather than every half hour, to keep the week short.
    slow = ConcernsConfig(acknowledge_minutes=1440, escalation_repeat_minutes=1440)
    week = replace(Config(), scheduler_grace_minutes=10080).with_sections(slow)
    with fresh_world(tmp_path, tmp_path_factory, week) as world:
        hints = {**world.hints, **FORM_HINTS}
        for form_id, spec in sorted(FORMS.items()):
            fields = {f.key: f for f in spec.fields}
            base = {key: _plausible(key, fields, hints) for key in fields}
            base.update(FORM_BASE.get(form_id, {}))
            for opener in world.openers[form_id]:
                for key, field in fields.items():
                    if field.choices or field.kind == "yes_no":
                        continue
                    for hostile in ACCEPTED_HOSTILE:
                        actor = world.actor(opener.who)
                        reply = check_event(world, FormSubmission(
                            GROUP, actor, form_id, {**base, key: hostile}, opener.form.state,
                            opener.channel), [hostile])
                        for message in reply.messages:
                            for button in message.buttons:
                                if button.action.endswith(".confirm"):
                                    check_event(world, ButtonPress(
                                        GROUP, actor, button.action, button.value,
                                        channel=opener.channel), [hostile])
        for name in COMMANDS:
            spec = _APP.registry.get(name)
            assert spec is not None
            texts = [o for o in spec.options if o.type is OptionType.STRING and not o.choices]
            base = {o.name: _plausible(o.name, {}, hints) for o in spec.options
                    if o.required or o.name in hints}
            for key, value in FORM_BASE.get(name.replace(" ", "."), {}).items():
                if value:
                    base[key] = value
                else:
                    base.pop(key, None)
            for option in texts:
                check_event(world, Invocation(GROUP, world.actor("boss"), name,
                                              {**base, option.name: ACCEPTED_HOSTILE[0]},
                                              "general"), ACCEPTED_HOSTILE)
        views_are_inert(world)
        assert jobs_relay_inert(world) > 0


# Plausible answers for form fields, so that a hostile value in one field is the only
# thing that could be refused.
FORM_HINTS: dict[str, list[str]] = {
    "when": ["2026-01-27 18:00"], "repeat": ["weekly"], "where": ["Room 2"],
    "agenda": ["Welcome"], "summary": ["We met."], "decisions": ["Keep going"],
    "actions": ["@U-alice: book the room by 2026-01-30"], "message": ["Hello"],
    "answer": ["Thank you"], "note": ["A note"], "what": ["Something worried me"],
    "about": [""], "danger": ["no"], "contact": ["yes"], "anonymous": ["no"],
    "audience": ["group"], "topic": ["meetings"], "multiple": ["no"],
}
# A resource is a link or a text, not both.
FORM_BASE: dict[str, dict[str, str]] = {"resource.add": {"link": ""}}


def test_live_problems_sees_what_neutralise_removes() -> None:
    """The campaign's own check: raw injections are caught, neutralised ones pass."""
    from bot.text import neutralise

    for raw in ("@everyone", "<@&77>", "<!here>", "```x```", "||x||", "[a](b)", "\u202e"):
        assert live_problems(raw), raw
        assert not live_problems(neutralise(raw)), raw

