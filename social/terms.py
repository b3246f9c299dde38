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

# What a post's audio or video file is (`posts.media_type`): MP4 carries both, and every
# browser and fediverse server plays it. A video post's image is its poster.
MediaType = Literal["video/mp4", "audio/mp4"]
MEDIA_TYPES: tuple[str, ...] = get_args(MediaType)

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


def media_problem(media_cid: str | None, media_type: str | None, subtitles_cid: str | None) -> tuple[str, str] | None:
    """(the field to blame, what is wrong) when a post's media fields do not go together, else None.

    The file and its type come as a pair (a player needs both), and subtitles belong to a file.
    """
    if media_cid is not None and media_type is None:
        return "media_type", f"required with media_cid: one of {', '.join(MEDIA_TYPES)}"
    if media_type is not None and media_cid is None:
        return "media_cid", "required with media_type: the CID of the audio or video file"
    if media_type is not None and media_type not in MEDIA_TYPES:
        return "media_type", f"must be one of {', '.join(MEDIA_TYPES)}"
    if subtitles_cid is not None and media_cid is None:
        return "subtitles_cid", "needs media_cid and media_type: subtitles belong to an audio or video file"
    return None
