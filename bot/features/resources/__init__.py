"""Shared resources: a list of links and short texts the group keeps, with tags.

`feature` has the commands and the checks on links and tags; `wording` what it says;
`store` its record and store port. Its table is in storage/agreement/.

`package` declares it to the registry (`PACKAGE`); this file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
