"""The emotion engine learning from the fans' real reactions, in the persona runtime.

When a persona writes a post, the post's emotion is the engine's choice (the action a of
Q(s, a, e), `Learner.choose`). The state's emotional part e is the persona's mimicry mood
(`mimicry.py`: what its fans' comments made it feel, drifting back to the spec's baseline):
the engine is handed that mood before it chooses, so it learns which emotion to post *given*
how the persona feels now, and its own post-reward mood model does not compete with the
mood the fans move. The engine's baseline is the spec's baseline (what both moods return to);
s, the engagement state, comes from the rewards the engine has seen.

The runtime remembers the decision behind each post (`<state_dir>/learning.json`, written
atomically): first under the post's schedule slot (a restart that posts the slot again gets
the same post back from the service and must keep the emotion it was written in), then
under the post's id once the service has it. After the settling window (`settle_s`, 300 s by
default) the post's measured engagement becomes the reward:

* likes (likes minus unlikes), shares and comments of the post stamped within
  [created_at, created_at + settle_s], read from the service's interaction log
  (`GET /api/runtime/reactions?since=<cursor>`, the cursor kept in the state file); a
  comment's `value` is its sentiment in basis points, averaged into `sentiment_bps`;
* views: the persona's impressions in the same window (`GET /api/engagement?at=` at both
  ends; the API counts views per persona, not per post, so they are the post's when the
  persona posts less often than once per window), at least the number of fans who reacted;
* reward = `ai_worker.emotion_engine.reward_from_engagement(views, likes, shares, comments,
  sentiment_bps)`, passed to `EmotionEngine.observe` with the post's decision and the key
  `post:<id>`: the engine writes the key in the same atomic file as the update, so a crash
  between the engine's write and this file's never learns from a post twice.

A window counts once it ended at least `LAG_S` before a complete read of the log (the
service's counts for a moment are final 2 s after it), so the reward is the same whenever it
is read. The numbers are fixed by the window, not by when the runtime gets to them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..emotion_engine import EmotionEngine, atomic_write_json, reward_from_engagement
from ..emotions import check
from .client import SocialClient, SocialRefused

log = logging.getLogger("ai_worker.runtime")

LEARNING_FORMAT = 1
LAG_S = 2.0  # the service's counts as of a moment are final this long after it
PAGE = 1_000


@dataclass
class Counts:
    """One post's reactions within its settling window."""

    likes: int = 0
    unlikes: int = 0
    shares: int = 0
    comments: int = 0
    sentiment_sum: int = 0
    actors: int = 0

    @property
    def net_likes(self) -> int:
        return max(0, self.likes - self.unlikes)

    @property
    def sentiment_bps(self) -> int:
        return round(self.sentiment_sum / self.comments) if self.comments else 0

    def to_json(self) -> dict[str, int]:
        return {k: int(getattr(self, k)) for k in ("likes", "unlikes", "shares", "comments", "sentiment_sum", "actors")}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Counts:
        return cls(**{k: int(v) for k, v in (data or {}).items() if k in cls.__dataclass_fields__})


def count_reactions(reactions: Iterable[dict[str, Any]], post_id: int, created_at: float, settle_s: float) -> Counts:
    """A post's Counts from interaction-log rows (any order): the rows of that post stamped in its window."""
    c = Counts()
    actors: set[str] = set()
    end = created_at + settle_s
    for r in reactions:
        if r.get("post_id") != post_id or not created_at <= float(r.get("created_at") or 0) <= end:
            continue
        _add(c, r)
        actors.add(str(r.get("actor")))
    c.actors = len(actors)
    return c


def _add(c: Counts, r: dict[str, Any]) -> None:
    kind = r.get("kind")
    if kind == "like":
        c.likes += 1
    elif kind == "unlike":
        c.unlikes += 1
    elif kind == "share":
        c.shares += 1
    elif kind == "comment":
        c.comments += 1
        c.sentiment_sum += int(r.get("value") or 0)


def post_reward(c: Counts, views: int) -> float:
    """The reward of a post: reward_from_engagement of its window's counts; views at least the fans who reacted."""
    return reward_from_engagement(max(int(views), c.actors), c.net_likes, c.shares, c.comments, c.sentiment_bps)


@dataclass
class Learned:
    post_id: int
    persona_id: int
    emotion: str
    reward: float
    views: int
    counts: Counts


