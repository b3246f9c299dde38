"""The service's vocabulary: the closed sets of words its tables and JSON use.

They live in one module so the ORM models, the migrations, the pydantic edge models and
the queries cannot drift apart. `EMOTIONS` repeats the AI worker's list
(`ai_worker.emotions.EMOTIONS`): this service is on the same floor as the worker and never
imports it, and the persona runtime writes these names through the HTTP API.
"""

from __future__ import annotations

from typing import Literal, get_args

Emotion = Literal["joy", "sadness", "anger", "surprise", "calm", "fear"]
EMOTIONS: tuple[str, ...] = get_args(Emotion)

Origin = Literal["local", "federated"]
ORIGINS: tuple[str, ...] = ("local", "federated")

PostKind = Literal["post", "reply"]
PostSource = Literal["runtime", "content"]

# What a moderator may see: visible (shown), held (waiting for a decision), rejected (kept, never shown).
Status = Literal["visible", "held", "rejected"]
VISIBLE: Literal["visible"] = "visible"
HELD: Literal["held"] = "held"
REJECTED: Literal["rejected"] = "rejected"

ReplyState = Literal["pending", "claimed", "answered", "skipped"]

HoldTarget = Literal["comment", "post"]
Decision = Literal["show", "reject"]

# The interaction log (table `reactions`): what the emotion engine learns from and what the
# engagement totals are summed from. A like and its unlike are two rows, so a total "as of t"
# never changes once t has passed.
ReactionKind = Literal["like", "unlike", "share", "comment", "follow", "unfollow", "rating"]

AI_LABEL = "AI-generated"

DAY_S = 86_400
#: Ratings are one per fan per persona per epoch: `timestamp // RATING_EPOCH_S`.
RATING_EPOCH_S = 7 * DAY_S
#: Engagement sentiment is the mean of the visible comments of this window before `at`.
SENTIMENT_WINDOW_S = 7 * DAY_S


def rating_epoch(timestamp: int) -> int:
    """The 7-day epoch a rating given at `timestamp` counts in."""
    return timestamp // RATING_EPOCH_S


def day_of(timestamp: int) -> int:
    """The UTC day index (days since 1970-01-01) of `timestamp`: impressions count once per day."""
    return timestamp // DAY_S
