"""Social service: feed reads and interactions through its HTTP API on SQLite and PostgreSQL,
comment-to-reply latency with the persona runtime's language model, and one oracle round of
100 personas read from it by the native adapter (and put on chain).

The pure parts (percentiles, goal labels, the data set) are at the top and are tested in
tests/benchmarks/test_social_suite.py; the measuring parts start real processes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..context import Context
from ..core import Row, suite

COMPONENT = "Social service"
NO_ANCHOR = "—"

PERSONAS = 100
FANS = 1_000
POSTS = 10_000
# What the fans did before the measured requests (expected totals; the draw is seeded).
LIKES = 100_000
COMMENTS = 20_000
SHARES = 5_000
FOLLOWS_PER_FAN = 5  # mean
HISTORY_DAYS = 30
UNLIKED = 0.04  # share of likes taken back later
FEDERATED = 0.03  # share of likes, shares and follows from fediverse accounts
RATED = 0.4  # share of follows that come with a rating
SEED = 20_251_122

FEED_PAGE = 20
FEED_WARMUP = 50
FEED_READS = 1_000  # one client, one after the other
FEED_CLIENTS = 4  # then this many at once
FEED_READS_CONCURRENT = 1_000
FEED_GOAL_MS = 100.0

WRITE_CLIENTS = 8
WRITES_PER_CLIENT = 150
COMMENT_SHARE = 0.25  # of the interactions; the rest are likes

REPLY_COMMENTS = 5
REPLY_GOAL_S = 5.0
REPLY_TIMEOUT_S = 120.0

OBSERVE_ROUNDS = 7
TRANSMIT_N, TRANSMIT_F = 4, 1
TARGET_PER_PERSONA = 10_000

TOKEN = "bench-operator-token"
BENCH_WRITES_PER_MINUTE = 1_000_000
MANIFEST_CID = "bafkreigh2akiscaildc6mxdisnfy7yfjg6ln5yqsdpuiasvscdgmjncbvy"
IMAGE_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
AI_LABEL = "AI-generated with SmolLM2-135M-Instruct.Q4_1"
PUBLIC_BASE = "http://127.0.0.1:8088/social"  # where the loaded posts' ActivityPub ids point
SQLITE, POSTGRES = "SQLite", "PostgreSQL"


# ------------------------------------------------------------------------------------------------
# Figures


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile (0 < q <= 100): the smallest sample with at least q % of
    the samples at or below it, so every figure is a time that was really measured."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} is not in (0, 100]")
    ordered = sorted(samples)
    milli = round(q * 1000)  # q to 3 decimals, in integers: 99 % of 1,000 is rank 990, not 991
    rank = (milli * len(ordered) + 99_999) // 100_000
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class Latency:
    """p50 / p99 (nearest rank) of a run's samples, in milliseconds, and the run's rate."""

    n: int
    p50_ms: float
    p99_ms: float
    per_s: float | None = None  # requests per second over the run's wall time

    @classmethod
    def of(cls, seconds: Sequence[float], wall_s: float | None = None) -> Latency:
        ms = [s * 1000 for s in seconds]
        rate = None if not wall_s else round(len(ms) / wall_s, 1)
        return cls(len(ms), round(percentile(ms, 50), 2), round(percentile(ms, 99), 2), rate)


def per_second(count: int, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


def goal_word(value: float | None, goal: float) -> str:
    """'met' when value < goal, 'not met' otherwise, 'not measured' without a value."""
    if value is None:
        return "not measured"
    return "met" if value < goal else "not met"


def goal_label(goal: str, values: dict[str, float | None], limit: float) -> str:
    """'(goal < 100 ms: met on both)' or '(goal < 100 ms: PostgreSQL met, SQLite not met)'."""
    words = {name: goal_word(v, limit) for name, v in values.items()}
    if len(set(words.values())) == 1 and len(words) > 1:
        return f"(goal {goal}: {next(iter(words.values()))} on both)"
    return f"(goal {goal}: " + ", ".join(f"{name} {word}" for name, word in words.items()) + ")"


def side_by_side(action: str, unit: str, figures: dict[str, float | None], anchor: str) -> Row:
    """One row with PostgreSQL as ours and SQLite as the anchor (ratio PostgreSQL / SQLite)."""
    return Row(COMPONENT, action, figures.get(POSTGRES), anchor, figures.get(SQLITE), unit=unit)


# ------------------------------------------------------------------------------------------------
# The data set: personas, fans, and a month of what the fans did


POST_OPENERS = (
    "Golden hour from the rooftop again",
    "Tried a new recipe today",
    "Late night studio session",
    "Morning run along the river",
    "Sketching the city skyline",
    "Behind the scenes of the next drop",
    "A quiet coffee before the chaos",
    "Testing a new synth patch",
    "Found a tiny bookshop downtown",
    "Rain on the window, lo-fi on",
)
POST_TOPICS = ("neon", "citrus", "vinyl", "street art", "tea", "analog film", "stargazing", "ramen", "poetry")
POST_CLOSERS = (
    "What would you try next?",
    "Tell me your favourite part.",
    "More of this soon, promise.",
    "Feeling grateful for all of you.",
    "Who else is up this late?",
    "Drop your suggestions below!",
)
COMMENT_TEXTS = (
    "This is so beautiful, thank you for sharing!",
    "Love it! Made my day.",
    "Where was this taken?",
    "Not my favourite, but the colours are nice.",
    "Can you do a tutorial on this?",
    "Haha, same energy every Monday.",
    "Wow. Just wow.",
    "I tried this too and it did not work for me.",
    "You always find the best spots.",
    "Kind of boring this time, honestly.",
    "The lighting here is incredible.",
    "More of this please!",
    "First! Love your work.",
    "I was there yesterday, small world.",
    "This makes me a little sad, not sure why.",
    "Perfect vibe for a rainy day.",
)


@dataclass
class DataSet:
    """Column lists of every table the load fills (see `make_dataset`)."""

    now: int
    fans: list[str]  # checksummed addresses, index = fan number
    fan_keys: list[bytes]
    fan_weight: np.ndarray  # how active each fan is (sums to 1)
    persona_weight: np.ndarray  # how popular each persona is (sums to 1), index 0 = persona 1
    posts: list[tuple[int, int, int]] = field(default_factory=list)  # (id, persona id, created_at)
    follows: list[tuple[int, str, str, bool, int]] = field(default_factory=list)  # persona, actor, origin, active, t
    likes: list[tuple[int, str, str, bool, int, int]] = field(
        default_factory=list
    )  # post, actor, origin, active, t, t'
    shares: list[tuple[int, str, str, int]] = field(default_factory=list)  # post, actor, origin, t
    comments: list[tuple[int, int, str, int, int]] = field(default_factory=list)  # id, post, actor, text no., t
    ratings: list[tuple[int, str, int, int]] = field(default_factory=list)  # persona, fan, stars, t
    impressions: list[tuple[int, int, str, int]] = field(default_factory=list)  # post, persona, viewer, t
    reactions: list[tuple[int, int | None, str, str, str, int | None, int]] = field(default_factory=list)
    follows_of: dict[int, list[int]] = field(default_factory=dict)  # fan -> persona ids
    posts_of: dict[int, list[int]] = field(default_factory=dict)  # persona id -> post ids, oldest first

    def table_rows(self) -> dict[str, int]:
        return {
            "personas": PERSONAS,
            "posts": len(self.posts),
            "follows": len(self.follows),
            "likes": len(self.likes),
            "shares": len(self.shares),
            "comments": len(self.comments),
            "ratings": len(self.ratings),
            "impressions": len(self.impressions),
            "reactions": len(self.reactions),
            "sessions": len(self.fans),
            "ap_published": len(self.posts),
        }

    @property
    def rows(self) -> int:
        return sum(self.table_rows().values())


def zipf_weights(n: int, exponent: float, rng: np.random.Generator | None = None) -> np.ndarray:
    """1/rank^exponent, normalised; shuffled over the indices when `rng` is given."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    w /= w.sum()
    if rng is not None:
        w = w[rng.permutation(n)]
    return w


