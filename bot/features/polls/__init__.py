"""Polls: `/poll`, anonymous by default, results posted when the poll closes.

`package` declares it to the registry (`PACKAGE`) and holds what other features may
use: `parse_closes` and `CLOSE_EXAMPLE` (the agreement's votes close the same way);
they may also use the store's records (`store`). This file stays light, so that
importing the store port (as storage does) loads nothing else.
"""
