"""Languages: which one is in force, and saying things in it.

How the language flows (docs/decisions/translation.md):
- `speaking(code)` sets the language in force for what runs inside it (a context
  variable, so each handled event and each asyncio task has its own). The app sets the
  member's language around every event it handles; a feature that writes a message for
  someone else wraps the writing in `speaking(...)`: the recipient's language for a
  direct message, the group's for a channel post.
- Each feature's `wording.py` makes its sentences with its own catalog domain
  (`Domain("polls", __file__)`): `_()` and `ngettext()` translate at once, in the
  language in force; `N_()` marks a sentence that is declared before anyone is known
  (a command's description, a form's label) and returns a `Text`: a `str` that reads as
  its English source everywhere until `tr()` gives it in the language in force.
- Dates, numbers and lists are written by Babel in the language in force
  (`format_moment`, `format_percent`, `and_list`, `or_list`, `plain_list`).

The pseudo-language (`PSEUDO`) is English with every letter accented and about 40%
added, made from the English itself: a test runs the console and every command's help in
it and fails on any word of English that did not pass through a catalog.
"""

from __future__ import annotations

import functools
import gettext
import math
import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar
from typing import cast

from babel import Locale
from babel import UnknownLocaleError
from babel.dates import format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent
from babel.support import Translations

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

SOURCE = "en"
"""The language the sentences are written in (the catalogs' msgids)."""

PSEUDO = "qps"
"""The pseudo-language's code (Microsoft's `qps-ploc` family): never offered to members
unless `allow_pseudo()` was called (tests, and a translator's trial run)."""

_CORE_LOCALES = Path(__file__).with_name("locales")

_language: ContextVar[str] = ContextVar("coprod_language", default=SOURCE)
_pseudo_allowed = False


