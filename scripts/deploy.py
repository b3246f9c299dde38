"""Deploy FameEngine's contracts and write the deployment manifest.

    ape run deploy                       # local anvil (ethereum:local:foundry)
    ape run deploy --network ethereum:sepolia:node   # deployer: FAME_DEPLOYER=<ape account alias>
    ape run deploy --fresh               # deploy a new set even if the chain has a manifest

A chain that already has a manifest is never given a second set silently: when every
contract of the manifest is on chain it is reused, otherwise the script refuses and
says to pass --fresh. The manifest is written once, atomically, after the last
contract is deployed: a failed deploy leaves nothing half-written.
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

import click
from ape import accounts, chain, networks, project
from ape.cli import ConnectedProviderCommand

from fame.config import DEV_EVENT_OPERATOR_ACCOUNT, DEV_VOUCHER_INDEX, LOCAL_CHAIN_ID, settings
from fame.errors import FameError
from fame.manifest import DeployedContract, Manifest, find_manifest, git_commit, manifest_path, write_manifest

# Token economics of the deployment (FMC has 18 decimals).
FMC = 10**18
FMC_CAP = 1_000_000_000 * FMC  # hard cap: one billion FMC
FMC_GENESIS_SUPPLY = 100_000_000 * FMC  # minted to the deployer for the initial distribution
DAY = 86_400


class DaoParams(NamedTuple):
    """What the DAO starts with; every value can later be changed by a proposal within the
    contracts' constant bounds (see README, "Parameters the DAO controls")."""

    timelock_delay: int
    voting_delay: int
    voting_period: int
    proposal_threshold: int
    quorum_bps: int
    revenue_fee_bps: int
    max_creator_allocation_bps: int
    oracle_heartbeat: int
    # Least seconds between two staking performance updates by the oracle: reward shares follow
    # performance at this pace, and reports in between skip the costly per-pool settlement.
    oracle_performance_interval: int
    # Content market (contracts/content/ContentMarket.vy): worker bond, smallest fee, how long a
    # claim and the requester's challenge window last, the persona's and the protocol's cut.
    market_min_bond: int
    market_min_fee: int
    market_claim_ttl: int
    market_challenge_window: int
    market_persona_bps: int
    market_protocol_bps: int
    market_slash: int

    def market_params(self) -> tuple:
        return (
            self.market_min_bond,
            self.market_min_fee,
            self.market_claim_ttl,
            self.market_challenge_window,
            self.market_persona_bps,
            self.market_protocol_bps,
            self.market_slash,
        )


# Public networks: days, so that holders can react to a proposal before it takes effect.
PRODUCTION = DaoParams(
    timelock_delay=2 * DAY,
    voting_delay=1 * DAY,
    voting_period=5 * DAY,
    proposal_threshold=100_000 * FMC,
    quorum_bps=400,
    revenue_fee_bps=500,
    max_creator_allocation_bps=1_000,
    oracle_heartbeat=DAY,
    oracle_performance_interval=DAY,
    market_min_bond=10_000 * FMC,
    market_min_fee=1 * FMC,
    market_claim_ttl=DAY,
    market_challenge_window=2 * DAY,
    market_persona_bps=2_000,
    market_protocol_bps=500,
    market_slash=5_000 * FMC,
)
# The local dev chain: minutes, so a newcomer can walk a proposal through in one sitting. The
# oracle heartbeat is 30 s so that the operators (10 s rounds, reporting 2 rounds before a
# value would go stale) report every round even when engagement barely moves.
LOCAL = DaoParams(
    timelock_delay=120,
    voting_delay=60,
    voting_period=3_600,
    proposal_threshold=1_000 * FMC,
    quorum_bps=400,
    revenue_fee_bps=500,
    max_creator_allocation_bps=1_000,
    oracle_heartbeat=30,
    oracle_performance_interval=60,
    market_min_bond=1_000 * FMC,
    market_min_fee=1 * FMC,
    market_claim_ttl=600,
    market_challenge_window=120,
    market_persona_bps=2_000,
    market_protocol_bps=500,
    market_slash=500 * FMC,
)

# DIDs: one Poseidon Merkle tree of controller commitments per persona (depth of the DID
# circuit) and a window of recent roots that proofs may use.
DID_TREE_DEPTH = 20
DID_ROOT_WINDOW = 30

