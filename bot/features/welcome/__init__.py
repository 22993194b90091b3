"""The welcome: a short private message for a newcomer, in the group's own words.

A core feature (always on). It shows what the other features offer, so it is built from
a `CoreHost`. `feature` has the commands and the join handler; `wording` what it says;
`store` its store port. Its table is in storage/agreement/.

`package` declares it to the registry (`PACKAGE`); this file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
