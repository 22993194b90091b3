"""Retention: the daily sweep that deletes what is older than `[retention]` allows.

`package` declares it to the registry (`PACKAGE`); this file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
