"""`/agreement`: the group's own agreement, its numbered points, versions and history.

A facilitator proposes an amendment (add, change or remove one point, with a reason);
the group votes yes or no anonymously until a closing time, with the anonymous-poll
design (one encrypted ballot box holding the counts, a tag per voter and each choice
sealed under a key in this process's memory, deleted at the decision). The outcome
rule is in `[agreement]`. The decision, the new version and the announcement in the
updates channel are stored together.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime
from datetime import timedelta

from bot import catalog
from bot.anonymity import Sealer
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features import FormSpec
from bot.features.agreement import wording
from bot.features.agreement.config import AgreementConfig
from bot.features.agreement.rules import MAX_POINTS
from bot.features.agreement.rules import POINT_LIMIT
from bot.features.agreement.rules import REASON_LIMIT
from bot.features.agreement.rules import apply_amendment
from bot.features.agreement.rules import check_point
from bot.features.agreement.rules import describe_change
from bot.features.agreement.rules import outcome
from bot.features.agreement.rules import point_number
from bot.features.agreement.store import AgreementStore
from bot.features.agreement.store import AgreementVersion
from bot.features.agreement.store import Amendment
from bot.features.agreement.store import AmendmentKind
from bot.features.agreement.store import AmendmentStatus
from bot.features.agreement.store import Decision
from bot.features.agreement.wording import N_
from bot.features.agreement.wording import _
from bot.features.host import FeatureHost
from bot.features.polls.package import CLOSE_EXAMPLE
from bot.features.polls.package import Closings
from bot.features.polls.package import anonymous_ballot
from bot.features.polls.package import parse_closes
from bot.features.polls.package import vote_reply
from bot.i18n import format_number
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
from bot.text import channel_ref
from bot.text import has_visible_text
from bot.text import neutralise
from scheduler import Firing

log = logging.getLogger(__name__)

START_FORM = "agreement.start"
PROPOSE_FORM = "agreement.propose"
READ_ACTION = "agreement.read"
SHOW_ACTION = "agreement.show"
VOTE_ACTION = "agreement.vote"
YES, NO = 0, 1
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*])\s+")
FACILITATORS = frozenset({Role.FACILITATOR})
KINDS = (Choice(N_("Add a point"), "add"),
         Choice(N_("Change a point"), "change"),
         Choice(N_("Remove a point"), "remove"))


class Agreement:
    """The agreement feature's handlers and scheduled decisions."""

    def __init__(self, host: FeatureHost[AgreementStore, AgreementConfig]) -> None:
        self.host = host
        self.config: AgreementConfig = host.config
        self.sealer = Sealer()
        self.owner = f"agreement-{secrets.token_hex(4)}"
        self.closings = Closings(host, "amendment-close", self.decide, log,
                                 "amendment.decide_failed", "amendment")
        self.start_form = FormSpec(START_FORM, (
            FormField("points", wording.AGREEMENT_FIELD_POINTS, "paragraph",
                      max_length=MAX_POINTS * (POINT_LIMIT + 1)),), self.started,
            command="agreement start")
        self.propose_form = FormSpec(PROPOSE_FORM, (
            FormField("change", wording.AGREEMENT_FIELD_CHANGE, "choice", choices=KINDS),
            FormField("point", N_("Which point (its number, to change or remove)"), "short",
                      required=False, max_length=3),
            FormField("text", wording.AGREEMENT_FIELD_TEXT, "paragraph", required=False,
                      max_length=POINT_LIMIT),
            FormField("reason", wording.AGREEMENT_FIELD_REASON, "paragraph",
                      max_length=REASON_LIMIT),
            FormField("closes", N_("When voting closes (empty: the usual number of days)"),
                      "short", required=False, max_length=40, placeholder=CLOSE_EXAMPLE),
        ), self.proposed, command="agreement propose")

    # ---- reading -----------------------------------------------------------------------

    async def current(self, group_id: str) -> AgreementVersion | None:
        """The version in force, if any."""
        versions = await self.host.store.agreement_versions(group_id)
        return versions[-1] if versions else None

    def day(self, moment: datetime, ctx: Context) -> str:
        """A date as people read it, in the group's zone and the language in force."""
        return wording.agreement_day(moment, ctx.settings.zone)

    def when(self, moment: datetime, zone_name: str) -> str:
        """A closing time as people read it, in the language in force."""
        from zoneinfo import ZoneInfo

        return wording.agreement_when(moment, ZoneInfo(zone_name))

    def version_message(self, version: AgreementVersion, ctx: Context, *,
                        read_button: bool) -> Message:
        """A version's points, numbered, with its number and date."""
        text = wording.agreement_text(version.number, self.day(version.created_at, ctx),
                                      list(version.points))
        buttons = (Button(N_("I have read it"), READ_ACTION, str(version.number),
                          "primary"),) if read_button else ()
        return Message(text, buttons=buttons)

    async def show(self, ctx: Context) -> Reply:
        """/agreement: the current version; facilitators also see how many have read it."""
        version = await self.current(ctx.group_id)
        if version is None:
            return Reply.text(wording.AGREEMENT_NONE)
        messages = [self.version_message(version, ctx, read_button=True)]
        if ctx.has_role(Role.FACILITATOR):
            names = await self.host.store.readers(ctx.group_id, version.number)
            shown = [neutralise(n) for n in names] if self.config.show_reader_names else []
            messages.append(Message(wording.agreement_readers(version.number, len(names),
                                                              shown)))
        return Reply(messages=tuple(messages))

    async def show_pressed(self, ctx: Context) -> Reply:
        """The welcome's "Show the agreement" button."""
        return await self.show(ctx)

    async def history(self, ctx: Context) -> Reply:
        """/agreement history: every version with what changed and why, or one version."""
        versions = await self.host.store.agreement_versions(ctx.group_id)
        if not versions:
            return Reply.text(wording.AGREEMENT_NONE)
        wanted = ctx.options.get("version")
        if wanted is not None:
            found = [v for v in versions if v.number == wanted]
            if not found:
                raise UserError(wording.agreement_no_version(int(wanted), versions[-1].number))
            return Reply(messages=(self.version_message(
                found[0], ctx, read_button=found[0] is versions[-1]),))
        lines = [wording.history_line(v.number, self.day(v.created_at, ctx),
                                      wording.version_change(v.change), v.reason)
                 for v in versions]
        return Reply.text(_("**How our agreement has changed**") + "\n" + "\n".join(lines) + "\n"
                          + _("To see a version in full, type /agreement history version=N."))

    async def read(self, ctx: Context) -> Reply:
        """The "I have read it" button."""
        try:
            number = int(str(ctx.options.get("value", "")))
        except ValueError:
            raise UserError(catalog.form_expired()) from None
        current = await self.current(ctx.group_id)
        if current is None:
            raise UserError(wording.AGREEMENT_NONE)
        if number != current.number:
            raise UserError(_("This is not the current version. Please read version {current}: "
                              "type /agreement.").format(current=format_number(current.number)))
        await self.host.store.mark_read(ctx.group_id, number, ctx.actor.user_id,
                                        ctx.actor.display_name, ctx.now())
        return Reply.text(wording.agreement_read_noted(number))

    # ---- the first version -------------------------------------------------------------

    async def start(self, ctx: Context) -> Reply:
        """/agreement start: write version 1 (only while there is none)."""
        if await self.current(ctx.group_id) is not None:
            raise UserError(wording.AGREEMENT_ALREADY_STARTED)
        if ctx.options.get("points"):
            return await self.started(ctx)
        return Reply(form=self.start_form.form(
            N_("The group agreement"), submit_label=N_("Save"),
            defaults={"points": wording.suggested_points()}))

    async def started(self, ctx: Context) -> Reply:
        """The first version's form was sent."""
        raw = str(ctx.options.get("points", "")).replace("\\n", "\n").split("\n")
        lines = [_LIST_MARK.sub("", line).strip() for line in raw]
        points = [check_point(line, wording.AGREEMENT_FIELD_POINTS)
                  for line in lines if line]
        if not points:
            raise UserError(wording.agreement_point_empty(wording.AGREEMENT_FIELD_POINTS))
        if len(points) > MAX_POINTS:
            raise UserError(wording.agreement_too_many_points(MAX_POINTS))
        now = ctx.now()
        version = AgreementVersion(ctx.group_id, 1, tuple(neutralise(p) for p in points), now,
                                   str(wording.AGREEMENT_FIRST_CHANGE), "")
        with speaking(ctx.settings.language):  # a channel post: the group's language
            post = NewDelivery(f"agreement-v1:{ctx.group_id}",
                               Destination.to_channel(ctx.group_id,
                                                      ctx.settings.updates_channel),
                               Message(wording.agreement_started(len(points))))
        if not await self.host.store.save_first_agreement(version, [post], now):
            raise UserError(wording.AGREEMENT_ALREADY_STARTED)
        self.host.deliveries_waiting()
        return Reply.text(_("Saved as version 1, and announced in {channel}.").format(
            channel=channel_ref(ctx.settings.updates_channel)))

    # ---- amendments --------------------------------------------------------------------

    async def propose(self, ctx: Context) -> Reply:
        """/agreement propose: the form, or the amendment at once from options."""
        return await self.propose_form.open_or_run(ctx, N_("Propose a change"),
                                                   submit_label=N_("Propose"))

    async def proposed(self, ctx: Context) -> Reply:
        """Check the amendment against the current version, then store it with its post."""
        kind_word = str(ctx.options.get("change", "")).strip().casefold()
        kinds = ({c.value: c.value for c in KINDS} | {c.label.casefold(): c.value for c in KINDS}
                 | {tr(c.label).casefold(): c.value for c in KINDS})
        if kind_word not in kinds:
            raise UserError(catalog.field_not_a_choice(wording.AGREEMENT_FIELD_CHANGE,
                                                       [c.value for c in KINDS]))
        kind = AmendmentKind(kinds[kind_word])
        reason = " ".join(str(ctx.options.get("reason", "")).split())
        if not has_visible_text(reason):
            raise UserError(N_("Please say why: a change to the agreement needs a reason."))
        if len(reason) > REASON_LIMIT:
            raise UserError(catalog.field_too_long(wording.AGREEMENT_FIELD_REASON,
                                                   REASON_LIMIT, len(reason)))
        current = await self.current(ctx.group_id)
        points = current.points if current else ()
        point = 0
        if kind is not AmendmentKind.ADD:
            point = point_number(ctx.options.get("point"), len(points))
        text = ""
        if kind is not AmendmentKind.REMOVE:
            text = neutralise(check_point(str(ctx.options.get("text", "") or ""),
                                          wording.AGREEMENT_FIELD_TEXT))
            if kind is AmendmentKind.CHANGE and text == points[point - 1]:
                raise UserError(wording.amendment_same_text(point))
            if kind is AmendmentKind.ADD and len(points) >= MAX_POINTS:
                raise UserError(wording.agreement_too_many_points(MAX_POINTS))
        now = ctx.now()
        raw_closes = str(ctx.options.get("closes", "") or "").strip()
        closes = (parse_closes(raw_closes, now, ctx.settings.zone) if raw_closes
                  else now + timedelta(days=self.config.voting_days))
        amendment = Amendment(
            secrets.token_hex(5), ctx.group_id, kind, point, text, neutralise(reason),
            current.number if current else 0, closes,
            ctx.settings.updates_channel, secrets.token_urlsafe(32))
        post = NewDelivery(f"amendment-post:{amendment.amendment_id}",
                           Destination.to_channel(ctx.group_id, amendment.channel),
                           self.vote_message(amendment, points))
        await self.host.store.start_amendment(amendment, [post], now)
        self.host.deliveries_waiting()
        self.closings.schedule(amendment.amendment_id, amendment.closes_at)
        log_event(log, logging.INFO, "amendment.started", group=ctx.group_id,
                  amendment=amendment.amendment_id)
        return Reply.text(wording.amendment_started(
            amendment.channel, self.when(amendment.closes_at, ctx.settings.timezone)))

    def vote_message(self, amendment: Amendment, points: tuple[str, ...]) -> Message:
        """The post asking the group to vote: what changes, why, and until when (a channel
        post: in the group's language)."""
        settings = self.host.group(amendment.group_id)
        with speaking(settings.language):
            text = wording.amendment_post(describe_change(amendment, points),
                                          amendment.reason,
                                          self.when(amendment.closes_at, settings.timezone),
                                          self.config.min_turnout, self.config.outcome_rule)
            value = amendment.amendment_id
            return Message(text, buttons=(
                Button(wording.AMENDMENT_YES_BUTTON, VOTE_ACTION, f"{value}:{YES}",
                       "primary"),
                Button(wording.AMENDMENT_NO_BUTTON, VOTE_ACTION, f"{value}:{NO}")))

    async def vote(self, ctx: Context) -> Reply:
        """A yes or no button: counted anonymously, changeable until the close."""
        amendment_id, _, raw = str(ctx.options.get("value", "")).partition(":")
        amendment = await self.host.store.get_amendment(amendment_id) if amendment_id else None
        if amendment is None or amendment.group_id != ctx.group_id or raw not in ("0", "1"):
            raise UserError(wording.AMENDMENT_GONE)
        now = ctx.now()
        if amendment.status is not AmendmentStatus.OPEN or now >= amendment.closes_at:
            raise UserError(wording.AMENDMENT_CLOSED)
        choice = int(raw)
        ballot = anonymous_ballot(amendment_id, amendment.voter_secret, ctx.group_id,
                                  ctx.actor.user_id, (choice,), self.sealer)
        result = await self.host.store.cast_amendment_vote(ballot, now)
        answer = wording.AMENDMENT_YES_BUTTON if choice == YES else wording.AMENDMENT_NO_BUTTON
        return vote_reply(
            result, counted=wording.amendment_vote_counted(
                answer, self.when(amendment.closes_at, ctx.settings.timezone)),
            changed=wording.amendment_vote_changed(answer),
            same=N_("That is already your vote. Nothing changed."),
            closed=wording.AMENDMENT_CLOSED, gone=wording.AMENDMENT_GONE)

    # ---- deciding ----------------------------------------------------------------------

    async def load(self) -> None:
        """At start: seal with the key the other processes hold; schedule open
        amendments, and decide at once those already due (`Closings`)."""
        await self.sealer.join(self.host.peers)
        await self.closings.resume((amendment.amendment_id, amendment.closes_at)
                                   for amendment in await self.host.store.open_amendments())

    async def decide(self, amendment_id: str, firing: Firing) -> Decision | None:
        """Apply the outcome rule once; record the new version and announce it."""
        now = self.host.clock.now()

        def decide(amendment: Amendment, current: AgreementVersion | None) -> Decision:
            return self.decision(amendment, current, now)

        decision = await self.host.store.decide_amendment(amendment_id, firing.key,
                                                          self.owner, decide, now)
        if decision is not None:
            self.host.deliveries_waiting()
            log_event(log, logging.INFO, "amendment.decided", amendment=amendment_id,
                      status=decision.status.value)
        return decision

    def decision(self, amendment: Amendment, current: AgreementVersion | None,
                 now: datetime) -> Decision:
        """The decision for final counts: passed (a new version), failed, or stale; its
        announcement (and the change stored with a new version) in the group's language."""
        with speaking(self.host.group(amendment.group_id).language):
            return self._decision(amendment, current, now)

    def _decision(self, amendment: Amendment, current: AgreementVersion | None,
                  now: datetime) -> Decision:
        where = Destination.to_channel(amendment.group_id, amendment.channel)
        key = f"amendment-result:{amendment.amendment_id}"
        points = current.points if current else ()
        number = current.number if current else 0
        counts = (amendment.yes, amendment.no)
        if number != amendment.base_version:
            message = Message(wording.amendment_stale(amendment.base_version, number))
            return Decision(AmendmentStatus.STALE, None, (NewDelivery(key, where, message),))
        result = outcome(amendment.yes, amendment.no, self.config)
        change = describe_change(amendment, points)
        if not result.passed:
            message = Message(wording.amendment_failed(change, *counts, result.why))
            return Decision(AmendmentStatus.FAILED, None, (NewDelivery(key, where, message),))
        version = AgreementVersion(amendment.group_id, number + 1,
                                   apply_amendment(points, amendment), now, change,
                                   amendment.reason)
        message = Message(wording.amendment_passed(change, *counts, result.why,
                                                   version.number),
                          buttons=(Button(wording.AGREEMENT_SHOW_BUTTON, SHOW_ACTION),))
        return Decision(AmendmentStatus.PASSED, version, (NewDelivery(key, where, message),))


