"""Buddies: opt-in peer support, pairing the members who joined every few weeks and
introducing each pair or trio privately.

`package` declares it to the registry (`PACKAGE`); this file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
