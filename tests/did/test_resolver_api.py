"""did:fame resolution (W3C DID Resolution shape) and the DIF universal-resolver endpoint."""

import pytest
from did_constants import DEPTH, DOC_CID
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fame.did.api import did_router
from fame.did.document import make_did, parse_did
from fame.did.resolver import Resolver
from zk.gadgets.merkle import MerkleTree

GATEWAY = "http://gw.test"


def _w3(chain, c):
    abi = c.contract_type.model_dump(mode="json", by_alias=True)["abi"]
    return chain.provider.web3.eth.contract(address=c.address, abi=abi)


@pytest.fixture
def resolver(chain, did_registry, personas):
    return Resolver(chain.chain_id, _w3(chain, did_registry), _w3(chain, personas), GATEWAY)


def test_parse_did():
    assert parse_did("did:fame:31337:7") == (31337, 7)
    for bad in (
        "did:fame:31337:0",
        "did:fame:0:1",
        "did:fame:1",
        "did:fame:1:x",
        "did:fame:1:01",
        "did:fame:1:2:3",
        f"did:fame:1:{2**256}",
    ):
        assert parse_did(bad) is None, bad
    assert make_did(1, 2) == "did:fame:1:2"


def test_resolves_registered_persona(resolver, registered, chain, did_registry, verifier, personas):
    pid, ctrl, _ = registered
    did = make_did(chain.chain_id, pid)
    doc, meta, doc_meta = resolver.resolve(did)
    assert meta == {"contentType": "application/did+ld+json"}
    assert doc["@context"][0] == "https://www.w3.org/ns/did/v1"
    assert doc["id"] == did and doc["controller"] == did
    vm = doc["verificationMethod"][0]
    assert vm["id"] == f"{did}#controllers" and vm["controller"] == did
    assert int(vm["merkleRoot"], 16) == MerkleTree(DEPTH, [ctrl.commitment]).root
    assert vm["treeDepth"] == DEPTH and vm["controllerCount"] == 1
    assert vm["verifier"] == f"eip155:{chain.chain_id}:{did_registry.VERIFIER()}"
    assert doc["authentication"] == [vm["id"]]
    svc = {s["type"]: s["serviceEndpoint"] for s in doc["service"]}
    assert svc["FameDIDDocument"] == f"{GATEWAY}/ipfs/{DOC_CID}"
    assert svc["FamePersonaSpec"] == f"{GATEWAY}/ipfs/bafyspec"
    assert svc["FameShareToken"].lower() == f"eip155:{chain.chain_id}/erc20:{personas.share_token_of(pid)}".lower()
    assert all(s["id"].startswith(did + "#") for s in doc["service"])
    assert doc_meta["deactivated"] is False and doc_meta["documentCid"] == DOC_CID


def test_resolution_errors(resolver, chain, new_persona, personas):
    pid = new_persona()  # a persona without a DID
    cases = {
        "not-a-did": "invalidDid",
        "did:fame:abc:1": "invalidDid",
        "did:web:example.com": "methodNotSupported",
        make_did(chain.chain_id, pid): "notFound",
        make_did(chain.chain_id, 10**6): "notFound",
        make_did(chain.chain_id + 1, pid): "notFound",
    }
    for did, err in cases.items():
        doc, meta, _ = resolver.resolve(did)
        assert doc is None and meta["error"] == err, did


def test_http_endpoint(resolver, registered, chain):
    app = FastAPI()
    app.include_router(did_router(lambda: resolver))
    client = TestClient(app)
    did = make_did(chain.chain_id, registered[0])
    r = client.get(f"/1.0/identifiers/{did}")
    assert r.status_code == 200
    body = r.json()
    assert body["didDocument"]["id"] == did and body["didResolutionMetadata"]["contentType"]
    assert client.get("/1.0/identifiers/did:fame:xyz").status_code == 400
    assert client.get("/1.0/identifiers/garbage").status_code == 400
    assert client.get(f"/1.0/identifiers/{make_did(chain.chain_id, 10**9)}").status_code == 404
    r = client.get("/1.0/identifiers/did:key:z6Mk")
    assert r.status_code == 501 and r.json()["didResolutionMetadata"]["error"] == "methodNotSupported"


def test_gateway_serves_the_resolver_from_the_live_deployment(
    registered, chain, did_registry, personas, verifier, tmp_path
):
    """The IPFS gateway's app (what `make up` runs) with a LiveResolver: it reads the deployment
    manifest when asked, answers 503 while there is none, and follows a (re)deploy."""
    from fame.did.resolver import LiveResolver
    from fame.ipfs.gateway import create_app
    from fame.ipfs.store import BlockStore
    from fame.manifest import DeployedContract, Manifest, write_manifest

    deployments = tmp_path / "deployments"
    rpc = chain.provider.web3.provider.endpoint_uri
    app = create_app(BlockStore(tmp_path / "store", fsync=False), did_resolver=LiveResolver(rpc, deployments, GATEWAY))
    client = TestClient(app)
    did = make_did(chain.chain_id, registered[0])
    r = client.get(f"/1.0/identifiers/{did}")
    assert r.status_code == 503 and r.json()["didResolutionMetadata"]["error"] == "internalError"
    assert "no deployment" in r.json()["didResolutionMetadata"]["message"]

    def deployed(name, c):
        abi = c.contract_type.model_dump(mode="json", by_alias=True)["abi"]
        return DeployedContract(name=name, address=c.address, contract_type=name, abi=abi)

    write_manifest(
        Manifest(
            chain_id=chain.chain_id,
            network="ethereum:local:foundry",
            deployer=did_registry.owner(),
            deploy_block=0,
            contracts={
                "DIDRegistry": deployed("DIDRegistry", did_registry),
                "PersonaRegistry": deployed("PersonaRegistry", personas),
            },
        ),
        deployments,
    )
    r = client.get(f"/1.0/identifiers/{did}")
    assert r.status_code == 200, r.text
    doc = r.json()["didDocument"]
    assert doc["id"] == did and doc["service"][0]["serviceEndpoint"] == f"{GATEWAY}/ipfs/{DOC_CID}"
    assert client.get("/health").status_code == 200
