"""Per-fan write limit: at most `per_minute` writes in any 60 seconds, then 429 with Retry-After.

A sliding window of the last writes' times per key (a fan's address, or a remote server):
exact, and small, since a key holds at most `per_minute` times. It lives in the process:
a restart forgives everyone, which costs nothing that matters (the limit protects the
service, it counts nothing that the engagement totals read).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> int | None:
        """Record a write by `key`; None when allowed, else the seconds to wait (Retry-After)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_S:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1, math.ceil(hits[0] + WINDOW_S - now))
            hits.append(now)
            if len(self._hits) > 100_000:
                self._prune(now)
            return None

    def _prune(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - WINDOW_S]:
            del self._hits[key]
