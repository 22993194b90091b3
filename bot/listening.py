"""The ports `coprod run` listens on, checked before anything is written.

The health server (`[health]`) and Slack's HTTP mode (`[slack] http_port`) each listen
on a port. One already taken (another coprod still running, another program) must stop
the start with one line naming the port, the setting to change and the fix, before the
key file or the database is touched: `check_ports` tries to bind each one (as the
servers will, with SO_REUSEADDR) and lets it go again.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

from bot.config import Config


@dataclass(frozen=True, slots=True)
class Listener:
    """One address the bot will listen on: what it is for, and the setting that sets it."""

    host: str
    port: int
    purpose: str  # "health" or "slack"
    setting: str  # the port's
    host_setting: str


class PortUnavailable(Exception):
    """A port the bot must listen on cannot be had. `reason` is `in_use`, `no_address`
    (the host is not an address of this machine), `no_host` (the name cannot be looked
    up) or `denied` (a port below 1024 needs privileges)."""

    def __init__(self, listener: Listener, reason: str) -> None:
        super().__init__(f"{listener.host}:{listener.port} {reason}")
        self.listener = listener
        self.reason = reason


def health_wanted(config: Config, platform: str) -> bool:
    """Whether the health server runs: `[health] enabled`, where "auto" is on for the
    platforms a service runs (Discord, Slack) and off for the console and the recording
    platform."""
    enabled = config.health.enabled
    if enabled == "auto":
        return platform in ("discord", "slack")
    return bool(enabled)


def health_listener(host: str, port: int) -> Listener:
    """The health server's address, with the settings that set it."""
    return Listener(host, port, "health", "[health] port (or COPROD_HEALTH_PORT)",
                    "[health] host (or COPROD_HEALTH_HOST)")


def listeners(config: Config, platform: str) -> list[Listener]:
    """Every address `coprod run` on this platform will listen on."""
    found = []
    if health_wanted(config, platform):
        found.append(health_listener(config.health.host, config.health.port))
    if platform == "slack" and config.slack.mode == "http":
        found.append(Listener(config.slack.http_host, config.slack.http_port, "slack",
                              "[slack] http_port (or coprod run --http HOST:PORT)",
                              "[slack] http_host (or coprod run --http HOST:PORT)"))
    return found


def check_listener(listener: Listener) -> None:
    """Bind the address and let it go; raise `PortUnavailable` if it cannot be had."""
    host = None if listener.host in ("", "0.0.0.0", "::") else listener.host
    try:
        addresses = socket.getaddrinfo(host, listener.port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise PortUnavailable(listener, "no_host") from None
    for family, kind, proto, _, address in addresses:
        probe = socket.socket(family, kind, proto)
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.bind(address)
        except OSError as exc:
            raise PortUnavailable(listener, reason_of(exc)) from None
        finally:
            probe.close()


def reason_of(exc: OSError) -> str:
    """Why an address could not be bound, as a `PortUnavailable` reason."""
    if exc.errno == errno.EADDRINUSE:
        return "in_use"
    if exc.errno == errno.EADDRNOTAVAIL:
        return "no_address"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "denied"
    return "in_use" if exc.errno is None else errno.errorcode.get(exc.errno, "other")


def check_ports(config: Config, platform: str) -> None:
    """Every port `coprod run` will listen on can be had (raises `PortUnavailable`)."""
    for listener in listeners(config, platform):
        check_listener(listener)


_WHAT = {"health": "the health server (for monitoring)",
         "slack": "Slack's HTTP mode"}


def port_problem(exc: PortUnavailable) -> str:
    """The one line for a port that cannot be had: the problem, the setting, the fix."""
    where, what = exc.listener, _WHAT.get(exc.listener.purpose, "the bot")
    at = f"port {where.port} on {where.host or 'every address'}"
    if exc.reason == "in_use":
        problem = (f"Cannot start: {at} is already in use (another coprod still running, "
                   f"or another program), and {what} needs it. Stop what is using it, or "
                   f"choose a free port in {where.setting}.")
    elif exc.reason == "denied":
        problem = (f"Cannot start: this user may not listen on {at} (ports below 1024 "
                   f"need extra rights), and {what} needs it. Choose a port from 1024 up "
                   f"in {where.setting}.")
    elif exc.reason in ("no_address", "no_host"):
        problem = (f"Cannot start: {what} cannot listen on {where.host}, which is not an "
                   f"address of this machine. Use \"127.0.0.1\" (this machine only) or "
                   f"\"0.0.0.0\" (every network) in {where.host_setting}.")
    else:
        problem = (f"Cannot start: {what} cannot listen on {at} ({exc.reason}). Choose "
                   f"another port in {where.setting}.")
    return problem + " Nothing was changed."
