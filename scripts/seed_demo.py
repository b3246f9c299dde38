"""Seed the local chain with a demo that shows every part of the persona economy.

    ape run seed_demo --network ethereum:local:foundry     (make up runs it after the deploy)

What it does, as real transactions from anvil's dev accounts:
  1. the deployer hands out FMC; alice, bob and carol delegate their votes to themselves;
  2. alice pins the persona spec docs/examples/persona-nova.json (validated against the
     schema) to IPFS and proposes the persona through the launchpad;
  3. alice, bob and carol contribute FMC (carol with an EIP-2612 permit... via approve here);
  4. time travels through the voting delay; alice and bob vote For;
  5. after the voting period the proposal is queued, and after the timelock delay executed:
     the persona is launched, shares are claimable, the FMC raised sits in its treasury;
  6. contributors claim their shares, carol pays the persona 1 ETH of revenue (a plain ETH
     transfer to its share token), alice and bob claim their part, bob stakes FMC on it with a
     30-day lock, and holders rate it;
  7. the persona's event operator (dev account 8) pins the demo live event's metadata and
     schedules it: it starts two minutes after the seed, lasts two hours, 100 tickets at 10 FMC,
     a badge for a minute in the room (docs/live.md).

Time travel uses anvil's clock, so the demo runs only on the local dev chain.
"""

from __future__ import annotations

import json
import sys

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from eth_utils import keccak

from fame.config import DEV_EVENT_OPERATOR_ACCOUNT, LOCAL_CHAIN_ID, PROJECT_ROOT, settings
from fame.errors import FameError
from fame.manifest import load_manifest
from fame.persona_spec import validate

FMC = 10**18
SPEC = PROJECT_ROOT / "docs" / "examples" / "persona-nova.json"


def pin_spec(gateway_api: str | None) -> str:
    """Validate the demo persona spec and pin it; returns its CID."""
    raw = SPEC.read_bytes()
    validate(json.loads(raw))
    return pin_bytes(raw, SPEC.name, gateway_api)


def pass_proposal(at, targets, calldatas, description: str, proposer, voters) -> None:
    """Walk a proposal through the DAO: propose, vote For, queue, execute (time-travelling)."""
    governor, timelock = at["FameGovernor"], at["FameTimelock"]
    values = [0] * len(targets)
    tx = governor.propose(targets, values, calldatas, description, sender=proposer)
    proposal_id = tx.return_value
    travel(governor.votingDelay() + 1)
    for voter in voters:
        governor.castVote(proposal_id, 1, sender=voter)
    travel(governor.votingPeriod() + 1)
    description_hash = keccak(text=description)
    governor.queue(targets, values, calldatas, description_hash, sender=proposer)
    travel(timelock.get_minimum_delay() + 1)
    governor.execute(targets, values, calldatas, description_hash, sender=proposer)


def register_did(
    at, m, persona_id: int, spec_cid: str, share_token: str, gateway_api: str | None, gateway_url: str, proposer, voters
) -> str:
    """Give the persona its DID: a controller secret (kept in the local state dir), its
    commitment as the first leaf of the persona's tree, and a DID document pinned to IPFS;
    the DAO registers it with a proposal."""
    import secrets

    from fame.did.actions import Controller
    from fame.did.document import build_document, make_did
    from zk.field import R
    from zk.gadgets.merkle import MerkleTree

    did_registry = at["DIDRegistry"]
    controller = Controller(secret=secrets.randbelow(R), salt=secrets.randbelow(R))
    keys = settings().state_dir / "did" / f"controller-{persona_id}.json"
    keys.parent.mkdir(parents=True, exist_ok=True)
    keys.write_text(
        json.dumps({"persona_id": persona_id, "secret": hex(controller.secret), "salt": hex(controller.salt)})
    )
    keys.chmod(0o600)
    depth = did_registry.DEPTH()
    doc = build_document(
        chain_id=chain.chain_id,
        persona_id=persona_id,
        merkle_root=MerkleTree(depth, [controller.commitment]).root,
        tree_depth=depth,
        controller_count=1,
        registry=str(did_registry.address),
        verifier=did_registry.VERIFIER(),
        document_cid="",
        spec_cid=spec_cid,
        share_token=str(share_token),
        gateway_url=gateway_url.rstrip("/"),
        name="Nova Lumen",
    )
    # The pinned snapshot cannot name its own CID: the resolver adds that service live.
    doc["service"] = [s for s in doc["service"] if s["type"] != "FameDIDDocument"]
    doc_cid = pin_bytes(json.dumps(doc, indent=2).encode(), "did.json", gateway_api)
    calldata = did_registry.register.as_transaction(persona_id, doc_cid, controller.commitment).data
    pass_proposal(
        at, [did_registry.address], [calldata], f"Register {make_did(chain.chain_id, persona_id)}", proposer, voters
    )
    return make_did(chain.chain_id, persona_id)