class Learner:
    """The runtime's side of the emotion engine (see the module docstring).

    client: the runtime's SocialClient; engine: an EmotionEngine with its own state folder;
    folder: where learning.json goes; settle_s: the settling window after a post.
    """

    def __init__(
        self,
        client: SocialClient,
        engine: EmotionEngine,
        folder: Path,
        settle_s: float = 300.0,
        clock: Callable[[], float] = time.time,
        fsync: bool = True,
    ) -> None:
        self.client = client
        self.engine = engine
        self.path = Path(folder) / "learning.json"
        self.settle_s = float(settle_s)
        self.clock = clock
        self.fsync = fsync
        self.cursor = 0
        self.read_at = -1e18  # when the log was last read to its end
        self.chosen: dict[str, dict[str, Any]] = {}  # slot key -> {"persona", "emotion", "decision"}
        self.posts: dict[int, dict[str, Any]] = {}  # post id -> chosen + {"created_at", "counts", "actors"}
        self.learned = 0
        self.unsupported = False
        self._load()

    # ------------------------------------------------------------------ state

    def _load(self) -> None:
        import json

        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as err:
            log.warning("learning state %s unreadable (%s): starting it over", self.path, err)
            return
        if not isinstance(data, dict) or data.get("format") != LEARNING_FORMAT:
            log.warning("learning state %s has another format: starting it over", self.path)
            return
        self.cursor = int(data.get("cursor") or 0)
        self.chosen = dict(data.get("chosen") or {})
        self.posts = {int(k): v for k, v in (data.get("posts") or {}).items()}
        self.learned = int(data.get("learned") or 0)

    def save(self) -> None:
        atomic_write_json(
            self.path,
            {
                "format": LEARNING_FORMAT,
                "cursor": self.cursor,
                "chosen": self.chosen,
                "posts": {str(k): v for k, v in self.posts.items()},
                "learned": self.learned,
            },
            fsync=self.fsync,
        )

    # ------------------------------------------------------------------ posting

    def choose(self, persona_id: int, slot_key: str, mood: tuple[float, float, float], baseline: str) -> str:
        """The emotion of the post for `slot_key`: the engine's choice given the mimicry `mood`
        (the same one again for the same slot, across restarts)."""
        kept = self.chosen.get(slot_key)
        if kept is not None:
            return str(kept["emotion"])
        baseline = check(baseline)
        if self.engine.state(persona_id, baseline).baseline != baseline:
            self.engine.set_baseline(persona_id, baseline)
        emotion = self.engine.next_emotion(persona_id, None, baseline=baseline, mood=mood)
        decision = self.engine.last_decision(persona_id)
        self.chosen[slot_key] = {"persona": int(persona_id), "emotion": emotion, "decision": decision}
        self.save()
        return emotion

    def remember(self, slot_key: str, post: dict[str, Any] | None) -> None:
        """The service took the slot's post (`post`; None: refused or held): its decision waits for reactions."""
        kept = self.chosen.pop(slot_key, None)
        if kept is not None and post is not None and post.get("id") is not None:
            pid = int(post["id"])
            if pid not in self.posts:
                self.posts[pid] = {
                    **kept,
                    "created_at": float(post.get("created_at") or self.clock()),
                    "counts": Counts().to_json(),
                }
        self.save()

    # ------------------------------------------------------------------ learning

    def read_log(self) -> None:
        """Reads the interaction log from the cursor to its end, adding each row to its waiting post."""
        started = self.clock()
        while True:
            page = self.client._call("GET", "/api/runtime/reactions", params={"since": self.cursor, "limit": PAGE})
            rows = page.get("reactions") or []
            for r in rows:
                p = self.posts.get(int(r["post_id"])) if r.get("post_id") is not None else None
                if p is None or not p["created_at"] <= float(r["created_at"]) <= p["created_at"] + self.settle_s:
                    continue
                c = Counts.from_json(p["counts"])
                _add(c, r)
                actors = set(p.get("actors") or [])
                actors.add(str(r.get("actor")))
                p["actors"] = sorted(actors)
                c.actors = len(actors)
                p["counts"] = c.to_json()
            nxt = int(page.get("next") or self.cursor)
            moved = nxt != self.cursor
            self.cursor = nxt
            if moved:
                self.save()
            if len(rows) < PAGE:
                break
        self.read_at = started

    def views(self, persona_id: int, start: float, end: float) -> int:
        """The persona's impressions counted in [start, end]."""

        def at(t: float) -> int:
            data = self.client._call("GET", "/api/engagement", params={"at": int(t)})
            return int(((data or {}).get("personas") or {}).get(str(persona_id), {}).get("views") or 0)

        return max(0, at(end) - at(start - 1))

    def due(self) -> list[int]:
        """Posts whose settling window ended at least LAG_S before the last complete read of the log."""
        return sorted(pid for pid, p in self.posts.items() if p["created_at"] + self.settle_s + LAG_S <= self.read_at)

    def learn_due(self) -> list[Learned]:
        """Learns from every post whose window has settled; returns what was learned."""
        if self.unsupported or not self.posts:
            return []
        now = self.clock()
        if not any(p["created_at"] + self.settle_s + LAG_S <= now for p in self.posts.values()):
            return []
        try:
            self.read_log()
        except SocialRefused as err:
            if err.status == 404:
                self.unsupported = True
                log.warning("the social service has no interaction log (%s): the emotion engine does not learn", err)
                return []
            raise
        out = []
        for pid in self.due():
            p = self.posts[pid]
            c = Counts.from_json(p["counts"])
            views = self.views(int(p["persona"]), p["created_at"], p["created_at"] + self.settle_s)
            reward = post_reward(c, views)
            self.engine.observe(int(p["persona"]), reward, decision=p["decision"], key=f"post:{pid}")
            del self.posts[pid]
            self.learned += 1
            self.save()
            out.append(Learned(pid, int(p["persona"]), str(p["emotion"]), reward, views, c))
            log.info(
                "persona %s learned from post %s (%s): reward %.3f (%d views, %d likes, %d shares, %d comments)",
                p["persona"],
                pid,
                p["emotion"],
                reward,
                max(views, c.actors),
                c.net_likes,
                c.shares,
                c.comments,
            )
        return out
