"""The group agreement: shown on request, versioned, amended by an anonymous vote.

`feature` has the commands, buttons, forms and the scheduled decisions; `rules` the
outcome rule and what an amendment does; `wording` what it says; `store` its records
and store port; `config` `[agreement]`. Its tables are in storage/agreement/.

`package` declares it to the registry (`PACKAGE`); this file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
