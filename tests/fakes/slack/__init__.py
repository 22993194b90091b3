"""The fake Slack: Web API, Socket Mode and response URLs on 127.0.0.1."""
