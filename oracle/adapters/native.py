"""The native adapter: the personas' engagement as FameEngine's own social service measures it.

One request per observation, over HTTP only (the oracle never imports the social service):
`GET <social_url>/api/engagement?at=<unix s>` answers every persona the service knows with
its lifetime counts up to `at` (the contract is in social/README.md). Those totals are final
once `at` is SETTLE_S old (the service holds an earlier request back until then), and the
same `at` gets the same answer from then on, whenever and however often it is asked. So the
adapter asks for `at` = the start of the round it observes minus SETTLE_S: every operator of
the round asks for the same moment, gets the final answer at once, and observes exactly the
same values; `observed_at` is that moment.

How the service's signals become the report's fields (the layout in oracle/report.py is
fixed: views, likes, shares, comments, sentiment):

- views <- `views` (impressions counted by the service), likes <- `likes`, shares <-
  `shares`, comments <- `comments`: lifetime totals, the fediverse's federated ones
  included (the `federated` breakdown is a part of each total, never added on top); the
  operator then adds the personas' live-event attendance badges, read from the chain, to
  comments (oracle.attendance), a public count too;
- sentiment_bps <- `sentiment_bps`, the mean sentiment of the last 7 days' visible
  comments; a persona without such comments is neutral (0);
- follows, ratings and the rating mean stay off chain (metrics and logs only). Reputation
  already receives the community's ratings on chain through its own rating path (the fan's
  page sends a fan's stars to Reputation.rate from the fan's wallet, weighed by FMC votes),
  so counting them again here would let one rating move reputation twice; and a follower
  count is a state that unfollows lower: in a count field, where the oracle takes a fall as
  no gain and the next rise as a new gain, follow/unfollow churn would mint engagement
  points. Folding either into views, likes, shares or comments would also make that field
  differ from the service's own public count, so nobody could check a report against it.

Every count is saturated to its field (report.FIELD_MAX) and sentiment to +-10_000; a
persona the service does not know, or whose entry is malformed, is left out. Transport
errors, timeouts, 5xx and 429 are retried a few times with a short backoff (a 429's
Retry-After is honoured, capped); then, or on any other answer than 200 with the documented
shape, PlatformUnavailable.

Metrics (in the operator's registry when one is given, so /metrics serves them):
fame_oracle_native_requests{outcome} (ok, retried, unavailable),
fame_oracle_native_engagement{signal, origin} (the last observation's sums over the
observed personas; origin local or federated; signals views, likes, shares, comments,
follows, ratings), fame_oracle_native_personas{state} (observed, unknown, malformed),
fame_oracle_native_clamped{field} and fame_oracle_native_last_at.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge

from ..report import FIELD_MAX, MAX_PERSONA_ID, SENTIMENT_ONE, Engagement
from .base import PlatformAdapter, PlatformUnavailable

log = logging.getLogger("fame.oracle.native")

ENGAGEMENT_PATH = "/api/engagement"
ON_CHAIN = ("views", "likes", "shares", "comments")  # the report's count fields, same names
OFF_CHAIN = ("follows", "ratings")  # counted by the service, kept off chain (see the module doc)
SIGNALS = ON_CHAIN + OFF_CHAIN
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 2.0  # seconds: a round is short, a longer wait would miss it anyway
#: The social service's totals for `at` are final SETTLE_S seconds after it.
SETTLE_S = 2


class MalformedEntry(ValueError):
    """One persona's entry in the service's answer does not have the documented shape."""


def _count(raw: Mapping[str, Any], name: str, *, required: bool) -> int:
    value = raw.get(name)
    if value is None:
        if required:
            raise MalformedEntry(f"no {name!r} count")
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedEntry(f"{name!r} is {value!r}, not a count")
    if isinstance(value, float) and not value.is_integer():
        raise MalformedEntry(f"{name!r} is {value!r}, not a whole count")
    return int(value)


def _optional_int(raw: Mapping[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MalformedEntry(f"{name!r} is {value!r}, not a number")
    return round(value)


@dataclass(frozen=True)
class PersonaSignals:
    """One persona's entry of GET /api/engagement: every signal the service counts.

    `counts` are totals (federated included); `federated` is the fediverse's part of each.
    """

    persona_id: int
    counts: Mapping[str, int]
    federated: Mapping[str, int]
    sentiment_bps: int | None
    rating_mean_milli: int | None

    @classmethod
    def parse(cls, persona_id: int, raw: object) -> PersonaSignals:
        if not isinstance(raw, Mapping):
            raise MalformedEntry(f"the entry is {type(raw).__name__}, not an object")
        fed = raw.get("federated") or {}
        if not isinstance(fed, Mapping):
            raise MalformedEntry(f"'federated' is {type(fed).__name__}, not an object")
        return cls(
            persona_id=persona_id,
            counts={name: _count(raw, name, required=name in ON_CHAIN) for name in SIGNALS},
            federated={name: _count(fed, name, required=False) for name in SIGNALS},
            sentiment_bps=_optional_int(raw, "sentiment_bps"),
            rating_mean_milli=_optional_int(raw, "rating_mean_milli"),
        )

    def clamped_fields(self) -> list[str]:
        """The on-chain fields whose count does not fit (negative or above the field)."""
        out = [n for n in ON_CHAIN if not 0 <= self.counts[n] <= FIELD_MAX[n]]
        if self.sentiment_bps is not None and not -SENTIMENT_ONE <= self.sentiment_bps <= SENTIMENT_ONE:
            out.append("sentiment_bps")
        return out

    def engagement(self, at: int) -> Engagement:
        """The report's fields as of `at`: counts saturated to their fields, no sentiment = neutral."""
        return Engagement(
            self.persona_id,
            self.counts["views"],
            self.counts["likes"],
            self.counts["shares"],
            self.counts["comments"],
            0 if self.sentiment_bps is None else self.sentiment_bps,
            at,
        ).clamped()


