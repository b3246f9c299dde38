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
  6. contributors claim their shares, carol pays the persona 1 ETH of revenue, bob stakes
     FMC on it with a 30-day lock, and holders rate it.

Time travel uses anvil's clock, so the demo runs only on the local dev chain.
"""

from __future__ import annotations

import json
import sys

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from eth_utils import keccak

from fame.config import LOCAL_CHAIN_ID, PROJECT_ROOT, settings
from fame.errors import FameError
from fame.manifest import load_manifest
from fame.persona_spec import validate

FMC = 10**18
SPEC = PROJECT_ROOT / "docs" / "examples" / "persona-nova.json"


def pin_spec(gateway_api: str | None) -> str:
    """Validate the demo persona spec and pin it; returns its CID."""
    from fame.ipfs.backends import KuboBackend, get_backend

    raw = SPEC.read_bytes()
    validate(json.loads(raw))
    backend = KuboBackend(gateway_api) if gateway_api else get_backend()
    return str(backend.add(raw, name=SPEC.name))


def travel(seconds: int) -> None:
    chain.pending_timestamp += seconds
    chain.mine()


def seed(gateway_api: str | None) -> dict:
    if chain.chain_id != LOCAL_CHAIN_ID:
        raise FameError("the demo seed time-travels and runs only on the local dev chain (chain id 31337)")
    m = load_manifest(chain.chain_id)
    at = {name: project.get_contract(c.contract_type).at(c.address) for name, c in m.contracts.items()
          if name != "PersonaShare"}
    fmc, governor, launchpad = at["FMC"], at["FameGovernor"], at["PersonaLaunchpad"]
    deployer, alice, bob, carol = (accounts.test_accounts[i] for i in range(4))

    for holder, amount in ((alice, 4_000_000), (bob, 3_000_000), (carol, 1_000_000)):
        fmc.transfer(holder, amount * FMC, sender=deployer)
        fmc.invoke_transaction("delegate", holder.address, sender=holder)
    travel(1)  # votes count from the next second (proposal threshold reads clock() - 1)

    spec_cid = pin_spec(gateway_api)
    goal = 300_000 * FMC
    tx = launchpad.propose_persona("Nova Lumen", "NOVA", spec_cid, goal, 500,
                                   "Create Nova Lumen, a science-loving illustrated persona.", sender=alice)
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
    governor.execute(targets, values, calldatas, description_hash, sender=alice)

    campaign = launchpad.campaign(campaign_id)
    persona_id = campaign.persona_id
    for who in (alice, bob, carol):
        launchpad.claim_shares(campaign_id, sender=who)
    share = project.PersonaShare.at(campaign.share_token)

    at["RevenueSplitter"].pay_eth(persona_id, sender=carol, value=10**18)
    staking = at["PersonaStaking"]
    fmc.approve(staking.address, 50_000 * FMC, sender=bob)
    staking.stake(persona_id, 50_000 * FMC, 1, sender=bob)

    reputation = at["Reputation"]
    travel(8 * 86_400)  # ratings weigh votes at the start of a rating epoch: move into the next one
    reputation.rate(persona_id, 5, sender=alice)
    reputation.rate(persona_id, 4, sender=bob)

    return {
        "persona_id": persona_id,
        "name": "Nova Lumen",
        "spec_cid": spec_cid,
        "proposal_id": str(proposal_id),
        "share_token": str(share.address),
        "holders": {who.address: share.balanceOf(who) / 10**18 for who in (alice, bob, carol)},
        "treasury_fmc": at["PersonaTreasury"].balance_of(persona_id, fmc.address) / FMC,
        "revenue_claimable_eth_alice": at["RevenueSplitter"].claimable(persona_id, "0x" + "00" * 20, alice) / 1e18,
        "staked_by_bob_fmc": 50_000,
        "reputation": reputation.score(persona_id),
    }


@click.command(cls=ConnectedProviderCommand)
@click.option("--gateway-api", default=None, help="IPFS RPC API to pin through (default: FAME_IPFS_BACKEND).")
def cli(gateway_api: str | None):
    """Seed the local chain with the Nova Lumen demo persona."""
    try:
        summary = seed(gateway_api)
    except FameError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    out = settings().state_dir / "demo.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    click.echo("demo: " + json.dumps(summary))
