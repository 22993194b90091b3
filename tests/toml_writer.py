"""A tiny TOML writer for the config tests (the standard library only reads TOML)."""

from __future__ import annotations

import math
from datetime import date
from datetime import datetime
from datetime import time
from typing import Any


def toml_string(text: str) -> str:
    """A TOML basic string."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """Any value as TOML (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(str(k))} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict[str, Any]) -> str:
    """A document: plain values first, then one [table] per table (its own tables
    inline), as people write config files."""
    lines = [f"{toml_string(k)} = {toml_value(v)}" for k, v in data.items()
             if not isinstance(v, dict)]
    for key, body in data.items():
        if isinstance(body, dict):
            lines.append(f"\n[{toml_string(key)}]")
            lines += [f"{toml_string(str(k))} = {toml_value(v)}" for k, v in body.items()]
    return "\n".join(lines) + "\n"
