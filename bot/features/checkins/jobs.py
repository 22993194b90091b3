"""The check-ins' timed work: each member's own schedule, sending a check-in when it is
due, and the hourly sweep (one gentle follow-up, one-to-one escalations, and moving the
members and open requests of a facilitator whose role was taken away).

Gentle by design: at most one follow-up for an unanswered check-in, none in quiet hours
or a pause, and after `[checkins] pause_after_misses` misses in a row check-ins pause and
the member is told how to restart them. Each send claims its occurrence in the same
transaction, so a restart or a second process never sends it twice.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import datetime
from datetime import timedelta

from bot.features.checkins import wording
from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.facilitators import Facilitators
from bot.features.checkins.one_to_ones import OneToOnes
from bot.features.checkins.schedule import in_quiet_hours
from bot.features.checkins.schedule import next_checkin
from bot.features.checkins.schedule import paused
from bot.features.checkins.store import Answer
from bot.features.checkins.store import Checkin
from bot.features.checkins.store import CheckinPrefs
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.wording import N_
from bot.features.host import FeatureHost
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from scheduler import Firing

log = logging.getLogger(__name__)

NAME = "checkins"
# How far back each refresh looks for settings saved by another process: longer than a
# transaction takes, and than the processes' clocks may disagree.
REFRESH_OVERLAP = timedelta(minutes=2)
ANSWER_ACTION = "checkin.answer"
NOTE_ACTION = "checkin.note"
SWEEP_SCHEDULE = "checkins-sweep"


def checkin_buttons(checkin_id: str) -> tuple[Button, ...]:
    """The answer buttons on a check-in (words, not colours), and the note button."""
    return (
        *(Button(wording.checkin_answer_words(a), ANSWER_ACTION, f"{checkin_id}:{a.value}",
                 "primary" if a is Answer.ONE_TO_ONE else "secondary") for a in Answer),
        Button(wording.CHECKIN_NOTE_BUTTON, NOTE_ACTION, checkin_id),
    )


def schedule_id(group_id: str, user_id: str) -> str:
    """The scheduler id of a member's check-ins."""
    return f"checkin:{group_id}:{user_id}"


