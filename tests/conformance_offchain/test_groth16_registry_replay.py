"""Groth16 replay pitfalls at the point of use: DIDRegistry (contracts/identity/DIDRegistry.vy)
with the committed verifier contracts/identity/DIDVerifier.vy at depth 20, as deployed by the
project (ape builds; run with `ape test`, skipped without the ape plugin).

A verifier only answers "this proof is valid for these public signals"; what stops a replay is
what the registry puts in the signals and what it records. The registry derives scope (persona,
action, per-action nonce) and msg_hash (action, parameters, msg.sender) itself and records the
nullifier. Clauses, after the pitfalls of test_groth16_pitfalls.py:

* a valid proof replayed as is: refused by the recorded nullifier;
* replayed by another sender, for other parameters or another action, or with another
  nullifier: refused by the verifier (another statement);
* replayed with nullifier + r (the unreduced double-spend): refused, the verifier takes only
  field elements, so an unreduced copy of a used nullifier never verifies;
* replayed after malleation (-A, -B, C), a different byte string of a valid proof: refused by
  the nullifier, not by the bytes.

The proofs come from offchain_helpers.DevKeyForger (the committed development key's public
seed): valid for the verifier whatever the signals, so the nullifier is any unused value below r
rather than Poseidon(secret, scope); the registry sees only the verifier's answer either way.
tests/did runs the same flows with honest proofs at depth 4.
"""

from __future__ import annotations

import ape
import pytest
from offchain_helpers import flat, negate_a_and_b

from fame.did import actions as A
from zk.field import R

pytestmark = pytest.mark.ape_chain

DOC_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
CID = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba"
OTHER_CID = "bafkreih6ymnvjmc5kbbqgsqrtzwbxgzbmsfmwcpkazmvhnc4g3d4tdgiwy"
NULLIFIER = 0xD00D_F00D


@pytest.fixture(scope="module")
def stack(project, accounts):
    """(registry, persona id) on the committed verifier; accounts[0] owns, accounts[4] registers."""
    from fame.did.contracts import VERIFIER_DEPTH

    deployer, launchpad = accounts[0], accounts[4]
    personas = project.PersonaRegistry.deploy(deployer, sender=deployer)
    personas.set_registrar(launchpad, sender=deployer)
    poseidon = project.PoseidonT3.deploy(sender=deployer)
    verifier = project.DIDVerifier.deploy(sender=deployer)
    registry = project.DIDRegistry.deploy(deployer, personas, poseidon, verifier, VERIFIER_DEPTH, 2, sender=deployer)
    registry.set_registrar(launchpad, sender=deployer)
    personas.register("Nova", "bafyspec", "0x" + "0a" * 20, deployer, sender=launchpad)
    pid = personas.persona_count()
    registry.register(pid, DOC_CID, A.Controller(secret=11, salt=13).commitment, sender=launchpad)
    return registry, pid


def _proof(forger, registry, pid, sender, *, action=A.ACTION_ATTEST_CONTENT, cid=CID, nullifier=NULLIFIER):
    """(root, nullifier, proof) valid for `sender` attesting `cid` now."""
    root = registry.current_root(pid)
    scope = registry.scope(pid, action)
    msg_hash = registry.message_hash(pid, action, A.cid_param_hash(cid), sender)
    proof = forger.prove([root, nullifier, scope, msg_hash])
    return root, nullifier, proof


def test_valid_proof_for_the_committed_verifier_is_accepted(forger, stack, accounts):
    """Baseline: the registry with the committed depth-20 verifier accepts a valid proof."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)
    assert registry.nullifier_used(nul) and registry.attestation_count(pid) == 1


def test_valid_proof_replayed_as_is_is_refused_by_the_nullifier(forger, stack, accounts):
    """The same proof, signals and sender again: the recorded nullifier refuses it."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)
    with ape.reverts("did: nullifier used"):
        registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)


def test_valid_proof_replayed_by_another_sender_is_refused(forger, stack, accounts):
    """msg_hash binds msg.sender: Alice's proof sent by Bob (a front-runner) is another statement."""
    registry, pid = stack
    alice, bob = accounts[1], accounts[2]
    root, nul, proof = _proof(forger, registry, pid, alice)
    with ape.reverts("did: invalid proof"):
        registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=bob)
    registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)


def test_valid_proof_replayed_with_another_nullifier_is_refused(forger, stack, accounts):
    """The nullifier is a public signal: the proof with a fresh nullifier does not verify."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    with ape.reverts("did: invalid proof"):
        registry.attest_content(pid, CID, root, (nul + 1) % R, flat(proof.to_calldata()), sender=alice)


def test_valid_proof_replayed_for_other_parameters_or_action_is_refused(forger, stack, accounts):
    """msg_hash binds the parameters and scope the action: another CID or update_document fails."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    with ape.reverts("did: invalid proof"):
        registry.attest_content(pid, OTHER_CID, root, nul, flat(proof.to_calldata()), sender=alice)
    with ape.reverts("did: invalid proof"):
        registry.update_document(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)


def test_used_nullifier_plus_r_is_refused(forger, stack, accounts):
    """The unreduced double-spend: once n is used, n + r (the same field element, a different
    uint256 key of nullifier_used) must not pass: the verifier refuses inputs >= r."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)
    assert not registry.nullifier_used(nul + R)
    # a proof made now for the next scope, presented with the used nullifier's unreduced twin
    root, _, again = _proof(forger, registry, pid, alice, nullifier=nul)
    with ape.reverts("did: invalid proof"):
        registry.attest_content(pid, CID, root, nul + R, flat(again.to_calldata()), sender=alice)
    with ape.reverts("did: nullifier used"):
        registry.attest_content(pid, CID, root, nul, flat(again.to_calldata()), sender=alice)


def test_unreduced_root_is_refused(forger, stack, accounts):
    """root + r is not a known root (and not a field element)."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    with ape.reverts("did: unknown root"):
        registry.attest_content(pid, CID, root + R, nul, flat(proof.to_calldata()), sender=alice)


def test_malleated_proof_replay_is_refused_by_the_nullifier(forger, stack, accounts):
    """(-A, -B, C) is a valid proof with other bytes (malleability): after the original is used, the
    malleated copy is refused because of its nullifier, whatever its bytes."""
    registry, pid = stack
    alice = accounts[1]
    root, nul, proof = _proof(forger, registry, pid, alice)
    twin = negate_a_and_b(proof)
    assert flat(twin.to_calldata()) != flat(proof.to_calldata())
    registry.attest_content(pid, CID, root, nul, flat(proof.to_calldata()), sender=alice)
    with ape.reverts("did: nullifier used"):
        registry.attest_content(pid, CID, root, nul, flat(twin.to_calldata()), sender=alice)
