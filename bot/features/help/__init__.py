"""`/help`: what the caller may run, one line per command or family of commands.

`package` declares it to the registry (`PACKAGE`); this file stays light, as every
feature package's does.
"""
