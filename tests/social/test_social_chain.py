"""The persona sync and the holder badge against a real chain (ape's anvil).

Invariants: the service learns the PersonaRegistry's personas (through the deployment
manifest) with a handle derived from the name, follows a retirement, and shows the holder
badge exactly for comment authors whose balance of the persona's share token is positive;
a chain that cannot be read leaves the service working, with no badge.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from social_helpers import OPERATOR, fan, runtime_post, settings_for, sign_in

from fame.manifest import DeployedContract, Manifest, write_manifest
from social.api.app import create_app
from social.chain import ChainReader, ChainUnavailable
from social.service import SocialService
from social.store.db import Database


def _abi(contract_type) -> list[dict]:
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in contract_type.abi]


@pytest.fixture(scope="module")
def deployment(project, accounts, chain, tmp_path_factory):
    """A registry with two personas (one share token each) and a manifest naming it."""
    owner = accounts[0]
    registry = project.PersonaRegistry.deploy(owner, sender=owner)
    registry.set_registrar(owner, sender=owner)
    shares = []
    for name in ("Nova Lumen", "Nova  Lumen!"):
        share = project.MockERC20.deploy("Share", "SHR", sender=owner)
        registry.register(name, "bafyspec", share, owner, sender=owner)
        shares.append(share)
    shares[0].mint(fan(1).address, 10**18, sender=owner)
    folder = tmp_path_factory.mktemp("deployments")
    chain_id = chain.provider.chain_id
    contracts = {
        "PersonaRegistry": DeployedContract(
            "PersonaRegistry", str(registry.address), "PersonaRegistry", _abi(project.PersonaRegistry.contract_type)
        ),
        # the manifest records the share token's ABI under the blueprint's name
        "PersonaShare": DeployedContract(
            "PersonaShare", str(shares[0].address), "PersonaShare", _abi(project.PersonaShare.contract_type)
        ),
    }
    write_manifest(Manifest(chain_id, "ethereum:local:foundry", str(owner.address), 0, contracts), folder)
    rpc = chain.provider.web3.provider.endpoint_uri
    return {"rpc": rpc, "dir": folder, "registry": registry, "owner": owner, "shares": shares, "chain_id": chain_id}


def test_personas_come_from_the_registry_and_holders_get_the_badge(deployment, tmp_path):
    url = f"sqlite:///{tmp_path / 'social.db'}"
    reader = ChainReader(deployment["rpc"], deployment["dir"])
    service = SocialService(settings_for(url), Database(url), reader)
    service.db.migrate()
    try:
        assert service.sync_personas() == (2, 2)
        assert service.chain_id == deployment["chain_id"]
        with TestClient(create_app(service, background=False, federation=False)) as c:
            personas = c.get("/api/personas").json()
            assert [(p["id"], p["handle"], p["name"], p["active"]) for p in personas] == [
                (1, "nova_lumen", "Nova Lumen", True),
                (2, "nova_lumen_2", "Nova  Lumen!", True),
            ]
            post = runtime_post(c, 1, "chain-1")
            comments = {}
            for i in (1, 2):
                with TestClient(c.app) as f:
                    assert sign_in(f, fan(i), chain_id=deployment["chain_id"]).status_code == 200
                    comments[i] = f.post(f"/api/posts/{post['id']}/comments", json={"body": f"hello from {i}"}).json()
            assert comments[1]["holder"] is True and comments[2]["holder"] is False
            shown = {x["author"]: x["holder"] for x in c.get(f"/api/posts/{post['id']}").json()["comments"]}
            assert shown == {fan(1).address: True, fan(2).address: False}
            # retiring a persona on chain reaches the service at the next sync
            deployment["registry"].set_status(2, 2, sender=deployment["owner"])
            assert c.post("/api/operator/sync", headers=OPERATOR).json() == {"personas": 2, "new": 0}
            assert c.get("/api/personas/2").json()["active"] is False
    finally:
        service.close()


def test_a_chain_that_cannot_be_read_is_no_badge_and_no_crash(tmp_path):
    from fame.procs import free_port

    reader = ChainReader(f"http://127.0.0.1:{free_port()}", tmp_path, timeout=0.5)
    with pytest.raises(ChainUnavailable):
        reader.personas()
    assert reader.chain_id is None
    url = f"sqlite:///{tmp_path / 'social.db'}"
    service = SocialService(settings_for(url), Database(url), reader, chain_id_fallback=31337)
    service.db.migrate()
    try:
        assert service.chain_id == 31337
        with TestClient(create_app(service, background=False, federation=False)) as c:
            r = c.post("/api/operator/sync", headers=OPERATOR)
            assert r.status_code == 503 and "persona registry" in r.json()["detail"]
            c.post(
                "/api/operator/personas", json={"name": "Offline", "share_token": "0x" + "12" * 20}, headers=OPERATOR
            )
            post = runtime_post(c, 1, "x")
            with TestClient(c.app) as f:
                assert sign_in(f, fan(1)).status_code == 200
                assert f.post(f"/api/posts/{post['id']}/comments", json={"body": "hi"}).json()["holder"] is False
    finally:
        service.close()
