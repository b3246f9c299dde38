"""What a content credential says: the C2PA manifest definition built from one request.

Two assertions carry it. `c2pa.actions.v2` with one `c2pa.created` action whose
digitalSourceType is IPTC's trainedAlgorithmicMedia: the standard way to say "made by a
trained model", which C2PA-aware viewers show as AI-generated without knowing anything about
FameEngine. And `org.fameengine.content` with the project's own facts (persona, request,
models and versions, emotion, the disclosure text of ai_worker.manifest, the watermark
payload, the worker address with its Ethereum-key attestation of the signing root), so a
reader can go from the file to the request on chain and back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..manifest import DISCLOSURE
from ..model_info import ModelInfo

IPTC_TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CONTENT_LABEL = "org.fameengine.content"
ACTIONS_LABEL = "c2pa.actions.v2"
GENERATOR = "FameEngine AI worker"


@dataclass(frozen=True)
class CredentialClaim:
    """The facts of one content item. models: ModelInfo/dicts, or {role: model} as the JSON
    manifest takes them; disclosure: the manifest's text for this persona unless given."""

    persona_id: int | str
    request_id: int | str
    persona_name: str
    models: Iterable[ModelInfo | Mapping[str, Any]] | Mapping[str, ModelInfo | Mapping[str, Any]]
    emotion: str
    disclosure: str | None = None
    seed: int | None = None
    brief_hash: str | None = None
    watermark: str | None = None  # the payload's hex, when the pixels carry one
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def disclosure_text(self) -> str:
        return self.disclosure or DISCLOSURE.format(persona=self.persona_name)

    def model_list(self) -> list[dict[str, Any]]:
        if isinstance(self.models, Mapping):
            items = [(role, m) for role, m in self.models.items()]
        else:
            items = [(None, m) for m in self.models]
        out = []
        for role, m in items:
            entry = dict(m.to_json() if isinstance(m, ModelInfo) else m)
            if role and "role" not in entry:
                entry["role"] = role
            out.append(entry)
        return out


def manifest_definition(
    claim: CredentialClaim, media_type: str, worker: Mapping[str, Any], version: str = "1"
) -> dict[str, Any]:
    """The JSON c2pa's Builder takes. worker: {"address", "rootAttestation", "root"}."""
    content: dict[str, Any] = {
        "version": 1,
        "aiGenerated": True,
        "persona": {"id": claim.persona_id, "name": claim.persona_name},
        "requestId": claim.request_id,
        "models": claim.model_list(),
        "emotion": claim.emotion,
        "disclosure": claim.disclosure_text,
        "worker": dict(worker),
    }
    for key, value in (("seed", claim.seed), ("briefHash", claim.brief_hash)):
        if value is not None:
            content[key] = value
    if claim.watermark:
        from .watermark import METHOD

        content["watermark"] = {"method": METHOD, "payload": claim.watermark}
    clash = set(claim.extra) & set(content)
    if clash:
        raise ValueError(f"extra claim fields would overwrite {sorted(clash)}")
    content.update(claim.extra)
    agent = {"name": GENERATOR, "version": version}
    return {
        "claim_generator_info": [agent],
        "title": f"{claim.persona_name}: content request {claim.request_id}",
        "format": media_type,
        "assertions": [
            {
                "label": ACTIONS_LABEL,
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": IPTC_TRAINED,
                            "softwareAgent": agent,
                            "description": claim.disclosure_text,
                        }
                    ]
                },
            },
            {"label": CONTENT_LABEL, "data": content},
        ],
    }
