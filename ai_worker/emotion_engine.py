"""The emotion engine: which emotion a persona's next post should carry, learned by
Q-learning over Q(s, a, e) as the whitepaper describes.

* s, the engagement state: how the persona's recent posts did against its own running
  level, discretised to ENGAGEMENT_STATES (low / medium / high), see `engagement_state`;
* a, the action: the emotion of the content to post (EMOTIONS);
* e, the persona's current emotional state (EMOTIONS), which moves with every post: its
  valence with how the post was received (reward above or below the persona's running
  mean), its arousal and dominance towards the emotion just posted, and everything back
  towards the persona's baseline mood (`MoodModel`);
* reward: the engagement the oracle reports for the post (`reward_from_engagement` turns
  oracle counts into one number; the simulated audience in ai_worker.audience gives one
  directly).

The policy is epsilon-greedy with exponential decay; the step size is 1/(n0 + visits)
with a floor. Without a prior, Q starts optimistic (every action gets tried once per
state); with a warm-start prior (ai_worker.warm_start: supervised from a corpus of other
influencers' posts), Q starts at the prior's expected engagement with n0 pseudo-visits.

    engine = EmotionEngine(state_dir)                       # one JSON file per persona
    hint = engine.next_emotion(persona_id, "medium")        # -> "joy"
    ...post content in that emotion, wait for the oracle...
    engine.observe(persona_id, reward)

The Q-update for a post needs the next engagement state, so it happens when the next
`next_emotion` call for that persona brings it (s' is given there, or derived from the
rewards the engine has seen when None). Every call writes the persona's state atomically
(a temporary file, fsync, rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fame.errors import FameError

from .emotions import EMOTIONS, ENGAGEMENT_STATES, INDEX, N_EMOTIONS, N_STATES, VAD, check

STATE_FORMAT = 1
REWARD_HISTORY = 32
OBSERVED_KEPT = 2_000


class EngineError(FameError):
    """The emotion engine was called out of order or its state cannot be read."""


# ---------------------------------------------------------------------------- engagement


def engagement_state(rewards: Sequence[float], recent: int = 2, window: int = 10, band: float = 0.08) -> str:
    """low / medium / high: the mean of the last `recent` rewards against the `window` before them.

    "medium" until there is enough history; `band` is the relative change that counts.
    """
    r = [float(x) for x in rewards]
    if len(r) < recent + 2:
        return "medium"
    now = float(np.mean(r[-recent:]))
    before = float(np.mean(r[-(recent + window) : -recent]))
    scale = max(abs(before), 1e-6)
    change = (now - before) / scale
    return "high" if change > band else "low" if change < -band else "medium"


def reward_from_engagement(views: int, likes: int, shares: int, comments: int, sentiment_bps: int = 0) -> float:
    """One reward from an oracle engagement report of a post: weighted interactions per view,
    in percent, nudged by comment sentiment (-10_000..10_000 basis points)."""
    if views <= 0:
        return 0.0
    rate = (likes + 3 * shares + 2 * comments) / views
    return float(100 * rate * (1 + 0.25 * max(-1.0, min(1.0, sentiment_bps / 10_000))))


# ---------------------------------------------------------------------------- mood


@dataclass(frozen=True)
class MoodModel:
    """How a persona's mood (valence, arousal, dominance) moves after each post."""

    persistence: float = 0.5  # share of the old mood kept
    reward_gain: float = 0.6  # valence change per unit of reception surprise
    reward_scale: float = 0.2  # reward difference that counts as a full surprise
    mean_rate: float = 0.1  # running mean of rewards: exponential weight

    def step(
        self, mood: Sequence[float], baseline: str, posted: str, reward: float, reward_mean: float | None
    ) -> tuple[float, float, float]:
        z = 0.0 if reward_mean is None else max(-1.0, min(1.0, (reward - reward_mean) / self.reward_scale))
        bv, ba, bd = VAD[baseline]
        pv, pa, pd = VAD[posted]
        v, a, d = mood
        k = self.persistence
        v = k * v + (1 - k) * (0.5 * bv + 0.5 * pv) + self.reward_gain * z
        a = k * a + (1 - k) * (0.4 * ba + 0.6 * pa) + 0.2 * abs(z)
        d = k * d + (1 - k) * (0.5 * bd + 0.5 * pd) + 0.3 * z
        clip = lambda x: max(-1.0, min(1.0, x))  # noqa: E731
        return clip(v), clip(a), clip(d)

    @staticmethod
    def emotion(mood: Sequence[float]) -> str:
        v, a, d = mood
        return min(EMOTIONS, key=lambda e: (VAD[e][0] - v) ** 2 + (VAD[e][1] - a) ** 2 + 0.5 * (VAD[e][2] - d) ** 2)

    def update_mean(self, mean: float | None, reward: float) -> float:
        return reward if mean is None else (1 - self.mean_rate) * mean + self.mean_rate * reward


