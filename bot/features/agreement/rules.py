"""The agreement's rules, apart from chat: how an amendment is decided, what it does to
the points, and what a point's wording may be."""

from __future__ import annotations

from dataclasses import dataclass

from bot import catalog
from bot.errors import UserError
from bot.features.agreement import wording
from bot.features.agreement.config import AgreementConfig
from bot.features.agreement.store import Amendment
from bot.features.agreement.store import AmendmentKind
from bot.features.agreement.wording import N_
from bot.features.agreement.wording import _
from bot.i18n import format_number
from bot.text import has_visible_text

POINT_LIMIT = 300
REASON_LIMIT = 500
MAX_POINTS = 30


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whether an amendment passed, and why in plain words."""

    passed: bool
    why: str


def outcome(yes: int, no: int, config: AgreementConfig) -> Outcome:
    """The configured rule: enough votes cast (`min_turnout`), then a simple majority of
    votes cast (a tie fails) or two thirds yes."""
    cast = yes + no
    if cast < config.min_turnout:
        return Outcome(False, wording.amendment_too_few_votes(cast, config.min_turnout))
    if config.outcome_rule == "two_thirds":
        if 3 * yes >= 2 * cast:
            return Outcome(True, N_("At least two thirds voted yes."))
        return Outcome(False, N_("Fewer than two thirds voted yes."))
    if yes > no:
        return Outcome(True, N_("More people voted yes than no."))
    if yes == no:
        return Outcome(False, N_("The votes were tied, and a tie keeps the agreement as it is."))
    return Outcome(False, N_("More people voted no than yes."))


def check_point(text: str, label: str) -> str:
    """A point's wording, checked: not empty, not too long. Raises `UserError`."""
    cleaned = " ".join(text.replace("\\n", " ").split())
    if not has_visible_text(cleaned):
        raise UserError(wording.agreement_point_empty(label))
    if len(cleaned) > POINT_LIMIT:
        raise UserError(catalog.field_too_long(label, POINT_LIMIT, len(cleaned)))
    return cleaned


def apply_amendment(points: tuple[str, ...], amendment: Amendment) -> tuple[str, ...]:
    """The points after the amendment (which was checked against them when proposed)."""
    listed = list(points)
    if amendment.kind is AmendmentKind.ADD:
        listed.append(amendment.text)
    elif amendment.kind is AmendmentKind.CHANGE:
        listed[amendment.point - 1] = amendment.text
    else:
        del listed[amendment.point - 1]
    return tuple(listed)


def describe_change(amendment: Amendment, points: tuple[str, ...]) -> str:
    """What the amendment does, in words (stored with the version for the history)."""
    if amendment.kind is AmendmentKind.ADD:
        return _("Add point {number}: “{text}”.").format(number=format_number(len(points) + 1),
                                                         text=amendment.text)
    if amendment.kind is AmendmentKind.CHANGE:
        return wording.change_change(amendment.point, points[amendment.point - 1],
                                     amendment.text)
    return wording.change_remove(amendment.point, points[amendment.point - 1])


def point_number(raw: object, count: int) -> int:
    """The point an amendment changes or removes, checked against how many there are.
    Raises `UserError`."""
    if count == 0:
        raise UserError(N_("The agreement has no points yet, so there is nothing to change "
                           "or remove. Propose to add a point instead."))
    try:
        number = int(str(raw or "").strip().lstrip("#"))
    except ValueError:
        raise UserError(wording.amendment_which_point(count)) from None
    if not 1 <= number <= count:
        raise UserError(wording.amendment_which_point(count))
    return number