def pin_bytes(raw: bytes, name: str, gateway_api: str | None) -> str:
    from fame.ipfs.backends import get_backend, rpc_backend

    # the store's RPC API (its writer's, with FAME_IPFS_API_TOKEN when set), else the configured backend
    backend = rpc_backend(url=gateway_api) if gateway_api else get_backend()
    return str(backend.add(raw, name=name))


# The local stack's AI worker runs as anvil dev account 7 (`fame worker run --dev-account 7`).
WORKER_DEV_ACCOUNT = 7
DEMO_BRIEFS = (
    (0, 0, "Nova at the rooftop observatory, first light of a comet"),  # image, joy
    (1, 255, "A caption for Nova's weekly science quiz"),  # caption, the emotion engine chooses
)


def request_content(at, persona_id: int, gateway_api: str | None, requester, worker_funder) -> list[int]:
    """Funds the demo worker's bond and makes the demo content requests (briefs pinned first)."""
    from ai_worker.briefs import brief_bytes

    fmc, market = at["FMC"], at["ContentMarket"]
    fmc.transfer(accounts.test_accounts[WORKER_DEV_ACCOUNT], 5_000 * FMC, sender=worker_funder)
    fee = 20 * FMC
    fmc.approve(market.address, fee * len(DEMO_BRIEFS), sender=requester)
    ids = []
    for kind, emotion, text in DEMO_BRIEFS:
        brief_cid = pin_bytes(brief_bytes(text), "brief.json", gateway_api)
        tx = market.request(
            persona_id, brief_cid, kind, emotion, fee, chain.pending_timestamp + 86_400, sender=requester
        )
        ids.append(tx.return_value)
    return ids


# The demo live event (docs/live.md, "The contract"): scheduled last, so that no time travel of
# the seed moves the chain's clock past its start.
DEMO_EVENT = {
    "title": "Nova Lumen live: comet night",
    "description": "Nova answers your questions about the comet in her sky, live on stage. "
    "Stay a minute in the room for your attendance badge.",
    "scene": {"backdrop": "#1b2a4a", "stage": "round"},
}
DEMO_EVENT_STARTS_IN = 120
DEMO_EVENT_LENGTH = 2 * 3_600
DEMO_EVENT_CAPACITY = 100
DEMO_EVENT_PRICE = 10 * FMC
DEMO_EVENT_MIN_ATTENDANCE = 60


def schedule_live_event(at, persona_id: int, gateway_api: str | None) -> int:
    """Pins the demo event's metadata and schedules it as the persona's event operator (the
    deploy granted that role to dev account DEV_EVENT_OPERATOR_ACCOUNT); returns its id."""
    events = at["PersonaEvents"]
    operator = accounts.test_accounts[DEV_EVENT_OPERATOR_ACCOUNT]
    cid = pin_bytes(json.dumps(DEMO_EVENT, indent=2).encode(), "event.json", gateway_api)
    starts_at = chain.pending_timestamp + DEMO_EVENT_STARTS_IN
    tx = events.schedule(
        persona_id,
        starts_at,
        starts_at + DEMO_EVENT_LENGTH,
        DEMO_EVENT_CAPACITY,
        DEMO_EVENT_PRICE,
        DEMO_EVENT_MIN_ATTENDANCE,
        cid,
        sender=operator,
    )
    return int(tx.return_value)


def travel(seconds: int) -> None:
    chain.pending_timestamp += seconds
    chain.mine()