def fan_key(i: int) -> bytes:
    """Fan number i's private key: fixed test keys, never anybody's real one."""
    return (0xFA5000 + i).to_bytes(32, "big")


def fan_addresses(count: int) -> tuple[list[str], list[bytes]]:
    from eth_account import Account

    keys = [fan_key(i) for i in range(count)]
    return [Account.from_key(k).address for k in keys], keys


def make_dataset(
    now: int,
    *,
    personas: int = PERSONAS,
    fans: int = FANS,
    posts: int = POSTS,
    likes: int = LIKES,
    comments: int = COMMENTS,
    shares: int = SHARES,
    seed: int = SEED,
    addresses: tuple[list[str], list[bytes]] | None = None,
) -> DataSet:
    """A month of a network's life, seeded (the same call gives the same rows):

    - personas' popularity follows a Zipf law (exponent 0.9): the first has ~13 % of the posts
      and followers, the last well under 1 %; every persona has at least 20 posts;
    - fans' activity follows a Zipf law too (exponent 0.7, shuffled): a few fans do much;
    - each post's likes, comments, shares and views are Poisson draws around its persona's
      popularity times a log-normal "this one took off" factor (sigma 0.9), so most posts
      get a few and some get hundreds; likes and views come from distinct fans, weighted by
      their activity; 4 % of likes are taken back later; 3 % of likes, shares and follows come
      from fediverse accounts;
    - every fan follows 1 + Poisson(4) personas (by popularity), 40 % of follows with a rating;
    - times are spread over the HISTORY_DAYS days before `now`, reactions after their post.
    """
    rng = np.random.default_rng(seed)
    addrs, keys = addresses or fan_addresses(fans)
    fan_w = zipf_weights(fans, 0.7, rng)
    persona_w = zipf_weights(personas, 0.9)
    start = now - HISTORY_DAYS * 86_400
    data = DataSet(now, addrs[:fans], keys[:fans], fan_w, persona_w)
    fed = [f"https://fedi.example/users/u{i}" for i in range(fans)]  # fan i's fediverse account

    def later(t0: np.ndarray | int, mean_s: float, size: int | None = None) -> np.ndarray:
        t = np.asarray(t0) + rng.exponential(mean_s, size)
        return np.minimum(t, now - 5).astype(np.int64)

    # posts: at least 20 per persona, the rest by popularity; ids in time order
    floor = min(20, posts // personas)
    counts = floor + rng.multinomial(posts - floor * personas, persona_w)
    owner = np.repeat(np.arange(1, personas + 1), counts)
    rng.shuffle(owner)
    times = np.sort(rng.integers(start, now - 3_600, posts))
    for i in range(posts):
        pid = int(owner[i])
        data.posts.append((i + 1, pid, int(times[i])))
        data.posts_of.setdefault(pid, []).append(i + 1)

    # follows (+ ratings)
    for f in range(fans):
        k = min(personas, 1 + int(rng.poisson(FOLLOWS_PER_FAN - 1)))
        chosen = rng.choice(personas, size=k, replace=False, p=persona_w) + 1
        data.follows_of[f] = [int(p) for p in chosen]
        for pid in chosen:
            t = int(rng.integers(start, now - 60))
            data.follows.append((int(pid), addrs[f], "local", True, t))
            data.reactions.append((int(pid), None, addrs[f], "local", "follow", None, t))
            if rng.random() < RATED:
                stars = int(rng.choice(5, p=[0.03, 0.05, 0.15, 0.37, 0.40])) + 1
                data.ratings.append((int(pid), addrs[f], stars, t + 1))
                data.reactions.append((int(pid), None, addrs[f], "local", "rating", stars, t + 1))
    seen: set[tuple[int, str]] = set()
    for _ in range(int(fans * FOLLOWS_PER_FAN * FEDERATED)):
        pid = int(rng.choice(personas, p=persona_w)) + 1
        actor = fed[int(rng.integers(fans))]
        if (pid, actor) not in seen:
            seen.add((pid, actor))
            t = int(rng.integers(start, now - 60))
            data.follows.append((pid, actor, "federated", True, t))
            data.reactions.append((pid, None, actor, "federated", "follow", None, t))

    # per post: how well it did
    pop = persona_w[owner - 1] ** 0.5 * rng.lognormal(0.0, 0.9, posts)
    pop /= pop.sum()
    n_likes = np.minimum(rng.poisson(pop * likes), fans)
    n_comments = rng.poisson(pop * comments)
    n_shares = np.minimum(rng.poisson(pop * shares), fans)
    n_views = np.minimum(n_likes * 2 + rng.poisson(3, posts), fans)
    text_sentiment = list(range(len(COMMENT_TEXTS)))
    comment_id = 0
    for i in range(posts):
        post_id, pid, t_post = data.posts[i]
        viewers = rng.choice(fans, size=int(n_views[i]), replace=False, p=fan_w)
        for f, t in zip(viewers, later(t_post, 6 * 3_600, len(viewers)), strict=True):
            data.impressions.append((post_id, pid, addrs[int(f)], int(t)))
        likers = viewers[: int(n_likes[i])]  # likes come from fans who saw the post
        like_times = later(t_post, 6 * 3_600, len(likers))
        for f, t in zip(likers, like_times, strict=True):
            federated = rng.random() < FEDERATED
            actor = fed[int(f)] if federated else addrs[int(f)]
            origin = "federated" if federated else "local"
            undone = rng.random() < UNLIKED
            t_undo = int(later(int(t), 2 * 86_400)) if undone else int(t)
            data.likes.append((post_id, actor, origin, not undone, int(t), t_undo))
            data.reactions.append((pid, post_id, actor, origin, "like", None, int(t)))
            if undone:
                data.reactions.append((pid, post_id, actor, origin, "unlike", None, t_undo))
        sharers = rng.choice(fans, size=int(n_shares[i]), replace=False, p=fan_w)
        for f, t in zip(sharers, later(t_post, 12 * 3_600, len(sharers)), strict=True):
            federated = rng.random() < FEDERATED
            actor = fed[int(f)] if federated else addrs[int(f)]
            origin = "federated" if federated else "local"
            data.shares.append((post_id, actor, origin, int(t)))
            data.reactions.append((pid, post_id, actor, origin, "share", None, int(t)))
        authors = rng.choice(fans, size=int(n_comments[i]), replace=True, p=fan_w)
        for f, t in zip(authors, later(t_post, 8 * 3_600, len(authors)), strict=True):
            comment_id += 1
            text = int(rng.choice(text_sentiment))
            data.comments.append((comment_id, post_id, addrs[int(f)], text, int(t)))
            data.reactions.append((pid, post_id, addrs[int(f)], "local", "comment", text, int(t)))
    # the interaction log in time order (its id is its order)
    data.reactions.sort(key=lambda r: r[6])
    return data


# ------------------------------------------------------------------------------------------------
# Bulk load (SQLAlchemy core, one transaction)


def _sentiments() -> list[int]:
    from fame.moderation import moderate

    out = []
    for text in COMMENT_TEXTS:
        verdict = moderate(text)
        if verdict.held:
            raise RuntimeError(f"the bench comment {text!r} would be held by moderation: {verdict.reason}")
        out.append(verdict.sentiment_bps)
    return out


def post_body(post_id: int) -> str:
    o, t, c = POST_OPENERS, POST_TOPICS, POST_CLOSERS
    return (
        f"{o[post_id % len(o)]}: a little {t[post_id % len(t)]} experiment, number {post_id}. "
        f"{c[(post_id // 7) % len(c)]} #{t[(post_id // 3) % len(t)].replace(' ', '')}"
    )


def table_batches(data: DataSet, sessions: dict[str, str], chunk: int = 5_000) -> Iterator[tuple[str, list[dict]]]:
    """(table name, rows) in chunks, parents before children. `sessions`: token -> address."""
    from social.store.auth import token_hash

    sentiment = _sentiments()
    start = data.now - HISTORY_DAYS * 86_400 - 86_400

    def chunks(name: str, rows: Iterator[dict]) -> Iterator[tuple[str, list[dict]]]:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                yield name, batch
                batch = []
        if batch:
            yield name, batch

    yield from chunks(
        "personas",
        (
            {
                "id": p,
                "handle": f"persona_{p:03d}",
                "name": f"Persona {p}",
                "spec_cid": "",
                "share_token": None,
                "active": True,
                "source": "operator",
                "post_interval_s": 3_600,
                "emotion": ("joy", "calm", "surprise", "sadness")[p % 4],
                "emotion_updated_at": data.now - 600,
                "created_at": start,
                "synced_at": None,
            }
            for p in range(1, PERSONAS + 1)
        ),
    )
    yield from chunks(
        "posts",
        (
            {
                "id": post_id,
                "persona_id": pid,
                "body": post_body(post_id),
                "image_cid": IMAGE_CID if post_id % 3 == 0 else None,
                "manifest_cid": MANIFEST_CID,
                "ai_label": AI_LABEL,
                "kind": "post",
                "in_reply_to": None,
                "source": "runtime",
                "status": "visible",
                "visible_at": t,
                "idempotency_key": f"bench:{pid}:{post_id}",
                "created_at": t,
                "ap_id": None,
            }
            for post_id, pid, t in data.posts
        ),
    )
    # each post went out to the fediverse followers when it was posted (the ActivityPub worker
    # would otherwise publish the whole history now, holding the write lock 50 posts at a time)
    inboxes = Counter(pid for pid, _, origin, *_ in data.follows if origin == "federated")
    yield from chunks(
        "ap_published",
        (
            {
                "post_id": post_id,
                "activity_id": f"{PUBLIC_BASE}/ap/posts/{post_id}/activity",
                "recipients": inboxes[pid],
                "created_at": t,
            }
            for post_id, pid, t in data.posts
        ),
    )
    yield from chunks(
        "follows",
        (
            {
                "persona_id": pid,
                "actor": actor,
                "origin": origin,
                "inbox": f"{actor}/inbox" if origin == "federated" else None,
                "active": active,
                "created_at": t,
                "updated_at": t,
            }
            for pid, actor, origin, active, t in data.follows
        ),
    )
    yield from chunks(
        "likes",
        (
            {"post_id": p, "actor": a, "origin": o, "active": act, "created_at": t, "updated_at": t2}
            for p, a, o, act, t, t2 in data.likes
        ),
    )
    yield from chunks(
        "shares", ({"post_id": p, "actor": a, "origin": o, "created_at": t} for p, a, o, t in data.shares)
    )
    yield from chunks(
        "comments",
        (
            {
                "id": cid,
                "post_id": post_id,
                "actor": actor,
                "origin": "local",
                "body": COMMENT_TEXTS[text],
                "sentiment_bps": sentiment[text],
                "status": "visible",
                "visible_at": t,
                # handled by the persona long ago: the runtime's queue holds only new comments
                "reply_state": "skipped",
                "claimed_until": None,
                "reply_post_id": None,
                "ap_id": None,
                "created_at": t,
            }
            for cid, post_id, actor, text, t in data.comments
        ),
    )
    yield from chunks(
        "ratings",
        (
            {"persona_id": pid, "fan": fan, "epoch": t // (7 * 86_400), "stars": stars, "created_at": t}
            for pid, fan, stars, t in data.ratings
        ),
    )
    yield from chunks(
        "impressions",
        (
            {"post_id": p, "persona_id": pid, "viewer": v, "day": t // 86_400, "created_at": t}
            for p, pid, v, t in data.impressions
        ),
    )
    yield from chunks(
        "reactions",
        (
            {
                "persona_id": pid,
                "post_id": post,
                "actor": actor,
                "origin": origin,
                "kind": kind,
                "value": sentiment[value] if kind == "comment" and value is not None else value,
                "created_at": t,
            }
            for pid, post, actor, origin, kind, value, t in data.reactions
        ),
    )
    yield from chunks(
        "sessions",
        (
            {"id": token_hash(token), "address": address, "created_at": data.now, "expires_at": data.now + 86_400}
            for token, address in sessions.items()
        ),
    )


def bulk_load(url: str, data: DataSet, sessions: dict[str, str]) -> float:
    """Migrate an empty database and fill it; seconds taken (migrations included)."""
    from sqlalchemy import text

    import social.activitypub.tables  # noqa: F401 - puts ap_published in the metadata
    from social.store.db import Database
    from social.store.models import Base

    started = time.perf_counter()
    db = Database(url)
    try:
        db.migrate()
        tables = Base.metadata.tables
        with db.engine.begin() as conn:
            for name, rows in table_batches(data, sessions):
                conn.execute(tables[name].insert(), rows)
        if db.dialect == "postgresql":
            with db.engine.begin() as conn:
                # explicit ids leave the sequences behind; then the planner's statistics
                for name, table in tables.items():
                    if "id" in table.c and table.c.id.autoincrement is True:
                        seq = f"pg_get_serial_sequence('{name}', 'id')"
                        conn.execute(text(f"SELECT setval({seq}, COALESCE(MAX(id), 1)) FROM {name}"))
                conn.execute(text("ANALYZE"))
    finally:
        db.dispose()
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------------
# The service as a process, and its clients


class ServiceProcess:
    """`python -m social --no-chain` on a free loopback port (uvicorn), in its own process group,
    with a clean environment (no FAME_* of the caller's)."""

    def __init__(self, database_url: str, folder: Path, writes_per_minute: int = BENCH_WRITES_PER_MINUTE) -> None:
        from fame.procs import free_port

        self.database_url = database_url
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.writes_per_minute = writes_per_minute
        self.log = folder / f"social-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServiceProcess:
        import httpx

        from fame.config import PROJECT_ROOT
        from fame.procs import wait_until

        env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
        env.update(
            FAME_STATE_DIR=str(self.folder / f"state-{self.port}"),
            FAME_SOCIAL_PUBLIC_URL=self.url,
            FAME_SOCIAL_OPERATOR_TOKEN=TOKEN,
            FAME_SOCIAL_WRITES_PER_MINUTE=str(self.writes_per_minute),
        )
        argv = [sys.executable, "-m", "social", "--no-chain", "--port", str(self.port)]
        argv += ["--database-url", self.database_url, "--log-level", "warning"]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                argv,
                env=env,
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(
                lambda: httpx.get(f"{self.url}/health", timeout=2).status_code == 200,
                90,
                "the social service",
                self.proc,
                self.log,
            )
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL if it is still there after 10 s."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue

    def client(self, **kw: Any) -> Any:
        import httpx

        return httpx.Client(base_url=self.url, timeout=30, **kw)


def siwe_message(domain: str, uri: str, address: str, nonce: str, chain_id: int = 31337) -> str:
    """An ERC-4361 message as a wallet shows it."""
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
            f"Chain ID: {chain_id}",
            f"Nonce: {nonce}",
            f"Issued At: {issued}",
        ]
    )


def sign_in(client: Any, base_url: str, key: bytes) -> float:
    """Sign in with Ethereum on `client` (nonce, EIP-191 signature, verify); seconds the two
    requests took (the signing in between not counted)."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    account = Account.from_key(key)
    started = time.perf_counter()
    nonce = client.post("/api/auth/nonce").raise_for_status().json()["nonce"]
    asked = time.perf_counter() - started
    message = siwe_message(base_url.removeprefix("http://"), base_url + "/", account.address, nonce)
    signature = "0x" + account.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")
    started = time.perf_counter()
    reply = client.post("/api/auth/verify", json={"message": message, "signature": signature})
    verified = time.perf_counter() - started
    if reply.status_code != 200:
        raise RuntimeError(f"sign-in refused: {reply.status_code} {reply.text[:200]}")
    return asked + verified


def run_clients(count: int, work: Callable[[int], list[float]]) -> tuple[list[float], float]:
    """`work(i)` for i < count in as many threads, started together; every sample and the
    wall time from the start until the last one is done."""
    results: list[list[float]] = [[] for _ in range(count)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(count + 1)

    def body(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return [s for r in results for s in r], wall


# ------------------------------------------------------------------------------------------------
# Feed reads, interactions, one oracle round


@dataclass(frozen=True)
class FeedRead:
    persona_id: int
    before: int | None
    token: str  # the fan's session


def feed_requests(data: DataSet, tokens: Sequence[str], count: int, seed: int) -> list[FeedRead]:
    """What fans read: a fan by activity (tokens[i] is fan i's session), one of the personas
    the fan follows (70 %) or any by popularity, the first page (80 %) or an older one
    starting below a random post of that persona."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        f = int(rng.choice(len(tokens), p=data.fan_weight))
        follows = data.follows_of.get(f) or []
        if follows and rng.random() < 0.7:
            pid = int(follows[int(rng.integers(len(follows)))])
        else:
            pid = int(rng.choice(len(data.persona_weight), p=data.persona_weight)) + 1
        before = None
        ids = data.posts_of.get(pid) or []
        if ids and rng.random() >= 0.8:
            before = int(ids[int(rng.integers(len(ids)))])
        out.append(FeedRead(pid, before, tokens[f]))
    return out


def read_feeds(url: str, reads: Sequence[FeedRead]) -> list[float]:
    """The reads on one keep-alive connection, each signed in as its fan; seconds per read."""
    import httpx

    from social.api.deps import SESSION_COOKIE

    out = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for r in reads:
            params: dict[str, int] = {"limit": FEED_PAGE}
            if r.before is not None:
                params["before"] = r.before
            client.cookies.clear()
            started = time.perf_counter()
            reply = client.get(
                f"/api/personas/{r.persona_id}/feed", params=params, headers={"cookie": f"{SESSION_COOKIE}={r.token}"}
            )
            elapsed = time.perf_counter() - started
            if reply.status_code != 200:
                raise RuntimeError(f"feed read answered {reply.status_code}: {reply.text[:200]}")
            out.append(elapsed)
    return out


def interaction_plan(data: DataSet, clients: int, each: int, seed: int) -> list[tuple[list[int], list[int | None]]]:
    """Per client: `each` posts drawn by their persona's popularity times their age (newer
    posts draw more), and for each a comment text number (probability COMMENT_SHARE) or None
    for a like."""
    rng = np.random.default_rng(seed)
    weights = np.array([data.persona_weight[pid - 1] for _, pid, _ in data.posts])
    weights *= np.linspace(0.2, 1.0, len(weights))  # ids follow time
    weights /= weights.sum()
    plan = []
    for _ in range(clients):
        posts = [int(p) + 1 for p in rng.choice(len(weights), size=each, p=weights)]
        texts: list[int | None] = [
            int(rng.integers(len(COMMENT_TEXTS))) if rng.random() < COMMENT_SHARE else None for _ in range(each)
        ]
        plan.append((posts, texts))
    return plan


def interact(client: Any, posts: Sequence[int], texts: Sequence[int | None]) -> list[float]:
    """Like posts[i] (texts[i] None) or comment on it, as the signed-in fan of `client`;
    seconds per interaction, each until its 200 (committed) came back."""
    out = []
    for post_id, text in zip(posts, texts, strict=True):
        started = time.perf_counter()
        if text is None:
            reply = client.post(f"/api/posts/{post_id}/like")
        else:
            reply = client.post(f"/api/posts/{post_id}/comments", json={"body": COMMENT_TEXTS[text]})
        elapsed = time.perf_counter() - started
        if reply.status_code != 200:
            raise RuntimeError(f"interaction answered {reply.status_code}: {reply.text[:200]}")
        out.append(elapsed)
    return out


@dataclass
class Observed:
    seconds: list[float]
    answer_bytes: int
    answer: dict[str, Any]  # the service's JSON for the moment observed
    engagements: dict[int, Any]  # persona id -> oracle.report.Engagement
    timeout_s: float  # the adapter's request timeout


def observe_rounds(url: str, at: int, rounds: int) -> Observed:
    """The native adapter (the operators' default settings) observing personas 1..PERSONAS for
    a round that starts SETTLE_S after `at`, so it asks for `at` (final already): `rounds`
    times; then the service's raw answer for `at` once, for its size."""
    import httpx

    from fame.config import oracle_settings
    from oracle.adapters.native import SETTLE_S, NativeAdapter

    cfg = oracle_settings().model_copy(update={"social_url": url})
    adapter = NativeAdapter.from_settings(cfg)
    ids = list(range(1, PERSONAS + 1))
    seconds: list[float] = []
    engagements: dict[int, Any] = {}
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            engagements = adapter.observe(ids, at + SETTLE_S)
            seconds.append(time.perf_counter() - started)
    finally:
        adapter.close()
    if len(engagements) != len(ids):
        raise RuntimeError(f"the adapter observed {len(engagements)} of {len(ids)} personas")
    raw = httpx.get(f"{url}/api/engagement", params={"at": at}, timeout=30)
    raw.raise_for_status()
    return Observed(seconds, len(raw.content), raw.json(), engagements, cfg.social_timeout)


@dataclass
class BackendRun:
    """What one database's run measured: figures by name (absent: not measured)."""

    figures: dict[str, float] = field(default_factory=dict)
    observed: Observed | None = None
    after: Observed | None = None  # an observation after the interactions (the next round)
    loads: list[float] = field(default_factory=list)  # the machine's 1-minute load average, by phase

    def note_load(self) -> None:
        self.loads.append(round(os.getloadavg()[0], 2))

    def put(self, prefix: str, latency: Latency) -> None:
        self.figures[f"{prefix}_p50"] = latency.p50_ms
        self.figures[f"{prefix}_p99"] = latency.p99_ms
        if latency.per_s is not None:
            self.figures[f"{prefix}_per_s"] = latency.per_s


def run_backend(ctx: Context, name: str, url: str, folder: Path, data: DataSet, tokens: list[str]) -> BackendRun:
    """Load `data` into the database at `url`, start the service on it and measure; what was
    measured before a failure is kept (the failure is a warning)."""
    out = BackendRun()
    try:
        _measure_backend(ctx, name, url, folder, data, tokens, out)
    except Exception as exc:  # figures never fail a run
        ctx.warn(f"{COMPONENT}: {name}: {type(exc).__name__}: {exc}")
    return out


def _measure_backend(
    ctx: Context, name: str, url: str, folder: Path, data: DataSet, tokens: list[str], out: BackendRun
) -> None:
    with ctx.steps.step(f"{COMPONENT}: {name}: bulk load of {data.rows:,} rows") as step:
        load_s = bulk_load(url, data, dict(zip(tokens, data.fans, strict=True)))
        out.figures["load_s"] = round(load_s, 1)
        step.note(f"{load_s:.1f} s")
    with ServiceProcess(url, folder) as service:
        out.note_load()
        with ctx.steps.step(f"{COMPONENT}: {name}: oracle round, observe() x {OBSERVE_ROUNDS}") as step:
            out.observed = observe_rounds(service.url, data.now, OBSERVE_ROUNDS)
            median_ms = statistics.median(out.observed.seconds) * 1000
            out.figures["observe_ms"] = round(median_ms, 1)
            out.figures["answer_bytes"] = out.observed.answer_bytes
            out.note_load()
            step.note(f"{median_ms:.0f} ms")
        reads = feed_requests(data, tokens, FEED_WARMUP + FEED_READS + FEED_READS_CONCURRENT, SEED + 1)
        with ctx.steps.step(f"{COMPONENT}: {name}: {FEED_READS:,} feed reads, 1 client") as step:
            read_feeds(service.url, reads[:FEED_WARMUP])
            started = time.perf_counter()
            one = read_feeds(service.url, reads[FEED_WARMUP : FEED_WARMUP + FEED_READS])
            latency = Latency.of(one, time.perf_counter() - started)
            out.put("feed_one", latency)
            out.note_load()
            step.note(f"p50 {latency.p50_ms} ms, p99 {latency.p99_ms} ms")
        with ctx.steps.step(
            f"{COMPONENT}: {name}: {FEED_READS_CONCURRENT:,} feed reads, {FEED_CLIENTS} clients"
        ) as step:
            rest = reads[FEED_WARMUP + FEED_READS :]
            per = len(rest) // FEED_CLIENTS
            samples, wall = run_clients(FEED_CLIENTS, lambda i: read_feeds(service.url, rest[i * per : (i + 1) * per]))
            latency = Latency.of(samples, wall)
            out.put("feed_many", latency)
            out.note_load()
            step.note(f"p50 {latency.p50_ms} ms, p99 {latency.p99_ms} ms, {latency.per_s} per s")
        plan = interaction_plan(data, WRITE_CLIENTS, WRITES_PER_CLIENT, SEED + 2)
        total = WRITE_CLIENTS * WRITES_PER_CLIENT
        with ctx.steps.step(f"{COMPONENT}: {name}: {total:,} likes and comments, {WRITE_CLIENTS} clients") as step:
            clients = [service.client() for _ in range(WRITE_CLIENTS)]
            try:
                # fans from the quiet end of the activity ranking, so most of their likes are new
                quiet = np.argsort(data.fan_weight)[:WRITE_CLIENTS]
                signins, _ = run_clients(
                    WRITE_CLIENTS, lambda i: [sign_in(clients[i], service.url, data.fan_keys[int(quiet[i])])]
                )
                out.put("signin", Latency.of(signins))
                samples, wall = run_clients(WRITE_CLIENTS, lambda i: interact(clients[i], *plan[i]))
            finally:
                for c in clients:
                    c.close()
            latency = Latency.of(samples, wall)
            out.put("writes", latency)
            out.note_load()
            step.note(f"{latency.per_s} per s, p50 {latency.p50_ms} ms, p99 {latency.p99_ms} ms")
        if name == SQLITE:
            with ctx.steps.step(f"{COMPONENT}: {name}: the next oracle round, after the interactions"):
                from oracle.adapters.native import SETTLE_S

                time.sleep(SETTLE_S + 1)  # the round starts now: it observes SETTLE_S ago, after every interaction
                out.after = observe_rounds(service.url, int(time.time()) - SETTLE_S, 1)


# ------------------------------------------------------------------------------------------------
# Comment to reply: the persona runtime with its language model, against a real service


class RecordingWriter:
    """The runtime's writer, keeping what each post and reply cost (tokens, seconds)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.info = inner.info
        self.posts: list[Any] = []
        self.replies: list[Any] = []

    def post(self, profile: Any, emotion: str, seed: int) -> Any:
        written = self.inner.post(profile, emotion, seed)
        self.posts.append(written)
        return written

    def reply(self, profile: Any, emotion: str, post_body: str, comment: str, seed: int) -> Any:
        written = self.inner.reply(profile, emotion, post_body, comment, seed)
        self.replies.append(written)
        return written


@dataclass
class ReplyRun:
    latencies: list[float]
    tokens: int
    generate_s: float
    template: int
    model: str
    threads: int
    load_s: float
    poll_s: float  # the runtime's pause between passes with nothing to do
    loads: list[float] = field(default_factory=list)

    @property
    def tokens_per_s(self) -> float | None:
        return round(self.tokens / self.generate_s, 1) if self.generate_s > 0 else None


REPLY_TEXTS = (
    "This is gorgeous, what inspired it?",
    "I love the colours in this one!",
    "Honestly not sure about this, it feels a bit off.",
    "Can you share more behind the scenes next time?",
    "Made my whole week, thank you Nova!",
)


def comment_to_reply(ctx: Context, folder: Path) -> ReplyRun:
    import httpx
    import torch
    from eth_account import Account

    from ai_worker.persona import EXAMPLE_SPEC
    from ai_worker.runtime.client import SocialClient
    from ai_worker.runtime.service import PersonaRuntime
    from ai_worker.runtime.writer import ModelWriter, writer_from_settings
    from fame.config import worker_settings
    from fame.ipfs import BlockStore, EmbeddedBackend

    base = worker_settings()
    cfg = base.model_copy(update={"runtime_writer": "model", "device": "cpu"})
    with ctx.steps.step(f"{COMPONENT}: load the persona runtime's language model") as step:
        started = time.perf_counter()
        cache = base.state_dir / "runtime" / "models" if cfg.runtime_model_cache else None
        inner = writer_from_settings(cfg, cache_dir=cache)
        load_s = time.perf_counter() - started
        if not isinstance(inner, ModelWriter):
            raise RuntimeError("the language model is not installed (make install)")
        step.note(f"{inner.info.name}, {load_s:.1f} s")
    writer = RecordingWriter(inner)
    backend = EmbeddedBackend(BlockStore(folder / "ipfs"))
    spec_cid = str(backend.add(json.dumps(EXAMPLE_SPEC).encode()))
    with ServiceProcess(f"sqlite:///{folder / 'replies.db'}", folder) as service:
        with service.client(headers={"Authorization": f"Bearer {TOKEN}"}) as op:
            persona = op.post("/api/operator/personas", json={"name": EXAMPLE_SPEC["name"], "spec_cid": spec_cid})
            persona.raise_for_status()
        pid = int(persona.json()["id"])
        rt = PersonaRuntime(
            SocialClient(service.url, TOKEN),
            writer,
            backend,
            Account.from_key(ctx.accounts[9].key),
            cfg,
            folder / "runtime",
            post_interval_s=86_400,
            reply_interval_s=0.0,
            spec_cids=lambda persona_id: spec_cid if persona_id == pid else None,
        )
        loop = threading.Thread(target=rt.run, name="bench-persona-runtime", daemon=True)
        loop.start()
        latencies: list[float] = []
        loads: list[float] = []
        try:
            with ctx.steps.step(f"{COMPONENT}: the persona's first post (runtime, language model)"):
                post_id = _wait_for(lambda: _first_post(service.url, pid), REPLY_TIMEOUT_S, "the persona's first post")
            with httpx.Client(base_url=service.url, timeout=30) as fan:
                sign_in(fan, service.url, fan_key(FANS + 1))
                for i, text in enumerate(REPLY_TEXTS[:REPLY_COMMENTS]):
                    with ctx.steps.step(f"{COMPONENT}: comment {i + 1} of {REPLY_COMMENTS} to its reply") as step:
                        started = time.perf_counter()
                        reply = fan.post(f"/api/posts/{post_id}/comments", json={"body": text})
                        reply.raise_for_status()
                        cid = int(reply.json()["id"])
                        answered = functools.partial(_reply_of, fan, post_id, cid)
                        _wait_for(answered, REPLY_TIMEOUT_S, f"the reply to comment {cid}")
                        latencies.append(time.perf_counter() - started)
                        loads.append(round(os.getloadavg()[0], 2))
                        step.note(f"{latencies[-1]:.2f} s")
        finally:
            rt.stop.set()
            loop.join(timeout=60)
            rt.client.close()
    replies = [w for w in writer.replies if not w.template]
    return ReplyRun(
        latencies,
        sum(w.tokens for w in replies),
        sum(w.seconds for w in replies),
        sum(1 for w in writer.replies if w.template),
        inner.info.name,
        torch.get_num_threads(),
        load_s,
        cfg.runtime_poll_s,
        loads,
    )


def _wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value is not None:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not come within {timeout:.0f} s")


def _first_post(url: str, persona_id: int) -> int | None:
    import httpx

    posts = httpx.get(f"{url}/api/personas/{persona_id}/feed", params={"limit": 1}, timeout=10).json()["posts"]
    return int(posts[0]["id"]) if posts else None


def _reply_of(fan: Any, post_id: int, comment_id: int) -> int | None:
    for c in fan.get(f"/api/posts/{post_id}").json()["comments"]:
        if c["id"] == comment_id and c["reply"] is not None:
            return int(c["reply"]["id"])
    return None


# ------------------------------------------------------------------------------------------------
# The oracle round on chain: transmit of the observed personas


def transmit_gas(ctx: Context, first: dict[int, Any], later: dict[int, Any]) -> dict[str, tuple[int, int]]:
    """Gas of transmit with reports built from the native adapter's observations (first and
    next round) and, as the anchor, the oracle suite's synthetic observations of the same
    personas, each from a fresh oracle on the same chain snapshot: {"first"|"next": (ours, anchor)}."""
    from .oracle import _deploy_oracle, _set_up, next_observed_at, observations, signed_report, transmit

    personas = sorted(first)
    out: dict[str, tuple[int, int]] = {}
    with ctx.isolated():
        world = _set_up(ctx)
        gas: dict[str, list[int]] = {}
        for side in ("native", "synthetic"):
            with ctx.isolated():
                oracle = _deploy_oracle(ctx, world, TRANSMIT_N, TRANSMIT_F, True)
                gas[side] = []
                for epoch, seen in ((1, first), (2, later)):
                    if side == "native":
                        items = [seen[p] for p in personas]
                    else:
                        items = observations(personas, next_observed_at(ctx), epoch)
                    report, sigs = signed_report(ctx, oracle, world.keys, TRANSMIT_F, epoch, items)
                    gas[side].append(transmit(ctx, oracle, world.transmitter, report, sigs)["gasUsed"])
        out["first"] = (gas["native"][0], gas["synthetic"][0])
        out["next"] = (gas["native"][1], gas["synthetic"][1])
    return out


# ------------------------------------------------------------------------------------------------
# The suite


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


@suite("social", title="Social service")
def social_suite(ctx: Context) -> Iterator[Row]:
    """The social service (social/) as `python -m social` runs it (uvicorn on loopback, one
    process, `--no-chain`, its background work and ActivityPub worker on), driven over HTTP by
    httpx clients in the benchmark's process, on the same 2 CPU cores, which other processes may
    share (a warning gives the load average when they did): wall times, so compare figures only
    within one run.

    Data set (seeded; bulk-loaded with SQLAlchemy core inserts in one transaction after the
    migrations, before the service starts): 100 personas, 1,000 fans, 10,000 posts over 30 days
    and what the fans did with them, spread as on a real network: the personas' popularity and
    the fans' activity follow Zipf laws, each post's likes, comments, shares and views are
    Poisson draws around its persona's popularity times a log-normal factor (most posts get a
    few, some hundreds), 4 % of likes taken back, 3 % of likes, shares and follows from
    fediverse accounts, every fan following about 5 personas, 40 % of them with a rating: about
    100,000 likes, 20,000 comments, 5,000 shares and 230,000 views, 517,000 rows with the
    interaction log, the fans' 1,000 sessions and the posts' ActivityPub publication records
    (each post went out to its fediverse followers when it was posted; without those records
    the ActivityPub worker publishes the whole history when the service starts, 50 posts per
    write transaction, and every request that writes waits behind it: one client's feed read
    p99 on SQLite went from about 20 ms to 200-500 ms, with reads over 1 s). The same rows go
    into SQLite (WAL, synchronous=FULL, the service's default) and into PostgreSQL 15 (a
    throwaway server from stack/postgres.py with its durability on: fsync, full-page writes,
    synchronous commit; ANALYZE after the load, as autovacuum would do). The rows put
    PostgreSQL as ours and SQLite as the anchor: the ratio is PostgreSQL / SQLite.

    Feed reads: GET /api/personas/{id}/feed (20 posts, newest first, with their like, share and
    comment counts and the reader's own likes), each signed in as a fan chosen by activity (the
    fans' sessions are part of the load; a read also counts the fan's views of the page, a
    write), of a persona the fan follows (70 %) or any by popularity, the first page (80 %) or
    an older one; 50 reads to warm up, then 1,000 one after the other on one keep-alive
    connection, then 1,000 more from 4 clients at once. Percentiles are nearest-rank: a p99 is
    a time one of the reads really took. Goal: p99 under 100 ms on this 2-core machine.

    Interactions: 8 clients at once, each a fan signed in with Sign-In with Ethereum through
    the API (nonce, EIP-191 signature, verify; the sign-in row times those two requests), each
    sending 150 likes or comments (one in four a comment, which passes moderation) to posts
    drawn by popularity and age; an interaction is accepted when its 200 is back (committed).
    The per-fan write limit (30 a minute by default) is raised for the run, so the figure is the
    service's, not the limiter's; interactions per second = accepted / wall time of the 1,200.

    Comment to reply: a service of its own (SQLite) with the example persona, and the persona
    runtime (ai_worker/runtime) running in the benchmark's process with its default settings
    and language model, SmolLM2-135M-Instruct (the Q4_1 GGUF file, de-quantised to float32 by
    transformers, its converted copy cached as the runtime keeps it) on the CPU; a signed-in
    fan comments on the persona's first post and polls the post until the reply is there, 5
    times, one after the other. The runtime's pause between passes is its default (named in
    the row); the persona's reply pace (FAME_SOCIAL_REPLY_INTERVAL_S) is 0, so the figure is
    what one comment waits, not the pace the runtime keeps between two replies. Tokens per
    second: the tokens the model generated for the replies (every candidate) over the time it
    spent generating them. Goal: p50 under 5 s.

    Oracle round: the native adapter (oracle/adapters/native.py) with the operators' default
    settings, observe() of personas 1..100 for a round whose moment is the end of the data set
    (final at once), 7 times; the answer's size is the JSON body of GET /api/engagement (every
    persona the service knows: these 100). SQLite's and PostgreSQL's answers are compared (a
    warning if they differ). Transmit: reports of those observations (the personas' first
    report) and of the next round's, observed after the interactions, signed by 2 of 4
    operators and sent to an EngagementOracle wired to Reputation and PersonaStaking on the
    harness's anvil (the oracle suite's set-up); the anchor is the same two transmits with the
    oracle suite's synthetic observations of the same personas, from the same chain snapshot.
    """
    from fame.errors import FameError
    from stack.postgres import PostgresServer

    with tempfile.TemporaryDirectory(prefix="fame-bench-social-") as tmp, ExitStack() as servers:
        folder = Path(tmp)
        with ctx.steps.step(f"{COMPONENT}: data set ({PERSONAS} personas, {FANS:,} fans, {POSTS:,} posts)") as step:
            data = make_dataset(int(time.time()))
            tokens = [hashlib.sha256(f"bench-session-{i}".encode()).hexdigest() for i in range(len(data.fans))]
            step.note(f"{data.rows:,} rows")
        urls: dict[str, str] = {SQLITE: f"sqlite:///{folder / 'social.db'}"}
        pg_name = POSTGRES
        with ctx.steps.step(f"{COMPONENT}: a throwaway PostgreSQL server (durable settings)") as step:
            try:
                pg = PostgresServer.create(durable=True)
                servers.callback(pg.remove)
                pg.start()
                urls[POSTGRES] = pg.url(pg.create_database("social_bench"))
                pg_name = f"{POSTGRES} {pg.server_version().split(' ')[0]}"
                step.note(f"{pg_name}, port {pg.port}")
            except (FameError, OSError) as exc:
                step.warn("not available")
                ctx.warn(f"{COMPONENT}: no PostgreSQL server ({exc}): its figures are left empty")
        runs = {name: run_backend(ctx, name, url, folder, data, tokens) for name, url in urls.items()}
        servers.close()  # PostgreSQL's work is done: its memory and CPU back for what follows

        anchor = f"SQLite {_sqlite_version()} (WAL, synchronous=FULL), same data, same run"

        def row(action: str, unit: str, key: str, goal: tuple[str, float] | None = None) -> Row:
            figures = {name: runs[name].figures.get(key) if name in runs else None for name in (POSTGRES, SQLITE)}
            if goal is not None:
                action += " " + goal_label(goal[0], figures, goal[1])
            return side_by_side(action, unit, figures, anchor)

        feed = f"GET /api/personas/{{id}}/feed ({FEED_PAGE} posts, signed-in fan), {pg_name} vs SQLite"
        goal = (f"< {FEED_GOAL_MS:.0f} ms", FEED_GOAL_MS)
        clients = f"{FEED_CLIENTS} clients at once, {FEED_READS_CONCURRENT:,} reads"
        total = WRITE_CLIENTS * WRITES_PER_CLIENT
        writes = f"{WRITE_CLIENTS} signed-in clients at once, {total:,} likes and comments (1 in 4 a comment)"
        yield row(f"set-up: bulk load of {data.rows:,} rows (SQLAlchemy core, migrations included)", "s", "load_s")
        yield row(f"feed read p50, {feed}, 1 client, {FEED_READS:,} reads", "ms", "feed_one_p50")
        yield row(f"feed read p99, {feed}, 1 client, {FEED_READS:,} reads", "ms", "feed_one_p99", goal)
        yield row(f"feed read p50, {feed}, {clients}", "ms", "feed_many_p50")
        yield row(f"feed read p99, {feed}, {clients}", "ms", "feed_many_p99", goal)
        yield row(f"feed reads per second, {clients}", "reads/s", "feed_many_per_s")
        yield row(f"interactions accepted per second, {writes}, {pg_name} vs SQLite", "interactions/s", "writes_per_s")
        yield row(f"interaction p50, {writes}", "ms", "writes_p50")
        yield row(f"interaction p99, {writes}", "ms", "writes_p99")
        yield row(f"sign-in with Ethereum (nonce + verify) p50, {WRITE_CLIENTS} fans at once", "ms", "signin_p50")
        timeout = next((r.observed.timeout_s for r in runs.values() if r.observed is not None), None)
        yield row(
            f"oracle round: native adapter observe() of {PERSONAS} personas, median of {OBSERVE_ROUNDS}, "
            f"{pg_name} vs SQLite" + ("" if timeout is None else f" (the adapter's timeout: {timeout * 1000:.0f} ms)"),
            "ms",
            "observe_ms",
        )
        yield row(f"oracle round: GET /api/engagement answer for {PERSONAS} personas, JSON", "bytes", "answer_bytes")
        answers = {name: r.observed.answer for name, r in runs.items() if r.observed is not None}
        if len(answers) == 2 and answers[SQLITE] != answers[POSTGRES]:
            ctx.warn(f"{COMPONENT}: SQLite and PostgreSQL answered GET /api/engagement differently for the same rows")

        # the round on chain, from SQLite's observations (PostgreSQL's are the same: checked above)
        gas: dict[str, tuple[int, int]] = {}
        sqlite_run = runs.get(SQLITE)
        if sqlite_run is not None and sqlite_run.observed is not None and sqlite_run.after is not None:
            with ctx.steps.step(f"{COMPONENT}: transmit of the {PERSONAS} observed personas"):
                try:
                    gas = transmit_gas(ctx, sqlite_run.observed.engagements, sqlite_run.after.engagements)
                except Exception as exc:
                    ctx.warn(f"{COMPONENT}: transmit: {type(exc).__name__}: {exc}")
        synthetic = "the oracle suite's synthetic observations (same personas, same set-up)"
        committee = f"n = {TRANSMIT_N} ({TRANSMIT_F + 1} signatures), sinks on"
        for key, kind in (("first", "the personas' first report"), ("next", "the next round")):
            ours, theirs = gas.get(key, (None, None))
            action = f"oracle round: transmit of the native source's {PERSONAS} personas, {committee}, {kind}"
            yield Row(COMPONENT, action, ours, synthetic, theirs)
        ours, theirs = gas.get("next", (None, None))
        per = None if ours is None else round(ours / PERSONAS)
        yield Row(
            COMPONENT,
            f"oracle round: gas per persona, native source, {committee}, the next round "
            f"(target < {TARGET_PER_PERSONA:,}: {goal_word(per, TARGET_PER_PERSONA)})",
            per,
            synthetic,
            None if theirs is None else round(theirs / PERSONAS),
            unit="gas/persona",
        )

        reply: ReplyRun | None = None
        try:
            reply = comment_to_reply(ctx, folder)
            if reply.template:
                ctx.warn(f"{COMPONENT}: {reply.template} of the runtime's replies fell back to its templates")
        except Exception as exc:  # figures never fail a run
            ctx.warn(f"{COMPONENT}: comment to reply: {type(exc).__name__}: {exc}")
        p50 = None if reply is None or not reply.latencies else round(percentile(reply.latencies, 50), 2)
        poll = "" if reply is None else f", polling every {reply.poll_s:g} s"
        model = reply.model if reply is not None else "SmolLM2-135M-Instruct.Q4_1"
        threads = ""
        if reply is not None:
            threads = f", {reply.threads} torch thread{'s' if reply.threads != 1 else ''}"
        yield Row(
            COMPONENT,
            f"comment to reply p50, persona runtime with {model} on CPU{threads}{poll}, {REPLY_COMMENTS} comments "
            f"one after the other (goal < {REPLY_GOAL_S:.0f} s: {goal_word(p50, REPLY_GOAL_S)})",
            p50,
            NO_ANCHOR,
            None,
            unit="s",
        )
        yield Row(
            COMPONENT,
            f"comment to reply, the slowest of {REPLY_COMMENTS}",
            None if reply is None or not reply.latencies else round(max(reply.latencies), 2),
            NO_ANCHOR,
            None,
            unit="s",
        )
        yield Row(
            COMPONENT,
            f"language model tokens per second, {model} (float32) on CPU{threads}, generating the replies",
            None if reply is None else reply.tokens_per_s,
            NO_ANCHOR,
            None,
            unit="tokens/s",
        )

        loads = [x for r in runs.values() for x in r.loads] + (reply.loads if reply is not None else [])
        cores = os.cpu_count() or 1
        if loads and max(loads) > cores:
            ctx.warn(
                f"{COMPONENT}: the machine's 1-minute load average was {min(loads):.1f} to {max(loads):.1f} on "
                f"{cores} cores during these measurements (other processes ran too): the tails and rates carry "
                "their share"
            )
