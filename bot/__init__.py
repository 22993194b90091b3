"""coprod-bot's platform-neutral core: commands, messages, features, delivery."""

__version__ = "0.1.0"