def seed(gateway_api: str | None, gateway_url: str | None = None) -> dict:
    if chain.chain_id != LOCAL_CHAIN_ID:
        raise FameError("the demo seed time-travels and runs only on the local dev chain (chain id 31337)")
    m = load_manifest(chain.chain_id)
    at = {
        name: project.get_contract(c.contract_type).at(c.address)
        for name, c in m.contracts.items()
        if name != "PersonaShare"
    }
    fmc, governor, launchpad = at["FMC"], at["FameGovernor"], at["PersonaLaunchpad"]
    deployer, alice, bob, carol = (accounts.test_accounts[i] for i in range(4))

    for holder, amount in ((alice, 4_000_000), (bob, 3_000_000), (carol, 1_000_000)):
        fmc.transfer(holder, amount * FMC, sender=deployer)
        fmc.invoke_transaction("delegate", holder.address, sender=holder)
    travel(1)  # votes count from the next second (proposal threshold reads clock() - 1)

    spec_cid = pin_spec(gateway_api)
    goal = 300_000 * FMC
    tx = launchpad.propose_persona(
        "Nova Lumen",
        "NOVA",
        spec_cid,
        goal,
        500,
        "Create Nova Lumen, a science-loving illustrated persona.",
        sender=alice,
    )
    campaign_id, proposal_id = tx.return_value
    for who, amount in ((alice, 150_000), (bob, 120_000), (carol, 60_000)):
        fmc.approve(launchpad.address, amount * FMC, sender=who)
        launchpad.contribute(campaign_id, amount * FMC, sender=who)

    travel(governor.votingDelay() + 1)
    governor.castVote(proposal_id, 1, sender=alice)
    governor.castVote(proposal_id, 1, sender=bob)
    travel(governor.votingPeriod() + 1)

    campaign = launchpad.campaign(campaign_id)
    targets, values = [launchpad.address], [0]
    calldatas = [launchpad.launch.as_transaction(campaign_id).data]
    description_hash = keccak(text="Create Nova Lumen, a science-loving illustrated persona.")
    governor.queue(targets, values, calldatas, description_hash, sender=alice)
    travel(at["FameTimelock"].get_minimum_delay() + 1)
    governor.execute(targets, values, calldatas, description_hash, sender=alice)  # launches the persona

    campaign = launchpad.campaign(campaign_id)
    persona_id = campaign.persona_id
    for who in (alice, bob, carol):
        launchpad.claim_shares(campaign_id, sender=who)
    share = project.PersonaShare.at(campaign.share_token)

    carol.transfer(share.address, 10**18)  # revenue: a plain ETH transfer to the persona's share token
    revenue_claimed = {who.address: share.claim(sender=who).return_value / 1e18 for who in (alice, bob)}
    staking = at["PersonaStaking"]
    fmc.approve(staking.address, 50_000 * FMC, sender=bob)
    staking.stake(persona_id, 50_000 * FMC, 1, sender=bob)

    gateway_url = gateway_url or f"http://{settings().host}:{settings().gateway_port}"
    did = register_did(
        at, m, persona_id, spec_cid, share.address, gateway_api, gateway_url, proposer=alice, voters=(alice, bob)
    )

    reputation = at["Reputation"]
    travel(8 * 86_400)  # ratings weigh votes at the start of a rating epoch: move into the next one
    reputation.rate(persona_id, 5, sender=alice)
    reputation.rate(persona_id, 4, sender=bob)

    requests = request_content(at, persona_id, gateway_api, requester=carol, worker_funder=deployer)
    live_event_id = schedule_live_event(at, persona_id, gateway_api)

    return {
        "persona_id": persona_id,
        "name": "Nova Lumen",
        "spec_cid": spec_cid,
        "proposal_id": str(proposal_id),
        "share_token": str(share.address),
        "holders": {who.address: share.balanceOf(who) / 10**18 for who in (alice, bob, carol)},
        "treasury_fmc": at["PersonaTreasury"].balance_of(persona_id, fmc.address) / FMC,
        "revenue_claimed_eth": revenue_claimed,
        "revenue_claimable_eth_carol": share.claimable(carol) / 1e18,
        "staked_by_bob_fmc": 50_000,
        "reputation": reputation.score(persona_id),
        "did": did,
        "content_requests": requests,
        "worker": accounts.test_accounts[WORKER_DEV_ACCOUNT].address,
        "live_event_id": live_event_id,
        "event_operator": accounts.test_accounts[DEV_EVENT_OPERATOR_ACCOUNT].address,
    }


@click.command(cls=ConnectedProviderCommand)
@click.option(
    "--gateway-api", default=None, help="IPFS RPC API to pin through, e.g. the store's (default: FAME_IPFS_BACKEND)."
)
@click.option(
    "--gateway-url",
    default=None,
    help="Public IPFS gateway the DID document names (default: http://FAME_HOST:FAME_GATEWAY_PORT).",
)
def cli(gateway_api: str | None, gateway_url: str | None):
    """Seed the local chain with the Nova Lumen demo persona."""
    try:
        summary = seed(gateway_api, gateway_url)
    except FameError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    out = settings().state_dir / "demo.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    click.echo("demo: " + json.dumps(summary))
