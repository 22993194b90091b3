"""The check-ins feature as members and admins use it: `/checkin` and its settings,
answering a check-in (a word button, or a private note), `/checkin assign`, `/checkin
facilitators` and `/checkin remove`, and the private notices shown with any command
(default check-ins switched on; "your check-in could not reach you").

Nothing here is ever posted in a channel.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.config_model import WEEKDAYS
from bot.config_model import time_of_day
from bot.context import Context
from bot.dates import read_day
from bot.errors import UserError
from bot.features import ActionHandler
from bot.features import Feature
from bot.features import FormSpec
from bot.features.checkins import moments
from bot.features.checkins import wording
from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.facilitators import Facilitators
from bot.features.checkins.jobs import ANSWER_ACTION
from bot.features.checkins.jobs import NAME
from bot.features.checkins.jobs import NOTE_ACTION
from bot.features.checkins.jobs import CheckinJobs
from bot.features.checkins.jobs import schedule_id
from bot.features.checkins.one_to_ones import ARRANGED_ACTION
from bot.features.checkins.one_to_ones import ASK_ACTION
from bot.features.checkins.one_to_ones import DONE_ACTION
from bot.features.checkins.one_to_ones import NOTE_LIMIT
from bot.features.checkins.one_to_ones import REPLY_ACTION
from bot.features.checkins.one_to_ones import OneToOnes
from bot.features.checkins.schedule import next_checkin
from bot.features.checkins.schedule import paused
from bot.features.checkins.store import Answer
from bot.features.checkins.store import Cadence
from bot.features.checkins.store import Checkin
from bot.features.checkins.store import CheckinPrefs
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.store import Facilitator
from bot.features.checkins.store import OneToOne
from bot.features.checkins.store import RequestStatus
from bot.features.checkins.summary import summary as facilitator_summary
from bot.features.checkins.wording import N_
from bot.features.checkins.wording import _
from bot.features.host import FeatureHost
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Destination
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.settings import SettingError
from bot.settings import setting_spec
from bot.text import has_visible_text
from bot.text import neutralise
from bot.text import quote_block
from bot.typed_words import WEEKDAY_WORDS
from bot.typed_words import Typed
from bot.typed_words import fortnightly_words
from bot.typed_words import monthly_words
from bot.typed_words import no_words
from bot.typed_words import none_words
from bot.typed_words import typed
from bot.typed_words import understood
from bot.typed_words import weekly_words
from scheduler import Firing

CheckinsHost = FeatureHost[CheckinStore, CheckinsConfig]
"""What the check-ins feature is built from."""

_CADENCE_WORDS = {Cadence.WEEKLY: weekly_words, Cadence.FORTNIGHTLY: fortnightly_words,
                  Cadence.MONTHLY: monthly_words}

log = logging.getLogger(__name__)

ON_ACTION = "checkin.on"
OFF_ACTION = "checkin.off"
RESUME_ACTION = "checkin.resume"
NOTE_FORM = "checkin.note"
# Only this answer asks for a one-to-one; "Not so good" is offered the choice.
ASKING = (Answer.ONE_TO_ONE,)

NOTE_FIELDS = (
    FormField("answer", N_("How are things going?"), "choice", required=False,
              choices=tuple(Choice(wording.CHECKIN_ANSWER_WORDS[a.value], a.value)
                            for a in Answer)),
    FormField("note", wording.CHECKIN_NOTE_FIELD, "paragraph", required=True,
              max_length=NOTE_LIMIT, placeholder=wording.CHECKIN_NOTE_HINT),
)


def build(host: CheckinsHost) -> Feature:
    """The check-ins feature."""
    return Checkins(host).feature()


class Checkins:
    """The feature: a member's own settings, answering a check-in, the facilitators'
    commands, and the notices shown with any command; its parts do the rest (who the
    facilitators are, one-to-one requests, the timed jobs, the summary)."""

    schedule_id = staticmethod(schedule_id)

    def __init__(self, host: CheckinsHost) -> None:
        self.host = host
        self.store = host.store
        self.config = host.config
        self.facilitators = Facilitators(host)
        self.one_to_ones = OneToOnes(host, self.facilitators)
        self.jobs = CheckinJobs(host, self.facilitators, self.one_to_ones)
        self.note_form = FormSpec(NOTE_FORM, NOTE_FIELDS, self.submit_note, command="checkin")

    def feature(self) -> Feature:
        """Commands, buttons, forms, the schedules and the waiting-notice hook."""
        facilitators = frozenset({Role.FACILITATOR})
        self.host.add_notice(self.notices)
        # Typed in the reader's language or English ("wythnosol", "llun", "weekly").
        cadences = tuple(Choice(Typed(_CADENCE_WORDS[c]), c.value) for c in Cadence)
        days = tuple(Choice(Typed(WEEKDAY_WORDS[n]), d) for n, d in enumerate(WEEKDAYS))
        commands = [
            CommandSpec("checkin", wording.CHECKIN_HELP, self.show, "/checkin",
                        feature=NAME),
            CommandSpec("checkin on", N_("Switch your check-ins on (or back on)."), self.switch_on,
                        "/checkin on", feature=NAME),
            CommandSpec("checkin off", N_("Switch your check-ins off. You can switch them back on "
                                          "at any time."), self.switch_off,
                        "/checkin off", feature=NAME),
            CommandSpec("checkin set", N_("Choose how often, which day and time, your time zone "
                                          "and quiet hours."), self.set,
                        N_("/checkin set cadence=fortnightly day=friday time=18:00 "
                           "quiet=22:00-08:00"),
                        options=(
                            OptionSpec("cadence", N_("weekly, fortnightly or monthly"),
                                       choices=cadences),
                            OptionSpec("day", N_("which day of the week"), choices=days),
                            OptionSpec("time", N_("what time, like 18:00"), max_length=5),
                            OptionSpec("timezone", N_("your time zone, like Europe/London"),
                                       max_length=64),
                            OptionSpec("quiet", N_("quiet hours, like 22:00-08:00, or none"),
                                       max_length=11)),
                        feature=NAME),
            CommandSpec("checkin pause", N_("Pause your check-ins until a date, for a holiday or "
                                            "a break."), self.pause,
                        "/checkin pause until=2026-12-31",
                        options=(OptionSpec("until", N_("the day to start again, like 2026-12-31 "
                                                        "or next Monday"),
                                            required=True, max_length=60),),
                        feature=NAME),
            CommandSpec("checkin resume", N_("Start your paused check-ins again now."), self.resume,
                        "/checkin resume", feature=NAME),
            # A member's facilitator sees their answers, so choosing one is for the
            # group's admins (or the config), never a facilitator choosing themselves.
            CommandSpec("checkin assign", wording.CHECKIN_ASSIGN_HELP, self.assign,
                        N_("/checkin assign member=@alice facilitator=@carol"),
                        options=(OptionSpec("member", N_("the member"),
                                            OptionType.USER, required=True, max_length=64),
                                 OptionSpec("facilitator", N_("their facilitator, or none to "
                                                              "clear"),
                                            OptionType.USER, required=True,
                                            max_length=64)),
                        roles=frozenset(), admins=True, feature=NAME),
            CommandSpec("checkin facilitators", N_("Facilitators and admins: who the bot counts "
                                                   "as facilitators, the people members' "
                                                   "one-to-one requests can go to."),
                        self.facilitator_list, "/checkin facilitators",
                        roles=facilitators, admins=True, feature=NAME),
            CommandSpec("checkin remove", N_("Admins: stop counting someone as a facilitator "
                                             "(they stepped down). Their members and open "
                                             "requests move to the others."), self.remove,
                        N_("/checkin remove facilitator=@carol"),
                        options=(OptionSpec("facilitator", N_("who no longer facilitates"),
                                            OptionType.USER, required=True,
                                            max_length=64),),
                        roles=frozenset(), admins=True, feature=NAME),
            CommandSpec("checkin summary", N_("Facilitators: check-ins sent and answered in the "
                                              "last full weeks, how people answered (in weeks "
                                              "when 5 or more did), your own members' answers and "
                                              "the one-to-one requests with you."), self.summary,
                        "/checkin summary days=30",
                        options=(OptionSpec("days", N_("how many days back (whole weeks are "
                                                       "shown)"),
                                            OptionType.INTEGER,
                                            min_value=1, max_value=366),),
                        roles=facilitators, feature=NAME),
        ]
        actions: dict[str, ActionHandler] = {
            ANSWER_ACTION: self.press_answer, NOTE_ACTION: self.open_note,
            ON_ACTION: self.switch_on, OFF_ACTION: self.switch_off,
            RESUME_ACTION: self.resume, REPLY_ACTION: self.one_to_ones.open_reply,
            ARRANGED_ACTION: self.one_to_ones.mark_arranged,
            DONE_ACTION: self.one_to_ones.mark_done, ASK_ACTION: self.one_to_ones.ask,
        }
        return Feature(NAME, commands=commands, actions=actions,
                       forms=[self.note_form, self.one_to_ones.reply_form],
                       start=self.jobs.start, refresh=self.jobs.refresh,
                       home=self.home)

    # ---- jobs and notices ----------------------------------------------------------------

    async def fire(self, group_id: str, user_id: str, firing: Firing) -> bool:
        """A member's check-in is due: send it, or pause after too many misses."""
        return await self.jobs.fire(group_id, user_id, firing)

    async def sweep(self) -> int:
        """Gentle follow-ups and one-to-one escalations that are due; how many acted on."""
        return await self.jobs.sweep()

    async def notices(self, ctx: Context) -> list[Message]:
        """Run on every command: remember facilitators, switch on default check-ins, and
        tell a member privately if their last check-in could not reach them."""
        if NAME not in ctx.settings.features:
            return []
        actor = ctx.actor
        await self.facilitators.seen(ctx)
        out: list[Message] = []
        if self.config.default_on and (ctx.group_id, actor.user_id) not in self.jobs.prefs \
                and await self.store.checkin_prefs(ctx.group_id, actor.user_id) is None:
            prefs = self._defaults(ctx)
            await self.jobs.save(prefs)
            out.append(Message(wording.checkin_default_on(self._when(prefs, ctx.now()))))
        if self.jobs.all_loaded and (ctx.group_id, actor.user_id) not in self.jobs.prefs:
            # Never opted in, so no check-in of theirs can have gone astray: no read.
            return out
        unreachable = await self.store.checkin_unreachable(ctx.group_id, actor.user_id)
        if unreachable is not None:
            current = await self.store.checkin_prefs(ctx.group_id, actor.user_id)
            if current is not None and current.enabled:
                await self.jobs.save(replace(current, enabled=False, pause_reason="unreachable"))
            await self.store.mark_unreachable_told(unreachable.checkin_id)
            out.append(Message(N_("A note just for you: I couldn't send you your check-in, "
                                  "because your direct messages are closed to me. Your check-ins "
                                  "are paused. If you'd like them back, allow direct messages "
                                  "from this group's members and type /checkin on.")))
        return out

    # ---- a member's own settings -------------------------------------------------------------

    def _defaults(self, ctx: Context) -> CheckinPrefs:
        return CheckinPrefs(ctx.group_id, ctx.actor.user_id, ctx.actor.display_name,
                            enabled=self.config.default_on,
                            weekday=WEEKDAYS.index(self.config.day), at=self.config.time,
                            timezone=ctx.settings.timezone, anchor=ctx.now())

    async def _mine(self, ctx: Context) -> CheckinPrefs:
        found = await self.store.checkin_prefs(ctx.group_id, ctx.actor.user_id)
        prefs = found or self._defaults(ctx)
        if has_visible_text(ctx.actor.display_name):
            prefs = replace(prefs, display_name=ctx.actor.display_name)
        return prefs

    def _when(self, prefs: CheckinPrefs, now: datetime) -> str:
        due = next_checkin(prefs, now)
        if due is None:
            return ""
        return moments.next_when(due, ZoneInfo(prefs.timezone))

    def _settings_message(self, prefs: CheckinPrefs, now: datetime) -> Message:
        paused_until = ""
        if prefs.paused_until is not None and paused(prefs, now):
            paused_until = moments.day(prefs.paused_until, ZoneInfo(prefs.timezone))
        text = wording.checkin_settings(
            prefs.enabled, tr({"weekly": N_("weekly"), "fortnightly": N_("fortnightly"),
                               "monthly": N_("monthly")}[prefs.cadence.value]),
            moments.weekday(prefs.weekday), prefs.at,
            prefs.timezone, prefs.quiet_start, prefs.quiet_end, paused_until,
            prefs.pause_reason, self._when(prefs, now))
        buttons = [Button(N_("Switch check-ins off"), OFF_ACTION) if prefs.enabled
                   else Button(N_("Switch check-ins on"), ON_ACTION, style="primary")]
        if paused_until:
            buttons.append(Button(N_("Start again now"), RESUME_ACTION))
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
        await self.jobs.save(prefs)
        return Reply.text(wording.checkin_switched_on(self._when(prefs, ctx.now())))

    async def switch_off(self, ctx: Context) -> Reply:
        """`/checkin off` (or the button): one step."""
        prefs = await self._mine(ctx)
        await self.jobs.save(replace(prefs, enabled=False, pause_reason=""))
        return Reply.text(wording.CHECKIN_SWITCHED_OFF)

    async def set(self, ctx: Context) -> Reply:
        """`/checkin set`: cadence, day, time, time zone and quiet hours."""
        opts = ctx.options
        if not any(opts.get(k) for k in ("cadence", "day", "time", "timezone", "quiet")):
            raise UserError(N_("Tell me what to change, for example /checkin set day=friday "
                               "time=18:00. Type /checkin to see your settings."))
        prefs = await self._mine(ctx)
        if opts.get("cadence"):
            prefs = replace(prefs, cadence=Cadence(opts["cadence"]))
        if opts.get("day"):
            prefs = replace(prefs, weekday=WEEKDAYS.index(opts["day"]))
        if opts.get("time"):
            try:
                prefs = replace(prefs, at=time_of_day(opts["time"]))
            except SettingError:
                raise UserError(N_("The time must be a time of day like \"10:00\" (24-hour "
                                   "clock). Nothing was changed.")) from None
        if opts.get("timezone"):
            spec = setting_spec("timezone")
            assert spec is not None
            try:
                prefs = replace(prefs, timezone=str(spec.check(opts["timezone"])))
            except SettingError as exc:
                raise UserError(_("The timezone {why}. Nothing was changed.").format(
                    why=str(exc))) from None
        if opts.get("quiet"):
            start, end = _quiet(str(opts["quiet"]))
            prefs = replace(prefs, quiet_start=start, quiet_end=end)
        await self.jobs.save(replace(prefs, anchor=prefs.anchor or ctx.now()))
        return Reply(messages=(Message(N_("Saved.")),
                               self._settings_message(prefs, ctx.now())))

    async def pause(self, ctx: Context) -> Reply:
        """`/checkin pause until=<date>`: a holiday; check-ins start again by themselves."""
        prefs = await self._mine(ctx)
        zone = ZoneInfo(prefs.timezone)
        day = read_day(str(ctx.options["until"]), zone, ctx.now())
        today = ctx.now().astimezone(zone).date()
        if day is None or not today < day <= today + timedelta(days=366):
            raise UserError(wording.CHECKIN_PAUSE_BAD_DATE)
        until = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        prefs = replace(prefs, paused_until=until, pause_reason="holiday")
        await self.jobs.save(prefs)
        return Reply.text(wording.checkin_paused(moments.day(until, zone),
                                                 prefs.enabled))

    async def resume(self, ctx: Context) -> Reply:
        """`/checkin resume`: end a pause now."""
        prefs = await self._mine(ctx)
        if prefs.paused_until is None and prefs.enabled:
            return Reply.text(wording.checkin_switched_on(self._when(prefs, ctx.now())))
        return await self.switch_on(ctx)

    async def assign(self, ctx: Context) -> Reply:
        """`/checkin assign` (admins): a member's own facilitator, who sees their answers
        and gets their requests; `facilitator=none` clears it. Only a facilitator the bot
        knows can be chosen, and the member is always told, by direct message."""
        member = str(ctx.options["member"])
        raw = str(ctx.options["facilitator"]).strip()
        facilitator = "" if typed(raw) in understood(none_words) else raw
        name = ""
        if facilitator:
            if member == facilitator:
                raise UserError(N_("A member can't be their own facilitator. Choose someone else."))
            known = {f.user_id: f for f in await self.facilitators.of_group(ctx.group_id)}
            if facilitator not in known:
                raise UserError(wording.checkin_assign_not_facilitator(neutralise(raw)))
            name = neutralise(known[facilitator].display_name) or wording.CHECKIN_A_FACILITATOR
        found = await self.store.checkin_prefs(ctx.group_id, member)
        if (found.facilitator_id if found is not None else "") == facilitator:
            return Reply.text(N_("That member already has that facilitator. Nothing changed.")
                              if facilitator
                              else N_("That member has no facilitator of their own already. "
                                      "Nothing changed."))
        prefs = found or CheckinPrefs(ctx.group_id, member, "", enabled=self.config.default_on,
                                      weekday=WEEKDAYS.index(self.config.day),
                                      at=self.config.time, timezone=ctx.settings.timezone,
                                      anchor=ctx.now())
        with speaking(await self.host.language_of(ctx.group_id, member)):
            told = NewDelivery(f"checkin-assigned:{ctx.group_id}:{member}:"
                               f"{int(ctx.now().timestamp() * 1e6)}",
                               Destination.to_dm(ctx.group_id, member),
                               Message(wording.checkin_your_facilitator(name)))
        await self.jobs.save(replace(prefs, facilitator_id=facilitator), [told])
        log_event(log, logging.INFO, "checkin.assigned", group=ctx.group_id,
                  cleared=not facilitator)
        return Reply.text(wording.checkin_assigned(name))

    async def facilitator_list(self, ctx: Context) -> Reply:
        """`/checkin facilitators`: who members' requests can go to."""
        # Someone whose role was taken away is listed until their members and requests
        # are moved (by /checkin remove, or the hourly sweep); no new request goes to them.
        listed = [*await self.facilitators.of_group(ctx.group_id),
                  *await self.facilitators.stepped_down(ctx.group_id)]
        names = [neutralise(f.display_name) or neutralise(f.user_id)
                 for f in sorted(listed, key=lambda f: f.user_id)]
        return Reply.text(wording.checkin_facilitators_list(names))

    async def remove(self, ctx: Context) -> Reply:
        """`/checkin remove` (admins): someone stepped down. When the platform cannot say
        who holds the role, the bot only learns roles when people act, so without this an
        ex-facilitator would go on getting members' one-to-one requests, notes included
        (when it can say, the hourly sweep does this for them). Their members are told
        they have no facilitator of their own now; their open requests go to the next
        facilitator."""
        who = str(ctx.options["facilitator"]).strip()
        known = {f.user_id: f for f in await self.store.known_facilitators(ctx.group_id)}
        if who not in known:
            raise UserError(_("{who} isn't counted as a facilitator, so nothing changed. If their "
                              "id is in [checkins] facilitators in the config, remove it "
                              "there.").format(who=neutralise(who)))
        members, moved = await self.jobs.step_down(ctx.group_id, who, ctx.now())
        log_event(log, logging.INFO, "checkin.facilitator_removed", group=ctx.group_id,
                  members=members, requests=moved)
        name = neutralise(known[who].display_name) or neutralise(who)
        return Reply.text(wording.checkin_facilitator_removed(name, members, moved))

    async def summary(self, ctx: Context) -> Reply:
        """`/checkin summary` (facilitators): figures for whole past weeks, names only for
        their own members and the requests with them."""
        return await facilitator_summary(ctx, self.store, self.config)

    # ---- answers --------------------------------------------------------------------------

    async def _own_checkin(self, ctx: Context, checkin_id: str) -> Checkin:
        checkin = await self.store.checkin(checkin_id[:20])
        if checkin is None or checkin.user_id != ctx.actor.user_id \
                or checkin.group_id != ctx.group_id:
            raise UserError(wording.CHECKIN_NOT_YOURS)
        return checkin

    async def press_answer(self, ctx: Context) -> Reply:
        """A word button on a check-in."""
        checkin_id, _, word = str(ctx.options.get("value", "")).partition(":")
        try:
            answer = Answer(word)
        except ValueError:
            raise UserError(wording.CHECKIN_NOT_YOURS) from None
        return await self._answer(ctx, await self._own_checkin(ctx, checkin_id), answer, "")

    async def open_note(self, ctx: Context) -> Reply:
        """The "add a private note" button: the note form."""
        checkin = await self._own_checkin(ctx, str(ctx.options.get("value", "")))
        defaults = {"answer": checkin.answer.value} if checkin.answer else None
        return Reply(form=self.note_form.form(wording.CHECKIN_NOTE_TITLE,
                                              state=checkin.checkin_id,
                                              submit_label=wording.CHECKIN_SEND,
                                              defaults=defaults))

    async def submit_note(self, ctx: Context) -> Reply:
        """The note form: a private note, and the answer if given there."""
        checkin = await self._own_checkin(ctx, str(getattr(ctx.event, "state", "")))
        note = neutralise(ctx.options["note"])
        if not has_visible_text(note):
            return Reply(field_errors={"note": catalog.field_required(
                wording.CHECKIN_NOTE_FIELD)})
        word = ctx.options.get("answer") or (checkin.answer.value if checkin.answer else "")
        answer = Answer(word) if word else None
        return await self._answer(ctx, checkin, answer, note)

    async def _answer(self, ctx: Context, checkin: Checkin, answer: Answer | None,
                      note: str) -> Reply:
        storage = self.store
        now = ctx.now()
        prefs = await storage.checkin_prefs(ctx.group_id, ctx.actor.user_id)
        name = ctx.actor.display_name
        existing = next((r for r in await storage.open_one_to_ones(ctx.group_id)
                         if r.checkin_id == checkin.checkin_id), None)
        if checkin.answer is not None and answer not in ASKING and not note:
            return Reply.text(wording.CHECKIN_ALREADY_ANSWERED)
        deliveries: list[NewDelivery] = []
        request: OneToOne | None = None
        facilitator: Facilitator | None = None
        if existing is not None:
            facilitator = await self.facilitators.named(ctx.group_id, existing.facilitator_id)
            if note:
                request = replace(existing, note=_joined(existing.note, note))
            if note and existing.facilitator_id:
                with speaking(await self.host.language_of(ctx.group_id,
                                                          existing.facilitator_id)):
                    deliveries.append(NewDelivery(
                        f"one-to-one:{existing.request_id}:note:{secrets.token_hex(3)}",
                        Destination.to_dm(ctx.group_id, existing.facilitator_id),
                        Message(wording.one_to_one_note_added(neutralise(name),
                                                              quote_block(note)),
                                buttons=self.one_to_ones.request_buttons(existing))))
        elif answer in ASKING or (answer is None and checkin.answer in ASKING):
            # The request shows how they said things were ("Not so good", say), if they
            # answered before asking.
            asked = checkin.answer or answer
            assert asked is not None
            facilitator = await self.facilitators.for_member(ctx.group_id, ctx.actor.user_id,
                                                             prefs, advance=True)
            # A note already on the check-in goes with the request (the offer said so).
            request = OneToOne(secrets.token_hex(6), ctx.group_id, ctx.actor.user_id, name,
                               facilitator.user_id if facilitator else "", asked,
                               note or checkin.note, RequestStatus.REQUESTED, now,
                               checkin_id=checkin.checkin_id)
            if facilitator is not None:
                deliveries.append(await self.one_to_ones.request_delivery(request,
                                                                          facilitator))
        # The first answer is the one kept (and counted): asking afterwards adds a
        # request, it does not change how they said things were.
        if not await storage.answer_checkin(checkin.checkin_id,
                                            answer if checkin.answer is None else None,
                                            note, request, deliveries, now):
            raise UserError(wording.CHECKIN_NOT_YOURS)
        if deliveries:
            self.host.deliveries_waiting()
        log_event(log, logging.INFO, "checkin.answered", group=ctx.group_id,
                  checkin=checkin.checkin_id, request=bool(request))
        buttons: tuple[Button, ...] = ()
        if facilitator is None and (request is not None or existing is not None):
            # Nobody to pass it to yet: said plainly; the sweep hands it on later.
            text = wording.one_to_one_waiting(self.config.peer_support, self.config.helpline)
        elif request is not None or existing is not None:
            who = neutralise(facilitator.display_name) if facilitator else ""
            passed = bool(note or (request is not None and request.note))
            text = wording.checkin_request_made(who, self.config.arrange_within_days,
                                                self.config.peer_support,
                                                self.config.helpline, passed)
        elif (answer or checkin.answer) is Answer.NOT_SO_GOOD:
            # Offered, never assumed: a facilitator hears only if the member asks.
            text = wording.checkin_not_so_good(bool(note or checkin.note),
                                               self.config.peer_support, self.config.helpline)
            buttons = (Button(wording.checkin_answer_words(Answer.ONE_TO_ONE), ANSWER_ACTION,
                              f"{checkin.checkin_id}:{Answer.ONE_TO_ONE.value}", "primary"),)
        else:
            text = wording.checkin_thanks(answer, bool(note))
        if not note:
            buttons += (Button(wording.CHECKIN_NOTE_BUTTON, NOTE_ACTION, checkin.checkin_id),)
        return Reply(messages=(Message(text, buttons=buttons),))


def _quiet(raw: str) -> tuple[str, str]:
    text = raw.strip().lower()
    if text in ("none", "off", "no") or typed(text) in understood(none_words) | understood(
            no_words):
        return "", ""
    start, sep, end = text.partition("-")
    if not sep:
        raise UserError(wording.CHECKIN_BAD_QUIET)
    try:
        return time_of_day(start), time_of_day(end)
    except SettingError:
        raise UserError(wording.CHECKIN_BAD_QUIET) from None


def _joined(old: str, new: str) -> str:
    return f"{old}\n\n{new}" if old else new
