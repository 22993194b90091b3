"""Contract tests: the coprod app and Slack adapter through slack-bolt, on the fake Slack."""
