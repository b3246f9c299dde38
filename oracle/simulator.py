"""The embedded simulated platform: the default adapter of the local stack and the tests.

Every persona gets a profile drawn from (seed, persona id): audience size and growth,
niche, emotional baseline, posting cadence, engagement rates and how kind its audience
is. Each day it posts a few times; a post has an emotion (mostly the persona's baseline),
a quality and, rarely, goes viral. A post's reach, likes, shares and comments follow from
the audience, the emotion (surprise and anger travel further, anger draws comments rather
than likes, calm content travels least), the quality, log-normal noise and the viral
multiplier, and accrue over the hours after posting (1 - exp(-age / tau)). Views also
trickle in from the back catalogue. Lifetime counts at time t are therefore a closed
form: finished days from a cached prefix sum, the last few days post by post.

Comments are generated as texts whose tone depends on the post's emotion, its quality and
the audience; sentiment is VADER's mean compound score over the comments visible on the
last two days' posts.

Everything is deterministic per (seed, persona, time); an operator reads its counts a
few seconds earlier or later than the others (`lag`) and sees a different 80% sample of
the comments, so honest operators observe nearly, not exactly, the same values. Platform
outages hit everybody in the same 5-minute windows (`outage_rate`).
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .adapters.base import PlatformAdapter, PlatformUnavailable
from .report import Engagement
from .sentiment import compound

DAY = 86_400
ANCHOR_DAY = 20_454  # 2026-01-01 in unix days
RECENT_DAYS = 4  # posts younger than this are accrued exactly; older ones count in full
SENTIMENT_WINDOW = 2 * DAY
OUTAGE_WINDOW = 300
COMMENT_SAMPLE = 0.9

NICHES = ("fashion", "gaming", "music", "fitness", "tech", "comedy", "travel", "food", "art", "beauty")


@dataclass(frozen=True)
class Emotion:
    reach: float
    like: float
    share: float
    comment: float
    tone: float  # how the audience tends to react (-1 hostile .. +1 warm)
    weight: float  # how often a persona picks it when not on its baseline


EMOTIONS: dict[str, Emotion] = {
    "joy": Emotion(reach=1.20, like=1.25, share=1.10, comment=1.00, tone=0.35, weight=3),
    "surprise": Emotion(reach=1.45, like=1.05, share=1.60, comment=1.15, tone=0.15, weight=2),
    "calm": Emotion(reach=0.80, like=1.00, share=0.70, comment=0.70, tone=0.20, weight=2),
    "sadness": Emotion(reach=0.95, like=0.90, share=0.90, comment=1.30, tone=-0.15, weight=1),
    "anger": Emotion(reach=1.35, like=0.60, share=1.50, comment=1.90, tone=-0.45, weight=1),
    "fear": Emotion(reach=1.05, like=0.70, share=1.20, comment=1.20, tone=-0.25, weight=1),
}

POSITIVE = (
    "this is amazing",
    "love this so much",
    "absolutely brilliant {niche} content",
    "you never miss",
    "best post this week",
    "so good, made my day",
    "incredible energy",
    "this is beautiful",
    "great job as always",
    "wow, stunning",
    "i love the vibe here",
    "perfect, just perfect",
    "so inspiring, thank you",
    "easily my favourite {niche} creator",
)
NEGATIVE = (
    "this is boring",
    "worst post yet",
    "honestly pretty bad",
    "not a fan of this at all",
    "so fake, unfollowing",
    "this is cringe and lazy",
    "awful take",
    "disappointing, you used to be great",
    "terrible editing",
    "i hate this trend",
    "what a waste of time",
    "this is painful to watch",
)
NEUTRAL = (
    "where was this filmed?",
    "what song is this",
    "first",
    "anyone else here from the {niche} feed?",
    "posting at this hour?",
    "reminds me of last year",
    "ok",
    "part two when",
    "what camera do you use",
    "saw this on my timeline",
    "which city is this",
)
FLAVOUR = {
    "joy": ("so happy for you!", "pure joy"),
    "surprise": ("wait what?!", "did not expect that"),
    "calm": ("so peaceful", "very relaxing"),
    "sadness": ("this made me cry", "sending hugs, stay strong"),
    "anger": ("this makes me so angry", "unacceptable, seriously"),
    "fear": ("this is terrifying", "scary stuff"),
}
ENDINGS = {"pos": ("", "!", "!!", " :)", " <3", " lol"), "neg": ("", ".", " :(", "..."), "neu": ("", "?", " lol")}


def _rng(*key: object) -> random.Random:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "big"))


@dataclass(frozen=True)
class Profile:
    persona_id: int
    followers: float
    growth: float  # audience growth per day (fraction of the debut audience)
    niche: str
    baseline: str
    posts_per_day: float
    view_rate: float  # views of a typical post per follower
    like_rate: float
    share_rate: float
    comment_rate: float
    kindness: float  # -0.2 (hostile audience) .. 0.4 (warm)
    organic_rate: float  # back-catalogue views per follower per day
    debut_day: int


@dataclass(frozen=True)
class Post:
    posted_at: int
    emotion: str
    quality: float
    viral: float
    views: float
    likes: float
    shares: float
    comments: float
    tau: float  # accrual time constant (seconds)
    key: tuple  # identifies the post for its comments

    def accrued(self, t: float) -> float:
        age = t - self.posted_at
        return 0.0 if age <= 0 else 1.0 - math.exp(-age / self.tau)


# Caches shared by every World of a process (they depend on the seed only).
_PREFIX: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
_PREFIX_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def _profile(seed: int, persona_id: int) -> Profile:
    r = _rng(seed, "profile", persona_id)
    return Profile(
        persona_id=persona_id,
        followers=math.exp(r.uniform(math.log(5_000), math.log(2_000_000))),
        growth=r.uniform(0.0005, 0.004),
        niche=r.choice(NICHES),
        baseline=r.choices(list(EMOTIONS), weights=[e.weight for e in EMOTIONS.values()])[0],
        posts_per_day=r.uniform(0.5, 3.0),
        view_rate=r.uniform(0.15, 0.6),
        like_rate=r.uniform(0.03, 0.09),
        share_rate=r.uniform(0.002, 0.012),
        comment_rate=r.uniform(0.003, 0.015),
        kindness=r.uniform(-0.2, 0.4),
        organic_rate=r.uniform(0.005, 0.03),
        debut_day=ANCHOR_DAY - r.randint(60, 500),
    )


@lru_cache(maxsize=200_000)
def _posts(seed: int, persona_id: int, day: int) -> tuple[Post, ...]:
    p = _profile(seed, persona_id)
    if day < p.debut_day:
        return ()
    r = _rng(seed, "posts", persona_id, day)
    # Poisson count by inversion (small means).
    count, threshold, prod = 0, math.exp(-p.posts_per_day), r.random()
    while prod > threshold and count < 6:
        count += 1
        prod *= r.random()
    audience = p.followers * (1.0 + p.growth * (day - p.debut_day))
    out = []
    for i in range(count):
        # Mostly daytime and evening (UTC), occasionally at night.
        hour = r.gauss(17, 4) % 24 if r.random() < 0.85 else r.uniform(0, 24)
        emotion = (
            p.baseline
            if r.random() < 0.55
            else r.choices(list(EMOTIONS), weights=[e.weight for e in EMOTIONS.values()])[0]
        )
        e = EMOTIONS[emotion]
        quality = r.betavariate(2, 2)
        viral = math.exp(r.uniform(math.log(3), math.log(60))) if r.random() < 0.01 + 0.03 * quality**2 else 1.0
        views = audience * p.view_rate * e.reach * (0.4 + 1.2 * quality) * viral * r.lognormvariate(0, 0.35)
        out.append(
            Post(
                posted_at=day * DAY + int(hour * 3600),
                emotion=emotion,
                quality=quality,
                viral=viral,
                views=views,
                likes=views * p.like_rate * e.like * (0.5 + quality) * r.lognormvariate(0, 0.2),
                shares=views * p.share_rate * e.share * (0.3 + quality) * r.lognormvariate(0, 0.3),
                comments=views * p.comment_rate * e.comment * r.lognormvariate(0, 0.25),
                tau=(14 if viral > 1 else 5) * 3600.0,
                key=(persona_id, day, i),
            )
        )
    return tuple(sorted(out, key=lambda post: post.posted_at))


@lru_cache(maxsize=100_000)
def _comment_pool(seed: int, post: Post) -> tuple[str, ...]:
    p = _profile(seed, post.key[0])
    e = EMOTIONS[post.emotion]
    r = _rng(seed, "comments", post.key)
    size = 16 + min(44, int(6 * math.log10(1 + post.comments)))
    positive = min(0.95, max(0.05, 0.45 + p.kindness + 0.6 * e.tone + 0.5 * (post.quality - 0.5)))
    negative_share = 0.6 if e.tone < 0 else 0.35
    texts = []
    for _ in range(size):
        x = r.random()
        if x < positive:
            tone, body = "pos", r.choice(POSITIVE)
        elif x < positive + (1 - positive) * negative_share:
            tone, body = "neg", r.choice(NEGATIVE)
        else:
            tone, body = "neu", r.choice(NEUTRAL)
        text = body.format(niche=p.niche)
        if r.random() < 0.3:
            text = f"{r.choice(FLAVOUR[post.emotion])} {text}"
        texts.append(text + r.choice(ENDINGS[tone]))
    return tuple(texts)


class World:
    """The deterministic simulated world of one seed (shared by every operator of a stack)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def profile(self, persona_id: int) -> Profile:
        return _profile(self.seed, persona_id)

    def posts(self, persona_id: int, day: int) -> tuple[Post, ...]:
        """The posts of `persona_id` on unix day `day` (none before its debut)."""
        return _posts(self.seed, persona_id, day)

    def comment_pool(self, post: Post) -> tuple[str, ...]:
        """The comments a post collects, in the order they arrive."""
        return _comment_pool(self.seed, post)

    def _full_before(self, persona_id: int, day: int) -> tuple[float, float, float, float]:
        """Sum of the full totals of every post published before `day`."""
        debut = self.profile(persona_id).debut_day
        with _PREFIX_LOCK:
            prefix = _PREFIX.setdefault((self.seed, persona_id), [(0.0, 0.0, 0.0, 0.0)])
            while debut + len(prefix) - 1 < day:
                d = debut + len(prefix) - 1
                v, lk, sh, cm = prefix[-1]
                for post in self.posts(persona_id, d):
                    v, lk, sh, cm = v + post.views, lk + post.likes, sh + post.shares, cm + post.comments
                prefix.append((v, lk, sh, cm))
            return prefix[max(0, day - debut)]

    def recent_posts(self, persona_id: int, t: float, days: int) -> list[Post]:
        today = int(t // DAY)
        return [
            post
            for d in range(today - days + 1, today + 1)
            for post in self.posts(persona_id, d)
            if post.posted_at <= t
        ]

    def counts(self, persona_id: int, t: float) -> tuple[int, int, int, int]:
        """Lifetime (views, likes, shares, comments) at time t: non-decreasing in t."""
        p = self.profile(persona_id)
        today = int(t // DAY)
        v, lk, sh, cm = self._full_before(persona_id, today - RECENT_DAYS + 1)
        for post in self.recent_posts(persona_id, t, RECENT_DAYS):
            g = post.accrued(t)
            v, lk, sh, cm = v + g * post.views, lk + g * post.likes, sh + g * post.shares, cm + g * post.comments
        # The back catalogue keeps drawing views (and a few likes).
        alive = max(0.0, t - p.debut_day * DAY) / DAY
        organic = p.followers * p.organic_rate * alive
        return int(v + organic), int(lk + organic * p.like_rate * 0.5), int(sh), int(cm)

    def sentiment(self, persona_id: int, t: float, sample_key: tuple | None = None) -> int:
        """Mean VADER compound (basis points) of the comments visible at t on the last two
        days' posts (the latest post if there were none); `sample_key` picks an 80% sample."""
        posts = [post for post in self.recent_posts(persona_id, t, 3) if t - post.posted_at <= SENTIMENT_WINDOW]
        if not posts:
            older = self.recent_posts(persona_id, t, 8)
            posts = older[-1:]
        scores = []
        for post in posts:
            pool = self.comment_pool(post)
            visible = pool[: math.ceil(len(pool) * post.accrued(t))]
            r = _rng(self.seed, "sample", sample_key, post.key) if sample_key is not None else None
            for text in visible:
                if r is None or r.random() < COMMENT_SAMPLE:
                    scores.append(compound(text))
        if not scores:
            return 0
        return max(-10_000, min(10_000, round(10_000 * sum(scores) / len(scores))))

    def outage(self, t: float, rate: float) -> bool:
        return rate > 0 and _rng(self.seed, "outage", int(t // OUTAGE_WINDOW)).random() < rate


class SimulatedPlatform(PlatformAdapter):
    """One operator's view of the simulated world."""

    name = "simulator"

    def __init__(self, seed: int, operator_index: int = 0, outage_rate: float = 0.0, lag_max: float = 3.0) -> None:
        self.world = World(seed)
        self.operator_index = operator_index
        self.outage_rate = outage_rate
        self.lag_max = lag_max

    def observe(self, persona_ids: Sequence[int], at: int) -> dict[int, Engagement]:
        if self.world.outage(at, self.outage_rate):
            raise PlatformUnavailable("the simulated platform is down in this window")
        lag = _rng(self.world.seed, "lag", self.operator_index, at).uniform(0, self.lag_max)
        t = at - lag
        out = {}
        for pid in persona_ids:
            views, likes, shares, comments = self.world.counts(pid, t)
            sentiment = self.world.sentiment(pid, t, sample_key=(self.operator_index, at))
            out[pid] = Engagement(pid, views, likes, shares, comments, sentiment, at).clamped()
        return out

    def truth(self, persona_id: int, at: int) -> Engagement:
        """The platform's exact numbers at `at` (what no operator sees exactly; for tests)."""
        views, likes, shares, comments = self.world.counts(persona_id, at)
        return Engagement(persona_id, views, likes, shares, comments, self.world.sentiment(persona_id, at), at)
