"""An anonymous ballot: shared by polls and by the agreement's votes on a change, which
store the same thing for a member who votes without being named."""

from __future__ import annotations

from bot.anonymity import Sealer
from bot.anonymity import voter_tag
from bot.ballots import Ballot


def anonymous_ballot(box_id: str, voter_secret: str, group_id: str, user_id: str,
                     choices: tuple[int, ...], sealer: Sealer) -> Ballot:
    """The ballot of `user_id` in the vote `box_id`: their tag instead of their id (the
    vote's secret HMAC, dropped at close) and their choices sealed under the in-memory
    key, so neither the id nor the choices are stored readable."""
    return Ballot(box_id, voter_tag(voter_secret, group_id, user_id), choices,
                  sealed=sealer.seal(choices), unseal=sealer.unseal)