# Local oracle committee: n = 4 operators with the dev keys of oracle.keys (f = 1).
LOCAL_ORACLE_N = 4
LOCAL_ORACLE_F = 1

# Live events (contracts/events/PersonaEvents.vy): off the local chain the live server's voucher
# key is named by its address (LiveSettings.voucher_signer; the key itself stays with the server).
VOUCHER_SIGNER_ENV = "FAME_LIVE_VOUCHER_SIGNER"
# The local stack's demo persona (the seed creates it first): its event operator is granted at
# deploy, before the persona exists, so the seed can schedule its demo event.
DEMO_PERSONA_ID = 1


def resolve_deployer():
    """The account that deploys: anvil's dev account 0 locally, an `ape accounts` alias elsewhere."""
    if chain.chain_id == LOCAL_CHAIN_ID:
        return accounts.test_accounts[0]
    alias = settings().deployer
    if not alias:
        raise FameError(
            f"no deployer for chain {chain.chain_id}: set FAME_DEPLOYER to an alias from `ape accounts list` "
            "(add one with `ape accounts import <alias>`)"
        )
    try:
        return accounts.load(alias)
    except Exception:  # noqa: BLE001 - ape raises several types for an unknown alias
        raise FameError(
            f"FAME_DEPLOYER={alias!r} is not an ape account: see `ape accounts list`, or add it with "
            f"`ape accounts import {alias}`"
        ) from None


def resolve_voucher_signer(chain_id: int) -> str:
    """The address whose attendance vouchers mint badges: the dev voucher key (anvil mnemonic index
    DEV_VOUCHER_INDEX) on the local chain, FAME_LIVE_VOUCHER_SIGNER elsewhere."""
    from eth_utils import is_address, to_checksum_address

    from fame.chain import dev_account
    from fame.config import LiveSettings

    if chain_id == LOCAL_CHAIN_ID:
        return str(dev_account(DEV_VOUCHER_INDEX).address)
    signer = (LiveSettings().voucher_signer or "").strip()  # read now, not cached: the deploy's own env
    if not signer:
        raise FameError(
            f"no voucher signer for chain {chain_id}: set {VOUCHER_SIGNER_ENV} to the address of the live "
            "server's voucher key (FAME_LIVE_VOUCHER_KEY)"
        )
    if not is_address(signer):
        raise FameError(f"{VOUCHER_SIGNER_ENV}={signer!r} is not an address")
    return str(to_checksum_address(signer))


def _record(name: str, instance) -> DeployedContract:
    ct = instance.contract_type
    receipt = instance.creation_metadata.receipt if instance.creation_metadata else None
    return DeployedContract(
        name=name,
        address=str(instance.address),
        contract_type=ct.name,
        abi=[item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in ct.abi],
        block=receipt.block_number if receipt else None,
        tx=str(receipt.txn_hash) if receipt else None,
    )


def _calldata(contract, method: str, *args) -> bytes:
    return bytes.fromhex(str(getattr(contract, method).as_transaction(*args).data.hex()).removeprefix("0x"))


