"""Discussion prompts: a list facilitators keep, one posted at the configured cadence.

`feature` has the commands and the scheduled posts; `wording` what it says; `store` its
record and store port; `config` `[prompts]`. Its table is in storage/agreement/.

`package` declares it to the registry (`PACKAGE`); this file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
