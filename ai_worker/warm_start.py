"""Warm start for the emotion engine: supervised learning from other influencers' posts.

1. `build_corpus` makes the corpus FameEngine learns from: posts of many simulated
   influencers (captions from the template captioner, a share of plain promo posts that
   show no emotion, engagement counts as an oracle would report them). Each influencer has
   its own audience (ai_worker.audience), mood and posting habits that drift towards what
   worked for it. Only what a platform shows is kept: caption and counts, in order.
2. `label_corpus` turns posts into training rows (s, a, e, r): the emotion a from the
   caption by lexicon (ai_worker.lexicon: VADER plus an emotion word list), the reward r
   from the counts (reward_from_engagement), the engagement state s from the rewards
   before the post, and the influencer's mood e by replaying the engine's MoodModel over
   its labelled posts and rewards.
3. `fit_prior` fits expected reward per (s, a, e) by ridge regression on one-hot main
   effects and their interactions (a x e, a x s, and whether a matches e), so cells with
   few rows borrow from the main effects.

The fitted table is committed in ai_worker/models/emotion-prior.json;
`python -m ai_worker.warm_start` rebuilds it (about a minute of CPU) and can write the
corpus as JSON lines.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from .audience import SimulatedAudience
from .captions import TemplateCaptioner
from .emotion_engine import MoodModel, atomic_write_json, engagement_state, reward_from_engagement
from .emotions import EMOTIONS, ENGAGEMENT_STATES, INDEX, N_EMOTIONS, N_STATES, VAD
from .lexicon import label_emotion
from .persona import PersonaProfile

PRIOR_PATH = Path(__file__).resolve().parent / "models" / "emotion-prior.json"
PRIOR_FORMAT = 1
CREATOR_SEED_BASE = 100_000  # audiences of corpus creators never coincide with test seeds

TRAIT_WORDS = [
    "curious",
    "witty",
    "bold",
    "kind",
    "dreamy",
    "sporty",
    "nerdy",
    "chill",
    "brave",
    "creative",
    "sunny",
    "thoughtful",
    "playful",
    "stylish",
]
TOPIC_WORDS = [
    "street food",
    "sneakers",
    "indie games",
    "skincare",
    "city cycling",
    "vinyl records",
    "home cooking",
    "hiking trails",
    "tiny houses",
    "retro tech",
    "coffee",
    "yoga",
    "street art",
    "space news",
]
PROMOS = [
    "New video is up, link in bio.",
    "Giveaway time: tag a friend to enter.",
    "Use my code for 10% off.",
    "Live stream tonight at 8.",
    "Collab announcement coming this week.",
    "Q and A in the comments.",
]


def _creator_profile(rng: np.random.Generator, i: int) -> PersonaProfile:
    traits = rng.choice(TRAIT_WORDS, size=2, replace=False)
    topics = rng.choice(TOPIC_WORDS, size=2, replace=False)
    return PersonaProfile(
        name=f"Creator {i}",
        handle=f"creator_{i:03d}",
        traits=tuple((str(t), float(rng.uniform(0.3, 1.0))) for t in traits),
        topics=tuple(str(t) for t in topics),
        formality="casual",
    )


def _counts(reward: float, rng: np.random.Generator) -> dict[str, int]:
    """Engagement counts whose reward_from_engagement is `reward` on average."""
    views = int(rng.lognormal(8.0, 0.5)) + 50
    p = max(reward, 0.0) / 100
    return {
        "views": views,
        "likes": int(rng.binomial(views, min(1.0, 0.6 * p))),
        "shares": int(rng.binomial(views, min(1.0, 0.1 * p / 3))),
        "comments": int(rng.binomial(views, min(1.0, 0.3 * p / 2))),
    }


def build_corpus(
    creators: int = 48, posts: int = 60, seed: int = 7, promo_share: float = 0.2, with_truth: bool = False
) -> list[dict[str, Any]]:
    """Posts of `creators` simulated influencers, `posts` each, in posting order."""
    captioner = TemplateCaptioner()
    mood_model = MoodModel()
    corpus: list[dict[str, Any]] = []
    for i in range(creators):
        rng = np.random.default_rng(np.random.SeedSequence([seed, i, 0xC0]))
        audience = SimulatedAudience(seed=CREATOR_SEED_BASE + seed * 1000 + i)
        profile = _creator_profile(rng, i)
        baseline = EMOTIONS[int(rng.integers(N_EMOTIONS))]
        habit = rng.dirichlet(np.ones(N_EMOTIONS))
        mood, mean = VAD[baseline], None
        rewards: list[float] = []
        seen = np.zeros(N_EMOTIONS)
        total = np.zeros(N_EMOTIONS)
        for k in range(posts):
            s = engagement_state(rewards)
            e = mood_model.emotion(mood)
            avg = np.where(seen > 0, total / np.maximum(seen, 1), 0.5)
            p = habit * np.exp(3.0 * avg)
            a = EMOTIONS[int(rng.choice(N_EMOTIONS, p=p / p.sum()))]
            r = audience.engagement(s, e, a, rng)
            if rng.random() < promo_share:
                caption = str(rng.choice(PROMOS)) + f" #{(profile.handle or '').replace('_', '')}"
            else:
                caption = captioner.caption(profile, a, int(rng.integers(2**31)))
            post: dict[str, Any] = {"creator": profile.handle, "index": k, "caption": caption, **_counts(r, rng)}
            if with_truth:
                post["truth"] = {"emotion": a, "mood": e, "state": s, "reward": r}
            corpus.append(post)
            mood = mood_model.step(mood, baseline, a, r, mean)
            mean = mood_model.update_mean(mean, r)
            rewards.append(r)
            seen[INDEX[a]] += 1
            total[INDEX[a]] += r
    return corpus


def label_corpus(corpus: list[dict[str, Any]]) -> np.ndarray:
    """Rows (s, a, e, r) as a float array (N, 4), from what the posts show."""
    mood_model = MoodModel()
    by_creator: dict[str, list[dict[str, Any]]] = {}
    for post in corpus:
        by_creator.setdefault(post["creator"], []).append(post)
    rows = []
    for posts in by_creator.values():
        posts = sorted(posts, key=lambda p: p["index"])
        labels = [label_emotion(p["caption"]) for p in posts]
        rewards_all = [reward_from_engagement(p["views"], p["likes"], p["shares"], p["comments"]) for p in posts]
        baseline = Counter(labels).most_common(1)[0][0]
        mood, mean = VAD[baseline], None
        rewards: list[float] = []
        for a, r in zip(labels, rewards_all, strict=False):
            s = engagement_state(rewards)
            e = mood_model.emotion(mood)
            rows.append((ENGAGEMENT_STATES.index(s), INDEX[a], INDEX[e], r))
            mood = mood_model.step(mood, baseline, a, r, mean)
            mean = mood_model.update_mean(mean, r)
            rewards.append(r)
    return np.asarray(rows, dtype=np.float64)


def _design(s: np.ndarray, a: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-hot design matrix and per-column ridge penalties."""
    n = len(s)
    cols, pens = [np.ones((n, 1))], [0.0]

    def onehot(idx, k, pen):
        m = np.zeros((n, k))
        m[np.arange(n), idx] = 1
        cols.append(m)
        pens.extend([pen] * k)

    onehot(a, N_EMOTIONS, 1.0)
    onehot(e, N_EMOTIONS, 1.0)
    onehot(s, N_STATES, 1.0)
    cols.append((a == e).astype(float)[:, None])
    pens.append(1.0)
    onehot(a * N_EMOTIONS + e, N_EMOTIONS * N_EMOTIONS, 20.0)
    onehot(a * N_STATES + s, N_EMOTIONS * N_STATES, 20.0)
    return np.hstack(cols), np.asarray(pens)


