"""`/checkin`: private check-ins by direct message, on each member's own cadence, time
zone and quiet hours; "I'd like a one-to-one" reaches a facilitator privately ("Not so
good" only offers it: nothing is passed on that the member did not ask for);
facilitators see a summary of whole past weeks that shows how people answered only for
weeks in which enough members answered, and names only their own members.

Gentle by design: at most one follow-up for an unanswered check-in, and after a few
misses in a row check-ins pause and the member is told how to restart them. Nothing here
is ever posted in a channel: if a member's direct messages are closed, their facilitator
is told by direct message and the member is told privately the next time they use a
command.

Facilitators: the people named in `[checkins] facilitators`, plus everyone the bot sees
running a command with the group's facilitator role (remembered in storage). A member's
own facilitator (`[checkins] assign`, or `/checkin assign` by a platform admin, which
tells the member) sees their answers and gets their requests; a member without one has
their requests go to the facilitators in turn (a rota), and nobody sees their other
answers by name.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import catalog
from bot.checkins_config import WEEKDAYS, CheckinsConfig, clock_time
from bot.commands import CommandSpec, OptionSpec, OptionType
from bot.context import Context
from bot.dates import read_day
from bot.errors import UserError
from bot.features import ActionHandler, Feature, FormSpec
from bot.features.checkin_chart import answers_chart_png
from bot.features.checkin_time import in_quiet_hours, next_checkin, paused
from bot.logs import log_event
from bot.messages import Button, Choice, Destination, FormField, Image, Message, Reply
from bot.outbox import Fallback, NewDelivery
from bot.roles import Role
from bot.settings import SettingError, setting_spec
from bot.text import has_visible_text, neutralise, quote_block
from scheduler import Firing
from storage.checkins import (
    Answer,
    Cadence,
    Checkin,
    CheckinPrefs,
    Facilitator,
    OneToOne,
    RequestStatus,
)

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

NAME = "checkins"
ANSWER_ACTION = "checkin.answer"
NOTE_ACTION = "checkin.note"
ON_ACTION = "checkin.on"
OFF_ACTION = "checkin.off"
RESUME_ACTION = "checkin.resume"
REPLY_ACTION = "checkin.reply"
ARRANGED_ACTION = "checkin.arranged"
DONE_ACTION = "checkin.done"
# "Ask for a one-to-one" outside a check-in (the choice on a direct message to the bot).
ASK_ACTION = "checkin.ask"
NOTE_FORM = "checkin.note"
REPLY_FORM = "checkin.reply"
NOTE_LIMIT = 1000
SUMMARY_MIN_MEMBERS = 5
ANSWER_LOOKBACK_DAYS = 62
SWEEP_SCHEDULE = "checkins-sweep"
# Only this answer asks for a one-to-one; "Not so good" is offered the choice.
ASKING = (Answer.ONE_TO_ONE,)

NOTE_FIELDS = (
    FormField("answer", catalog.CHECKIN_NOTE_ANSWER_FIELD, "choice", required=False,
              choices=tuple(Choice(catalog.checkin_answer_words(a), a.value) for a in Answer)),
    FormField("note", catalog.CHECKIN_NOTE_FIELD, "paragraph", required=True,
              max_length=NOTE_LIMIT, placeholder=catalog.CHECKIN_NOTE_HINT),
)
REPLY_FIELDS = (
    FormField("message", catalog.CHECKIN_REPLY_FIELD, "paragraph", required=True,
              max_length=NOTE_LIMIT),
)


def build(app: App) -> Feature:
    """The check-ins feature."""
    return Checkins(app).feature()


def checkin_buttons(checkin_id: str) -> tuple[Button, ...]:
    """The answer buttons on a check-in (words, not colours), and the note button."""
    return (
        *(Button(catalog.checkin_answer_words(a), ANSWER_ACTION, f"{checkin_id}:{a.value}",
                 "primary" if a is Answer.ONE_TO_ONE else "secondary") for a in Answer),
        Button(catalog.CHECKIN_NOTE_BUTTON, NOTE_ACTION, checkin_id),
    )


class Checkins:
    """The feature's state: members' settings in memory (to work out schedules), and the
    facilitators already remembered by this process."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.config: CheckinsConfig = app.config.section(CheckinsConfig)
        self.owner = f"checkins-{secrets.token_hex(4)}"
        self.prefs: dict[tuple[str, str], CheckinPrefs] = {}
        # Set once every member's settings are in `prefs` (at start).
        self._all_loaded = False
        self._seen: set[tuple[str, str, str]] = set()
        self.note_form = FormSpec(NOTE_FORM, NOTE_FIELDS, self.submit_note, command="checkin")
        self.reply_form = FormSpec(REPLY_FORM, REPLY_FIELDS, self.submit_reply)

    def feature(self) -> Feature:
        """Commands, buttons, forms, the schedules and the waiting-notice hook."""
        facilitators = frozenset({Role.FACILITATOR})
        self.app.notices.append(self.notices)
        cadences = tuple(Choice(c.value, c.value) for c in Cadence)
        days = tuple(Choice(d, d) for d in WEEKDAYS)
        commands = [
            CommandSpec("checkin", catalog.CHECKIN_HELP, self.show, "/checkin",
                        feature=NAME),
            CommandSpec("checkin on", catalog.CHECKIN_ON_HELP, self.switch_on,
                        "/checkin on", feature=NAME),
            CommandSpec("checkin off", catalog.CHECKIN_OFF_HELP, self.switch_off,
                        "/checkin off", feature=NAME),
            CommandSpec("checkin set", catalog.CHECKIN_SET_HELP, self.set,
                        "/checkin set cadence=fortnightly day=friday time=18:00 "
                        "quiet=22:00-08:00",
                        options=(
                            OptionSpec("cadence", "weekly, fortnightly or monthly",
                                       choices=cadences),
                            OptionSpec("day", "which day of the week", choices=days),
                            OptionSpec("time", "what time, like 18:00", max_length=5),
                            OptionSpec("timezone", "your time zone, like Europe/London",
                                       max_length=64),
                            OptionSpec("quiet", "quiet hours, like 22:00-08:00, or none",
                                       max_length=11)),
                        feature=NAME),
            CommandSpec("checkin pause", catalog.CHECKIN_PAUSE_HELP, self.pause,
                        "/checkin pause until=2026-12-31",
                        options=(OptionSpec("until", catalog.CHECKIN_PAUSE_UNTIL_OPTION,
                                            required=True, max_length=60),),
                        feature=NAME),
            CommandSpec("checkin resume", catalog.CHECKIN_RESUME_HELP, self.resume,
                        "/checkin resume", feature=NAME),
            # A member's facilitator sees their answers, so choosing one is for the
            # group's admins (or the config), never a facilitator choosing themselves.
            CommandSpec("checkin assign", catalog.CHECKIN_ASSIGN_HELP, self.assign,
                        "/checkin assign member=@alice facilitator=@carol",
                        options=(OptionSpec("member", "the member", OptionType.USER,
                                            required=True, max_length=64),
                                 OptionSpec("facilitator", "their facilitator, or none to "
                                            "clear", OptionType.USER, required=True,
                                            max_length=64)),
                        roles=frozenset(), admins=True, feature=NAME),
            CommandSpec("checkin facilitators", catalog.CHECKIN_FACILITATORS_HELP,
                        self.facilitator_list, "/checkin facilitators",
                        roles=facilitators, admins=True, feature=NAME),
            CommandSpec("checkin remove", catalog.CHECKIN_REMOVE_HELP, self.remove,
                        "/checkin remove facilitator=@carol",
                        options=(OptionSpec("facilitator", "who no longer facilitates",
                                            OptionType.USER, required=True,
                                            max_length=64),),
                        roles=frozenset(), admins=True, feature=NAME),
            CommandSpec("checkin summary", catalog.CHECKIN_SUMMARY_HELP, self.summary,
                        "/checkin summary days=30",
                        options=(OptionSpec("days", "how many days back (whole weeks are "
                                            "shown)", OptionType.INTEGER,
                                            min_value=1, max_value=366),),
                        roles=facilitators, feature=NAME),
        ]
        actions: dict[str, ActionHandler] = {
            ANSWER_ACTION: self.press_answer, NOTE_ACTION: self.open_note,
            ON_ACTION: self.switch_on, OFF_ACTION: self.switch_off,
            RESUME_ACTION: self.resume, REPLY_ACTION: self.open_reply,
            ARRANGED_ACTION: self.mark_arranged, DONE_ACTION: self.mark_done,
            ASK_ACTION: self.ask,
        }
        return Feature(NAME, commands=commands, actions=actions,
                       forms=[self.note_form, self.reply_form], start=self.start,
                       home=self.home)

    # ---- schedules -----------------------------------------------------------------------

    async def start(self) -> None:
        """Rebuild every member's check-in schedule, and the hourly sweep."""
        for prefs in await self.app.storage.all_checkin_prefs():
            self._schedule(prefs)
        self._all_loaded = True
        self.app.scheduler.add(SWEEP_SCHEDULE, _hourly, self._sweep_job)

    @staticmethod
    def schedule_id(group_id: str, user_id: str) -> str:
        """The scheduler id of a member's check-ins."""
        return f"checkin:{group_id}:{user_id}"

    def _schedule(self, prefs: CheckinPrefs) -> None:
        key = (prefs.group_id, prefs.user_id)
        self.prefs[key] = prefs
        sid = self.schedule_id(*key)
        if not prefs.enabled:
            self.app.scheduler.remove(sid)
            return

        def due(after: datetime) -> datetime | None:
            current = self.prefs.get(key)
            return None if current is None else next_checkin(current, after)

        async def job(firing: Firing) -> None:
            await self.fire(key[0], key[1], firing)

        self.app.scheduler.add(sid, due, job)

    async def _save(self, prefs: CheckinPrefs, deliveries: list[NewDelivery] | None = None,
                    ) -> None:
        await self.app.storage.save_checkin_prefs(prefs, self.app.clock.now(), deliveries or [])
        self._schedule(prefs)
        if deliveries:
            self.app.deliveries_waiting()

    async def fire(self, group_id: str, user_id: str, firing: Firing) -> bool:
        """A member's check-in is due: send it, or pause after too many misses."""
        storage = self.app.storage
        prefs = await storage.checkin_prefs(group_id, user_id)
        settings = self.app.settings.for_group(group_id)
        now = self.app.clock.now()
        if prefs is None or not prefs.enabled or paused(prefs, now) \
                or NAME not in settings.features:
            return False
        if await storage.checkin_unreachable(group_id, user_id):
            # Their DMs were closed last time and their facilitator was told: stop trying
            # until they switch check-ins on again (they are told at their next command).
            stopped = replace(prefs, enabled=False, pause_reason="unreachable")
            done = await storage.send_checkin(firing.key, self.owner, stopped, None, [], now)
            self._schedule(stopped)
            return done
        previous = await storage.open_checkin(group_id, user_id)
        misses = prefs.misses + (1 if previous is not None else 0)
        dm = Destination.to_dm(group_id, user_id)
        if misses >= self.config.pause_after_misses:
            stopped = replace(prefs, enabled=False, pause_reason="misses", misses=misses)
            notice = NewDelivery(f"checkin-paused:{firing.key}", dm,
                                 Message(catalog.checkin_auto_paused(misses)))
            done = await storage.send_checkin(firing.key, self.owner, stopped, None,
                                              [notice], now)
            self._schedule(stopped)
            self.app.deliveries_waiting()
            log_event(log, logging.INFO, "checkin.auto_paused", group=group_id)
            return done
        checkin_id = secrets.token_hex(6)
        key = f"checkin:{checkin_id}"
        checkin = Checkin(checkin_id, group_id, user_id, now, key)
        facilitator = await self._facilitator_for(group_id, user_id, prefs, advance=False)
        fallbacks = () if facilitator is None else (Fallback(
            Destination.to_dm(group_id, facilitator.user_id),
            Message(catalog.checkin_unreachable_for_facilitator(prefs.display_name))),)
        message = Message(catalog.CHECKIN_QUESTION, buttons=checkin_buttons(checkin_id))
        done = await storage.send_checkin(firing.key, self.owner, replace(prefs, misses=misses),
                                          checkin, [NewDelivery(key, dm, message, fallbacks)],
                                          now)
        if done:
            self.prefs[(group_id, user_id)] = replace(prefs, misses=misses)
            self.app.deliveries_waiting()
            log_event(log, logging.INFO, "checkin.sent", group=group_id, checkin=checkin_id)
        return done

    async def _sweep_job(self, firing: Firing) -> None:
        await self.sweep()

    async def sweep(self) -> int:
        """Gentle follow-ups and one-to-one escalations that are due; how many acted on."""
        storage = self.app.storage
        now = self.app.clock.now()
        acted = 0
        for checkin in await storage.unanswered_checkins(
                now - timedelta(hours=self.config.follow_up_hours)):
            acted += await self._follow_up(checkin, now)
        for request in await storage.open_one_to_ones():
            acted += await self._escalate(request, now)
        if acted:
            self.app.deliveries_waiting()
        return acted

    async def _follow_up(self, checkin: Checkin, now: datetime) -> int:
        storage = self.app.storage
        prefs = await storage.checkin_prefs(checkin.group_id, checkin.user_id)
        latest = await storage.open_checkin(checkin.group_id, checkin.user_id)
        unreachable = await storage.checkin_unreachable(checkin.group_id, checkin.user_id,
                                                        untold_only=False)
        switched_on = NAME in self.app.settings.for_group(checkin.group_id).features
        if prefs is None or not prefs.enabled or latest is None or not switched_on \
                or latest.checkin_id != checkin.checkin_id or unreachable is not None:
            # Not worth a follow-up any more: drop it quietly (never more than one).
            await storage.follow_up_checkin(checkin.checkin_id, [], now)
            return 0
        if in_quiet_hours(prefs, now) or paused(prefs, now):
            return 0  # tried again at the next sweep
        message = Message(catalog.CHECKIN_FOLLOW_UP, buttons=checkin_buttons(checkin.checkin_id))
        delivery = NewDelivery(f"checkin-follow-up:{checkin.checkin_id}",
                               Destination.to_dm(checkin.group_id, checkin.user_id), message)
        return int(await storage.follow_up_checkin(checkin.checkin_id, [delivery], now))

    async def _escalate(self, request: OneToOne, now: datetime) -> int:
        if request.status is not RequestStatus.REQUESTED:
            return 0
        if not request.facilitator_id:
            return await self._hand_over(request, now)
        within = timedelta(days=self.config.arrange_within_days)
        age = now - request.created_at
        if request.stage == 0 and age >= within:
            message = Message(catalog.one_to_one_reminder(neutralise(request.member_name),
                                                          self.config.arrange_within_days),
                              buttons=self._request_buttons(request))
            delivery = NewDelivery(f"one-to-one:{request.request_id}:reminder",
                                   Destination.to_dm(request.group_id, request.facilitator_id),
                                   message)
            await self.app.storage.update_one_to_one(replace(request, stage=1), [delivery], now)
            log_event(log, logging.INFO, "one_to_one.reminded", request=request.request_id)
            return 1
        if request.stage == 1 and age >= 2 * within:
            others = [f for f in await self.facilitators(request.group_id)
                      if f.user_id not in (request.facilitator_id, request.user_id)]
            if not others:
                await self.app.storage.update_one_to_one(replace(request, stage=2), [], now)
                return 0
            other = others[await self.app.storage.count_one_to_ones(request.group_id)
                           % len(others)]
            moved = replace(request, stage=2, facilitator_id=other.user_id)
            message = Message(catalog.one_to_one_escalated(
                neutralise(request.member_name), _answer_words(request),
                _quoted(request.note), 2 * self.config.arrange_within_days),
                buttons=self._request_buttons(moved))
            delivery = NewDelivery(f"one-to-one:{request.request_id}:escalated",
                                   Destination.to_dm(request.group_id, other.user_id), message)
            await self.app.storage.update_one_to_one(moved, [delivery], now)
            log_event(log, logging.INFO, "one_to_one.escalated", request=request.request_id)
            return 1
        return 0

    async def _hand_over(self, request: OneToOne, now: datetime) -> int:
        """A request waiting for a facilitator (none was known when it was made, or theirs
        was erased): pass it to the facilitator whose turn it is, once there is one."""
        prefs = await self.app.storage.checkin_prefs(request.group_id, request.user_id)
        facilitator = await self._facilitator_for(request.group_id, request.user_id, prefs,
                                                  advance=True)
        if facilitator is None:
            return 0
        handed = replace(request, facilitator_id=facilitator.user_id)
        delivery = replace(self._request_delivery(handed, facilitator),
                           key=f"one-to-one:{request.request_id}:handed:"
                               f"{int(now.timestamp() * 1e6)}")
        await self.app.storage.update_one_to_one(handed, [delivery], now)
        log_event(log, logging.INFO, "one_to_one.handed", request=request.request_id)
        return 1

    # ---- facilitators ----------------------------------------------------------------------

    async def facilitators(self, group_id: str) -> list[Facilitator]:
        """The facilitators of a group now, however they are declared: holding the
        group's facilitator role on the platform (asked through the adapter's `People`
        port, so they count before they have used the bot), seen acting with it, or
        named in config."""
        known = {f.user_id: f for f in await self.app.storage.known_facilitators(group_id)}
        roles = self.app.settings.for_group(group_id).facilitator_roles
        for person in (await self.app.people.holders(group_id, roles)).people:
            names = person.names()
            if not (person.user_id in known and known[person.user_id].display_name):
                known[person.user_id] = Facilitator(group_id, person.user_id,
                                                    names[0] if names else "")
        for user_id in self.config.facilitators:
            known.setdefault(user_id, Facilitator(group_id, user_id, ""))
        return [known[k] for k in sorted(known)]

    async def _facilitator_for(self, group_id: str, user_id: str, prefs: CheckinPrefs | None,
                               *, advance: bool) -> Facilitator | None:
        """The member's own facilitator, else the next in the rota (`advance`: a new
        request takes a turn; otherwise the first facilitator is named)."""
        everyone = await self.facilitators(group_id)
        assigned = (prefs.facilitator_id if prefs else "") or self.config.assign.get(user_id, "")
        if assigned and assigned != user_id:
            found = next((f for f in everyone if f.user_id == assigned), None)
            return found or Facilitator(group_id, assigned, "")
        rota = [f for f in everyone if f.user_id != user_id]
        if not rota:
            return None
        turn = await self.app.storage.count_one_to_ones(group_id) if advance else 0
        return rota[turn % len(rota)]

    async def notices(self, ctx: Context) -> list[Message]:
        """Run on every command: remember facilitators, switch on default check-ins, and
        tell a member privately if their last check-in could not reach them."""
        if NAME not in ctx.settings.features:
            return []
        actor = ctx.actor
        if ctx.has_role(Role.FACILITATOR):
            seen = (ctx.group_id, actor.user_id, actor.display_name)
            if seen not in self._seen:
                await ctx.storage.remember_facilitator(
                    Facilitator(ctx.group_id, actor.user_id, actor.display_name), ctx.now())
                self._seen.add(seen)
        out: list[Message] = []
        if self.config.default_on and (ctx.group_id, actor.user_id) not in self.prefs \
                and await ctx.storage.checkin_prefs(ctx.group_id, actor.user_id) is None:
            prefs = self._defaults(ctx)
            await self._save(prefs)
            out.append(Message(catalog.checkin_default_on(self._when(prefs, ctx.now()))))
        if self._all_loaded and (ctx.group_id, actor.user_id) not in self.prefs:
            # Never opted in, so no check-in of theirs can have gone astray: no read.
            return out
        unreachable = await ctx.storage.checkin_unreachable(ctx.group_id, actor.user_id)
        if unreachable is not None:
            current = await ctx.storage.checkin_prefs(ctx.group_id, actor.user_id)
            if current is not None and current.enabled:
                await self._save(replace(current, enabled=False, pause_reason="unreachable"))
            await ctx.storage.mark_unreachable_told(unreachable.checkin_id)
            out.append(Message(catalog.CHECKIN_DMS_CLOSED))
        return out

    # ---- a member's own settings -------------------------------------------------------------

    def _defaults(self, ctx: Context) -> CheckinPrefs:
        return CheckinPrefs(ctx.group_id, ctx.actor.user_id, ctx.actor.display_name,
                            enabled=self.config.default_on,
                            weekday=WEEKDAYS.index(self.config.day), at=self.config.time,
                            timezone=ctx.settings.timezone, anchor=ctx.now())

    async def _mine(self, ctx: Context) -> CheckinPrefs:
        found = await ctx.storage.checkin_prefs(ctx.group_id, ctx.actor.user_id)
        prefs = found or self._defaults(ctx)
        if has_visible_text(ctx.actor.display_name):
            prefs = replace(prefs, display_name=ctx.actor.display_name)
        return prefs

    def _when(self, prefs: CheckinPrefs, now: datetime) -> str:
        due = next_checkin(prefs, now)
        if due is None:
            return ""
        local = due.astimezone(ZoneInfo(prefs.timezone))
        return f"{local:%A} {local.day} {local:%B} at {local:%H:%M} ({prefs.timezone})"

    def _settings_message(self, prefs: CheckinPrefs, now: datetime) -> Message:
        paused_until = ""
        if prefs.paused_until is not None and paused(prefs, now):
            local = prefs.paused_until.astimezone(ZoneInfo(prefs.timezone))
            paused_until = f"{local:%A} {local.day} {local:%B %Y}"
        text = catalog.checkin_settings(
            prefs.enabled, prefs.cadence.value, WEEKDAYS[prefs.weekday], prefs.at,
            prefs.timezone, prefs.quiet_start, prefs.quiet_end, paused_until,
            prefs.pause_reason, self._when(prefs, now))
        buttons = [Button(catalog.CHECKIN_OFF_BUTTON, OFF_ACTION) if prefs.enabled
                   else Button(catalog.CHECKIN_ON_BUTTON, ON_ACTION, style="primary")]
        if paused_until:
            buttons.append(Button(catalog.CHECKIN_RESUME_BUTTON, RESUME_ACTION))
        return Message(text, buttons=tuple(buttons))

    async def show(self, ctx: Context) -> Reply:
        """`/checkin`: the member's own settings, with a button to switch on or off."""
        prefs = await self._mine(ctx)
        return Reply(messages=(self._settings_message(prefs, ctx.now()),))

    async def home(self, ctx: Context) -> Message | None:
        """The member's check-in settings on their own overview."""
        return self._settings_message(await self._mine(ctx), ctx.now())

    async def switch_on(self, ctx: Context) -> Reply:
        """`/checkin on` (or the button): one step, whatever paused them before."""
        prefs = await self._mine(ctx)
        prefs = replace(prefs, enabled=True, paused_until=None, pause_reason="", misses=0,
                        anchor=prefs.anchor or ctx.now())
        await self._save(prefs)
        return Reply.text(catalog.checkin_switched_on(self._when(prefs, ctx.now())))

    async def switch_off(self, ctx: Context) -> Reply:
        """`/checkin off` (or the button): one step."""
        prefs = await self._mine(ctx)
        await self._save(replace(prefs, enabled=False, pause_reason=""))
        return Reply.text(catalog.CHECKIN_SWITCHED_OFF)

    async def set(self, ctx: Context) -> Reply:
        """`/checkin set`: cadence, day, time, time zone and quiet hours."""
        opts = ctx.options
        if not any(opts.get(k) for k in ("cadence", "day", "time", "timezone", "quiet")):
            raise UserError(catalog.CHECKIN_SET_NOTHING)
        prefs = await self._mine(ctx)
        if opts.get("cadence"):
            prefs = replace(prefs, cadence=Cadence(opts["cadence"]))
        if opts.get("day"):
            prefs = replace(prefs, weekday=WEEKDAYS.index(opts["day"]))
        if opts.get("time"):
            prefs = replace(prefs, at=_checked(clock_time, opts["time"], "time"))
        if opts.get("timezone"):
            spec = setting_spec("timezone")
            assert spec is not None
            prefs = replace(prefs, timezone=_checked(spec.check, opts["timezone"], "timezone"))
        if opts.get("quiet"):
            start, end = _quiet(str(opts["quiet"]))
            prefs = replace(prefs, quiet_start=start, quiet_end=end)
        await self._save(replace(prefs, anchor=prefs.anchor or ctx.now()))
        return Reply(messages=(Message(catalog.CHECKIN_SAVED),
                               self._settings_message(prefs, ctx.now())))

    async def pause(self, ctx: Context) -> Reply:
        """`/checkin pause until=<date>`: a holiday; check-ins start again by themselves."""
        prefs = await self._mine(ctx)
        zone = ZoneInfo(prefs.timezone)
        day = read_day(str(ctx.options["until"]), zone, ctx.now())
        today = ctx.now().astimezone(zone).date()
        if day is None or not today < day <= today + timedelta(days=366):
            raise UserError(catalog.CHECKIN_PAUSE_BAD_DATE)
        until = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        prefs = replace(prefs, paused_until=until, pause_reason="holiday")
        await self._save(prefs)
        return Reply.text(catalog.checkin_paused(f"{day:%A} {day.day} {day:%B %Y}",
                                                 prefs.enabled))

    async def resume(self, ctx: Context) -> Reply:
        """`/checkin resume`: end a pause now."""
        prefs = await self._mine(ctx)
        if prefs.paused_until is None and prefs.enabled:
            return Reply.text(catalog.checkin_switched_on(self._when(prefs, ctx.now())))
        return await self.switch_on(ctx)

    async def assign(self, ctx: Context) -> Reply:
        """`/checkin assign` (admins): a member's own facilitator, who sees their answers
        and gets their requests; `facilitator=none` clears it. Only a facilitator the bot
        knows can be chosen, and the member is always told, by direct message."""
        member = str(ctx.options["member"])
        raw = str(ctx.options["facilitator"]).strip()
        facilitator = "" if raw.casefold() in ("none", "nobody") else raw
        name = ""
        if facilitator:
            if member == facilitator:
                raise UserError(catalog.CHECKIN_ASSIGN_SELF)
            known = {f.user_id: f for f in await self.facilitators(ctx.group_id)}
            if facilitator not in known:
                raise UserError(catalog.checkin_assign_not_facilitator(neutralise(raw)))
            name = neutralise(known[facilitator].display_name) or catalog.CHECKIN_A_FACILITATOR
        found = await ctx.storage.checkin_prefs(ctx.group_id, member)
        if (found.facilitator_id if found is not None else "") == facilitator:
            return Reply.text(catalog.CHECKIN_ASSIGN_SAME if facilitator
                              else catalog.CHECKIN_ASSIGN_NONE_ALREADY)
        prefs = found or CheckinPrefs(ctx.group_id, member, "", enabled=self.config.default_on,
                                      weekday=WEEKDAYS.index(self.config.day),
                                      at=self.config.time, timezone=ctx.settings.timezone,
                                      anchor=ctx.now())
        told = NewDelivery(f"checkin-assigned:{ctx.group_id}:{member}:"
                           f"{int(ctx.now().timestamp() * 1e6)}",
                           Destination.to_dm(ctx.group_id, member),
                           Message(catalog.checkin_your_facilitator(name)))
        await self._save(replace(prefs, facilitator_id=facilitator), [told])
        log_event(log, logging.INFO, "checkin.assigned", group=ctx.group_id,
                  cleared=not facilitator)
        return Reply.text(catalog.checkin_assigned(name))

    async def facilitator_list(self, ctx: Context) -> Reply:
        """`/checkin facilitators`: who members' requests can go to."""
        names = [neutralise(f.display_name) or neutralise(f.user_id)
                 for f in await self.facilitators(ctx.group_id)]
        return Reply.text(catalog.checkin_facilitators_list(names))

    async def remove(self, ctx: Context) -> Reply:
        """`/checkin remove` (admins): someone stepped down. The bot only learns roles
        when people act, so without this an ex-facilitator would go on getting members'
        one-to-one requests, notes included. Their members are told they have no
        facilitator of their own now; their open requests go to the next facilitator."""
        who = str(ctx.options["facilitator"]).strip()
        known = {f.user_id: f for f in await ctx.storage.known_facilitators(ctx.group_id)}
        if who not in known:
            raise UserError(catalog.checkin_not_a_known_facilitator(neutralise(who)))
        await ctx.storage.forget_facilitator(ctx.group_id, who)
        self._seen = {seen for seen in self._seen if seen[:2] != (ctx.group_id, who)}
        now = ctx.now()
        stamp = int(now.timestamp() * 1e6)
        members = [p for p in await ctx.storage.all_checkin_prefs()
                   if p.group_id == ctx.group_id and p.facilitator_id == who]
        for prefs in members:
            told = NewDelivery(f"checkin-assigned:{ctx.group_id}:{prefs.user_id}:{stamp}",
                               Destination.to_dm(ctx.group_id, prefs.user_id),
                               Message(catalog.checkin_your_facilitator("")))
            await self._save(replace(prefs, facilitator_id=""), [told])
        moved = 0
        for request in await ctx.storage.open_one_to_ones(ctx.group_id):
            if request.facilitator_id != who:
                continue
            theirs = await ctx.storage.checkin_prefs(ctx.group_id, request.user_id)
            other = await self._facilitator_for(ctx.group_id, request.user_id, theirs,
                                                advance=True)
            if other is None or other.user_id == who:
                continue
            handed = replace(request, facilitator_id=other.user_id)
            delivery = replace(self._request_delivery(handed, other),
                               key=f"one-to-one:{request.request_id}:handed:{stamp}")
            await ctx.storage.update_one_to_one(handed, [delivery], now)
            moved += 1
        self.app.deliveries_waiting()
        log_event(log, logging.INFO, "checkin.facilitator_removed", group=ctx.group_id,
                  members=len(members), requests=moved)
        name = neutralise(known[who].display_name) or neutralise(who)
        return Reply.text(catalog.checkin_facilitator_removed(name, len(members), moved))

    # ---- answers --------------------------------------------------------------------------

    async def _own_checkin(self, ctx: Context, checkin_id: str) -> Checkin:
        checkin = await ctx.storage.checkin(checkin_id[:20])
        if checkin is None or checkin.user_id != ctx.actor.user_id \
                or checkin.group_id != ctx.group_id:
            raise UserError(catalog.CHECKIN_NOT_YOURS)
        return checkin

    async def press_answer(self, ctx: Context) -> Reply:
        """A word button on a check-in."""
        checkin_id, _, word = str(ctx.options.get("value", "")).partition(":")
        try:
            answer = Answer(word)
        except ValueError:
            raise UserError(catalog.CHECKIN_NOT_YOURS) from None
        return await self._answer(ctx, await self._own_checkin(ctx, checkin_id), answer, "")

    async def open_note(self, ctx: Context) -> Reply:
        """The "add a private note" button: the note form."""
        checkin = await self._own_checkin(ctx, str(ctx.options.get("value", "")))
        defaults = {"answer": checkin.answer.value} if checkin.answer else None
        return Reply(form=self.note_form.form(catalog.CHECKIN_NOTE_TITLE,
                                              state=checkin.checkin_id, defaults=defaults))

    async def submit_note(self, ctx: Context) -> Reply:
        """The note form: a private note, and the answer if given there."""
        checkin = await self._own_checkin(ctx, str(getattr(ctx.event, "state", "")))
        note = neutralise(ctx.options["note"])
        if not has_visible_text(note):
            return Reply(field_errors={"note": catalog.field_required(
                catalog.CHECKIN_NOTE_FIELD)})
        word = ctx.options.get("answer") or (checkin.answer.value if checkin.answer else "")
        answer = Answer(word) if word else None
        return await self._answer(ctx, checkin, answer, note)

    async def _answer(self, ctx: Context, checkin: Checkin, answer: Answer | None,
                      note: str) -> Reply:
        storage = ctx.storage
        now = ctx.now()
        prefs = await storage.checkin_prefs(ctx.group_id, ctx.actor.user_id)
        name = ctx.actor.display_name
        existing = next((r for r in await storage.open_one_to_ones(ctx.group_id)
                         if r.checkin_id == checkin.checkin_id), None)
        if checkin.answer is not None and answer not in ASKING and not note:
            return Reply.text(catalog.CHECKIN_ALREADY_ANSWERED)
        deliveries: list[NewDelivery] = []
        request: OneToOne | None = None
        facilitator: Facilitator | None = None
        if existing is not None:
            facilitator = await self._named(ctx.group_id, existing.facilitator_id)
            if note:
                request = replace(existing, note=_joined(existing.note, note))
            if note and existing.facilitator_id:
                deliveries.append(NewDelivery(
                    f"one-to-one:{existing.request_id}:note:{secrets.token_hex(3)}",
                    Destination.to_dm(ctx.group_id, existing.facilitator_id),
                    Message(catalog.one_to_one_note_added(neutralise(name), quote_block(note)),
                            buttons=self._request_buttons(existing))))
        elif answer in ASKING or (answer is None and checkin.answer in ASKING):
            # The request shows how they said things were ("Not so good", say), if they
            # answered before asking.
            asked = checkin.answer or answer
            assert asked is not None
            facilitator = await self._facilitator_for(ctx.group_id, ctx.actor.user_id, prefs,
                                                      advance=True)
            # A note already on the check-in goes with the request (the offer said so).
            request = OneToOne(secrets.token_hex(6), ctx.group_id, ctx.actor.user_id, name,
                               facilitator.user_id if facilitator else "", asked,
                               note or checkin.note, RequestStatus.REQUESTED, now,
                               checkin_id=checkin.checkin_id)
            if facilitator is not None:
                deliveries.append(self._request_delivery(request, facilitator))
        # The first answer is the one kept (and counted): asking afterwards adds a
        # request, it does not change how they said things were.
        if not await storage.answer_checkin(checkin.checkin_id,
                                            answer if checkin.answer is None else None,
                                            note, request, deliveries, now):
            raise UserError(catalog.CHECKIN_NOT_YOURS)
        if deliveries:
            ctx.app.deliveries_waiting()
        log_event(log, logging.INFO, "checkin.answered", group=ctx.group_id,
                  checkin=checkin.checkin_id, request=bool(request))
        buttons: tuple[Button, ...] = ()
        if facilitator is None and (request is not None or existing is not None):
            # Nobody to pass it to yet: said plainly; the sweep hands it on later.
            text = catalog.one_to_one_waiting(self.config.peer_support, self.config.helpline)
        elif request is not None or existing is not None:
            who = neutralise(facilitator.display_name) if facilitator else ""
            passed = bool(note or (request is not None and request.note))
            text = catalog.checkin_request_made(who, self.config.arrange_within_days,
                                                self.config.peer_support,
                                                self.config.helpline, passed)
        elif (answer or checkin.answer) is Answer.NOT_SO_GOOD:
            # Offered, never assumed: a facilitator hears only if the member asks.
            text = catalog.checkin_not_so_good(bool(note or checkin.note),
                                               self.config.peer_support, self.config.helpline)
            buttons = (Button(catalog.checkin_answer_words(Answer.ONE_TO_ONE), ANSWER_ACTION,
                              f"{checkin.checkin_id}:{Answer.ONE_TO_ONE.value}", "primary"),)
        else:
            text = catalog.checkin_thanks(answer, bool(note))
        if not note:
            buttons += (Button(catalog.CHECKIN_NOTE_BUTTON, NOTE_ACTION, checkin.checkin_id),)
        return Reply(messages=(Message(text, buttons=buttons),))

    async def ask(self, ctx: Context) -> Reply:
        """"Ask for a one-to-one" outside a check-in: a request for the member pressing
        it (never anyone else), to their own facilitator or the next in the rota; with
        no facilitator known, kept until there is one, and the member told so. Nothing
        they wrote to the bot goes with it."""
        storage = ctx.storage
        me = ctx.actor.user_id
        from_dm = ctx.options.get("value") == "dm"
        mine = next((r for r in await storage.open_one_to_ones(ctx.group_id)
                     if r.user_id == me), None)
        if mine is not None:
            named = await self._named(ctx.group_id, mine.facilitator_id)
            who = "" if named is None else (neutralise(named.display_name)
                                            or catalog.CHECKIN_A_FACILITATOR)
            return Reply.text(catalog.one_to_one_already_asked(
                who, mine.status is RequestStatus.ARRANGED))
        now = ctx.now()
        prefs = await storage.checkin_prefs(ctx.group_id, me)
        facilitator = await self._facilitator_for(ctx.group_id, me, prefs, advance=True)
        request = OneToOne(secrets.token_hex(6), ctx.group_id, me, ctx.actor.display_name,
                           facilitator.user_id if facilitator else "", Answer.ONE_TO_ONE, "",
                           RequestStatus.REQUESTED, now)
        deliveries = [] if facilitator is None else [self._request_delivery(request,
                                                                            facilitator)]
        await storage.update_one_to_one(request, deliveries, now)
        if deliveries:
            ctx.app.deliveries_waiting()
        log_event(log, logging.INFO, "one_to_one.asked", group=ctx.group_id,
                  request=request.request_id, waiting=facilitator is None)
        if facilitator is None:
            return Reply.text(catalog.one_to_one_waiting(
                self.config.peer_support, self.config.helpline, from_dm))
        return Reply.text(catalog.checkin_request_made(
            neutralise(facilitator.display_name), self.config.arrange_within_days,
            self.config.peer_support, self.config.helpline, False, from_dm))

    async def _named(self, group_id: str, user_id: str) -> Facilitator | None:
        if not user_id:
            return None
        for f in await self.facilitators(group_id):
            if f.user_id == user_id:
                return f
        return Facilitator(group_id, user_id, "")

    def _request_delivery(self, request: OneToOne, facilitator: Facilitator) -> NewDelivery:
        assert facilitator.user_id, "a request is never sent to an empty id"
        message = Message(catalog.one_to_one_request(
            neutralise(request.member_name), _answer_words(request),
            _quoted(request.note), self.config.arrange_within_days),
            buttons=self._request_buttons(request))
        return NewDelivery(f"one-to-one:{request.request_id}:new",
                           Destination.to_dm(request.group_id, facilitator.user_id), message)

    @staticmethod
    def _request_buttons(request: OneToOne) -> tuple[Button, ...]:
        if request.status is RequestStatus.DONE:
            return ()
        reply = Button(catalog.one_to_one_reply_button(neutralise(request.member_name)),
                       REPLY_ACTION, request.request_id)
        if request.status is RequestStatus.ARRANGED:
            return (reply, Button(catalog.ONE_TO_ONE_DONE_BUTTON, DONE_ACTION,
                                  request.request_id))
        return (reply, Button(catalog.ONE_TO_ONE_ARRANGED_BUTTON, ARRANGED_ACTION,
                              request.request_id, "primary"))

    # ---- facilitators: reply, arranged, done ------------------------------------------------

    async def _their_request(self, ctx: Context, request_id: str) -> OneToOne:
        request = await ctx.storage.one_to_one(request_id[:20])
        if request is None or request.group_id != ctx.group_id \
                or request.facilitator_id != ctx.actor.user_id:
            raise UserError(catalog.ONE_TO_ONE_NOT_YOURS)
        return request

    async def open_reply(self, ctx: Context) -> Reply:
        """"Reply to <member>": a form whose words go to the member by direct message."""
        request = await self._their_request(ctx, str(ctx.options.get("value", "")))
        return Reply(form=self.reply_form.form(
            catalog.one_to_one_reply_title(neutralise(request.member_name)),
            state=request.request_id))

    async def submit_reply(self, ctx: Context) -> Reply:
        """Send a facilitator's words to the member, privately."""
        request = await self._their_request(ctx, str(getattr(ctx.event, "state", "")))
        text = neutralise(ctx.options["message"])
        if not has_visible_text(text):
            return Reply(field_errors={"message": catalog.field_required(
                catalog.CHECKIN_REPLY_FIELD)})
        delivery = NewDelivery(
            f"one-to-one:{request.request_id}:reply:{secrets.token_hex(4)}",
            Destination.to_dm(ctx.group_id, request.user_id),
            Message(catalog.one_to_one_reply(neutralise(ctx.actor.display_name),
                                             quote_block(text))))
        await ctx.storage.update_one_to_one(request, [delivery], ctx.now())
        ctx.app.deliveries_waiting()
        return Reply.text(catalog.one_to_one_reply_sent(neutralise(request.member_name)))

    async def mark_arranged(self, ctx: Context) -> Reply:
        """The one-to-one has a time: no more reminders."""
        request = await self._their_request(ctx, str(ctx.options.get("value", "")))
        if request.status is not RequestStatus.REQUESTED:
            return Reply.text(catalog.ONE_TO_ONE_ALREADY)
        arranged = replace(request, status=RequestStatus.ARRANGED, arranged_at=ctx.now())
        await ctx.storage.update_one_to_one(arranged, [], ctx.now())
        return Reply(messages=(Message(catalog.one_to_one_arranged(
            neutralise(request.member_name)), buttons=self._request_buttons(arranged)),))

    async def mark_done(self, ctx: Context) -> Reply:
        """The one-to-one happened."""
        request = await self._their_request(ctx, str(ctx.options.get("value", "")))
        if request.status is RequestStatus.DONE:
            return Reply.text(catalog.ONE_TO_ONE_ALREADY)
        await ctx.storage.update_one_to_one(replace(request, status=RequestStatus.DONE), [],
                                            ctx.now())
        return Reply.text(catalog.one_to_one_done(neutralise(request.member_name)))

    # ---- summary ---------------------------------------------------------------------------

    async def summary(self, ctx: Context) -> Reply:
        """`/checkin summary`: group figures over whole past weeks; names only for your
        own members and the requests that are with you.

        The spread of answers counts, week by week, the answers given in that week, and
        only weeks in which at least `SUMMARY_MIN_MEMBERS` members answered. A finished
        week never changes, so comparing two summaries cannot single out one answer (a
        period ending "now" would let a facilitator subtract one summary from the next).
        """
        days = int(ctx.options.get("days") or 30)
        now = ctx.now()
        zone = ctx.settings.zone
        weeks = max(1, -(-days // 7))
        local = now.astimezone(zone)
        monday = local.date() - timedelta(days=local.weekday())
        bounds = [datetime.combine(monday - timedelta(weeks=weeks - i), time(0), tzinfo=zone)
                  .astimezone(UTC) for i in range(weeks + 1)]
        storage = ctx.storage
        # Answers may come a while after the check-in was sent: look back a little further.
        recent = await storage.checkins_between(
            ctx.group_id, bounds[0] - timedelta(days=ANSWER_LOOKBACK_DAYS),
            bounds[-1] - timedelta(microseconds=1))
        sent = sum(bounds[0] <= c.sent_at < bounds[-1] for c in recent)
        answered = [(c.user_id, c.answer, c.answered_at) for c in recent
                    if c.answer is not None and c.answered_at is not None
                    and bounds[0] <= c.answered_at < bounds[-1]]
        counts = dict.fromkeys(Answer, 0)
        left_out = 0
        for start, end in pairwise(bounds):
            week = [(who, answer) for who, answer, at in answered if start <= at < end]
            if len({who for who, _ in week}) < SUMMARY_MIN_MEMBERS:
                left_out += 1 if week else 0
                continue
            for _, answer in week:
                counts[answer] += 1
        last_day = (bounds[-1] - timedelta(microseconds=1)).astimezone(zone)
        lines = [catalog.checkin_summary_header(
            weeks, f"{bounds[0].astimezone(zone):%a %d %b}", f"{last_day:%a %d %b}", sent,
            len(answered))]
        images: tuple[Image, ...] = ()
        if any(counts.values()):
            spread = [(catalog.checkin_answer_words(a), counts[a]) for a in Answer]
            lines.append(catalog.checkin_summary_spread(spread))
            if left_out:
                lines.append(catalog.checkin_summary_left_out(left_out, SUMMARY_MIN_MEMBERS))
            alt = catalog.checkin_summary_alt(weeks, spread)
            images = (Image("check-ins.png", answers_chart_png(
                catalog.checkin_summary_chart_title(weeks), spread), alt),)
        else:
            lines.append(catalog.checkin_summary_too_few(SUMMARY_MIN_MEMBERS))
        me = ctx.actor.user_id
        mine = [r for r in await storage.open_one_to_ones(ctx.group_id)
                if r.facilitator_id == me]
        arranged = sum(r.status is RequestStatus.ARRANGED for r in mine)
        lines.append(catalog.checkin_summary_requests(len(mine) - arranged, arranged))
        for r in mine:
            lines.append(catalog.checkin_summary_my_request(
                neutralise(r.member_name), catalog.checkin_answer_words(r.answer),
                f"{r.created_at:%d %b}", r.status.value))
        members = {p.user_id: p for p in await storage.all_checkin_prefs()
                   if p.group_id == ctx.group_id
                   and (p.facilitator_id or self.config.assign.get(p.user_id, "")) == me}
        said: dict[str, list[str]] = {}
        for c in await storage.checkins_between(ctx.group_id, now - timedelta(days=days), now):
            if c.user_id in members and c.answer is not None:
                said.setdefault(c.user_id, []).append(
                    f"{catalog.checkin_answer_words(c.answer)} ({c.sent_at:%d %b})")
        if said:
            lines.append(catalog.checkin_summary_members_header(days))
        for user_id, answers in said.items():
            name = neutralise(members[user_id].display_name) or catalog.CHECKIN_A_MEMBER
            lines.append(catalog.checkin_summary_member(name, answers))
        return Reply(messages=(Message("\n".join(lines), images=images),))


def _hourly(after: datetime) -> datetime:
    return after.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _checked(check: object, value: object, name: str) -> str:
    try:
        return str(check(value))  # type: ignore[operator]
    except SettingError as exc:
        raise UserError(catalog.checkin_bad_option(name, str(exc))) from None


def _quiet(raw: str) -> tuple[str, str]:
    text = raw.strip().lower()
    if text in ("none", "off", "no"):
        return "", ""
    start, sep, end = text.partition("-")
    if not sep:
        raise UserError(catalog.CHECKIN_BAD_QUIET)
    try:
        return clock_time(start), clock_time(end)
    except SettingError:
        raise UserError(catalog.CHECKIN_BAD_QUIET) from None


def _answer_words(request: OneToOne) -> str:
    """How the member answered the check-in their request came from ("" if they asked
    by direct message)."""
    return catalog.checkin_answer_words(request.answer) if request.checkin_id else ""


def _quoted(note: str) -> str:
    return quote_block(note) if note else ""


def _joined(old: str, new: str) -> str:
    return f"{old}\n\n{new}" if old else new