@dataclass(frozen=True)
class EngagementAnswer:
    """The service's whole answer for one `at`, parsed."""

    at: int
    personas: dict[int, PersonaSignals]
    malformed: dict[str, str] = field(default_factory=dict)  # key -> why it was left out


def parse_answer(body: object, at: int) -> EngagementAnswer:
    """GET /api/engagement's JSON; PlatformUnavailable when its shape is not the documented one
    (or it answers for another moment). A malformed persona entry is left out, not fatal."""
    if not isinstance(body, Mapping) or not isinstance(body.get("personas"), Mapping):
        raise PlatformUnavailable("the social service's engagement answer has no 'personas' object")
    answered_at = body.get("at", at)
    if answered_at != at:
        # Operators agree only when everybody's numbers are those of the same moment.
        raise PlatformUnavailable(f"the social service answered for at={answered_at!r}, asked for at={at}")
    personas: dict[int, PersonaSignals] = {}
    malformed: dict[str, str] = {}
    for key, raw in body["personas"].items():
        if not isinstance(key, str) or not key.isdigit() or str(int(key)) != key or not 1 <= int(key) <= MAX_PERSONA_ID:
            malformed[str(key)] = "not a persona id"
            continue
        pid = int(key)
        try:
            personas[pid] = PersonaSignals.parse(pid, raw)
        except MalformedEntry as exc:
            malformed[str(key)] = str(exc)
    return EngagementAnswer(at, personas, malformed)


