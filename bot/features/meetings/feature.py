"""The meetings feature's commands, buttons and forms, built from its host.

Commands: /meeting schedule|list|edit|cancel|skip|calendar|timezone|remindme,
/agenda add|show, /minutes, /actions. The handlers are in `flows`, the timed work in
`jobs`.
"""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.features import Feature
from bot.features.host import FeatureHost
from bot.features.meetings import flows
from bot.features.meetings import wording
from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.jobs import MeetingJobs
from bot.features.meetings.store import MeetingsStore
from bot.features.meetings.texts import ACTION_DONE
from bot.features.meetings.texts import DM_ACTION
from bot.features.meetings.texts import RSVP_ACTION
from bot.features.meetings.texts import RSVP_LABELS
from bot.features.meetings.wording import N_
from bot.roles import Role

FEATURE = "meetings"


def build(host: FeatureHost[MeetingsStore, MeetingsConfig]) -> Feature:
    """The meetings feature: its commands, buttons, forms, home section and start-up."""
    jobs = MeetingJobs(host)
    f = flows.Flows(host, jobs)
    meeting_opt = OptionSpec("meeting", N_("the meeting's number (see /meeting list)"),
                             OptionType.INTEGER, min_value=1, max_value=10**12)
    required_meeting = OptionSpec("meeting", N_("the meeting's number (see /meeting list)"),
                                  OptionType.INTEGER, required=True, min_value=1,
                                  max_value=10**12)
    reminders_opt = OptionSpec("reminders",
                               N_('how long before to remind, like "1 day, 1 hour"'),
                               max_length=100)
    minutes_roles = (frozenset({Role.MEMBER}) if host.config.minutes_by == "members"
                     else frozenset({Role.FACILITATOR}))

    def cmd(name: str, description: str, handler: flows.Handler, example: str,
            *options: OptionSpec, opens_form: bool = False,
            roles: frozenset[Role] = frozenset({Role.MEMBER})) -> CommandSpec:
        return CommandSpec(name=name, description=description, handler=handler,
                           example=example, options=options, feature=FEATURE,
                           opens_form=opens_form, roles=roles)

    commands = [
        cmd("meeting schedule", N_("Schedule a meeting, once or repeating, with reminders."),
            f.schedule, N_("/meeting schedule  or  /meeting schedule reminders=\"2 hours\""),
            reminders_opt, opens_form=True),
        cmd("meeting list", N_("See the meetings coming up, in your time zone."), f.list,
            "/meeting list"),
        cmd("meeting edit", N_("Change a meeting you scheduled."), f.edit,
            "/meeting edit meeting=3", required_meeting, reminders_opt, opens_form=True),
        cmd("meeting cancel", N_("Cancel a meeting: one date, or all of them."), f.cancel,
            N_("/meeting cancel meeting=3  or  /meeting cancel meeting=3 date=2026-12-01"),
            required_meeting, OptionSpec("date", N_("only this date (leave out for all dates)"),
                                         max_length=60)),
        cmd("meeting skip", N_("Skip the next date of a repeating meeting."), f.skip,
            "/meeting skip meeting=3", required_meeting),
        cmd("meeting calendar", N_("Get a calendar file to add meetings to your calendar."),
            f.calendar, N_("/meeting calendar  or  /meeting calendar meeting=3"), meeting_opt),
        cmd("meeting timezone", N_("See or set the time zone your times are shown in."),
            f.timezone, N_("/meeting timezone zone=Europe/Paris"),
            OptionSpec("zone", N_("a time zone like Europe/London, or reset"), max_length=60)),
        cmd("meeting remindme", N_("Get a meeting's reminders by direct message too."),
            f.remindme,
            N_("/meeting remindme meeting=3  or  /meeting remindme meeting=3 on=no"),
            required_meeting, OptionSpec("on", N_("yes to get them, no to stop"),
                                         OptionType.BOOLEAN)),
        cmd("agenda add", N_("Add a point to the agenda of the next meeting."), f.agenda_add,
            N_("/agenda add text=\"Budget for the summer event\""),
            OptionSpec("text", N_("the agenda point"), required=True,
                       max_length=flows.AGENDA_MAX),
            meeting_opt),
        cmd("agenda show", N_("See the agenda of the next meeting."), f.agenda_show,
            N_("/agenda show  or  /agenda show meeting=3"), meeting_opt),
        cmd("minutes", N_("Write up a meeting: summary, decisions and action items."),
            f.minutes, N_("/minutes  or  /minutes meeting=3"), meeting_opt, opens_form=True,
            roles=minutes_roles),
        cmd("actions", N_("See open action items, and mark one done."), f.actions,
            N_("/actions  or  /actions all=yes  or  /actions done=4"),
            OptionSpec("all", N_("yes to see everyone's"), OptionType.BOOLEAN),
            OptionSpec("done", N_("the number of an item to mark done"), OptionType.INTEGER,
                       min_value=1, max_value=10**12)),
    ]
    actions: dict[str, flows.Handler] = {
        flows.CONFIRM: f.confirm, flows.CHANGE: f.change, flows.DISCARD: f.discard,
        DM_ACTION: f.dm_button, ACTION_DONE: f.action_done_button,
    }
    for answer in RSVP_LABELS:
        actions[f"{RSVP_ACTION}.{answer}"] = f.rsvp(answer)
    forms = [f.schedule_spec, f.minutes_spec]
    return Feature(FEATURE, commands=commands, actions=actions, forms=forms, home=f.home,
                   start=jobs.start, families=wording.MEETINGS_HELP_FAMILIES)
