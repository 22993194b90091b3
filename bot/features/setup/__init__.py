"""`/setup`: a group's settings, seen and changed in chat by facilitators (and the
safeguarding settings by leads).

`package` declares it to the registry (`PACKAGE`); this file stays light, as every
feature package's does.
"""
