"""Meetings that keep people updated: scheduling with a check before saving, reminders
with RSVP buttons, agendas, minutes with tracked action items, and calendar files.

Commands: /meeting schedule|list|edit|cancel|skip|calendar|timezone|remindme,
/agenda add|show, /minutes, /actions (`feature`); their handlers (`flows`); the timed
work (`jobs`); wording (`wording`); the store port (`store`), implemented in
`storage/meetings/`.

`package` declares it to the registry (`PACKAGE`) and holds what other features may
use: `MeetingsStore` and `meeting_on_day`. This file stays light, so that importing the
store port (as storage does) loads nothing else.
"""
