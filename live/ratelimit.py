"""Per-connection message limit: a token bucket (`rate` messages a second, `burst` at once).

A message past the limit is dropped and answered `rate_limited`. A connection that keeps
going past it is flooding: once its dropped messages have come with no pause of PAUSE_S for
FLOOD_S, it is closed (1008 "flooding"). Every frame counts, a malformed one too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

FLOOD_S = 10.0
PAUSE_S = 1.0


class Verdict(Enum):
    OK = "ok"
    LIMITED = "limited"
    FLOODING = "flooding"


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class ConnectionLimit:
    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic, flood_s: float = FLOOD_S
    ) -> None:
        self.bucket = TokenBucket(rate, burst, clock)
        self.clock = clock
        self.flood_s = flood_s
        self.flood_since: float | None = None
        self.last_dropped = 0.0

    def check(self) -> Verdict:
        """Count one message: OK to use it, LIMITED to drop it, FLOODING to close the connection."""
        if self.bucket.take():
            return Verdict.OK
        now = self.clock()
        if self.flood_since is None or now - self.last_dropped > PAUSE_S:
            self.flood_since = now
        self.last_dropped = now
        return Verdict.FLOODING if now - self.flood_since >= self.flood_s else Verdict.LIMITED
