"""Runs posting policies against the simulated audience: the emotion engine's yardstick.

An episode is `posts` consecutive posts of one persona (a week or so); the persona's
mood, engagement history and the engine's Q-table carry over between episodes. Each
policy sees the same audience and the same noise stream per seed.

    from ai_worker.simulate import run_policy, compare
    curves = compare(seeds=range(5), episodes=60, posts=20)   # {"random": (seeds, episodes), ...}

`python -m ai_worker.simulate` prints the margins and writes docs/img/emotion_learning_curve.png.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from .audience import SimulatedAudience
from .emotion_engine import EmotionEngine, MoodModel, engagement_state
from .emotions import EMOTIONS, VAD

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CURVE_PNG = PROJECT_ROOT / "docs" / "img" / "emotion_learning_curve.png"

Policy = Callable[[str, str, np.random.Generator], str]  # (engagement state, mood, rng) -> emotion


def run_policy(
    kind: str,
    seed: int,
    episodes: int = 60,
    posts: int = 20,
    prior: np.ndarray | None = None,
    baseline: str = "calm",
    engine_kwargs: dict | None = None,
) -> np.ndarray:
    """Mean reward per episode (shape (episodes,)) of one policy on the audience of `seed`.

    kind: "engine" (Q-learning, cold start unless `prior`), "random" (uniform emotion),
    "oracle" (the best mean engagement for the current state; knows the audience; myopic).
    """
    audience = SimulatedAudience(seed=seed)
    noise = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    choice = np.random.default_rng(np.random.SeedSequence([seed, 0xC401CE]))
    mood_model = MoodModel()
    engine = EmotionEngine(None, prior=prior, seed=seed, **(engine_kwargs or {})) if kind == "engine" else None
    pid = f"sim-{seed}"
    mood, reward_mean = VAD[baseline], None
    rewards: list[float] = []
    if engine is not None:
        engine.set_baseline(pid, baseline)
    out = np.zeros(episodes)
    for ep in range(episodes):
        total = 0.0
        for _ in range(posts):
            s = engagement_state(rewards)
            e = mood_model.emotion(mood)
            if engine is not None:
                a = engine.next_emotion(pid, s)
            elif kind == "random":
                a = EMOTIONS[int(choice.integers(len(EMOTIONS)))]
            elif kind == "oracle":
                a = audience.best_content(s, e)
            else:
                raise ValueError(f"unknown policy {kind!r}")
            r = audience.engagement(s, e, a, noise)
            if engine is not None:
                engine.observe(pid, r)
            mood = mood_model.step(mood, baseline, a, r, reward_mean)
            reward_mean = mood_model.update_mean(reward_mean, r)
            rewards.append(r)
            total += r
        out[ep] = total / posts
    return out


def compare(
    seeds: Iterable[int] = range(5),
    episodes: int = 60,
    posts: int = 20,
    prior: np.ndarray | None = None,
    kinds: tuple[str, ...] = ("random", "engine", "oracle"),
) -> dict[str, np.ndarray]:
    """{policy: (len(seeds), episodes) mean reward per episode}; "engine+prior" when a prior is given."""
    seeds = list(seeds)
    curves = {k: np.stack([run_policy(k, s, episodes, posts) for s in seeds]) for k in kinds}
    if prior is not None:
        curves["engine+prior"] = np.stack([run_policy("engine", s, episodes, posts, prior=prior) for s in seeds])
    return curves


def margins(curves: dict[str, np.ndarray], last: int = 10) -> dict[str, float]:
    """Mean reward per policy over the last `last` episodes (all seeds)."""
    return {k: float(v[:, -last:].mean()) for k, v in curves.items()}


def plot(curves: dict[str, np.ndarray], path: Path = CURVE_PNG, posts: int = 20, last: int = 10) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {
        "random": "random policy",
        "engine": "emotion engine (cold start)",
        "engine+prior": "emotion engine (warm start)",
        "oracle": "myopic oracle (knows the audience)",
    }
    styles = {"random": "tab:gray", "engine": "tab:blue", "engine+prior": "tab:green", "oracle": "tab:orange"}
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    for k, v in curves.items():
        mean, std = v.mean(0), v.std(0)
        x = np.arange(1, v.shape[1] + 1)
        ax.plot(x, mean, label=labels.get(k, k), color=styles.get(k), lw=1.8, ls="--" if k == "oracle" else "-")
        ax.fill_between(x, mean - std, mean + std, color=styles.get(k), alpha=0.12)
    m = margins(curves, last)
    title = f"Emotion engine vs random on the simulated audience ({curves['random'].shape[0]} seeds)"
    if "engine" in m:
        title += (
            f"\nlast {last} episodes: engine {m['engine']:.3f} vs random {m['random']:.3f} "
            f"(+{100 * (m['engine'] / m['random'] - 1):.0f}%)"
        )
    ax.set_title(title, fontsize=9.5)
    ax.set_xlabel(f"episode ({posts} posts each)")
    ax.set_ylabel("mean engagement reward per post")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ai_worker.simulate", description="engine vs random, learning curve")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--episodes", type=int, default=60)
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--last", type=int, default=10)
    ap.add_argument("--no-prior", action="store_true", help="skip the warm-started engine")
    ap.add_argument("--out", type=Path, default=CURVE_PNG)
    args = ap.parse_args(argv)
    prior = None
    if not args.no_prior:
        from .warm_start import load_prior

        prior = load_prior()
    curves = compare(range(args.seeds), args.episodes, args.posts, prior=prior)
    m = margins(curves, args.last)
    for k, v in m.items():
        print(f"{k:>14}: {v:.4f}  ({100 * (v / m['random'] - 1):+.1f}% vs random)")
    first = {k: float(v[:, :3].mean()) for k, v in curves.items()}
    print("first 3 episodes:", ", ".join(f"{k} {v:.3f}" for k, v in first.items()))
    print("wrote", plot(curves, args.out, args.posts, args.last))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