# ---------------------------------------------------------------------------- per-persona state


def _file_key(persona_id: Any) -> str:
    key = str(persona_id)
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", key) or key.startswith("."):
        raise EngineError(f"persona id {persona_id!r} must be 1-80 letters, digits, '_', '-' or '.'")
    return key


@dataclass
class PersonaState:
    persona: str
    q: np.ndarray  # [s, a, e]
    visits: np.ndarray  # [s, a, e]
    baseline: str = "calm"
    mood: tuple[float, float, float] = VAD["calm"]
    steps: int = 0  # decisions made
    rewards: list[float] = field(default_factory=list)
    reward_mean: float | None = None
    last: dict[str, Any] | None = None  # decision waiting for its reward: {"s","a","e"}
    pending: dict[str, Any] | None = None  # rewarded decision waiting for s': {"s","a","e","r","e2"}
    updates: int = 0
    observed: list[str] = field(default_factory=list)  # keys of keyed observations, the last OBSERVED_KEPT

    @property
    def emotion(self) -> str:
        return MoodModel.emotion(self.mood)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "persona": self.persona,
            "emotions": list(EMOTIONS),
            "engagement_states": list(ENGAGEMENT_STATES),
            "baseline": self.baseline,
            "mood": list(self.mood),
            "emotion": self.emotion,
            "steps": self.steps,
            "updates": self.updates,
            "rewards": self.rewards,
            "reward_mean": self.reward_mean,
            "last": self.last,
            "pending": self.pending,
            "q": np.round(self.q, 8).tolist(),
            "visits": self.visits.astype(int).tolist(),
            "observed": self.observed[-OBSERVED_KEPT:],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PersonaState:
        if (
            data.get("format") != STATE_FORMAT
            or data.get("emotions") != list(EMOTIONS)
            or data.get("engagement_states") != list(ENGAGEMENT_STATES)
        ):
            raise EngineError(
                f"emotion engine state of persona {data.get('persona')} has another format or "
                "emotion list; move the file away to start that persona afresh"
            )
        return cls(
            persona=str(data["persona"]),
            q=np.asarray(data["q"], dtype=np.float64),
            visits=np.asarray(data["visits"], dtype=np.float64),
            baseline=data["baseline"],
            mood=tuple(data["mood"]),
            steps=int(data["steps"]),
            rewards=[float(r) for r in data["rewards"]],
            reward_mean=data["reward_mean"],
            last=data["last"],
            pending=data["pending"],
            updates=int(data.get("updates", 0)),
            observed=[str(k) for k in data.get("observed") or []],
        )


def atomic_write_json(path: Path, data: Any, fsync: bool = True) -> None:
    """Writes JSON to `path` so that readers see the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, separators=(",", ":"))
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
        if fsync:
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# ---------------------------------------------------------------------------- the engine


def default_state_dir() -> Path:
    """Where the worker keeps the engine's files: <FAME_STATE_DIR>/ai_worker/emotion-engine."""
    from fame.config import settings

    return Path(settings().state_dir) / "ai_worker" / "emotion-engine"


