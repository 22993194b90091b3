"""The meetings feature's command, button and form handlers."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import catalog
from bot.context import Context
from bot.errors import UserError
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.features import FormSpec
from bot.features.meetings import wording
from bot.features.meetings.actions import parse_actions
from bot.features.meetings.calendar import meetings_calendar
from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.jobs import MeetingJobs
from bot.features.meetings.jobs import compose_reminder
from bot.features.meetings.occurrences import Occurrences
from bot.features.meetings.store import ACTIVE
from bot.features.meetings.store import DRAFT
from bot.features.meetings.store import AgendaItem
from bot.features.meetings.store import MeetingDraft
from bot.features.meetings.store import MeetingRecord
from bot.features.meetings.store import MeetingsStore
from bot.features.meetings.store import NewMinutes
from bot.features.meetings.texts import RSVP_LABELS
from bot.features.meetings.texts import action_text
from bot.features.meetings.texts import done_button
from bot.features.meetings.texts import parse_occurrence_value
from bot.features.meetings.texts import posts_in
from bot.features.meetings.texts import repeat_text
from bot.features.meetings.texts import when_text
from bot.features.meetings.when import LONGEST_OFFSET
from bot.features.meetings.when import MAX_REMINDERS
from bot.features.meetings.when import WhenError
from bot.features.meetings.when import describe_offset
from bot.features.meetings.when import nth_weekday_code
from bot.features.meetings.when import parse_due_date
from bot.features.meetings.when import parse_offsets
from bot.features.meetings.when import parse_repeat
from bot.features.meetings.when import parse_when
from bot.features.meetings.wording import N_
from bot.features.meetings.wording import _
from bot.i18n import format_number
from bot.i18n import language as _current
from bot.i18n import speaking
from bot.membership import not_in_group
from bot.messages import Button
from bot.messages import Destination
from bot.messages import File
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.parsing import parse_id
from bot.roles import Role
from bot.settings import SettingError
from bot.settings import setting_spec
from bot.settings import suggest_timezone
from bot.text import neutralise
from bot.typed_words import fortnightly_words
from bot.typed_words import monthly_by_weekday_words
from bot.typed_words import monthly_words
from bot.typed_words import none_words
from bot.typed_words import shown
from bot.typed_words import weekly_words

if TYPE_CHECKING:
    from bot.features.host import FeatureHost
    from bot.features.meetings.config import MeetingsConfig

Handler = Callable[[Context], Awaitable[Reply]]

SCHEDULE_FORM = "meetings.schedule"
MINUTES_FORM = "meetings.minutes"
CONFIRM = "meetings.confirm"
CHANGE = "meetings.change"
DISCARD = "meetings.discard"
TITLE_MAX = 100
AGENDA_MAX = 500
NOTES_MAX = 1000
MAX_REMINDER_MINUTES = int(LONGEST_OFFSET.total_seconds() // 60)

SCHEDULE_FIELDS = (
    FormField("title", N_("Title"), max_length=TITLE_MAX,
              placeholder=N_("Monthly group meeting")),
    FormField("when", N_("When"), max_length=100,
              placeholder=N_("next Tuesday 6pm")),
    FormField("repeat", N_("Repeat"), required=False, max_length=200,
              placeholder=N_("none, weekly, fortnightly, monthly, monthly by weekday")),
    FormField("where", N_("Where (a place or a link)"), required=False, max_length=300,
              placeholder=N_("Community room, or a video link")),
    FormField("agenda", N_("Agenda notes"), kind="paragraph", required=False,
              max_length=NOTES_MAX),
)
MINUTES_FIELDS = (
    FormField("summary", N_("Summary"), kind="paragraph", max_length=1500),
    FormField("decisions", N_("Decisions"), kind="paragraph",
              required=False, max_length=1000),
    FormField("actions", N_("Action items, one per line"), kind="paragraph", required=False,
              max_length=1000, placeholder=N_("@sam: book the room (Friday)")),
)


@dataclass(frozen=True, slots=True)
class FormState:
    """What the schedule form carries through the platform: reminders and what it edits."""

    reminders: tuple[int, ...]
    replaces: int | None = None

    def encode(self) -> str:
        """"r=1440,60;e=3"."""
        text = "r=" + ",".join(str(m) for m in self.reminders)
        return text + (f";e={self.replaces}" if self.replaces else "")

    @classmethod
    def decode(cls, text: str, default: tuple[int, ...]) -> FormState:
        """Inverse of `encode` (defaults for anything missing or unreadable)."""
        parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
        minutes = [parse_id(m) for m in parts.get("r", "").split(",") if m]
        replaces = parse_id(parts["e"]) if parts.get("e") else None
        if (len(minutes) > MAX_REMINDERS or any(m is None or not 1 <= m <= MAX_REMINDER_MINUTES
                                                for m in minutes)
                or (parts.get("e") and replaces is None)):
            return cls(default)
        reminders = tuple(m for m in minutes if m is not None) if "r" in parts else default
        return cls(reminders, replaces)


class Flows:
    """Every handler of the feature, sharing the host and the feature's schedules."""

    def __init__(self, host: FeatureHost[MeetingsStore, MeetingsConfig],
                 jobs: MeetingJobs) -> None:
        self.host = host
        self.store = host.store
        self.jobs = jobs
        self.schedule_spec = FormSpec(SCHEDULE_FORM, SCHEDULE_FIELDS, self.submit_schedule,
                                      command="meeting schedule")
        self.minutes_spec = FormSpec(MINUTES_FORM, MINUTES_FIELDS, self.submit_minutes,
                                     command="minutes")
        # The reminder last redrawn after an RSVP, and what it was drawn from: members
        # pressing at once get the same counts back (their answers share one commit),
        # so it is drawn once for all of them, not once each.
        self._redrawn: tuple[object, Message] | None = None

    # ---- helpers ---------------------------------------------------------------------

    async def zone_of(self, ctx: Context) -> ZoneInfo:
        """The actor's own zone, else the group's."""
        own = await self.store.member_zone(ctx.group_id, ctx.actor.user_id)
        return ZoneInfo(own) if own else ctx.settings.zone

    async def meeting(self, ctx: Context, meeting_id: int, *, mine: bool = False,
                      ) -> MeetingRecord:
        """An active meeting of the group (and one the actor may change, if `mine`)."""
        meeting = await self.store.get_meeting(ctx.group_id, meeting_id)
        if meeting is None or meeting.status != ACTIVE:
            raise UserError(wording.meeting_not_found(meeting_id))
        if mine and meeting.created_by != ctx.actor.user_id and not ctx.has_role(
                Role.FACILITATOR):
            raise UserError(wording.meeting_not_yours(meeting_id))
        return meeting

    async def next_meeting(self, ctx: Context, meeting_id: int | None,
                           ) -> tuple[MeetingRecord, datetime]:
        """The given meeting (else the group's soonest) and its next occurrence."""
        now = ctx.now()
        if meeting_id is not None:
            meeting = await self.meeting(ctx, meeting_id)
            nxt = occurrences(meeting).after(now)
            if nxt is None:
                raise UserError(wording.meeting_no_more(neutralise(meeting.title)))
            return meeting, nxt
        soonest: tuple[MeetingRecord, datetime] | None = None
        for meeting in await self.store.active_meetings(ctx.group_id):
            nxt = occurrences(meeting).after(now)
            if nxt is not None and (soonest is None or nxt < soonest[1]):
                soonest = (meeting, nxt)
        if soonest is None:
            raise UserError(wording.MEETING_NONE)
        return soonest

    def reminders_option(self, ctx: Context, default: tuple[int, ...]) -> tuple[int, ...]:
        """The `reminders` option read, or the default."""
        text = ctx.options.get("reminders")
        if not text:
            return default
        try:
            return parse_offsets(str(text))
        except WhenError as exc:
            raise UserError(str(exc)) from None

    def schedule_form(self, state: FormState, editing: bool,
                      defaults: dict[str, str] | None = None) -> Reply:
        """The schedule form, maybe pre-filled."""
        spec = self.schedule_spec
        title = N_("Change a meeting") if editing else N_("Schedule a meeting")
        return Reply(form=spec.form(title, state=state.encode(), defaults=defaults,
                                    submit_label=catalog.FORM_SEND))

    # ---- schedule, check, save ---------------------------------------------------------

    async def schedule(self, ctx: Context) -> Reply:
        """/meeting schedule: open the form."""
        reminders = self.reminders_option(ctx, self.host.config.reminder_minutes)
        return self.schedule_form(FormState(reminders), editing=False)

    async def edit(self, ctx: Context) -> Reply:
        """/meeting edit: the form, filled in with the meeting as it is."""
        meeting = await self.meeting(ctx, int(ctx.options["meeting"]), mine=True)
        reminders = self.reminders_option(ctx, meeting.reminders)
        zone = await self.zone_of(ctx)
        return self.schedule_form(FormState(reminders, meeting.id), editing=True,
                                  defaults=form_values(meeting, zone))

    async def submit_schedule(self, ctx: Context) -> Reply:
        """The schedule form: read everything, store a draft, and show it back."""
        state = FormState.decode(_state(ctx),
                                 self.host.config.reminder_minutes)
        zone = await self.zone_of(ctx)
        now = ctx.now()
        try:
            start = parse_when(ctx.options["when"], zone, now)
        except WhenError as exc:
            return Reply(field_errors={"when": str(exc)})
        group_zone = ctx.settings.zone
        try:
            rule = parse_repeat(ctx.options.get("repeat", ""), start.astimezone(group_zone),
                                now)
        except WhenError as exc:
            return Reply(field_errors={"repeat": str(exc)})
        channel = ctx.settings.updates_channel
        editing = None
        if state.replaces is not None:
            editing = await self.meeting(ctx, state.replaces, mine=True)
            channel = editing.channel
        elif isinstance(ctx.event, FormSubmission) and ctx.event.channel:
            channel = ctx.event.channel
        draft = MeetingDraft(
            group_id=ctx.group_id, title=ctx.options["title"], starts_at=start,
            zone=group_zone.key, rrule=rule, location=ctx.options.get("where", ""),
            notes=ctx.options.get("agenda", ""), channel=channel,
            reminders=state.reminders, created_by=ctx.actor.user_id,
            replaces=state.replaces)
        draft_id = await self.store.save_meeting_draft(draft, now)
        record = await self.store.get_meeting(ctx.group_id, draft_id)
        assert record is not None
        when = when_text(start, zone)
        if zone.key != group_zone.key:
            when = _("{when}; that is {group_when}").format(
                when=when, group_when=when_text(start, group_zone))
        text = wording.meeting_check(
            neutralise(record.title), when, repeat_text(record), neutralise(record.location),
            wording.reminders_words([describe_offset(m) for m in record.reminders]),
            posts_in(ctx.settings.updates_channel, channel), editing=editing is not None)
        value = str(draft_id)
        return Reply(messages=(Message(text, buttons=(
            Button(N_("Save meeting"), CONFIRM, value, "primary"),
            Button(N_("Change"), CHANGE, value),
            Button(N_("Don't save"), DISCARD, value))),))

    async def _draft(self, ctx: Context) -> MeetingRecord:
        draft_id = parse_id(ctx.options.get("value"))
        if draft_id is None:
            raise UserError(wording.MEETING_DRAFT_GONE)
        draft = await self.store.get_meeting(ctx.group_id, draft_id)
        if draft is None or draft.status != DRAFT or draft.created_by != ctx.actor.user_id:
            raise UserError(wording.MEETING_DRAFT_GONE)
        return draft

    async def confirm(self, ctx: Context) -> Reply:
        """Save meeting: the draft becomes the meeting; reminders are scheduled at once."""
        draft = await self._draft(ctx)
        editing = draft.replaces is not None
        zone = ZoneInfo(draft.zone)
        target_id = draft.replaces if draft.replaces is not None else draft.id
        with speaking(ctx.settings.language):  # a channel post: the group's language
            notice = wording.meeting_announced(
                neutralise(draft.title), when_text(draft.starts_at, zone), repeat_text(draft),
                neutralise(draft.location), target_id, editing)
        channel = posts_in(ctx.settings.updates_channel, draft.channel)
        deliveries = [NewDelivery(f"meeting-announce:{draft.id}",
                                  destination_for(ctx.group_id, channel),
                                  Message(notice))] if channel else []
        saved = await self.store.confirm_meeting(ctx.group_id, draft.id, ctx.now(),
                                                 deliveries)
        if saved is None:
            raise UserError(wording.MEETING_DRAFT_GONE)
        self.jobs.add_meeting(saved)
        self.jobs.ensure_coming_up(ctx.group_id)
        self.host.deliveries_waiting()
        return Reply(update=Message(wording.meeting_saved(
            neutralise(saved.title), saved.id, channel, editing)))

    async def change(self, ctx: Context) -> Reply:
        """Change: the form again, filled in with the draft."""
        draft = await self._draft(ctx)
        await self.store.discard_draft(ctx.group_id, draft.id)
        zone = await self.zone_of(ctx)
        return self.schedule_form(FormState(draft.reminders, draft.replaces),
                                  editing=draft.replaces is not None,
                                  defaults=form_values(draft, zone))

    async def discard(self, ctx: Context) -> Reply:
        """Don't save: forget the draft."""
        draft = await self._draft(ctx)
        await self.store.discard_draft(ctx.group_id, draft.id)
        return Reply(update=Message(N_("Not saved. Nothing was changed.")))

    async def upcoming(self, ctx: Context, line: Callable[[MeetingRecord, str], str]
                       ) -> tuple[ZoneInfo, list[str]]:
        """The reader's zone, and a line for each active meeting's next occurrence (given
        the meeting and when it is, in that zone), soonest first."""
        zone = await self.zone_of(ctx)
        now = ctx.now()
        upcoming = []
        for meeting in await self.store.active_meetings(ctx.group_id):
            nxt = occurrences(meeting).after(now)
            if nxt is not None:
                upcoming.append((nxt, line(meeting, when_text(nxt, zone))))
        return zone, [text for _, text in sorted(upcoming)]

    async def home(self, ctx: Context) -> Message | None:
        """A member's own overview: the next meetings and their own open action items."""
        _, upcoming = await self.upcoming(
            ctx, lambda meeting, when: wording.meeting_line(neutralise(meeting.title), when))
        actions = await self.store.open_actions(ctx.group_id, ctx.actor.user_id)
        if not upcoming and not actions:
            return None
        return Message(wording.meetings_home(upcoming[:3],
                                             [action_text(a) for a in actions]),
                       buttons=tuple(done_button(a) for a in actions[:5]))

    # ---- list, cancel, skip ----------------------------------------------------------

    async def list(self, ctx: Context) -> Reply:
        """/meeting list: upcoming meetings in the reader's zone."""
        zone, upcoming = await self.upcoming(ctx, lambda meeting, when: wording.meeting_list_line(
            meeting.id, neutralise(meeting.title), when, repeat_text(meeting),
            neutralise(meeting.location)))
        if not upcoming:
            return Reply.text(wording.MEETING_NONE)
        return Reply.text(wording.meeting_list(zone.key, upcoming))

    async def cancel(self, ctx: Context) -> Reply:
        """/meeting cancel: the whole series, or one date."""
        meeting = await self.meeting(ctx, int(ctx.options["meeting"]), mine=True)
        if ctx.options.get("date"):
            return await self._skip(ctx, meeting, await self._occurrence_on(
                ctx, meeting, str(ctx.options["date"])))
        title = neutralise(meeting.title)
        channel = posts_in(ctx.settings.updates_channel, meeting.channel)
        with speaking(ctx.settings.language):  # a channel post: the group's language
            notices = [NewDelivery(f"meeting-cancel:{meeting.id}",
                                   destination_for(ctx.group_id, channel),
                                   Message(wording.meeting_cancelled_notice(title, None)))
                       ] if channel else []
        if not await self.store.cancel_meeting(ctx.group_id, meeting.id, ctx.now(), notices):
            raise UserError(wording.meeting_not_found(meeting.id))
        self.jobs.remove_meeting(meeting.id)
        self.host.deliveries_waiting()
        return Reply.text(wording.meeting_cancelled(title, None))

    async def skip(self, ctx: Context) -> Reply:
        """/meeting skip: the next date does not happen."""
        meeting = await self.meeting(ctx, int(ctx.options["meeting"]), mine=True)
        nxt = occurrences(meeting).after(ctx.now())
        if nxt is None:
            raise UserError(wording.meeting_no_more(neutralise(meeting.title)))
        return await self._skip(ctx, meeting, nxt)

    async def _occurrence_on(self, ctx: Context, meeting: MeetingRecord,
                             text: str) -> datetime:
        zone = ZoneInfo(meeting.zone)
        try:
            day = parse_due_date(text, zone, ctx.now())
        except WhenError as exc:
            raise UserError(str(exc)) from None
        day_start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        found = occurrences(meeting).after(max(day_start, ctx.now()) - timedelta(microseconds=1))
        if found is None or found.astimezone(zone).date() != day:
            raise UserError(wording.meeting_no_occurrence(wording.short_day(
                datetime.combine(day, time(12), tzinfo=zone), zone)))
        return found

    async def _skip(self, ctx: Context, meeting: MeetingRecord, occurrence: datetime) -> Reply:
        title = neutralise(meeting.title)
        when = when_text(occurrence, ZoneInfo(meeting.zone))
        channel = posts_in(ctx.settings.updates_channel, meeting.channel)
        with speaking(ctx.settings.language):  # a channel post: the group's language
            notices = [NewDelivery(
                f"meeting-skip:{meeting.id}:{int(occurrence.timestamp())}",
                destination_for(ctx.group_id, channel),
                Message(wording.meeting_cancelled_notice(
                    title, when_text(occurrence, ZoneInfo(meeting.zone)))))
            ] if channel else []
        if await self.store.skip_occurrence(ctx.group_id, meeting.id, occurrence, ctx.now(),
                                            notices):
            updated = await self.store.get_meeting(ctx.group_id, meeting.id)
            if updated is not None:
                self.jobs.add_meeting(updated)
            self.host.deliveries_waiting()
        return Reply.text(wording.meeting_cancelled(title, when))

    # ---- RSVP and personal reminders -----------------------------------------------------

    def rsvp(self, answer: str) -> Handler:
        """The handler of one RSVP button: store the answer, update the counts in place."""

        async def handle(ctx: Context) -> Reply:
            try:
                meeting_id, occurrence, late = parse_occurrence_value(
                    str(ctx.options.get("value", "")))
            except ValueError:
                raise UserError(catalog.form_expired()) from None
            # One storage call: the meeting, the answer and what the reminder shows now
            # (answers pressed at the same moment are committed together).
            found = await self.store.answer_rsvp(ctx.group_id, meeting_id, occurrence,
                                                 ctx.actor.user_id, answer, ctx.now())
            if found is None:
                raise UserError(wording.meeting_not_found(meeting_id))
            # The reminder pressed is updated in the language it was written in: the
            # group's in a channel, the presser's own in their direct messages.
            in_channel = not isinstance(ctx.event, ButtonPress) or ctx.event.channel is not None
            with speaking(ctx.settings.language if in_channel else _current()):
                message = self._reminder(found.meeting, occurrence, found.agenda,
                                         found.counts, late)
            return Reply(update=message,
                         messages=(Message(wording.rsvp_thanks(RSVP_LABELS[answer])),))
        return handle

    def _reminder(self, meeting: MeetingRecord, occurrence: datetime,
                  agenda: Sequence[AgendaItem], counts: dict[str, int], late: bool,
                  ) -> Message:
        """`compose_reminder`, drawn again only when something it shows has changed."""
        drawn_from: tuple[object, ...] = (meeting, occurrence, tuple(agenda),
                                          tuple(sorted(counts.items())), late, _current())
        if self._redrawn is None or self._redrawn[0] != drawn_from:
            self._redrawn = (drawn_from, compose_reminder(meeting, occurrence, [*agenda],
                                                          counts, late))
        return self._redrawn[1]

    async def dm_button(self, ctx: Context) -> Reply:
        """Remind me by DM too."""
        meeting_id = parse_id(ctx.options.get("value"))
        if meeting_id is None:
            raise UserError(catalog.form_expired())
        return await self._dm_optin(ctx, meeting_id, True)

    async def remindme(self, ctx: Context) -> Reply:
        """/meeting remindme."""
        on = ctx.options.get("on")
        return await self._dm_optin(ctx, int(ctx.options["meeting"]), on is None or bool(on))

    async def _dm_optin(self, ctx: Context, meeting_id: int, on: bool) -> Reply:
        meeting = await self.meeting(ctx, meeting_id)
        await self.store.set_dm_optin(meeting.id, ctx.actor.user_id, on, ctx.now())
        updated = await self.store.get_meeting(ctx.group_id, meeting.id)
        if updated is not None:
            self.jobs.add_meeting(updated)
        return Reply.text(wording.dm_optin_done(neutralise(meeting.title), meeting.id, on))

    async def timezone(self, ctx: Context) -> Reply:
        """/meeting timezone: see, set or reset the member's own zone."""
        raw = str(ctx.options.get("zone", "")).strip()
        if not raw:
            own = await self.store.member_zone(ctx.group_id, ctx.actor.user_id)
            return Reply.text(wording.meeting_timezone_is(own or ctx.settings.timezone,
                                                          own is not None))
        if raw.lower() == "reset":
            await self.store.set_member_zone(ctx.group_id, ctx.actor.user_id, None, ctx.now())
            return Reply.text(wording.meeting_timezone_is(ctx.settings.timezone, False))
        spec = setting_spec("timezone")
        assert spec is not None
        try:
            zone = str(spec.check(raw))
        except SettingError:
            raise UserError(wording.meeting_timezone_unknown(raw, suggest_timezone(raw))) \
                from None
        await self.store.set_member_zone(ctx.group_id, ctx.actor.user_id, zone, ctx.now())
        return Reply.text(wording.meeting_timezone_saved(zone))

    # ---- calendar --------------------------------------------------------------------

    async def calendar(self, ctx: Context) -> Reply:
        """/meeting calendar: an .ics file."""
        if ctx.options.get("meeting"):
            meetings = [await self.meeting(ctx, int(ctx.options["meeting"]))]
            name = f"meeting-{meetings[0].id}.ics"
        else:
            meetings = await self.store.active_meetings(ctx.group_id)
            name = "meetings.ics"
        if not meetings:
            return Reply.text(wording.MEETING_NONE)
        data = meetings_calendar(meetings, ctx.now())
        file = File(name, data, wording.calendar_description(len(meetings)))
        return Reply(messages=(Message(wording.calendar_file(len(meetings)),
                                       files=(file,)),))

    # ---- agenda ----------------------------------------------------------------------

    async def agenda_add(self, ctx: Context) -> Reply:
        """/agenda add: a point for the next occurrence."""
        meeting, occurrence = await self.next_meeting(ctx, ctx.options.get("meeting"))
        text = str(ctx.options["text"]).strip()
        if len(text) > AGENDA_MAX:
            raise UserError(_("Please keep an agenda point under {most} characters. Nothing was "
                              "added.").format(most=format_number(AGENDA_MAX)))
        await self.store.add_agenda_item(meeting.id, occurrence, ctx.actor.user_id,
                                         ctx.actor.display_name, text, ctx.now())
        # A reminder prepared ahead was dropped with it: this process makes it again.
        self.jobs.add_meeting(meeting)
        zone = await self.zone_of(ctx)
        return Reply.text(wording.agenda_added(neutralise(meeting.title),
                                               when_text(occurrence, zone)))

    async def agenda_show(self, ctx: Context) -> Reply:
        """/agenda show: the next occurrence's agenda."""
        meeting, occurrence = await self.next_meeting(ctx, ctx.options.get("meeting"))
        items = await self.store.agenda_items(meeting.id, occurrence)
        zone = await self.zone_of(ctx)
        return Reply.text(wording.agenda_show(
            neutralise(meeting.title), when_text(occurrence, zone), neutralise(meeting.notes),
            [wording.agenda_item(neutralise(i.author_name), neutralise(i.text))
             for i in items]))

    # ---- minutes and action items --------------------------------------------------------

    async def minutes(self, ctx: Context) -> Reply:
        """/minutes: open the form (for a meeting, if given)."""
        state = ""
        if ctx.options.get("meeting"):
            state = str((await self.meeting(ctx, int(ctx.options["meeting"]))).id)
        spec = self.minutes_spec
        return Reply(form=spec.form(N_("Minutes"), state=state,
                                    submit_label=catalog.FORM_SEND))

    async def submit_minutes(self, ctx: Context) -> Reply:
        """The minutes form: post, store, and track the action items."""
        zone = ctx.settings.zone
        now = ctx.now()
        try:
            actions = parse_actions(ctx.options.get("actions", ""), zone, now)
        except WhenError as exc:
            return Reply(field_errors={"actions": str(exc)})
        # An @mentioned owner is reminded by direct message: they must be in the group.
        missing = set(await not_in_group(self.host.people, ctx.group_id,
                                         [a.owner_id for a in actions if a.owner_id]))
        if missing:
            return Reply(field_errors={"actions": wording.action_owners_unknown(
                [a.owner_name for a in actions if a.owner_id in missing])})
        state = _state(ctx)
        meeting = None
        meeting_id = parse_id(state)
        if meeting_id is not None:
            meeting = await self.store.get_meeting(ctx.group_id, meeting_id)
        channel = ctx.settings.updates_channel
        with speaking(ctx.settings.language):  # a channel post: the group's language
            title = (neutralise(meeting.title) if meeting is not None
                     else wording.minutes_title(now, zone))
            lines = [wording.action_line(i + 1, neutralise(a.owner_name), neutralise(a.task),
                                         None if a.due is None else
                                         wording.short_day(a.due, zone))
                     for i, a in enumerate(actions)]
            post = Message(wording.minutes_posted(
                title, neutralise(ctx.options["summary"]),
                neutralise(ctx.options.get("decisions", "")), lines))
        key = f"minutes:{ctx.group_id}:{ctx.actor.user_id}:{int(now.timestamp() * 1e6)}"
        records = await self.store.save_minutes(
            NewMinutes(ctx.group_id, meeting.id if meeting else None, ctx.options["summary"],
                       ctx.options.get("decisions", ""), ctx.actor.user_id, tuple(actions)),
            now, [NewDelivery(key, destination_for(ctx.group_id, channel), post)])
        for record in records:
            self.jobs.add_action(record)
        self.jobs.ensure_coming_up(ctx.group_id)
        self.host.deliveries_waiting()
        return Reply.text(wording.minutes_saved(channel, len(records)))

    async def actions(self, ctx: Context) -> Reply:
        """/actions: mine (or everyone's) open items; done=N marks one done."""
        if ctx.options.get("done"):
            return await self._mark_done(ctx, int(ctx.options["done"]))
        everyone = bool(ctx.options.get("all"))
        items = await self.store.open_actions(
            ctx.group_id, None if everyone else ctx.actor.user_id)
        if not items:
            return Reply.text(
                N_("There are no open action items.") if everyone
                else N_("You have no open action items. Type /actions all=yes to see "
                        "everyone's."))
        may_close = [a for a in items if self._may_close(ctx, a.owner_id)][:5]
        return Reply(messages=(Message(wording.actions_list([action_text(a) for a in items],
                                                            everyone),
                                       buttons=tuple(done_button(a) for a in may_close)),))

    async def action_done_button(self, ctx: Context) -> Reply:
        """The Mark done button."""
        action_id = parse_id(ctx.options.get("value"))
        if action_id is None:
            raise UserError(catalog.form_expired())
        return await self._mark_done(ctx, action_id)

    def _may_close(self, ctx: Context, owner_id: str) -> bool:
        return (not owner_id or owner_id == ctx.actor.user_id
                or ctx.has_role(Role.FACILITATOR))

    async def _mark_done(self, ctx: Context, action_id: int) -> Reply:
        action = await self.store.get_action(ctx.group_id, action_id)
        if action is None or action.done:
            raise UserError(wording.action_not_found(action_id))
        if not self._may_close(ctx, action.owner_id):
            raise UserError(wording.action_not_yours(action_id))
        done = await self.store.mark_action_done(ctx.group_id, action_id,
                                                 ctx.actor.user_id, ctx.now())
        if done is None:
            raise UserError(wording.action_not_found(action_id))
        self.jobs.remove_action(action_id)
        return Reply.text(wording.action_done(action_id, neutralise(done.task)))


