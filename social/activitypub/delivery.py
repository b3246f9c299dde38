"""Delivery: every outgoing activity (a post's Create to the followers, an Accept to a new
follower) is a row per (activity, inbox) in `deliveries`, written in the same transaction as
what caused it, and POSTed, signed by the persona, by the worker. A failure is retried with
exponential back-off (`RetryPolicy`); a 4xx other than 408/429 is final. The rows are the queue,
so a restart loses nothing and the unique key makes a repeated enqueue a no-op.

The worker claims a due row by moving its `next_at` past the request's timeout before it sends
(an UPDATE guarded by the old value), so two service processes never send the same row at once.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from social.store.db import begin_read, begin_write
from social.store.models import Delivery
from social.store.sql import insert_ignore

from .objects import Json
from .remote import Fetcher, FetchError, Signer

log = logging.getLogger("social.activitypub")

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt n (1-based) failed: the next one after `base_s * 2**(n-1)` seconds (at most
    `cap_s`, with up to 10 % jitter); after `max_attempts` the row is `failed`. The defaults span
    about two days, as long as a server may reasonably be down for maintenance."""

    base_s: float = 30.0
    cap_s: float = 6 * 3600.0
    max_attempts: int = 12
    lease_s: int = 60

    def delay(self, attempts: int) -> float:
        raw = min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1))
        return raw * (1 + random.random() * 0.1)


def enqueue(session: Session, activity: Json, inboxes: Iterable[str], now: int) -> int:
    """Queue `activity` for each inbox (once per activity and inbox); how many rows are new.
    The caller commits."""
    payload = json.dumps(activity, separators=(",", ":"), ensure_ascii=False)
    new = 0
    for inbox in sorted(set(inboxes)):
        values = dict(
            activity_id=activity["id"],
            inbox=inbox,
            payload=payload,
            attempts=0,
            next_at=now,
            state=PENDING,
            created_at=now,
        )
        if insert_ignore(session, Delivery, values, ["activity_id", "inbox"]) is not None:
            new += 1
    return new


def _final(status: int) -> bool:
    return 400 <= status < 500 and status not in (408, 429)


def deliver_due(
    sessions: Callable[[], Session],
    fetcher: Fetcher,
    signer_for: Callable[[Session, str], Signer | None],
    policy: RetryPolicy,
    limit: int = 20,
    now: Callable[[], float] = time.time,
    workers: int = 4,
) -> int:
    """One pass: claim and send up to `limit` due deliveries; how many were sent successfully.

    `signer_for(session, activity_actor)` is the persona that signs (None: the actor is gone, the
    row fails)."""
    with sessions() as session:
        begin_read(session)
        due = session.execute(
            select(Delivery.id, Delivery.next_at)
            .where(Delivery.state == PENDING, Delivery.next_at <= int(now()))
            .order_by(Delivery.next_at, Delivery.id)
            .limit(limit)
        ).all()

    def one(row_id: int, next_at: int) -> bool:
        # Claim, read and find the signer in one short transaction; send with none open (the
        # inbox's server may call back, e.g. for our key); record the outcome in another.
        with sessions() as session:
            claimed = session.execute(
                update(Delivery)
                .where(Delivery.id == row_id, Delivery.state == PENDING, Delivery.next_at == next_at)
                .values(next_at=int(now()) + policy.lease_s)
            ).rowcount  # type: ignore[attr-defined]
            if not claimed:
                session.rollback()
                return False
            row = session.get(Delivery, row_id)
            assert row is not None
            inbox, payload, activity_id = row.inbox, row.payload, row.activity_id
            signer = signer_for(session, str(json.loads(payload).get("actor", "")))
            session.commit()
        error: str | None
        final = False
        if signer is None:
            error, final = "the persona that would sign this is gone", True
        else:
            try:
                response = fetcher.post(inbox, payload.encode(), signer)
                if 200 <= response.status_code < 300:
                    error = None
                else:
                    error = f"{response.status_code}: {response.text[:200]}"
                    final = _final(response.status_code)
            except (httpx.HTTPError, FetchError) as err:
                error = f"{type(err).__name__}: {err}"
        with sessions() as session:
            begin_write(session)
            row = session.get(Delivery, row_id)
            assert row is not None
            row.attempts += 1
            if error is None:
                row.state, row.last_error = DELIVERED, None
            else:
                row.last_error = error[:500]
                if final or row.attempts >= policy.max_attempts:
                    row.state = FAILED
                    log.warning("delivery of %s to %s failed for good: %s", activity_id, inbox, error)
                else:
                    row.next_at = int(now() + policy.delay(row.attempts))
                    log.info("delivery of %s to %s failed (attempt %d): %s", activity_id, inbox, row.attempts, error)
            session.commit()
        return error is None

    if not due:
        return 0
    # A few inboxes at once, so one slow server does not hold up the others.
    with ThreadPoolExecutor(max_workers=min(workers, len(due))) as pool:
        sent = sum(pool.map(lambda d: one(*d), due))
    return sent
