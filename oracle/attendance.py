"""Live-event attendance as an engagement input (docs/live.md, "Badges and reputation").

A fan who held a ticket and stayed a persona's live event for its minimum time mints a
soulbound attendance badge (PersonaEvents.claim_badge, with the live server's voucher). The
operators read each active persona's badge count from the chain in their snapshot and add
it to the observation's `comments`, the report field for a fan's active participation:

    comments = the social service's comments + BADGE_COMMENTS * PersonaEvents.persona_badges(p)

Both terms are public (the service's /api/engagement and the chain), so anyone can check a
report's field against them. The count is lifetime and only grows, like the other counts
(the oracle folds increases); it is bounded by what a badge costs: a ticket bought in FMC, a
signed-in session in the room for the event's minimum attendance, one badge per address and
event, and engagement points grow with the logarithm of a count (engagement_math.vy).
Operators read the chain at slightly different moments; the signers' absolute count slack
(aggregate.Tolerance.slack) covers the few badges minted in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .report import Engagement

#: comments one attendance badge counts as
BADGE_COMMENTS = 1


def with_attendance(seen: Mapping[int, Engagement], badges: Mapping[int, int]) -> dict[int, Engagement]:
    """The platform's observations with each persona's attendance badges folded into its
    comments (saturated to the field). A persona the platform did not observe stays out: an
    observation needs the platform's view of it, badges alone are not one."""
    return {
        pid: replace(e, comments=e.comments + BADGE_COMMENTS * max(0, badges.get(pid, 0))).clamped()
        for pid, e in seen.items()
    }
