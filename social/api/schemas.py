"""The JSON shapes at the service's edge (the contract in social/README.md; /openapi.json).

Text that reaches the database goes through `Text`: surrounding whitespace stripped, and
no NUL characters or lone surrogates, which PostgreSQL and SQLite refuse in different ways
(a refusal inside the database would otherwise be a 500 instead of a 422).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..handles import HANDLE_PATTERN
from ..terms import (
    AI_LABEL,
    Decision,
    Emotion,
    HoldTarget,
    MediaType,
    Origin,
    PostKind,
    PostSource,
    ReactionKind,
    Status,
    media_problem,
)

MAX_ID = 2**62  # fits BIGINT and SQLite's INTEGER with room to spare


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


# Stripped before the length limits apply, so "   " is as empty as "".
Text = Annotated[str, BeforeValidator(_strip), AfterValidator(_storable)]
Cid = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9]+$")]
Address = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
AiLabel = Annotated[
    Text, Field(min_length=1, max_length=64, description="The AI-disclosure label shown with the post.")
]


class Problem(BaseModel):
    """Every error: what is wrong and what to do."""

    detail: str


# ---------------------------------------------------------------- sign-in


class NonceOut(BaseModel):
    nonce: str
    expires_at: int = Field(description="Unix seconds after which the nonce is refused.")


class VerifyIn(BaseModel):
    message: Annotated[str, Field(min_length=1, max_length=4_000, description="The ERC-4361 message as signed.")]
    signature: Annotated[str, Field(min_length=1, max_length=1_000, description="The EIP-191 signature, 0x-hex.")]


class Me(BaseModel):
    address: str | None = Field(description="The signed-in fan's checksummed address, or null.")


# ---------------------------------------------------------------- personas, posts, comments


class RatingSummary(BaseModel):
    mean: float | None = Field(description="Mean stars of every rating given (null: none yet).")
    count: int


class PersonaOut(BaseModel):
    id: int
    handle: str
    name: str
    emotion: Emotion | None
    followers: int
    posts: int
    rating: RatingSummary
    following: bool = Field(description="The signed-in fan follows this persona.")
    active: bool = Field(description="False once the registry retires the persona.")
    post_interval_s: int = Field(description="How often the persona runtime posts for this persona.")


class PostOut(BaseModel):
    id: int
    persona_id: int
    body: str
    image_cid: str | None = Field(description="The picture; for a video post, its poster.")
    media_cid: str | None = Field(description="The post's audio or video file (null: none).")
    media_type: str | None = Field(description="`video/mp4` or `audio/mp4` when there is a media file.")
    subtitles_cid: str | None = Field(description="WebVTT subtitles of the media file (null: none).")
    manifest_cid: str | None
    ai_label: str
    kind: PostKind
    in_reply_to: int | None = Field(description="For a reply: the comment it answers.")
    status: Status
    created_at: int
    likes: int
    shares: int
    comments: int = Field(description="Visible comments.")
    liked: bool = Field(description="The signed-in fan likes this post.")


class CommentOut(BaseModel):
    id: int
    post_id: int
    author: str = Field(description="Checksummed address, or an ActivityPub actor URI.")
    origin: Origin
    body: str
    status: Status = Field(description="A new comment may be `held` for a moderator.")
    created_at: int
    holder: bool = Field(description="The author holds shares of the persona (read from its share token).")
    reply: PostOut | None = Field(description="The persona's visible reply, if any.")


class PostDetail(BaseModel):
    id: int
    persona_id: int
    body: str
    image_cid: str | None = Field(description="The picture; for a video post, its poster.")
    media_cid: str | None = Field(description="The post's audio or video file (null: none).")
    media_type: str | None = Field(description="`video/mp4` or `audio/mp4` when there is a media file.")
    subtitles_cid: str | None = Field(description="WebVTT subtitles of the media file (null: none).")
    manifest_cid: str | None
    ai_label: str
    kind: PostKind
    in_reply_to: int | None
    status: Status
    created_at: int
    likes: int
    shares: int
    liked: bool
    comments: list[CommentOut] = Field(description="Visible comments, oldest first (the first 500).")


class FeedPage(BaseModel):
    posts: list[PostOut]
    next: int | None = Field(description="Pass as `before` for the next page; null on the last one.")


class CommentIn(BaseModel):
    body: Annotated[Text, Field(min_length=1, max_length=10_000)]


class RatingIn(BaseModel):
    stars: Annotated[int, Field(ge=1, le=5)]


class HistoryDay(BaseModel):
    day: str = Field(description="UTC date, YYYY-MM-DD.")
    start: int = Field(description="Unix seconds at the day's start.")
    views: int
    likes: int
    shares: int
    comments: int
    follows: int
    ratings: int


class HistoryOut(BaseModel):
    persona_id: int
    days: list[HistoryDay]


# ---------------------------------------------------------------- persona runtime


class RuntimePostIn(BaseModel):
    persona_id: Id
    body: Annotated[Text, Field(min_length=1, max_length=5_000)]
    image_cid: Cid | None = Field(default=None, description="The picture; for a video post, its poster.")
    media_cid: Cid | None = Field(default=None, description="An audio or video file; needs media_type.")
    media_type: MediaType | None = Field(default=None, description="What media_cid is; needs media_cid.")
    subtitles_cid: Cid | None = Field(default=None, description="WebVTT subtitles of media_cid.")
    manifest_cid: Cid
    idempotency_key: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]
    source: PostSource = "runtime"
    ai_label: AiLabel = AI_LABEL

    @model_validator(mode="after")
    def _media_goes_together(self) -> RuntimePostIn:
        problem = media_problem(self.media_cid, self.media_type, self.subtitles_cid)
        if problem is not None:
            field, why = problem
            # Raised with the field's location, so the 422's detail starts with the field like any other.
            raise ValidationError.from_exception_data(
                "RuntimePostIn",
                [InitErrorDetails(type=PydanticCustomError("media", why), loc=(field,), input=getattr(self, field))],
            )
        return self


class ClaimIn(BaseModel):
    limit: Annotated[int, Field(ge=1, le=100)] = 10
    lease_s: Annotated[int, Field(ge=5, le=3_600)] = 120


class Claimed(BaseModel):
    comment: CommentOut
    post: PostOut
    persona_id: int


class ReplyIn(BaseModel):
    """Either an answer (`body`, `manifest_cid`) or `skip` with the reason."""

    body: Annotated[Text, Field(min_length=1, max_length=5_000)] | None = None
    manifest_cid: Cid | None = None
    ai_label: AiLabel = AI_LABEL
    skip: Annotated[Text, Field(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ReplyIn:
        if (self.body is None) == (self.skip is None):
            raise ValueError("send either body (the reply) or skip (the reason not to reply)")
        return self


class Skipped(BaseModel):
    comment_id: int
    skip: str


class EmotionIn(BaseModel):
    emotion: Emotion


class ReactionOut(BaseModel):
    id: int
    persona_id: int
    post_id: int | None
    kind: ReactionKind
    actor: str
    origin: Origin
    value: int | None = Field(description="Stars of a rating; sentiment_bps of a comment.")
    created_at: int


class ReactionsPage(BaseModel):
    reactions: list[ReactionOut]
    next: int = Field(description="Pass as `since` next time (the last id returned, or `since` itself).")


# ---------------------------------------------------------------- moderation and operators


class HoldOut(BaseModel):
    id: int
    target: HoldTarget
    target_id: int
    reason: str
    created_at: int
    decided_at: int | None
    decision: Decision | None
    body: str = Field(description="The held text.")
    post_id: int | None
    author: str | None


class DecisionIn(BaseModel):
    decision: Decision


class PersonaIn(BaseModel):
    """A persona added by an operator (no chain, or before the sync sees it)."""

    name: Annotated[Text, Field(min_length=1, max_length=64)]
    id: Id | None = None
    handle: Annotated[str, Field(pattern=HANDLE_PATTERN)] | None = None
    spec_cid: Annotated[str, Field(max_length=100, pattern=r"^[A-Za-z0-9]*$")] = ""
    share_token: Address | None = None


class SyncOut(BaseModel):
    personas: int = Field(description="Personas read from the registry.")
    new: int


# ---------------------------------------------------------------- engagement


class EngagementCounts(BaseModel):
    views: int
    likes: int
    shares: int
    comments: int
    follows: int
    ratings: int
    rating_mean_milli: int = Field(description="Mean stars x 1000 (0: no rating).")
    sentiment_bps: int = Field(description="Mean VADER score of the last 7 days' visible comments, -10000..10000.")


class PersonaEngagement(EngagementCounts):
    federated: EngagementCounts


class EngagementOut(BaseModel):
    at: int
    personas: dict[str, PersonaEngagement]


class Health(BaseModel):
    ok: bool
    database: str
    chain_id: int | None
    personas: int | None