def language() -> str:
    """The language in force (a code such as "en" or "cy")."""
    return _language.get()


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Say everything inside in this language (an unknown code means English)."""
    token = _language.set(code if code in languages() else SOURCE)
    try:
        yield
    finally:
        _language.reset(token)


@functools.cache
def _translated() -> tuple[str, ...]:
    found = sorted(p.name for p in _CORE_LOCALES.iterdir()
                   if (p / "LC_MESSAGES").is_dir()) if _CORE_LOCALES.is_dir() else []
    return tuple(found)


def translations() -> tuple[str, ...]:
    """The languages with a translation (the core catalog's languages), English not
    among them: English is the source."""
    return _translated()


def languages() -> tuple[str, ...]:
    """Every language a member may choose: English, then each translation."""
    return (SOURCE, *translations(), *((PSEUDO,) if _pseudo_allowed else ()))


def allow_pseudo(allowed: bool = True) -> None:
    """Offer the pseudo-language (tests and translators' trial runs only)."""
    global _pseudo_allowed
    _pseudo_allowed = allowed


def language_name(code: str) -> str:
    """A language's name in itself ("Cymraeg"), as a member would look for it."""
    if code == PSEUDO:
        return "Pseudo"
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def read_language(text: str) -> str | None:
    """A language a member typed, by code ("cy") or by its name in any language we have
    ("Cymraeg", "Welsh", "Saesneg"), if it is one they may choose."""
    wanted = " ".join(text.split()).casefold().replace("_", "-")
    spoken = [code for code in languages() if code != PSEUDO]
    for code in languages():
        names = {code, language_name(code).casefold()}
        if code != PSEUDO:
            names.update((Locale.parse(code).get_display_name(other) or "").casefold()
                         for other in spoken)
        if wanted in names or wanted.split("-")[0] == code:
            return code
    return None


def from_platform(locale: str) -> str | None:
    """The language a platform locale ("en-GB", "fr", "pt-BR") names, when it is a
    translation we have: English is every platform's default (and Welsh is offered by
    neither Discord nor Slack), so an English locale says nothing about the member."""
    code = locale.strip().replace("_", "-").split("-")[0].lower()
    return code if code in translations() else None


def babel_locale(code: str | None = None) -> Locale:
    """Babel's locale for a language (the pseudo-language formats as English)."""
    code = code or language()
    return _parsed_locale(SOURCE if code == PSEUDO else code)


@functools.lru_cache(maxsize=64)
def _parsed_locale(code: str) -> Locale:
    """`Locale.parse`, once per language: it is asked for every number and date written,
    hundreds of times in a burst of replies."""
    return Locale.parse(code)


Sentence = TypeVar("Sentence", bound=Callable[..., str])


def remembered(function: Sentence) -> Sentence:
    """A wording function whose sentence depends only on its arguments and the language
    in force, remembered per language and arguments: a reply said to every member of a
    burst (hundreds at once) is then made once. Arguments that cannot be remembered (a
    list) make it afresh."""
    @functools.lru_cache(maxsize=256)
    def said(code: str, args: tuple[Any, ...], named: tuple[tuple[str, Any], ...]) -> str:
        return function(*args, **dict(named))

    @functools.wraps(function)
    def wrapper(*args: Any, **named: Any) -> str:
        try:
            return said(language(), args, tuple(sorted(named.items())))
        except TypeError:  # an argument that cannot be a key
            return function(*args, **named)

    return cast(Sentence, wrapper)


# ---- catalogs -------------------------------------------------------------------------------


class Text(str):
    """A sentence declared before its reader is known (`Domain.mark`): its value is the
    English source, so it reads as English wherever it is used as a `str`; `tr()` gives
    it in the language in force."""

    domain: Domain

    def __new__(cls, source: str, domain: Domain) -> Text:
        made = super().__new__(cls, source)
        made.domain = domain
        return made

    def translated(self) -> str:
        """This sentence in the language in force."""
        return self.domain.gettext(str.__str__(self))


class Said(Text):
    """A declared sentence made from values known only when a feature is built (a
    command's description naming configured numbers or the features' names): English
    where it is used as a `str`, and made again in the language in force by `tr()`."""

    make: Callable[[], str]

    def __new__(cls, make: Callable[[], str], domain: Domain) -> Said:
        with speaking(SOURCE):
            english = make()
        made = str.__new__(cls, english)
        made.domain = domain
        made.make = make
        return made

    def translated(self) -> str:
        """The sentence made again in the language in force."""
        return self.make()


def tr(text: str) -> str:
    """A declared sentence (`Text`) in the language in force; any other text as it is."""
    return text.translated() if isinstance(text, Text) else text


class Domain:
    """One catalog domain: a feature's sentences (or the core's), with its `.po` files
    under `locales/` beside the module that makes it."""

    def __init__(self, name: str, module_file: str) -> None:
        self.name = name
        self.directory = Path(module_file).parent / "locales"

    @functools.cache  # noqa: B019 - one per domain and language, for the process's life
    def catalog(self, code: str) -> gettext.NullTranslations:
        """The compiled catalog for a language (none: the English source)."""
        if code in (SOURCE, PSEUDO):
            return gettext.NullTranslations()
        return Translations.load(str(self.directory), [code], self.name)

    def gettext(self, message: str) -> str:
        """A sentence in the language in force."""
        code = language()
        if code == PSEUDO:
            return pseudo(message)
        return self.catalog(code).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """A sentence with a number, in the form the language in force uses for `n`
        (Welsh has six: 0, 1, 2, 3, 6 and the rest)."""
        code = language()
        if code == PSEUDO:
            return pseudo(singular if n == 1 else plural)
        return self.catalog(code).ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """A sentence that needs a note to translate (`context`), such as a Babel date
        pattern, whose letters are codes and whose quoted words are words."""
        code = language()
        if code == PSEUDO:
            return _pseudo_pattern(message) if context == DATE_PATTERN else pseudo(message)
        return self.catalog(code).pgettext(context, message)

    def mark(self, message: str) -> Text:
        """A sentence declared now, translated where it is shown (`tr`)."""
        return Text(message, self)

    def functions(self) -> tuple[Callable[[str], str], Callable[[str, str, int], str],
                                 Callable[[str], Text]]:
        """`_`, `ngettext` and `N_` for a wording module (names `make messages` finds)."""
        return self.gettext, self.ngettext, self.mark


DATE_PATTERN = "Babel date pattern"
"""The context of a translatable Babel date pattern (`Domain.pgettext`)."""


# ---- dates, numbers, lists ------------------------------------------------------------------


def format_moment(moment: datetime, zone: ZoneInfo, pattern: str) -> str:
    """A moment in a time zone, written with a Babel pattern (already translated) in the
    language in force: "Sat 05 Dec 2026 at 17:00", "Sad 05 Rhag 2026 am 17:00"."""
    return format_datetime(moment.astimezone(zone), pattern, tzinfo=zone,
                           locale=babel_locale())


def format_number(value: int) -> str:
    """A whole number as the language in force writes its digits (no thousands
    separator: counts read as they always did, "1200 people voted")."""
    return _format_number(value, language())


@functools.lru_cache(maxsize=4096)
def _format_number(value: int, code: str) -> str:
    """`format_number` for one language, remembered: counts repeat (every reply to a
    reminder's buttons writes the same few)."""
    return format_decimal(value, locale=babel_locale(code), group_separator=False)


def format_percent(whole: int) -> str:
    """A whole percentage ("50%") as the language in force writes it."""
    return babel_percent(Decimal(whole) / 100, locale=babel_locale())


def _list_locale() -> Locale:
    # English lists as the sentences were written: "a, b and c", no comma before "and".
    code = language()
    return _parsed_locale("en_GB") if code in (SOURCE, PSEUDO) else babel_locale(code)


def plain_list(items: Sequence[str]) -> str:
    """Items separated by the language's comma, with no "and": "Monday, Tuesday"."""
    if not items:
        return ""
    try:
        return format_list(list(items), "unit", locale=_list_locale())
    except KeyError:  # a language without a unit list pattern (Welsh)
        return ", ".join(items)


def and_list(items: Sequence[str]) -> str:
    """"a, b and c" as the language in force writes it."""
    if language() == PSEUDO:
        return _pseudo_list(items, "and")
    return _welsh_and(format_list(list(items), "standard", locale=_list_locale())) \
        if items else ""


def or_list(items: Sequence[str]) -> str:
    """"a, b or c" as the language in force writes it."""
    if language() == PSEUDO:
        return _pseudo_list(items, "or")
    return format_list(list(items), "or", locale=_list_locale()) if items else ""


def _pseudo_list(items: Sequence[str], word: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word.translate(_ACCENTED)} " + items[-1]


def _welsh_and(text: str) -> str:
    """CLDR writes Welsh "and" as ", a(c)": it is "ac" before a vowel, "a" otherwise,
    with no comma before it. A number counts as the word it is read as: "ac 1 awr"
    (un), "ac 8 diwrnod" (wyth), "a 10 munud" (deg)."""
    return re.sub(r",? a\(c\) (\S+)",
                  lambda m: (" ac " if welsh_starts_with_vowel(m.group(1)) else " a ")
                  + m.group(1), text)


def welsh_starts_with_vowel(word: str) -> bool:
    """Whether a Welsh word, or a number as it is said in Welsh, starts with a vowel:
    un (1), wyth (8), un deg ... (11 to 19), wyth deg (80s), wyth cant (800s); not deg
    (10), cant (100s) or mil (1000s)."""
    digits = re.match(r"\d[\d,. ]*", word)
    if digits is None:
        return word[:1].lower() in "aeiouwyâêîôûŵŷ"
    number = re.sub(r"\D", "", digits.group()).lstrip("0") or "0"
    lead = number[:len(number) % 3 or 3]  # the group said first: 18 of 18000
    thousands = len(number) > 3
    return lead[0] == "8" or (lead == "1" and not thousands) or (
        len(lead) == 2 and lead[0] == "1" and lead != "10")


# ---- the pseudo-language --------------------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥíĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
# Kept as they are: {placeholders}, /commands, :console-controls, option=, links,
# platform markup.
_KEEP = re.compile(r"\{[^{}]*\}|/[a-z][a-z0-9_-]*|(?<![\w:]):[a-z]+|\b[a-z_]+=|https?://\S+"
                   r"|<[^<>]*>")


def pseudo(message: str) -> str:
    """A sentence in the pseudo-language: every letter accented (placeholders, commands
    and option names kept), about 40% longer, between ⟦ and ⟧."""
    out, last = [], 0
    for found in _KEEP.finditer(message):
        out.append(message[last:found.start()].translate(_ACCENTED))
        out.append(found.group())
        last = found.end()
    out.append(message[last:].translate(_ACCENTED))
    body = "".join(out)
    grow = max(0, math.ceil(len(message) * 0.4) - 2)
    return f"⟦{body}{'~' * grow}⟧"


def _pseudo_pattern(pattern: str) -> str:
    """A Babel date pattern in the pseudo-language: only its quoted words change."""
    return re.sub(r"'([^']+)'", lambda m: "'" + m.group(1).translate(_ACCENTED) + "'",
                  pattern)
