"""What a voter is told once the store has their vote: shared by polls and by the
agreement's votes on a change, which answer the same results in their own words."""

from __future__ import annotations

from bot.ballots import VoteResult
from bot.errors import UserError
from bot.features.polls.wording import POLL_VOTE_LOCKED
from bot.messages import Reply


def vote_reply(result: VoteResult, *, counted: str, changed: str, same: str, closed: str,
               gone: str) -> Reply:
    """The private answer to a vote the store `result`ed (closed or gone: refused)."""
    if result is VoteResult.COUNTED:
        return Reply.text(counted)
    if result is VoteResult.CHANGED:
        return Reply.text(changed)
    if result is VoteResult.SAME:
        return Reply.text(same)
    if result is VoteResult.LOCKED:
        return Reply.text(POLL_VOTE_LOCKED)
    if result is VoteResult.CLOSED:
        raise UserError(closed)
    raise UserError(gone)
