"""Prometheus metrics of one operator node (its own registry, served at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class NodeMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.observations = Counter("fame_oracle_observations", "Observations made (one per epoch)", registry=r)
        self.observation_failures = Counter(
            "fame_oracle_observation_failures", "Epochs this operator could not observe", ["reason"], registry=r
        )
        self.reports_signed = Counter("fame_oracle_reports_signed", "Reports this operator signed", registry=r)
        self.sign_refusals = Counter("fame_oracle_sign_refusals", "Sign requests refused", ["reason"], registry=r)
        self.rounds_led = Counter(
            "fame_oracle_rounds_led", "Rounds this operator led, by outcome", ["outcome"], registry=r
        )
        self.transmits = Counter("fame_oracle_transmits", "Relayer results, by outcome", ["outcome"], registry=r)
        self.relayer_retries = Counter(
            "fame_oracle_relayer_retries", "Relayer steps retried after an error", registry=r
        )
        self.rpc_errors = Counter("fame_oracle_rpc_errors", "JSON-RPC calls that failed", registry=r)
        self.peer_errors = Counter(
            "fame_oracle_peer_errors", "Requests to other operators that failed", ["peer"], registry=r
        )
        self.current_epoch = Gauge("fame_oracle_current_epoch", "Epoch by this operator's clock", registry=r)
        self.last_epoch = Gauge("fame_oracle_last_epoch", "Latest epoch accepted on chain (last read)", registry=r)
        self.last_transmitted_epoch = Gauge(
            "fame_oracle_last_transmitted_epoch", "Latest epoch this operator's relayer put on chain", registry=r
        )
        self.performance_pushes = Counter(
            "fame_oracle_performance_pushes",
            "Staking performance pushes this relayer sent, by outcome",
            ["outcome"],
            registry=r,
        )
        self.relayer_queue = Gauge("fame_oracle_relayer_queue", "Reports waiting in the relayer", registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