class CheckinJobs:
    """Members' settings in memory (to work out when each is due), their schedules, and
    the jobs those schedules and the hourly sweep run."""

    def __init__(self, host: FeatureHost[CheckinStore, CheckinsConfig],
                 facilitators: Facilitators, one_to_ones: OneToOnes) -> None:
        self.host = host
        self.store = host.store
        self.config = host.config
        self.facilitators = facilitators
        self.one_to_ones = one_to_ones
        self.owner = f"checkins-{secrets.token_hex(4)}"
        self.prefs: dict[tuple[str, str], CheckinPrefs] = {}
        # Set once every member's settings are in `prefs` (at start).
        self.all_loaded = False

    async def start(self) -> None:
        """Rebuild every member's check-in schedule, and the hourly sweep."""
        for prefs in await self.store.all_checkin_prefs():
            self.schedule(prefs)
        self.all_loaded = True
        self.host.scheduler.add(SWEEP_SCHEDULE, _hourly, self._sweep_job)

    async def refresh(self) -> int:
        """Reschedule members whose settings another process saved lately (switched
        check-ins on or off, changed when); how many changed. Run every few seconds."""
        since = self.host.clock.now() - REFRESH_OVERLAP
        changed = [p for p in await self.store.checkin_prefs_saved_since(since)
                   if self.prefs.get((p.group_id, p.user_id)) != p]
        for prefs in changed:
            self.schedule(prefs)
        return len(changed)

    def schedule(self, prefs: CheckinPrefs) -> None:
        """Keep a member's settings and (re)schedule their check-ins (or stop them)."""
        key = (prefs.group_id, prefs.user_id)
        self.prefs[key] = prefs
        sid = schedule_id(*key)
        if not prefs.enabled:
            self.host.scheduler.remove(sid)
            return

        def due(after: datetime) -> datetime | None:
            current = self.prefs.get(key)
            return None if current is None else next_checkin(current, after)

        async def job(firing: Firing) -> None:
            await self.fire(key[0], key[1], firing)

        self.host.scheduler.add(sid, due, job)

    async def save(self, prefs: CheckinPrefs, deliveries: list[NewDelivery] | None = None,
                   ) -> None:
        """Store a member's settings with any deliveries they cause, and reschedule."""
        await self.store.save_checkin_prefs(prefs, self.host.clock.now(), deliveries or [])
        self.schedule(prefs)
        if deliveries:
            self.host.deliveries_waiting()

    async def fire(self, group_id: str, user_id: str, firing: Firing) -> bool:
        """A member's check-in is due: send it, or pause after too many misses."""
        storage = self.store
        prefs = await storage.checkin_prefs(group_id, user_id)
        settings = self.host.group(group_id)
        now = self.host.clock.now()
        if prefs is None or not prefs.enabled or paused(prefs, now) \
                or NAME not in settings.features:
            return False
        if await storage.checkin_unreachable(group_id, user_id):
            # Their DMs were closed last time and their facilitator was told: stop trying
            # until they switch check-ins on again (they are told at their next command).
            stopped = replace(prefs, enabled=False, pause_reason="unreachable")
            done = await storage.send_checkin(firing.key, self.owner, stopped, None, [], now)
            self.schedule(stopped)
            return done
        previous = await storage.open_checkin(group_id, user_id)
        misses = prefs.misses + (1 if previous is not None else 0)
        dm = Destination.to_dm(group_id, user_id)
        theirs = await self.host.language_of(group_id, user_id)
        if misses >= self.config.pause_after_misses:
            stopped = replace(prefs, enabled=False, pause_reason="misses", misses=misses)
            with speaking(theirs):
                notice = NewDelivery(f"checkin-paused:{firing.key}", dm,
                                     Message(wording.checkin_auto_paused(misses)))
            done = await storage.send_checkin(firing.key, self.owner, stopped, None,
                                              [notice], now)
            self.schedule(stopped)
            self.host.deliveries_waiting()
            log_event(log, logging.INFO, "checkin.auto_paused", group=group_id)
            return done
        checkin_id = secrets.token_hex(6)
        key = f"checkin:{checkin_id}"
        checkin = Checkin(checkin_id, group_id, user_id, now, key)
        facilitator = await self.facilitators.for_member(group_id, user_id, prefs,
                                                         advance=False)
        fallbacks: tuple[Fallback, ...] = ()
        if facilitator is not None:
            with speaking(await self.host.language_of(group_id, facilitator.user_id)):
                fallbacks = (Fallback(Destination.to_dm(group_id, facilitator.user_id),
                                      Message(wording.checkin_unreachable_for_facilitator(
                                          prefs.display_name))),)
        with speaking(theirs):
            message = Message(wording.CHECKIN_QUESTION, buttons=checkin_buttons(checkin_id))
        done = await storage.send_checkin(firing.key, self.owner, replace(prefs, misses=misses),
                                          checkin, [NewDelivery(key, dm, message, fallbacks)],
                                          now)
        if done:
            self.prefs[(group_id, user_id)] = replace(prefs, misses=misses)
            self.host.deliveries_waiting()
            log_event(log, logging.INFO, "checkin.sent", group=group_id, checkin=checkin_id)
        return done

    async def _sweep_job(self, firing: Firing) -> None:
        await self.sweep()

    async def step_down(self, group_id: str, who: str, now: datetime) -> tuple[int, int]:
        """Someone stopped being a facilitator: forget them, tell their members they have
        no facilitator of their own now, and move their open requests to the member's
        next facilitator (who gets each privately). (members told, requests moved)."""
        await self.facilitators.forget(group_id, who)
        stamp = int(now.timestamp() * 1e6)
        members = [p for p in await self.store.all_checkin_prefs()
                   if p.group_id == group_id and p.facilitator_id == who]
        for prefs in members:
            with speaking(await self.host.language_of(group_id, prefs.user_id)):
                told = NewDelivery(f"checkin-assigned:{group_id}:{prefs.user_id}:{stamp}",
                                   Destination.to_dm(group_id, prefs.user_id),
                                   Message(wording.checkin_your_facilitator("")))
            await self.save(replace(prefs, facilitator_id=""), [told])
        moved = await self.one_to_ones.move_from(group_id, who, now)
        self.host.deliveries_waiting()
        return len(members), moved

    async def _stepped_down(self, now: datetime) -> int:
        """Step down, in each group where members or requests wait on a facilitator,
        anyone the platform says no longer holds the facilitator role (as `/checkin
        remove` would), so nothing stays with them."""
        groups = {r.group_id for r in await self.store.open_one_to_ones()}
        groups |= {p.group_id for p in self.prefs.values() if p.facilitator_id}
        acted = 0
        for group_id in sorted(groups):
            for gone in await self.facilitators.stepped_down(group_id):
                members, moved = await self.step_down(group_id, gone.user_id, now)
                log_event(log, logging.INFO, "checkin.facilitator_stepped_down",
                          group=group_id, members=members, requests=moved)
                acted += members + moved
        return acted

    async def sweep(self) -> int:
        """Gentle follow-ups and one-to-one escalations that are due, and facilitators
        who stepped down; how many acted on."""
        storage = self.store
        now = self.host.clock.now()
        acted = 0
        for checkin in await storage.unanswered_checkins(
                now - timedelta(hours=self.config.follow_up_hours)):
            acted += await self._follow_up(checkin, now)
        acted += await self._stepped_down(now)
        for request in await storage.open_one_to_ones():
            acted += await self.one_to_ones.escalate(request, now)
        if acted:
            self.host.deliveries_waiting()
        return acted

    async def _follow_up(self, checkin: Checkin, now: datetime) -> int:
        storage = self.store
        prefs = await storage.checkin_prefs(checkin.group_id, checkin.user_id)
        latest = await storage.open_checkin(checkin.group_id, checkin.user_id)
        unreachable = await storage.checkin_unreachable(checkin.group_id, checkin.user_id,
                                                        untold_only=False)
        switched_on = NAME in self.host.group(checkin.group_id).features
        if prefs is None or not prefs.enabled or latest is None or not switched_on \
                or latest.checkin_id != checkin.checkin_id or unreachable is not None:
            # Not worth a follow-up any more: drop it quietly (never more than one).
            await storage.follow_up_checkin(checkin.checkin_id, [], now)
            return 0
        if in_quiet_hours(prefs, now) or paused(prefs, now):
            return 0  # tried again at the next sweep
        with speaking(await self.host.language_of(checkin.group_id, checkin.user_id)):
            message = Message(N_("Just a gentle reminder, and the only one: how are things going "
                                 "for you in the group? It's completely fine not to answer."),
                              buttons=checkin_buttons(checkin.checkin_id))
        delivery = NewDelivery(f"checkin-follow-up:{checkin.checkin_id}",
                               Destination.to_dm(checkin.group_id, checkin.user_id), message)
        return int(await storage.follow_up_checkin(checkin.checkin_id, [delivery], now))


def _hourly(after: datetime) -> datetime:
    return after.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