def deploy_all(
    deployer,
    params: DaoParams,
    oracle_signers: list[str],
    oracle_transmitters: list[str],
    oracle_f: int,
    voucher_signer: str | None = None,
) -> dict[str, DeployedContract]:
    """Deploy every contract in dependency order, hand every privileged role to the timelock,
    and return the manifest entries. See docs/architecture.md, "Bootstrap".

    `voucher_signer` defaults to `resolve_voucher_signer(chain.chain_id)`. On the local chain the
    bootstrap batch also makes dev account DEV_EVENT_OPERATOR_ACCOUNT the demo persona's event
    operator."""
    from fame.chain import dev_account

    d = dict(sender=deployer)
    local = chain.chain_id == LOCAL_CHAIN_ID
    voucher_signer = voucher_signer or resolve_voucher_signer(chain.chain_id)
    fmc = deployer.deploy(project.FMC, FMC_CAP, deployer.address, FMC_GENESIS_SUPPLY)
    # Deployed with delay 0 and the deployer as admin for the bootstrap batch below.
    timelock = deployer.deploy(project.FameTimelock, 0, [], [], deployer.address)
    governor = deployer.deploy(
        project.FameGovernor,
        fmc.address,
        timelock.address,
        params.voting_delay,
        params.voting_period,
        params.proposal_threshold,
        params.quorum_bps,
    )
    registry = deployer.deploy(project.PersonaRegistry, timelock.address)
    treasury = deployer.deploy(project.PersonaTreasury, timelock.address, registry.address)
    share_blueprint = deployer.declare(project.PersonaShare).contract_address
    # The DAO's revenue settings; each persona's share token holds and splits its own revenue.
    revenue_config = deployer.deploy(
        project.RevenueConfig, timelock.address, fmc.address, timelock.address, params.revenue_fee_bps
    )
    staking = deployer.deploy(project.PersonaStaking, timelock.address, fmc.address, registry.address)
    reputation = deployer.deploy(project.Reputation, timelock.address, fmc.address, registry.address)
    launchpad = deployer.deploy(
        project.PersonaLaunchpad,
        governor.address,
        fmc.address,
        registry.address,
        treasury.address,
        share_blueprint,
        revenue_config.address,
        params.max_creator_allocation_bps,
    )
    poseidon = deployer.deploy(project.PoseidonT3)
    # The verifier is rendered from the DID circuit's verification key (fame/did/contracts.py):
    # the committed one is the dev key; a public network renders it from its ceremony's key.
    did_verifier = deployer.deploy(project.DIDVerifier)
    did_registry = deployer.deploy(
        project.DIDRegistry,
        timelock.address,
        registry.address,
        poseidon.address,
        did_verifier.address,
        DID_TREE_DEPTH,
        DID_ROOT_WINDOW,
    )
    oracle = deployer.deploy(
        project.EngagementOracle,
        timelock.address,
        registry.address,
        reputation.address,
        staking.address,
        params.oracle_heartbeat,
        oracle_signers,
        oracle_transmitters,
        oracle_f,
    )

    # Content requests: the persona's part of each fee is FMC revenue paid to its share token;
    # the protocol's part and slashed bonds go to the DAO (the timelock).
    market = deployer.deploy(
        project.ContentMarket, timelock.address, fmc.address, registry.address, timelock.address, params.market_params()
    )

    # Live events: tickets in FMC, proceeds paid to the persona's share token at settlement,
    # attendance badges minted with the live server's vouchers.
    persona_events = deployer.deploy(
        project.PersonaEvents, timelock.address, fmc.address, registry.address, voucher_signer
    )

    governor.bootstrap_launchpad(launchpad.address, **d)  # also ends the bootstrapper role

    # The bootstrap batch wires the contracts that the timelock already owns, accepts FMC's
    # ownership, and finally raises the timelock's own delay to the real one. The timelock takes
    # at most MAX_BATCH calls per batch, so the batch goes in as consecutive timelock batches
    # (each executed at once, while the delay is still 0), the delay raise in the last.
    fmc.transfer_ownership(timelock.address, **d)
    calls: list[tuple[Any, ...]] = [
        (registry, "set_registrar", launchpad.address),
        (registry, "set_treasury", treasury.address),
        (did_registry, "set_registrar", timelock.address),  # DIDs are registered by DAO proposals
        (staking, "set_updater", oracle.address),
        (reputation, "set_oracle", oracle.address),  # E lives in the oracle's stored words
        (oracle, "set_performance_interval", params.oracle_performance_interval),
        (fmc, "accept_ownership"),
    ]
    if local:  # the demo persona's events are scheduled by a dev account (scripts/seed_demo.py)
        operator = dev_account(DEV_EVENT_OPERATOR_ACCOUNT).address
        calls.append((persona_events, "set_operator", DEMO_PERSONA_ID, operator, True))
    calls.append((timelock, "update_delay", params.timelock_delay))
    zero = b"\x00" * 32
    proposer, executor, canceller, admin = (
        timelock.PROPOSER_ROLE(),
        timelock.EXECUTOR_ROLE(),
        timelock.CANCELLER_ROLE(),
        timelock.DEFAULT_ADMIN_ROLE(),
    )
    timelock.grantRole(proposer, deployer.address, **d)
    timelock.grantRole(executor, deployer.address, **d)
    batch_size = timelock.MAX_BATCH()
    for start in range(0, len(calls), batch_size):
        chunk = calls[start : start + batch_size]
        targets = [c[0].address for c in chunk]
        payloads = [_calldata(c[0], c[1], *c[2:]) for c in chunk]
        salt = start.to_bytes(32, "big")  # one operation id per batch
        timelock.schedule_batch(targets, [0] * len(chunk), payloads, zero, salt, 0, **d)
        timelock.execute_batch(targets, [0] * len(chunk), payloads, zero, salt, **d)
    for role in (proposer, canceller, executor):
        timelock.grantRole(role, governor.address, **d)
    for role in (proposer, canceller, executor):
        timelock.revokeRole(role, deployer.address, **d)
    timelock.renounceRole(admin, deployer.address, **d)

    contracts = {
        "FMC": fmc,
        "FameTimelock": timelock,
        "FameGovernor": governor,
        "PersonaRegistry": registry,
        "PersonaTreasury": treasury,
        "RevenueConfig": revenue_config,
        "PersonaStaking": staking,
        "Reputation": reputation,
        "PersonaLaunchpad": launchpad,
        "EngagementOracle": oracle,
        "PoseidonT3": poseidon,
        "DIDVerifier": did_verifier,
        "DIDRegistry": did_registry,
        "ContentMarket": market,
        "PersonaEvents": persona_events,
    }
    deployed = {name: _record(name, c) for name, c in contracts.items()}
    deployed["PersonaShare"] = DeployedContract(
        name="PersonaShare",
        address=str(share_blueprint),
        contract_type="PersonaShare",
        abi=[
            i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in project.PersonaShare.contract_type.abi
        ],
    )
    return deployed