def _state(ctx: Context) -> str:
    return ctx.event.state if isinstance(ctx.event, FormSubmission) else ""


def occurrences(meeting: MeetingRecord) -> Occurrences:
    """A meeting's occurrences."""
    return Occurrences(meeting.starts_at, meeting.zone, meeting.rrule, meeting.skipped)


def destination_for(group_id: str, channel: str) -> Destination:
    """A channel post in the group."""
    return Destination.to_channel(group_id, channel)


def form_values(meeting: MeetingRecord, zone: ZoneInfo) -> dict[str, str]:
    """A meeting as the schedule form's answers (to change it)."""
    local = meeting.starts_at.astimezone(zone)
    start_in_zone = meeting.starts_at.astimezone(ZoneInfo(meeting.zone))
    rule = meeting.rrule
    words = {"": none_words, "FREQ=WEEKLY": weekly_words,
             "FREQ=WEEKLY;INTERVAL=2": fortnightly_words,
             f"FREQ=MONTHLY;BYMONTHDAY={start_in_zone.day}": monthly_words,
             f"FREQ=MONTHLY;BYDAY={nth_weekday_code(start_in_zone)}": monthly_by_weekday_words}
    listed = words.get(rule)
    return {"title": meeting.title, "when": f"{local:%Y-%m-%d %H:%M}",
            "repeat": shown(listed) if listed else f"RRULE:{rule}", "where": meeting.location,
            "agenda": meeting.notes}

