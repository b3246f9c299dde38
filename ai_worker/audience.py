"""A simulated audience: stands in for the engagement oracle while the emotion engine is
developed and tested.

Each persona's audience has its own tastes, drawn from its seed:

* two favourite content emotions (a large bonus) and small likes and dislikes for the rest;
* a taste for authenticity: content that matches the persona's current emotional state
  does better;
* mood-dependent tastes: some (persona mood, content emotion) pairs land better than others
  (e.g. surprise from a joyful persona);
* trend-dependent tastes: what works when engagement is low differs from when it is high.

The reward of a post is its mean engagement under those tastes plus noise, clipped to
0..1.5 (about 0.45 on average for random posting). `population_audience` is the average
taste over all audiences, which is what posts by many other influencers reveal.

    aud = SimulatedAudience(seed=3)
    r = aud.engagement("medium", persona_mood="joy", content="surprise", rng=rng)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .emotions import EMOTIONS, ENGAGEMENT_STATES, INDEX, N_EMOTIONS, N_STATES

# The population's mean taste per content emotion: what many influencers' posts show on
# average (joy and surprise do best, fear worst).
POPULATION_TASTE = np.array([0.14, 0.02, 0.05, 0.12, 0.08, -0.02])


@dataclass
class SimulatedAudience:
    """One persona's audience. `mean(s, e, a)` is the expected engagement, `engagement` a noisy draw."""

    seed: int = 0
    noise: float = 0.12
    base_level: float = 0.25
    favourite_bonus: float = 0.30
    authenticity: float = 0.18
    mood_spread: float = 0.10
    trend_spread: float = 0.06

    def __post_init__(self) -> None:
        rng = np.random.default_rng(np.random.SeedSequence([int(self.seed) & 0xFFFFFFFF, 0xA0D1E]))
        taste = POPULATION_TASTE + rng.normal(0, 0.05, N_EMOTIONS)
        # favourites lean towards what the population likes, but every audience differs
        p = np.exp(3 * POPULATION_TASTE)
        favourites = rng.choice(N_EMOTIONS, size=2, replace=False, p=p / p.sum())
        taste[favourites] += self.favourite_bonus
        self.favourites = tuple(EMOTIONS[i] for i in favourites)
        mood = rng.normal(0, self.mood_spread, (N_EMOTIONS, N_EMOTIONS))  # [persona mood, content]
        mood[np.arange(N_EMOTIONS), np.arange(N_EMOTIONS)] += self.authenticity
        trend = rng.normal(0, self.trend_spread, (N_STATES, N_EMOTIONS))  # [engagement state, content]
        # table[s, a, e]: expected engagement
        self.table = np.clip(self.base_level + taste[None, :, None] + mood.T[None, :, :] + trend[:, :, None], 0.0, 1.5)

    def mean(self, state: str, persona_mood: str, content: str) -> float:
        return float(self.table[ENGAGEMENT_STATES.index(state), INDEX[content], INDEX[persona_mood]])

    def engagement(self, state: str, persona_mood: str, content: str, rng: np.random.Generator) -> float:
        value = self.mean(state, persona_mood, content) + rng.normal(0, self.noise)
        return float(np.clip(value, 0.0, 1.5))

    def best_content(self, state: str, persona_mood: str) -> str:
        s, e = ENGAGEMENT_STATES.index(state), INDEX[persona_mood]
        return EMOTIONS[int(self.table[s, :, e].argmax())]


def population_audience(samples: int = 400) -> np.ndarray:
    """table[s, a, e] averaged over many audiences (the market-wide expected engagement)."""
    return np.mean([SimulatedAudience(seed=10_000 + i).table for i in range(samples)], axis=0)
