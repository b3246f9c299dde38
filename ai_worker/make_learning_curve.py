"""The emotion engine learning from real reactions: record, then replay.

Record (`--record`, about 2 minutes): starts the real social service (`python -m social
--no-chain` on a temporary SQLite database), adds three personas, signs scripted fans in
with SIWE, and for ROUNDS rounds lets each persona post in the emotion the runtime's
learner (`ai_worker.runtime.learning.Learner`) chooses; the fans read every post over the
HTTP API and like, share and comment on it with probabilities that follow a hidden
preference per persona (HIDDEN). The learner learns from the reactions as the runtime
does. The recording is the service's interaction log (`GET /api/runtime/reactions`), the
posts (id, persona, emotion, time) and each post's views as the learner measured them,
written to RECORDING.

Replay (always): from the recording, each (persona, emotion) gets the pool of rewards its
posts earned (`learning.post_reward` of the log's counts). A fresh engine and a uniformly
random policy then each post STEPS times per persona, a post's reward drawn from the pool
of the emotion chosen; the mean cumulative reward over SEEDS seeds is drawn into
docs/img/emotion_learning_curve_social.png.

    python -m ai_worker.make_learning_curve            # replay the committed recording
    python -m ai_worker.make_learning_curve --record   # record afresh, then replay
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from fame.config import PROJECT_ROOT

from .emotion_engine import EmotionEngine
from .emotions import EMOTIONS, VAD

RECORDING = PROJECT_ROOT / "ai_worker" / "data" / "social_reactions.json"
FIGURE = PROJECT_ROOT / "docs" / "img" / "emotion_learning_curve_social.png"
TOKEN = "learning-curve-operator-token"
ROUNDS = 40
FANS = 6
SETTLE_S = 1.0
ROUND_S = 2.2  # one post per persona per round: windows of one persona never overlap
STEPS = 120
SEEDS = 30

# The fans' hidden taste per persona: the chance a fan likes a post in each emotion.
HIDDEN: dict[str, dict[str, float]] = {
    "Nova Lux": {"joy": 0.8, "surprise": 0.5, "calm": 0.3, "sadness": 0.1, "anger": 0.05, "fear": 0.1},
    "Mira Vale": {"calm": 0.8, "sadness": 0.45, "joy": 0.3, "surprise": 0.15, "anger": 0.05, "fear": 0.1},
    "Rex Volt": {"surprise": 0.75, "anger": 0.45, "fear": 0.3, "joy": 0.2, "calm": 0.1, "sadness": 0.1},
}
BASELINE = {"Nova Lux": "joy", "Mira Vale": "calm", "Rex Volt": "surprise"}
HAPPY = ["Love this!", "So good, made my day", "Wonderful, more like this please", "This is great"]
MEH = ["Meh, not really my thing", "Not for me today", "Hmm, kind of dull"]


# ---------------------------------------------------------------------------- recording


def _siwe(domain: str, uri: str, address: str, nonce: str) -> str:
    from datetime import UTC, datetime

    issued = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return "\n".join(
        [
            f"{domain} wants you to sign in with your Ethereum account:",
            address,
            "",
            "Sign in to FameEngine",
            "",
            f"URI: {uri}",
            "Version: 1",
            "Chain ID: 31337",
            f"Nonce: {nonce}",
            f"Issued At: {issued}",
        ]
    )


def _fan(url: str, i: int) -> Any:
    import httpx
    from eth_account import Account
    from eth_account.messages import encode_defunct

    account = Account.from_key((0xFA2000 + i).to_bytes(32, "big"))  # scripted fans' throwaway keys
    c = httpx.Client(base_url=url, timeout=10)
    nonce = c.post("/api/auth/nonce").json()["nonce"]
    message = _siwe(url.removeprefix("http://"), url + "/", account.address, nonce)
    signature = "0x" + account.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")
    c.post("/api/auth/verify", json={"message": message, "signature": signature}).raise_for_status()
    return c


def record(path: Path = RECORDING, rounds: int = ROUNDS, fans: int = FANS, seed: int = 7) -> dict[str, Any]:
    import httpx

    from fame.procs import free_port, wait_until

    from .persona import PersonaProfile
    from .runtime.client import SocialClient
    from .runtime.learning import Learner
    from .runtime.service import runtime_seed
    from .runtime.writer import TemplateWriter

    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory(prefix="fame-learning-") as tmp:
        folder = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
        env.update(
            FAME_STATE_DIR=str(folder / "social-state"),
            FAME_SOCIAL_PUBLIC_URL=url,
            FAME_SOCIAL_OPERATOR_TOKEN=TOKEN,
            FAME_SOCIAL_WRITES_PER_MINUTE="100000",
        )
        argv = [sys.executable, "-m", "social", "--no-chain", "--port", str(port)]
        argv += ["--database-url", f"sqlite:///{folder / 'social.db'}", "--log-level", "warning"]
        logf = folder / "social.log"
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=open(logf, "ab"),  # noqa: SIM115 - the child holds its own descriptor
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:

            def healthy() -> bool:
                try:
                    return bool(httpx.get(f"{url}/health", timeout=1).json().get("ok"))
                except (httpx.HTTPError, ValueError):
                    return False

            wait_until(healthy, 60, "the social service", proc, logf)
            op = {"Authorization": f"Bearer {TOKEN}"}
            personas = {}
            for name in HIDDEN:
                r = httpx.post(f"{url}/api/operator/personas", json={"name": name}, headers=op, timeout=10)
                r.raise_for_status()
                personas[name] = int(r.json()["id"])
            clients = [_fan(url, i) for i in range(fans)]
            client = SocialClient(url, TOKEN)
            from .emotion_engine import EmotionEngine as Engine

            learner = Learner(client, Engine(folder / "engine", fsync=False), folder, SETTLE_S, fsync=False)
            writer = TemplateWriter()
            posts: list[dict[str, Any]] = []
            views: dict[int, int] = {}
            for k in range(rounds):
                started = time.time()
                for name, pid in personas.items():
                    key = f"record:{pid}:{k}"
                    profile = PersonaProfile.from_spec({"name": name, "handle": name.lower().replace(" ", "_")})
                    emotion = learner.choose(pid, key, VAD[BASELINE[name]], BASELINE[name])
                    text = writer.post(profile, emotion, runtime_seed("post", pid, key)).text
                    post = client.create_post(pid, text, "Qm" + "L" * 44, key, "AI-generated from templates")
                    learner.remember(key, post if post.get("status") == "visible" else None)
                    if post.get("status") != "visible":
                        continue
                    posts.append(
                        {"id": post["id"], "persona_id": pid, "emotion": emotion, "created_at": post["created_at"]}
                    )
                    p_like = HIDDEN[name][emotion]
                    for c in clients:
                        c.get(f"/api/posts/{post['id']}").raise_for_status()  # a view
                        if rng.random() < p_like:
                            c.post(f"/api/posts/{post['id']}/like").raise_for_status()
                            if rng.random() < 0.3:
                                c.post(f"/api/posts/{post['id']}/share").raise_for_status()
                            if rng.random() < 0.4:
                                body = HAPPY[int(rng.integers(len(HAPPY)))]
                                c.post(f"/api/posts/{post['id']}/comments", json={"body": body}).raise_for_status()
                        elif rng.random() < 0.15:
                            body = MEH[int(rng.integers(len(MEH)))]
                            c.post(f"/api/posts/{post['id']}/comments", json={"body": body}).raise_for_status()
                for done in learner.learn_due():
                    views[done.post_id] = done.views
                time.sleep(max(0.0, ROUND_S - (time.time() - started)))
                print(f"round {k + 1}/{rounds}: {len(posts)} posts, {len(views)} learned from", flush=True)
            deadline = time.time() + 30
            while learner.posts and time.time() < deadline:
                time.sleep(0.5)
                for done in learner.learn_due():
                    views[done.post_id] = done.views
            reactions: list[dict[str, Any]] = []
            since = 0
            while True:
                page = client._call("GET", "/api/runtime/reactions", params={"since": since, "limit": 1000})
                reactions += page["reactions"]
                if len(page["reactions"]) < 1000:
                    break
                since = page["next"]
            for p in posts:
                p["views"] = views.get(p["id"], 0)
            data = {
                "about": "Interactions of scripted fans with three personas on the real social service "
                "(python -m ai_worker.make_learning_curve --record); the fans' hidden tastes are HIDDEN there.",
                "settle_s": SETTLE_S,
                "personas": [{"id": pid, "name": n, "baseline": BASELINE[n]} for n, pid in personas.items()],
                "posts": posts,
                "reactions": [
                    {k: r[k] for k in ("id", "persona_id", "post_id", "kind", "actor", "value", "created_at")}
                    for r in reactions
                ],
            }
            for c in clients:
                c.close()
            client.close()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(15)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    return data


# ---------------------------------------------------------------------------- replay


def reward_pools(data: dict[str, Any]) -> dict[int, dict[str, list[float]]]:
    """{persona id: {emotion: [rewards of its recorded posts in that emotion]}}."""
    from .runtime.learning import count_reactions, post_reward

    by_post: dict[int, list[dict[str, Any]]] = {}
    for r in data["reactions"]:
        if r.get("post_id") is not None:
            by_post.setdefault(int(r["post_id"]), []).append(r)
    pools: dict[int, dict[str, list[float]]] = {int(p["id"]): {e: [] for e in EMOTIONS} for p in data["personas"]}
    for p in data["posts"]:
        c = count_reactions(by_post.get(int(p["id"]), []), int(p["id"]), float(p["created_at"]), data["settle_s"])
        pools[int(p["persona_id"])][p["emotion"]].append(post_reward(c, int(p["views"])))
    return pools


def replay(data: dict[str, Any], steps: int = STEPS, seeds: int = SEEDS) -> dict[str, np.ndarray]:
    """Mean reward per step (over personas and seeds) of the learned and the random policy."""
    pools = reward_pools(data)
    baselines = {int(p["id"]): p["baseline"] for p in data["personas"]}
    learned = np.zeros((seeds, len(pools), steps))
    rand = np.zeros_like(learned)
    for s in range(seeds):
        rng = np.random.default_rng(1000 + s)
        engine = EmotionEngine(None, seed=s, fsync=False)
        for j, (pid, pool) in enumerate(sorted(pools.items())):
            every = [r for rs in pool.values() for r in rs]
            fallback = float(np.mean(every)) if every else 0.0

            def draw(
                emotion: str,
                pool: dict[str, list[float]] = pool,
                fallback: float = fallback,
                rng: np.random.Generator = rng,
            ) -> float:
                rs = pool[emotion]
                return float(rs[int(rng.integers(len(rs)))]) if rs else fallback

            for t in range(steps):
                e = engine.next_emotion(pid, None, baseline=baselines[pid])
                r = draw(e)
                engine.observe(pid, r)
                learned[s, j, t] = r
                rand[s, j, t] = draw(EMOTIONS[int(rng.integers(len(EMOTIONS)))])
    return {"learned": learned.mean(axis=(0, 1)), "random": rand.mean(axis=(0, 1))}


def plot(curves: dict[str, np.ndarray], out: Path = FIGURE) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    steps = np.arange(1, len(curves["learned"]) + 1)
    ax.plot(steps, np.cumsum(curves["learned"]), label="emotion engine (learned)", color="#c2185b", lw=2)
    ax.plot(steps, np.cumsum(curves["random"]), label="random emotion", color="#607d8b", lw=2, ls="--")
    ax.set_xlabel("posts per persona")
    ax.set_ylabel("cumulative reward (mean of personas and seeds)")
    ax.set_title("Replayed fan reactions from the social service")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record", action="store_true", help="record afresh against the real social service first")
    ap.add_argument("--recording", type=Path, default=RECORDING)
    ap.add_argument("--out", type=Path, default=FIGURE)
    args = ap.parse_args(argv)
    if args.record or not args.recording.exists():
        record(args.recording)
    data = json.loads(args.recording.read_text(encoding="utf-8"))
    curves = replay(data)
    plot(curves, args.out)
    lr, rr = float(curves["learned"].sum()), float(curves["random"].sum())
    print(
        f"{len(data['posts'])} recorded posts, {len(data['reactions'])} reactions; over {STEPS} replayed posts "
        f"per persona: learned {lr:.1f}, random {rr:.1f} ({(lr / rr - 1) * 100:+.0f}%); "
        f"last 20 posts {curves['learned'][-20:].mean():.3f} vs {curves['random'][-20:].mean():.3f} -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
