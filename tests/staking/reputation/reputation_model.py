"""Exact integer Python model of the Reputation formula (see Reputation.vy NatSpec).

score = E + F
E(t)  = decay(E_stored, t - t_E, 7 days), with on each observation at o:
        E_stored = min(decay(E_stored, o - t_E, 7 days) + points, 6_000)
points = (wv*L(views) + wl*L(likes) + ws*L(shares) + wc*L(comments)) * (10_000 + s) // 20_000
         L(x) = number of binary digits of x
F(t)  = min(4_000 * R' // (4 * max(W', quorum * 1e18)), 4_000), W', R' decayed to t
        with half-life 30 days; on a rating at t with weight w:
        W = decay(W) + w * 1e18;  R = decay(R) + w * (rating - 1) * 1e18
decay(x, dt, H) = y - y * (dt % H) // (2H), y = x >> (dt // H)  (0 past 255 halvings)
w = min(isqrt(votes // 1e18), weight_cap), votes at (epoch start - 1)
"""

from dataclasses import dataclass, field
from math import isqrt

DAY = 86400
ENGAGEMENT_MAX = 6_000
FEEDBACK_MAX = 4_000
ENGAGEMENT_HALF_LIFE = 7 * DAY
FEEDBACK_HALF_LIFE = 30 * DAY
EPOCH_LENGTH = 7 * DAY
SENTIMENT_ONE = 10_000
WEIGHT_SCALE = 10**18
TOKEN = 10**18


def decay(x: int, elapsed: int, half_life: int) -> int:
    halvings = elapsed // half_life
    if halvings >= 256:
        return 0
    y = x >> halvings
    return y - y * (elapsed % half_life) // (2 * half_life)


def points(weights, views, likes, shares, comments, sentiment) -> int:
    wv, wl, ws, wc = weights
    volume = wv * views.bit_length() + wl * likes.bit_length() + ws * shares.bit_length() + wc * comments.bit_length()
    return volume * (SENTIMENT_ONE + sentiment) // (2 * SENTIMENT_ONE)


def rating_weight(votes: int, cap: int) -> int:
    return min(isqrt(votes // TOKEN), cap)


@dataclass
class ReputationModel:
    genesis: int
    weights: tuple = (4, 8, 16, 12)
    cap: int = 1_000
    quorum: int = 100
    engagement: dict = field(default_factory=dict)  # persona -> (value, observed_at, count)
    feedback: dict = field(default_factory=dict)  # persona -> (W, R, updated_at, count)
    rated: set = field(default_factory=set)  # (persona, account, epoch)

    def epoch(self, t: int) -> int:
        return (t - self.genesis) // EPOCH_LENGTH

    def snapshot_time(self, t: int) -> int:
        return self.genesis + self.epoch(t) * EPOCH_LENGTH - 1

    def last_observed(self, persona: int) -> int:
        return self.engagement.get(persona, (0, 0, 0))[1]

    def E(self, persona: int, t: int) -> int:
        value, observed_at, _ = self.engagement.get(persona, (0, 0, 0))
        return decay(value, t - observed_at, ENGAGEMENT_HALF_LIFE)

    def F(self, persona: int, t: int) -> int:
        w, r, updated_at, _ = self.feedback.get(persona, (0, 0, 0, 0))
        w = max(decay(w, t - updated_at, FEEDBACK_HALF_LIFE), self.quorum * WEIGHT_SCALE)
        r = decay(r, t - updated_at, FEEDBACK_HALF_LIFE)
        return min(FEEDBACK_MAX * r // (4 * w), FEEDBACK_MAX)

    def components(self, persona: int, t: int):
        e, f = self.E(persona, t), self.F(persona, t)
        return e, f, e + f

    def observe(self, persona, views, likes, shares, comments, sentiment, observed_at) -> int:
        value, last, count = self.engagement.get(persona, (0, 0, 0))
        p = points(self.weights, views, likes, shares, comments, sentiment)
        value = min(decay(value, observed_at - last, ENGAGEMENT_HALF_LIFE) + p, ENGAGEMENT_MAX)
        self.engagement[persona] = (value, observed_at, count + 1)
        return p

    def rate(self, persona, account, rating, weight, t) -> None:
        w, r, updated_at, count = self.feedback.get(persona, (0, 0, 0, 0))
        w = decay(w, t - updated_at, FEEDBACK_HALF_LIFE) + weight * WEIGHT_SCALE
        r = decay(r, t - updated_at, FEEDBACK_HALF_LIFE) + weight * (rating - 1) * WEIGHT_SCALE
        self.feedback[persona] = (w, r, t, count + 1)
        self.rated.add((persona, account, self.epoch(t)))
