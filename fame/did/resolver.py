"""W3C DID Resolution for did:fame: `resolve(did) -> (document, resolution_metadata,
document_metadata)`. Errors go in resolution_metadata["error"] with the spec's codes:
`invalidDid` (malformed), `methodNotSupported` (not did:fame), `notFound` (other chain, unknown
persona or persona without a DID). A retired persona resolves with `deactivated: true`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document import build_document, parse_did

if TYPE_CHECKING:
    from web3.contract import Contract

    from fame.chain import Chain

CONTENT_TYPE = "application/did+ld+json"

# (document, resolution metadata, document metadata), as DID Resolution defines them.
Resolution = tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any]]


def default_gateway_url() -> str:
    from fame.config import settings

    s = settings()
    return f"http://{s.host}:{s.gateway_port}"


@dataclass
class Resolver:
    """Reads DIDRegistry and PersonaRegistry (web3 contracts) on chain `chain_id`."""

    chain_id: int
    did_registry: Contract
    personas: Contract
    gateway_url: str

    @classmethod
    def from_chain(cls, chain: Chain | None = None, gateway_url: str | None = None) -> Resolver:
        from fame.chain import Chain

        chain = chain or Chain.from_settings()
        return cls(
            chain.chain_id,
            chain.contract("DIDRegistry"),
            chain.contract("PersonaRegistry"),
            gateway_url or default_gateway_url(),
        )

    def resolve(self, did: str) -> Resolution:
        if not isinstance(did, str) or not did.startswith("did:"):
            return None, {"error": "invalidDid"}, {}
        if not did.startswith("did:fame:"):
            return None, {"error": "methodNotSupported"}, {}
        parsed = parse_did(did)
        if parsed is None:
            return None, {"error": "invalidDid"}, {}
        chain_id, pid = parsed
        if chain_id != self.chain_id:
            return None, {"error": "notFound", "message": f"this resolver serves chain {self.chain_id}"}, {}
        f = self.did_registry.functions
        cid = f.document_cid(pid).call()
        if not cid:
            return None, {"error": "notFound"}, {}
        record = self.personas.functions.persona(pid).call()
        name, spec_cid, share_token, _treasury, _creator, status, created_at = record
        doc = build_document(
            chain_id=chain_id,
            persona_id=pid,
            merkle_root=f.current_root(pid).call(),
            tree_depth=f.DEPTH().call(),
            controller_count=f.controller_count(pid).call(),
            registry=self.did_registry.address,
            verifier=f.VERIFIER().call(),
            document_cid=cid,
            spec_cid=spec_cid,
            share_token=share_token,
            gateway_url=self.gateway_url,
            name=name,
        )
        meta: dict[str, Any] = {
            "deactivated": status != 1,
            "documentCid": cid,
            "personaStatus": status,
            "attestationCount": f.attestation_count(pid).call(),
        }
        if created_at:
            meta["created"] = _iso(created_at)
        return doc, {"contentType": CONTENT_TYPE}, meta


class LiveResolver:
    """A resolver factory for a long-running server that may start before the contracts are
    deployed (`make up` starts the gateway first): each call returns a Resolver for the chain at
    `rpc_url` (default: FAME_RPC_URL or the local anvil) and its current deployment manifest,
    made again when the manifest file changes (a redeploy). Raises FameError while there is no
    node or no manifest; the HTTP endpoint answers 503 then."""

    def __init__(
        self, rpc_url: str | None = None, deployments_dir: Path | None = None, gateway_url: str | None = None
    ) -> None:
        self.rpc_url, self.deployments_dir, self.gateway_url = rpc_url, deployments_dir, gateway_url
        self._key: tuple[int, int | None] | None = None
        self._resolver: Resolver | None = None

    def __call__(self) -> Resolver:
        from fame.chain import Chain, connect
        from fame.manifest import manifest_path

        w3 = connect(self.rpc_url, timeout=5.0)
        chain_id = w3.eth.chain_id
        path = manifest_path(chain_id, self.deployments_dir)
        key = (chain_id, path.stat().st_mtime_ns if path.is_file() else None)
        if self._resolver is None or key != self._key:
            self._resolver = Resolver.from_chain(Chain(w3, self.deployments_dir), self.gateway_url)
            self._key = key
        return self._resolver


def _iso(ts: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve(did: str, resolver: Resolver | None = None) -> Resolution:
    """Resolve with `resolver` (default: the configured chain's deployment)."""
    return (resolver or Resolver.from_chain()).resolve(did)