def build(host: FeatureHost[AgreementStore, AgreementConfig]) -> Feature:
    """The agreement feature, built from its host."""
    agreement = Agreement(host)
    propose_options = (
        OptionSpec("change", N_("add, change or remove"), choices=KINDS),
        OptionSpec("point", N_("the point's number (to change or remove)"), OptionType.INTEGER,
                   min_value=1, max_value=MAX_POINTS),
        OptionSpec("text", N_("the new wording (to add or change)"), max_length=POINT_LIMIT),
        OptionSpec("reason", N_("why"), max_length=REASON_LIMIT),
        OptionSpec("closes", N_("when voting closes: 3d, 12h or 2026-12-01 17:00 (default: the "
                                "configured days)"), max_length=40),
    )
    commands = [
        CommandSpec("agreement", N_("Read the group agreement: how we treat each other here."),
                    agreement.show, "/agreement", feature="agreement"),
        CommandSpec("agreement history", N_("See every version of the agreement: what changed and "
                                            "why."), agreement.history,
                    N_("/agreement history  or  /agreement history version=2"),
                    options=(OptionSpec("version", N_("a version to show in full"),
                                        OptionType.INTEGER, min_value=1),),
                    feature="agreement"),
        CommandSpec("agreement start", N_("Facilitators: write the first version of the group "
                                          "agreement."), agreement.start,
                    "/agreement start", roles=FACILITATORS, feature="agreement",
                    opens_form=True,
                    options=(OptionSpec("points", N_("the points, separated by \\n"),
                                        max_length=MAX_POINTS * (POINT_LIMIT + 1)),)),
        CommandSpec("agreement propose", N_("Facilitators: propose a change to the agreement; the "
                                            "group votes."), agreement.propose,
                    N_('/agreement propose change=add text="We start on time" '
                       'reason="People travel far"'), options=propose_options,
                    roles=FACILITATORS, feature="agreement", opens_form=True),
    ]
    return Feature("agreement", commands=commands,
                   actions={READ_ACTION: agreement.read, SHOW_ACTION: agreement.show_pressed,
                            VOTE_ACTION: agreement.vote},
                   forms=[agreement.start_form, agreement.propose_form], start=agreement.load,
                   # A vote on a change is anonymous: when someone voted is not shown.
                   timing_sensitive=frozenset({f"action:{VOTE_ACTION}"}))
