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

import click
from ape import accounts, chain, networks, project
from ape.cli import ConnectedProviderCommand

from fame.config import LOCAL_CHAIN_ID, settings
from fame.errors import FameError
from fame.manifest import DeployedContract, Manifest, find_manifest, git_commit, manifest_path, write_manifest

# Token economics of the deployment (FMC has 18 decimals).
FMC = 10**18
FMC_CAP = 1_000_000_000 * FMC          # hard cap: one billion FMC
FMC_GENESIS_SUPPLY = 100_000_000 * FMC  # minted to the deployer for the initial distribution


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


def deploy_all(deployer) -> dict[str, DeployedContract]:
    """Deploy every contract in dependency order; returns the manifest entries."""
    deployed: dict[str, DeployedContract] = {}

    fmc = deployer.deploy(project.FMC, FMC_CAP, deployer.address, FMC_GENESIS_SUPPLY)
    deployed["FMC"] = _record("FMC", fmc)
    return deployed


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
    start_block = chain.blocks.height + 1
    contracts = deploy_all(deployer)
    manifest = Manifest(
        chain_id=chain_id,
        network=networks.provider.network_choice,
        deployer=str(deployer.address),
        deploy_block=start_block,
        contracts=contracts,
        git_commit=git_commit(),
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
