"""W3C DID Core documents for `did:fame:<chainId>:<personaId>`.

Verification method: the persona's controllers are anonymous Groth16 provers, so there is no
public key to publish. The document carries one verification method of the FameEngine-specific
type `FameZkControllerSet2025`: the current Merkle root of the persona's controller-commitment
tree (`merkleRoot`, 0x-hex), its depth and size, and CAIP-10 ids of the DIDRegistry (where
proofs are checked) and the DIDVerifier. `authentication`, `assertionMethod` and
`capabilityInvocation` reference it. Services: the DID document's own CID and the persona spec
on an IPFS gateway, and the persona's share token (CAIP-19).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
FAME_CONTEXT = "https://fameengine.xyz/ns/did/v1"
VM_TYPE = "FameZkControllerSet2025"
# \Z, not $: "$" also matches before a final line break, which is no part of a DID.
DID_RE = re.compile(r"^did:fame:([1-9][0-9]{0,19}):([1-9][0-9]{0,77})\Z")


def make_did(chain_id: int, persona_id: int) -> str:
    return f"did:fame:{int(chain_id)}:{int(persona_id)}"


def parse_did(did: str) -> tuple[int, int] | None:
    """(chain_id, persona_id), or None if `did` is not a well-formed did:fame."""
    m = DID_RE.match(did or "")
    if not m:
        return None
    persona_id = int(m.group(2))
    return (int(m.group(1)), persona_id) if persona_id < 2**256 else None


def ipfs_url(gateway_url: str, cid: str) -> str:
    return f"{gateway_url.rstrip('/')}/ipfs/{cid}"


def build_document(
    *,
    chain_id: int,
    persona_id: int,
    merkle_root: int,
    tree_depth: int,
    controller_count: int,
    registry: str,
    verifier: str,
    document_cid: str,
    spec_cid: str | None,
    share_token: str | None,
    gateway_url: str,
    name: str | None = None,
) -> dict[str, Any]:
    did = make_did(chain_id, persona_id)
    vm_id = f"{did}#controllers"
    services = [
        {"id": f"{did}#did-document", "type": "FameDIDDocument", "serviceEndpoint": ipfs_url(gateway_url, document_cid)}
    ]
    if spec_cid:
        services.append(
            {"id": f"{did}#persona-spec", "type": "FamePersonaSpec", "serviceEndpoint": ipfs_url(gateway_url, spec_cid)}
        )
    if share_token and int(share_token, 16) != 0:
        services.append(
            {
                "id": f"{did}#share-token",
                "type": "FameShareToken",
                "serviceEndpoint": f"eip155:{chain_id}/erc20:{share_token}",
            }
        )
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, FAME_CONTEXT],
        "id": did,
        "controller": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": VM_TYPE,
                "controller": did,
                "merkleRoot": f"0x{merkle_root:064x}",
                "treeDepth": tree_depth,
                "controllerCount": controller_count,
                "registry": f"eip155:{chain_id}:{registry}",
                "verifier": f"eip155:{chain_id}:{verifier}",
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "service": services,
    }
    if name:
        # the name is free text: percent-encoded (UTF-8), the item stays an RFC 3986 URI (DID Core 5.1.3)
        fragment = quote(name, safe="")
        doc["alsoKnownAs"] = [f"{ipfs_url(gateway_url, spec_cid)}#{fragment}"] if spec_cid else []
        if not doc["alsoKnownAs"]:
            del doc["alsoKnownAs"]
    return doc