def fit_prior(rows: np.ndarray) -> np.ndarray:
    """Expected reward table [s, a, e] fitted to rows (s, a, e, r)."""
    s, a, e = (rows[:, i].astype(int) for i in range(3))
    x, pens = _design(s, a, e)
    w = np.linalg.solve(x.T @ x + np.diag(pens), x.T @ rows[:, 3])
    grid = np.array([(si, ai, ei) for si in range(N_STATES) for ai in range(N_EMOTIONS) for ei in range(N_EMOTIONS)])
    xg, _ = _design(grid[:, 0], grid[:, 1], grid[:, 2])
    return (xg @ w).reshape(N_STATES, N_EMOTIONS, N_EMOTIONS)


def save_prior(table: np.ndarray, info: dict[str, Any], path: Path = PRIOR_PATH) -> Path:
    atomic_write_json(
        Path(path),
        {
            "format": PRIOR_FORMAT,
            "emotions": list(EMOTIONS),
            "engagement_states": list(ENGAGEMENT_STATES),
            "layout": "table[engagement_state][content_emotion][persona_emotion] = expected reward",
            "table": np.round(table, 6).tolist(),
            "built_from": info,
        },
        fsync=False,
    )
    Path(path).chmod(0o644)  # a committed file, readable by all
    return Path(path)


def load_prior(path: str | Path = PRIOR_PATH) -> np.ndarray:
    from .emotion_engine import EngineError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise EngineError(
            f"cannot read the warm-start prior {path}: {err}; rebuild it with `python -m ai_worker.warm_start`"
        ) from None
    if (
        data.get("format") != PRIOR_FORMAT
        or data.get("emotions") != list(EMOTIONS)
        or data.get("engagement_states") != list(ENGAGEMENT_STATES)
    ):
        raise EngineError(
            f"the warm-start prior {path} is for another emotion list; rebuild it with `python -m ai_worker.warm_start`"
        )
    return np.asarray(data["table"], dtype=np.float64)


def main(argv: list[str] | None = None) -> int:
    import time

    ap = argparse.ArgumentParser(prog="python -m ai_worker.warm_start", description="build the warm-start prior")
    ap.add_argument("--creators", type=int, default=48)
    ap.add_argument("--posts", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=PRIOR_PATH)
    ap.add_argument("--corpus-out", type=Path, default=None, help="also write the corpus as JSON lines")
    args = ap.parse_args(argv)
    t0 = time.time()
    corpus = build_corpus(args.creators, args.posts, args.seed, with_truth=True)
    truth = [p.pop("truth") for p in corpus]
    rows = label_corpus(corpus)
    accuracy = float(np.mean([EMOTIONS[int(r[1])] == t["emotion"] for r, t in zip(rows, truth, strict=False)]))
    mood_accuracy = float(np.mean([EMOTIONS[int(r[2])] == t["mood"] for r, t in zip(rows, truth, strict=False)]))
    table = fit_prior(rows)
    from .audience import population_audience

    pop = population_audience()
    corr = float(np.corrcoef(table.ravel(), pop.ravel())[0, 1])
    info = {
        "creators": args.creators,
        "posts_per_creator": args.posts,
        "seed": args.seed,
        "rows": len(rows),
        "label_accuracy": round(accuracy, 4),
        "mood_accuracy": round(mood_accuracy, 4),
        "correlation_with_population": round(corr, 4),
    }
    save_prior(table, info, args.out)  # byte-identical on every rebuild with the same settings
    if args.corpus_out:
        args.corpus_out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in corpus), encoding="utf-8")
    print(json.dumps({**info, "seconds": round(time.time() - t0, 1), "out": str(args.out)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
