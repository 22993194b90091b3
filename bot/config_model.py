"""The base of every `config.toml` section model, and pydantic's errors turned into our
problem lines.

Each section is a frozen pydantic model whose fields are checked by our own check
functions (`checked(...)`: run before pydantic's own, they raise `SettingError` with plain
words), so a problem line reads exactly as it did before pydantic: `[section] key: what
is wrong and the fix`. The checks read values as TOML gives them (lists, tables); a
section built in code (tests, benchmarks) gets pydantic's type checks only.
Unknown keys get the list of known keys and a "did you mean" hint. A feature declares
its section in the registry; rules that look across sections are classmethods here
that the feature's model overrides, so `bot/config.py` names no feature.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import ValidationError
from pydantic import ValidationInfo
from pydantic_core import ErrorDetails

from bot.errors import SettingError

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", bound="ConfigSection")


class ConfigSection(BaseModel):
    """One `[section]` of config.toml: frozen, and an unknown key is a problem."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def cross_problems(cls, sections: Mapping[str, BaseModel]) -> list[str]:
        """Problem lines between this section and others (`sections` holds every section,
        each with its good keys only when some were bad). None by default."""
        return []

    @classmethod
    def settle(cls, sections: Mapping[str, BaseModel]) -> tuple[BaseModel, ...]:
        """Sections this one changes once every section is read and fine (for example a
        key that moved from one section to another). None by default."""
        return ()


# The validation context of a section read from config.toml: only then do checks run.
_FROM_FILE = {"source": "config.toml"}


def checked(check: Callable[[Any], Any]) -> BeforeValidator:
    """A field's check for values read from config.toml: it returns the value to keep,
    or raises `SettingError` saying what is wrong and the fix."""
    def run(value: Any, info: ValidationInfo) -> Any:
        return check(value) if info.context is _FROM_FILE else value
    return BeforeValidator(run)


def section_of(sections: Mapping[str, BaseModel], model: type[M]) -> M:
    """The section of this model among `sections`, or its defaults if it is not there."""
    for value in sections.values():
        if isinstance(value, model):
            return value
    return model()


def replace_sections(sections: Mapping[str, BaseModel], *models: BaseModel,
                     ) -> dict[str, BaseModel]:
    """`sections` with each of `models` in place of the section of its own type."""
    out = dict(sections)
    for model in models:
        name = next((n for n, v in out.items() if type(v) is type(model)), None)
        if name is None:
            raise ValueError(f"{type(model).__name__} is no section here")
        out[name] = model
    return out


def read_section(where: str, body: Mapping[str, Any], model: type[S]) -> tuple[S, list[str]]:
    """The section read from its table, and one problem line per bad key, in the file's
    order. With problems, the section returned holds the good keys only, so rules across
    sections can still be checked on what is known."""
    try:
        return model.model_validate(body, context=_FROM_FILE), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    lines: dict[str, str] = {}
    for error in errors:
        key = str(error["loc"][0]) if error["loc"] else ""
        lines.setdefault(key, _problem(where, key, error, list(model.model_fields)))
    order = {key: n for n, key in enumerate(body)}
    problems = [lines[k] for k in sorted(lines, key=lambda k: order.get(k, len(order)))]
    try:
        good = model.model_validate({k: v for k, v in body.items() if k not in lines},
                                    context=_FROM_FILE)
    except ValidationError:
        good = model()
    return good, problems


def _problem(where: str, key: str, error: ErrorDetails, known: list[str]) -> str:
    if error["type"] == "extra_forbidden":
        return unknown_key(where, key, known)
    cause = (error.get("ctx") or {}).get("error")
    what = str(cause) if error["type"] == "value_error" and cause is not None else (
        _WORDS.get(error["type"]) or error["msg"][:1].lower() + error["msg"][1:])
    return f"[{where}] {key}: {what}" if key else f"[{where}]: {what}"


def unknown_key(where: str, key: str, known: list[str]) -> str:
    """The problem line for a key that the section does not have."""
    return (f"[{where}] {toml_name(key)}: unknown key. Known keys here are "
            + ", ".join(known) + _close_hint(key, known))


# Words for pydantic's own type errors, for a field that has no check of its own.
_WORDS = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": 'must be a text in quotes, like "text"',
    "list_type": "must be a list, like [1, 2]",
    "tuple_type": "must be a list, like [1, 2]",
    "dict_type": "must be a table, like { key = 1 }",
}


def toml_name(name: str, *, quote: bool = False) -> str:
    """A section or key name as it is written in the file: bare if it can be, else in
    quotes (so an empty or odd name is still visible in a problem line), cut short."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", name) and not quote:
        return name
    return '"' + shown(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def shown(text: str, limit: int = 60) -> str:
    """A value from the file, cut short for a problem line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _close_hint(key: str, known: list[str]) -> str:
    match = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def whole_number(low: int, high: int, why: str = "", *, say_value: bool = True,
                 ) -> Callable[[Any], Any]:
    """A check for a whole number from `low` to `high`; out of range, it says the value
    given (`say_value`) and why the range is what it is (`why`, like " (fewer would
    ...)")."""
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(f"must be a whole number from {low} to {high}")
        if not low <= value <= high:
            if not say_value:
                raise SettingError(f"must be a whole number from {low} to {high}")
            raise SettingError(f"must be from {low} to {high}{why}; it is {value}")
        return value
    return check


def true_or_false(value: Any) -> Any:
    """A check for true or false."""
    if not isinstance(value, bool):
        raise SettingError("must be true or false")
    return value


def one_of(*choices: str, allow_unset: bool = False) -> Callable[[Any], Any]:
    """A check for one of these words (any case, spaces around ignored); `allow_unset`:
    "" is fine too and means "not set"."""
    def check(value: Any) -> Any:
        if allow_unset and value == "":
            return ""
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise SettingError("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return value.strip().lower()
    return check


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def day_of_week(value: Any) -> str:
    """A check for a day of the week, like "monday", normalised to lower case (shared by
    every section that says on which day something is posted)."""
    if not isinstance(value, str) or value.strip().lower() not in WEEKDAYS:
        raise SettingError("must be a day of the week, like \"monday\"")
    return value.strip().lower()


def time_of_day(value: Any) -> str:
    """A check for a time of day, "HH:MM" on the 24-hour clock, normalised to two digits
    (shared by every section that says when something is posted)."""
    match = _HHMM.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SettingError('must be a time of day like "10:00" (24-hour clock)')
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def text_list(value: Any, *, items: str, like: str, most: int, longest: int) -> tuple[str, ...]:
    """A list of short texts, blank ones dropped: at most `most`, each at most `longest`
    characters (`items` names them in the problem line, `like` shows an example)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingError(f"must be a list of {items} in quotes, like {like}")
    kept = tuple(v.strip() for v in value if v.strip())
    if len(kept) > most or any(len(v) > longest for v in kept):
        raise SettingError(f"may hold up to {most} {items} of up to {longest} characters each")
    return kept
