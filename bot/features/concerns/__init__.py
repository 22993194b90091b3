"""Safeguarding concerns: private intake, routing to leads only, acknowledgement,
escalation, and case records with an audit trail.

The lesson: "knowing there are processes in place to deal with difficult situations
gives us confidence and stability". A concern never reaches a public channel, is never
lost (stored before the reporter is thanked; every notification through the outbox),
and is never visible to a non-lead or to a lead it is about.

- `intake`: /concern, a direct message, "Raise a safeguarding concern" on a message;
- `routing`: who the leads are (however declared), who gets it, and the notifications;
- `reach`: which leads can be reached now, and saying so when none can;
- `escalation`: unacknowledged cases, repeated; retention;
- `cases`: Acknowledge and /case for leads;
- `export`: a case as Markdown for the group's own records (`coprod case export`);
- `store`: the records and the store port (`storage/concerns/` implements it);
- `config`: `[concerns]`; `wording`: its catalog domain and the sentences said in
  several places; `host`: what it is given;
- `feature`: the commands, buttons, form and shortcut, built from the host;
- `package`: its declaration to the registry (`PACKAGE`), and all that other features
  may use: `setup_line` (/setup) and `DRAFT_LIFETIME` (the retention sweep).

This file stays light, so that importing the store port (as storage does) loads nothing
else.
"""