def oracle_operators_from_settings() -> tuple[list[str], list[str], int]:
    """The committee for a public network: FAME_ORACLE_SIGNERS and FAME_ORACLE_TRANSMITTERS
    (comma-separated addresses, same order) and FAME_ORACLE_F."""
    from fame.config import oracle_settings

    signers, transmitters, f = oracle_settings().committee()
    if len(signers) <= 3 * f or len(transmitters) != len(signers):
        raise FameError(
            f"the oracle needs more than 3f = {3 * f} operators: set FAME_ORACLE_SIGNERS and "
            "FAME_ORACLE_TRANSMITTERS to their comma-separated addresses (same order) and FAME_ORACLE_F"
        )
    return signers, transmitters, f


def existing_deployment_is_live(manifest: Manifest) -> bool:
    """True when every contract the manifest names has code on this chain."""
    return all(len(chain.provider.get_code(c.address)) > 0 for c in manifest.contracts.values())


def run(fresh: bool) -> Manifest:
    chain_id = chain.chain_id
    existing = find_manifest(chain_id)
    if existing is not None and not fresh:
        if existing_deployment_is_live(existing):
            click.echo(f"reusing the deployment in {manifest_path(chain_id)} (pass --fresh for a new set)")
            return existing
        raise FameError(
            f"{manifest_path(chain_id)} names contracts that are not on chain {chain_id} (was the node reset?): "
            "run `ape run deploy --fresh` to deploy a new set"
        )

    deployer = resolve_deployer()
    local = chain_id == LOCAL_CHAIN_ID
    params = LOCAL if local else PRODUCTION
    if local:
        from oracle.keys import dev_committee

        signers, transmitters = dev_committee(LOCAL_ORACLE_N)
        f = LOCAL_ORACLE_F
    else:
        signers, transmitters, f = oracle_operators_from_settings()
    voucher_signer = resolve_voucher_signer(chain_id)
    start_block = chain.blocks.height + 1
    contracts = deploy_all(deployer, params, signers, transmitters, f, voucher_signer)
    manifest = Manifest(
        chain_id=chain_id,
        network=networks.provider.network_choice,
        deployer=str(deployer.address),
        deploy_block=start_block,
        contracts=contracts,
        git_commit=git_commit(),
        extra={
            "dao_params": params._asdict(),
            "oracle": {"signers": signers, "transmitters": transmitters, "f": f},
            "share_blueprint": contracts["PersonaShare"].address,
            "events": {"voucher_signer": voucher_signer},
        },
    )
    path = write_manifest(manifest)
    click.echo(f"deployed {len(contracts)} contracts to chain {chain_id}; manifest: {path}")
    return manifest


@click.command(cls=ConnectedProviderCommand)
@click.option("--fresh", is_flag=True, help="Deploy a new set even if this chain has a manifest.")
def cli(fresh: bool):
    """Deploy FameEngine and write deployments/<chain-id>.json."""
    try:
        run(fresh)
    except FameError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
