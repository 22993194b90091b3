"""`/language`: each member sees, and chooses, the language the bot writes to them in.

`package` declares it to the registry (`PACKAGE`); this file stays light, as every
feature package's does.
"""