class EmotionEngine:
    """Q-learning emotion hints per persona (see the module docstring).

    state_dir: one `<persona>.json` per persona; None keeps everything in memory.
    prior: warm-start table [s, a, e] of expected rewards (ai_worker.warm_start), or None.
    """

    def __init__(
        self,
        state_dir: str | Path | None = None,
        *,
        prior: np.ndarray | None = None,
        gamma: float = 0.5,
        epsilon: float = 0.3,
        epsilon_min: float = 0.02,
        epsilon_decay: float = 0.99,
        alpha_min: float = 0.05,
        prior_strength: float = 3.0,
        optimistic: float = 2.0,
        prior_bonus: float = 0.2,
        mood_model: MoodModel | None = None,
        seed: int = 0,
        fsync: bool = True,
    ) -> None:
        self.state_dir = Path(state_dir) if state_dir is not None else None
        if prior is not None:
            prior = np.asarray(prior, dtype=np.float64)
            if prior.shape != (N_STATES, N_EMOTIONS, N_EMOTIONS):
                raise EngineError(
                    f"warm-start prior must have shape {(N_STATES, N_EMOTIONS, N_EMOTIONS)}, got {prior.shape}"
                )
        self.prior = prior
        self.gamma = gamma
        self.epsilon, self.epsilon_min, self.epsilon_decay = epsilon, epsilon_min, epsilon_decay
        self.alpha_min = alpha_min
        self.prior_strength = prior_strength
        self.optimistic = optimistic
        self.prior_bonus = prior_bonus
        self.mood = mood_model or MoodModel()
        self.seed = int(seed)
        self.fsync = fsync
        self._cache: dict[str, PersonaState] = {}
        self._lock = threading.RLock()

    # -- state
    def _path(self, key: str) -> Path | None:
        return self.state_dir / f"{key}.json" if self.state_dir is not None else None

    def initial_q(self) -> tuple[np.ndarray, float]:
        """(Q0 [s, a, e], pseudo-visits) for a persona seen for the first time."""
        if self.prior is None:
            return np.full((N_STATES, N_EMOTIONS, N_EMOTIONS), self.optimistic), 0.0
        # immediate expected reward plus the discounted value of carrying on at the prior's typical best
        future = self.gamma / (1 - self.gamma) * float(self.prior.max(axis=1).mean())
        return self.prior + future + self.prior_bonus, self.prior_strength

    def state(self, persona_id: Any, baseline: str | None = None) -> PersonaState:
        """The persona's state (loaded from disk, or new at `baseline` mood, "calm" by default)."""
        key = _file_key(persona_id)
        with self._lock:
            st = self._cache.get(key)
            if st is None:
                path = self._path(key)
                if path is not None and path.exists():
                    try:
                        st = PersonaState.from_json(json.loads(path.read_text(encoding="utf-8")))
                    except (ValueError, KeyError, TypeError) as err:
                        raise EngineError(
                            f"cannot read emotion engine state {path}: {err}; "
                            "move the file away to start that persona afresh"
                        ) from None
                else:
                    q0, n0 = self.initial_q()
                    base = check(baseline or "calm")
                    st = PersonaState(persona=key, q=q0, visits=np.full(q0.shape, n0), baseline=base, mood=VAD[base])
                self._cache[key] = st
            return st

    def save(self, persona_id: Any) -> None:
        key = _file_key(persona_id)
        path = self._path(key)
        if path is not None:
            with self._lock:
                atomic_write_json(path, self._cache[key].to_json(), fsync=self.fsync)

    def set_baseline(self, persona_id: Any, baseline: str) -> None:
        """The mood the persona returns to (e.g. ai_worker.emotions.baseline_emotion(spec))."""
        with self._lock:
            st = self.state(persona_id, baseline)
            st.baseline = check(baseline)
            self.save(persona_id)

    def emotional_state(self, persona_id: Any) -> str:
        return self.state(persona_id).emotion

    def epsilon_at(self, steps: int) -> float:
        return max(self.epsilon_min, self.epsilon * self.epsilon_decay**steps)

    # -- the two calls
    def next_emotion(
        self,
        persona_id: Any,
        engagement_state: str | None = None,
        *,
        baseline: str | None = None,
        explore: bool = True,
        mood: Sequence[float] | None = None,
    ) -> str:
        """The emotion the persona's next content should carry.

        engagement_state: one of ENGAGEMENT_STATES, or None to derive it from the rewards
        this engine has observed. explore=False: the greedy choice, no exploration, and
        the decision is not recorded (for showing the policy). mood: the persona's
        (valence, arousal, dominance) as something else measured it (the persona runtime's
        mimicry of its fans); it replaces the engine's own mood before the choice, so e is
        the emotion nearest to it.
        """
        with self._lock:
            st = self.state(persona_id, baseline)
            if mood is not None:
                v, a, d = (max(-1.0, min(1.0, float(x))) for x in mood)
                st.mood = (v, a, d)
            s_name = engagement_state if engagement_state is not None else self.engagement(persona_id)
            if s_name not in ENGAGEMENT_STATES:
                raise EngineError(f"engagement state {s_name!r} is not one of {', '.join(ENGAGEMENT_STATES)}")
            s = ENGAGEMENT_STATES.index(s_name)
            if st.pending is not None and explore:
                self._learn(st, st.pending, s)
            e = INDEX[st.emotion]
            row = st.q[s, :, e]
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, _stable_hash(st.persona), st.steps]))
            if explore and rng.random() < self.epsilon_at(st.steps):
                a = int(rng.integers(N_EMOTIONS))
            else:
                best = np.flatnonzero(row >= row.max() - 1e-12)
                a = int(best[rng.integers(len(best))])
            if not explore:
                return EMOTIONS[a]
            st.last = {"s": s, "a": a, "e": e}
            st.steps += 1
            self.save(persona_id)
            return EMOTIONS[a]

    def last_decision(self, persona_id: Any) -> dict[str, int] | None:
        """The last recorded hint still waiting for its reward, {"s", "a", "e"} (indices), or None."""
        with self._lock:
            last = self.state(persona_id).last
            return {k: int(last[k]) for k in ("s", "a", "e")} if last is not None else None

    def observe(
        self, persona_id: Any, reward: float, *, decision: dict[str, Any] | None = None, key: str | None = None
    ) -> str:
        """Records the engagement of the content made for the last hint; returns the persona's new emotional state.

        decision: the hint the content was made for ({"s", "a", "e"} from `last_decision`),
        when several are out at once (the persona runtime posts again before a post's
        reactions have settled); None: the last hint. key: a name for this observation
        (the runtime's post id); an observation whose key the engine has taken already is
        ignored, and the key is written in the same atomic state file as the update, so a
        restart never learns from the same post twice.
        """
        reward = float(reward)
        if not math.isfinite(reward):
            raise EngineError(f"reward must be a finite number, got {reward}")
        with self._lock:
            st = self.state(persona_id)
            if key is not None and key in st.observed:
                return st.emotion
            d = decision if decision is not None else st.last
            if d is None:
                raise EngineError(
                    f"persona {st.persona} has no emotion hint waiting for a reward; call next_emotion first"
                )
            if st.pending is not None:
                # two rewards before the next hint: the first one's s' is the engagement as of now
                self._learn(st, st.pending, ENGAGEMENT_STATES.index(engagement_state(st.rewards)))
            s, a, e = int(d["s"]), int(d["a"]), int(d["e"])
            posted = EMOTIONS[a]
            st.mood = self.mood.step(st.mood, st.baseline, posted, reward, st.reward_mean)
            st.reward_mean = self.mood.update_mean(st.reward_mean, reward)
            st.rewards = (st.rewards + [reward])[-REWARD_HISTORY:]
            st.pending = {"s": s, "a": a, "e": e, "r": reward, "e2": INDEX[st.emotion]}
            if decision is None:
                st.last = None
            if key is not None:
                st.observed = (st.observed + [key])[-OBSERVED_KEPT:]
            self.save(persona_id)
            return st.emotion

    def engagement(self, persona_id: Any) -> str:
        """The engagement state from the rewards this engine has seen for the persona."""
        return engagement_state(self.state(persona_id).rewards)

    def _learn(self, st: PersonaState, p: dict[str, Any], s2: int) -> None:
        s, a, e, r, e2 = p["s"], p["a"], p["e"], p["r"], p["e2"]
        target = r + self.gamma * float(st.q[s2, :, e2].max())
        st.visits[s, a, e] += 1
        alpha = max(self.alpha_min, 1.0 / st.visits[s, a, e])
        st.q[s, a, e] += alpha * (target - st.q[s, a, e])
        st.pending = None
        st.updates += 1

    def policy(self, persona_id: Any) -> dict[str, dict[str, str]]:
        """The greedy choice for every (engagement state, emotional state): policy[s][e] = a."""
        st = self.state(persona_id)
        return {
            s: {e: EMOTIONS[int(st.q[i, :, j].argmax())] for j, e in enumerate(EMOTIONS)}
            for i, s in enumerate(ENGAGEMENT_STATES)
        }


def _stable_hash(text: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")
