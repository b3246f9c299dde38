"""Fixtures for the DID registry (tests/did).

The circuit, its INSECURE dev proving key and the matching verifier are built once per session
at a small Merkle depth (DEPTH); the verifier is rendered from that key and compiled here, the
registry is deployed with the same depth and a short root window (WINDOW) so that pushing a
root out of it takes two inserts.

Roles: deployer = owner (the timelock stand-in), launchpad = PersonaRegistry and DIDRegistry
registrar, alice = the controller who sends proofs, bob = someone else.
"""

import itertools

import pytest
from did_constants import DEPTH, DOC_CID, WINDOW  # noqa: F401 - used by the fixtures below

from fame.did.actions import Controller
from zk.circuits.did import did_circuit
from zk.groth16 import setup_dev
from zk.verifier_export import render_vyper_verifier

_secrets = itertools.count(1000)


@pytest.fixture(scope="session")
def dev_pk():
    return setup_dev(did_circuit(DEPTH).r1cs, seed=4242)


@pytest.fixture(scope="session")
def launchpad(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def verifier(compilers, dev_pk, deployer):
    src = render_vyper_verifier(dev_pk.verifying_key(), public_names=["root", "nullifier", "scope", "msg_hash"])
    container = compilers.compile_source("vyper", src, contractName="DIDVerifierDepth4")
    return container.deploy(sender=deployer)


@pytest.fixture(scope="session")
def poseidon(project, deployer):
    return project.PoseidonT3.deploy(sender=deployer)


@pytest.fixture(scope="session")
def personas(project, deployer, launchpad):
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(launchpad, sender=deployer)
    return reg


@pytest.fixture(scope="session")
def did_registry(project, deployer, launchpad, personas, poseidon, verifier):
    reg = project.DIDRegistry.deploy(deployer, personas, poseidon, verifier, DEPTH, WINDOW, sender=deployer)
    reg.set_registrar(launchpad, sender=deployer)
    return reg


_tokens = itertools.count(0x1000)


@pytest.fixture
def new_persona(personas, launchpad, deployer):
    """new_persona() -> id of a fresh active persona."""

    def _make(name="Nova"):
        share = "0x" + format(next(_tokens), "040x")
        personas.register(name, "bafyspec", share, deployer, sender=launchpad)
        return personas.persona_count()

    return _make


@pytest.fixture
def controller():
    """A fresh controller (secret, salt)."""
    n = next(_secrets)
    return Controller(secret=n * 7919 + 13, salt=n * 104729 + 7)


@pytest.fixture
def registered(did_registry, new_persona, launchpad, controller):
    """(persona_id, controller, receipt) of a persona with a DID."""
    pid = new_persona()
    tx = did_registry.register(pid, DOC_CID, controller.commitment, sender=launchpad)
    return pid, controller, tx


@pytest.fixture(scope="session", autouse=True)
def _did_stack(dev_pk, launchpad, verifier, poseidon, personas, did_registry):
    """Create every session fixture before the first test runs, so ape's per-module
    snapshots never revert a session deployment away (see tests/governance/conftest.py)."""
    return did_registry