class NativeMetrics:
    """The adapter's Prometheus metrics (registered in the operator's registry when given)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "fame_oracle_native_requests",
            "Engagement requests to the social service, by outcome (ok, retried, unavailable)",
            ["outcome"],
            registry=r,
        )
        self.engagement = Gauge(
            "fame_oracle_native_engagement",
            "Last observation: a signal summed over the observed personas, by origin (local, federated); "
            "follows and ratings stay off chain",
            ["signal", "origin"],
            registry=r,
        )
        self.personas = Gauge(
            "fame_oracle_native_personas",
            "Last observation: requested personas by state (observed, unknown to the service, malformed)",
            ["state"],
            registry=r,
        )
        self.clamped = Counter(
            "fame_oracle_native_clamped", "Values saturated to their report field", ["field"], registry=r
        )
        self.last_at = Gauge("fame_oracle_native_last_at", "`at` of the last successful observation", registry=r)


class NativeAdapter(PlatformAdapter):
    """Reads the personas' engagement from the social service's GET /api/engagement."""

    name = "native"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 1.0,
        retries: int = 2,
        backoff: float = 0.1,
        budget: float | None = None,
        settle: int = SETTLE_S,
        operator_index: int | None = None,
        registry: CollectorRegistry | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not base_url:
            raise ValueError("the native adapter needs the social service's URL (FAME_ORACLE_SOCIAL_URL)")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.budget = budget
        self.settle = settle
        agent = "fame-oracle" if operator_index is None else f"fame-oracle/operator-{operator_index}"
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout), headers={"accept": "application/json", "user-agent": agent}
        )
        self.sleep = sleep
        self.clock = clock
        self.metrics = NativeMetrics(registry)

    @classmethod
    def from_settings(
        cls, cfg: Any, *, operator_index: int | None = None, registry: CollectorRegistry | None = None
    ) -> NativeAdapter:
        """From OracleSettings: social_url, social_timeout, social_retries. Retries stop once an
        observation has taken request_timeout (what a peer waits for it)."""
        return cls(
            cfg.social_url,
            timeout=cfg.social_timeout,
            retries=cfg.social_retries,
            budget=max(cfg.social_timeout, cfg.request_timeout),
            operator_index=operator_index,
            registry=registry,
        )

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------ HTTP

    def fetch(self, at: int) -> EngagementAnswer:
        """The service's answer for `at`, retried on transient failures; PlatformUnavailable otherwise."""
        url = f"{self.base_url}{ENGAGEMENT_PATH}"
        why = "no answer"
        deadline = None if self.budget is None else self.clock() + self.budget
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2**attempt
            try:
                r = self.client.get(url, params={"at": at})
            except httpx.HTTPError as exc:
                why = f"{type(exc).__name__} from {url}"
            else:
                if r.status_code == 200:
                    try:
                        body = r.json()
                    except ValueError:
                        self.metrics.requests.labels(outcome="unavailable").inc()
                        raise PlatformUnavailable(f"the social service's answer from {url} is not JSON") from None
                    try:
                        answer = parse_answer(body, at)
                    except PlatformUnavailable:
                        self.metrics.requests.labels(outcome="unavailable").inc()
                        raise
                    self.metrics.requests.labels(outcome="ok").inc()
                    return answer
                why = f"HTTP {r.status_code} from {url} ({_detail(r)})"
                if r.status_code not in RETRY_STATUSES:
                    break
                retry_after = _retry_after(r)
                if retry_after is not None:
                    wait = max(wait, retry_after)
            if attempt == self.retries or (deadline is not None and self.clock() + wait >= deadline):
                break
            self.metrics.requests.labels(outcome="retried").inc()
            log.info("engagement at %d: %s; retrying in %.2f s", at, why, wait)
            self.sleep(wait)
        self.metrics.requests.labels(outcome="unavailable").inc()
        raise PlatformUnavailable(f"the social service cannot be read: {why}")

    # ------------------------------------------------------------ observing

    def as_of(self, at: int) -> int:
        """The moment observed for a round starting at `at` (final at the service already)."""
        return max(0, at - self.settle)

    def observe(self, persona_ids: Sequence[int], at: int) -> dict[int, Engagement]:
        at = self.as_of(at)
        answer = self.fetch(at)
        wanted = list(dict.fromkeys(persona_ids))
        seen = [answer.personas[pid] for pid in wanted if pid in answer.personas]
        unknown = [pid for pid in wanted if pid not in answer.personas and str(pid) not in answer.malformed]
        malformed = [pid for pid in wanted if str(pid) in answer.malformed]
        for pid in malformed:
            log.warning("engagement at %d: persona %d left out: %s", at, pid, answer.malformed[str(pid)])
        out: dict[int, Engagement] = {}
        for s in seen:
            for name in s.clamped_fields():
                self.metrics.clamped.labels(field=name).inc()
                log.warning("engagement at %d: persona %d's %s saturated to its report field", at, s.persona_id, name)
            for name in SIGNALS:
                if s.federated[name] > s.counts[name]:
                    log.warning(
                        "engagement at %d: persona %d's federated %s (%d) exceed its total (%d)",
                        at,
                        s.persona_id,
                        name,
                        s.federated[name],
                        s.counts[name],
                    )
            out[s.persona_id] = s.engagement(at)
        self._record(answer.at, seen, unknown, malformed)
        return out

    def _record(self, at: int, seen: list[PersonaSignals], unknown: list[int], malformed: list[int]) -> None:
        totals = {name: sum(s.counts[name] for s in seen) for name in SIGNALS}
        federated = {name: sum(min(s.federated[name], s.counts[name]) for s in seen) for name in SIGNALS}
        for name in SIGNALS:
            self.metrics.engagement.labels(signal=name, origin="federated").set(federated[name])
            self.metrics.engagement.labels(signal=name, origin="local").set(totals[name] - federated[name])
        self.metrics.personas.labels(state="observed").set(len(seen))
        self.metrics.personas.labels(state="unknown").set(len(unknown))
        self.metrics.personas.labels(state="malformed").set(len(malformed))
        self.metrics.last_at.set(at)
        log.info(
            "engagement at %d: %d personas observed, %d unknown to the service; %s; off chain: %s",
            at,
            len(seen),
            len(unknown),
            ", ".join(f"{n} {totals[n]} (federated {federated[n]})" for n in ON_CHAIN),
            ", ".join(f"{n} {totals[n]} (federated {federated[n]})" for n in OFF_CHAIN),
        )
        for s in seen:
            log.debug(
                "engagement at %d: persona %d: %s; sentiment %s; rating mean %s",
                at,
                s.persona_id,
                ", ".join(f"{n} {s.counts[n]} (federated {s.federated[n]})" for n in SIGNALS),
                "none" if s.sentiment_bps is None else f"{s.sentiment_bps} bps",
                "none" if s.rating_mean_milli is None else f"{s.rating_mean_milli / 1000:.3f}",
            )


def _detail(r: httpx.Response) -> str:
    try:
        detail = r.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail)[:200] if detail else "no detail"


def _retry_after(r: httpx.Response) -> float | None:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(r.headers["retry-after"])))
    except (KeyError, ValueError):
        return None
