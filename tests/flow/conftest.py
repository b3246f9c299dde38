"""Fixtures for the whole-economy flow tests: everything deployed exactly as in
production by `scripts/deploy.py::deploy_all` (the timelock owns every contract,
the governor is the timelock's only proposer/executor/canceller), with the
short governance periods of the local dev chain (`LOCAL` DaoParams).

Accounts (anvil dev accounts):
    deployer  accounts[0]  runs deploy_all, keeps the rest of the genesis supply
    alice     accounts[1]  30M FMC, self-delegated
    bob       accounts[2]  20M FMC, self-delegated
    carol     accounts[3]  10M FMC, self-delegated
    dave      accounts[4]   2M FMC, NOT delegated (votes with weight 0, cannot propose)
The timelock (the DAO) gets 5M FMC from the deployer: that is its budget to fund
staking rewards. A MockLens (test-only batched reader) is deployed next to the
economy; it is not part of it.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
if str(TESTS / "governance") not in sys.path:
    sys.path.append(str(TESTS / "governance"))  # gov_helpers (FastTx, proposal model)

E18 = 10**18
HOLDINGS = (30_000_000, 20_000_000, 10_000_000, 2_000_000)
DAO_BUDGET = 5_000_000 * E18


def _load_deploy_script():
    spec = importlib.util.spec_from_file_location("fame_deploy_script", ROOT / "scripts" / "deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dave(accounts):
    return accounts[4]


@pytest.fixture(scope="module")
def economy(project, accounts, deployer, alice, bob, carol, dave):
    """Returns a dict: the deployed contracts by manifest name (+ "MockLens",
    "params" and "deploy")."""
    from gov_helpers import delegate, warp

    from oracle.keys import dev_committee

    deploy = _load_deploy_script()
    signers, transmitters = dev_committee(deploy.LOCAL_ORACLE_N)
    entries = deploy.deploy_all(deployer, deploy.LOCAL, signers, transmitters, deploy.LOCAL_ORACLE_F)
    at = {
        name: project.get_contract(entry.contract_type).at(entry.address)
        for name, entry in entries.items()
        if name != "PersonaShare"
    }
    fmc = at["FMC"]
    for who, amount in zip((alice, bob, carol, dave), HOLDINGS, strict=False):
        fmc.transfer(who, amount * E18, sender=deployer)
    for who in (alice, bob, carol):
        delegate(fmc, who, who)
    fmc.transfer(at["FameTimelock"], DAO_BUDGET, sender=deployer)
    at["MockLens"] = project.MockLens.deploy(sender=deployer)
    at["params"] = deploy.LOCAL
    at["deploy"] = deploy
    warp(1)  # votes count from the next second
    return at
