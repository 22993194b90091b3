"""Forms on the console: asked field by field, or answered at once with `:form`.

A form belongs to the member it was opened for and remembers where it was opened, so
switching to someone else and back carries on where you were.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from bot import catalog
from bot.errors import UserError
from bot.i18n import speaking
from bot.i18n import tr
from bot.messages import Form
from bot.messages import FormField
from bot.parsing import Words

FORM_CLOSED = catalog.CONSOLE_FORM_CLOSED


@dataclass
class FormFill:
    """A form being filled in: the answers so far and the fields still to ask."""

    form: Form
    channel: str | None
    values: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    # The lines typed so far for the current paragraph question (ended by an empty line).
    lines: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, form: Form, channel: str | None) -> FormFill:
        """A fresh fill of `form`, asking every field in order."""
        return cls(form, channel, {}, [f.key for f in form.fields])

    @property
    def current(self) -> FormField | None:
        """The field being asked now, or None when every field is answered."""
        if not self.pending:
            return None
        return self.field(self.pending[0])

    def field(self, key: str) -> FormField | None:
        """A field by key."""
        for f in self.form.fields:
            if f.key == key:
                return f
        return None

    @property
    def keys(self) -> list[str]:
        """Every field's key, in order."""
        return [f.key for f in self.form.fields]

    @property
    def writing(self) -> bool:
        """Lines of a paragraph answer have been typed and more may follow."""
        return bool(self.lines)

    def answer(self, raw: str) -> str | None:
        """Answer the current field with a typed line; return a kind problem or None.

        A paragraph question takes line after line until an empty line (so options
        "one per line" can be typed as they are asked for). An empty answer takes the
        field's default, or skips an optional field; a required field left empty is
        asked again (as the platforms' forms do).
        """
        current = self.current
        if current is None:
            return None
        if current.kind == "paragraph":
            if raw.strip():
                self.lines.append(unescape_answer(raw))
                return None
            value, self.lines = "\n".join(self.lines), []
        else:
            value = unescape_answer(raw)
        if not value.strip():
            value = current.default
        if current.required and not value.strip():
            with speaking(self.form.language):
                return catalog.console_answer_needed(current.label)
        self.values[current.key] = value
        self.pending.pop(0)
        return None

    def fill_all(self, given: dict[str, str]) -> None:
        """Answer with `:form` values: given keys win, then earlier answers, then defaults."""
        for f in self.form.fields:
            if f.key in given:
                self.values[f.key] = given[f.key]
            elif f.key not in self.values:
                self.values[f.key] = f.default
        self.pending, self.lines = [], []

    def ask_again(self, errors: dict[str, str]) -> list[str]:
        """After a refused submission, ask only the fields with errors again.

        Returns the lines to show (label: problem). If no error names a field, every
        field is asked again.
        """
        lines = []
        again = []
        for key, problem in errors.items():
            f = self.field(key)
            label = f.label if f else key
            lines.append(problem if f"“{label}”" in problem else f"{label}: {problem}")
            if f is not None:
                again.append(key)
        self.pending = [k for k in self.keys if k in again] or self.keys
        self.lines = []
        return lines


def question(fill: FormFill, *, interactive: bool) -> str:
    """The prompt for the current field (label, required or not, limits, choices), in
    the form's language."""
    f = fill.current
    if f is None:
        return ""
    with speaking(fill.form.language):
        return _question(fill, f, interactive)


def _question(fill: FormFill, f: FormField, interactive: bool) -> str:
    details = [tr(catalog.CONSOLE_REQUIRED if f.required else catalog.CONSOLE_OPTIONAL)]
    if f.kind == "yes_no":
        details.append(catalog.console_yes_or_no())
    elif f.choices:
        details.append(catalog.console_one_of([c.label for c in f.choices]))
    else:
        details.append(catalog.console_length(f.min_length, f.max_length))
    text = catalog.console_question(fill.keys.index(f.key) + 1, len(fill.keys), f.label,
                                    details)
    if f.kind == "paragraph":
        text += f"\n    {tr(catalog.CONSOLE_PARAGRAPH_HINT)}"
    if f.placeholder:
        text += "\n    " + catalog.console_example(f.placeholder)
    if interactive and f.default:
        text += "\n    " + catalog.console_keep_default(f.default)
    return text


def opening(form: Form) -> str:
    """What is printed when a form opens (in its language)."""
    with speaking(form.language):
        return catalog.console_form_opening(form.title, [f.key for f in form.fields])


def unescape_answer(raw: str) -> str:
    r"""A typed answer: `\n` becomes a new line and `\\` a backslash; a leading `\:`
    or `\#` is a plain colon or hash (so an answer can start with one)."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if ch == "\\" and nxt == "n":
            out.append("\n")
            i += 2
        elif ch == "\\" and (nxt == "\\" or (i == 0 and nxt in ":#")):
            out.append(nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_assignments(text: str, keys: list[str]) -> dict[str, str]:
    """Read `key=value key2="quoted value"` for `:form`; raise `UserError` kindly.

    Quotes (double or single) hold spaces; inside them `\"` is a quote. `\n` is a new
    line everywhere. Keys are matched ignoring case.
    """
    values: dict[str, str] = {}
    known = {k.lower(): k for k in keys}
    for word in split_assignments(text):
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise UserError(catalog.console_unreadable_answer(
                word, keys[0] if keys else "title"))
        key = known.get(name.strip().lower())
        if key is None:
            raise UserError(catalog.console_no_such_key(name, keys))
        values[key] = value
    return values


def split_assignments(text: str) -> list[str]:
    """Split on spaces outside quotes; keep backslash escapes for `unescape_answer`."""
    words = Words()
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            words.add(nxt if nxt in "\"'" else ch + nxt)
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
            else:
                words.add(ch)
        elif ch in "\"'":
            quote = ch
            words.add("")
        elif ch.isspace():
            words.end()
        else:
            words.add(ch)
        i += 1
    if quote:
        raise UserError(catalog.unbalanced_quotes())
    words.end()
    return [unescape_answer(word) for word in words.found]
