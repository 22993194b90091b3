"""Check-ins and one-to-ones.

`/checkin`: private check-ins by direct message, on each member's own cadence, time
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

Modules: `feature` (commands, answers, notices), `jobs` (schedules, sending, the hourly
sweep), `one_to_ones`, `facilitators` (who they are: the one place that says so),
`summary`, `schedule` (when a check-in is due), `chart`, `store` (records and the store
port), `config`, `wording` (the catalog domain "checkins" and the sentences said in
several places) and `moments` (days and times in the reader's language).

`package` declares it to the registry (`PACKAGE`) and holds what other features may
use: `Facilitators`, who a group's facilitators are (role holders, those seen acting
with the role, and those named in config). This file stays light, so that importing the
store port (as storage does) loads nothing else.
"""
