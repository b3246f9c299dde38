"""DIDRegistry with real Groth16 proofs at depth 4: registration, the four controller actions,
and the rejections (replayed nullifier, stale or revoked root, proof for another sender or other
parameters, tampered proof, non-registrar, unknown persona)."""

import ape
from did_constants import DEPTH, DOC_CID, WINDOW

from fame.did import actions as A
from zk.field import R
from zk.gadgets.merkle import MerkleTree

NEW_CID = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba"
GAS = {}


def _prove(reg, pk, chain_id, ctrl, leaves, pid, action, param_hash, sender):
    tree = MerkleTree(DEPTH, leaves)
    scope = A.scope(chain_id, reg.address, pid, action, reg.action_nonce(pid, action))
    assert scope == reg.scope(pid, action)
    mh = A.msg_hash(chain_id, reg.address, action, pid, param_hash, sender.address)
    assert mh == reg.message_hash(pid, action, param_hash, sender)
    return A.prove_action(pk, ctrl, tree, scope, mh)


def test_register(did_registry, registered, chain):
    pid, ctrl, tx = registered
    GAS["register"] = tx.gas_used
    assert did_registry.document_cid(pid) == DOC_CID
    assert did_registry.is_registered(pid)
    assert did_registry.controller_count(pid) == 1
    assert did_registry.current_root(pid) == MerkleTree(DEPTH, [ctrl.commitment]).root
    assert did_registry.zero_root(DEPTH) == MerkleTree(DEPTH).root
    ev = tx.events[-1]
    assert ev.event_name == "DIDRegistered" and ev.persona_id == pid and ev.commitment == ctrl.commitment


def test_register_guards(did_registry, new_persona, launchpad, alice, controller, registered):
    pid = new_persona()
    with ape.reverts("did: not registrar"):
        did_registry.register(pid, DOC_CID, controller.commitment, sender=alice)
    with ape.reverts("did: persona not active"):
        did_registry.register(pid + 100, DOC_CID, controller.commitment, sender=launchpad)
    with ape.reverts("did: bad commitment"):
        did_registry.register(pid, DOC_CID, R, sender=launchpad)
    with ape.reverts("did: empty cid"):
        did_registry.register(pid, "", controller.commitment, sender=launchpad)
    with ape.reverts("did: already registered"):
        did_registry.register(registered[0], DOC_CID, controller.commitment, sender=launchpad)


def test_owner_sets_registrar(did_registry, deployer, alice, launchpad):
    with ape.reverts():
        did_registry.set_registrar(alice, sender=alice)
    did_registry.set_registrar(alice, sender=deployer)
    assert did_registry.registrar() == alice
    did_registry.set_registrar(launchpad, sender=deployer)
    assert did_registry.owner() == deployer


def test_update_document_and_replay(did_registry, registered, dev_pk, chain, alice):
    pid, ctrl, _ = registered
    ph = A.cid_param_hash(NEW_CID)
    root, nul, proof = _prove(
        did_registry, dev_pk, chain.chain_id, ctrl, [ctrl.commitment], pid, A.ACTION_UPDATE_DOCUMENT, ph, alice
    )
    tx = did_registry.update_document(pid, NEW_CID, root, nul, proof, sender=alice)
    GAS["update_document"] = tx.gas_used
    assert did_registry.document_cid(pid) == NEW_CID
    assert did_registry.nullifier_used(nul)
    assert did_registry.action_nonce(pid, A.ACTION_UPDATE_DOCUMENT) == 1
    assert tx.events[-1].event_name == "DocumentUpdated"
    with ape.reverts("did: nullifier used"):
        did_registry.update_document(pid, NEW_CID, root, nul, proof, sender=alice)


def test_proof_bound_to_sender_and_parameters(did_registry, registered, dev_pk, chain, alice, bob):
    pid, ctrl, _ = registered
    ph = A.cid_param_hash(NEW_CID)
    root, nul, proof = _prove(
        did_registry, dev_pk, chain.chain_id, ctrl, [ctrl.commitment], pid, A.ACTION_UPDATE_DOCUMENT, ph, alice
    )
    with ape.reverts("did: invalid proof"):  # front-run by bob
        did_registry.update_document(pid, NEW_CID, root, nul, proof, sender=bob)
    with ape.reverts("did: invalid proof"):  # other parameters
        did_registry.update_document(pid, NEW_CID + "x", root, nul, proof, sender=alice)
    with ape.reverts("did: invalid proof"):  # other action
        did_registry.attest_content(pid, NEW_CID, root, nul, proof, sender=alice)
    bad = list(proof)
    bad[0] = bad[0] + 1
    with ape.reverts("did: invalid proof"):  # tampered
        did_registry.update_document(pid, NEW_CID, root, nul, bad, sender=alice)
    with ape.reverts("did: invalid proof"):  # nullifier not the proof's
        did_registry.update_document(pid, NEW_CID, root, (nul + 1) % R, proof, sender=alice)
    tx = did_registry.update_document(pid, NEW_CID, root, nul, proof, sender=alice)
    assert tx.events[-1].nullifier == nul


def test_other_persona_controller_cannot_act(did_registry, registered, new_persona, launchpad, dev_pk, chain, alice):
    """A proof from persona A's controller against A's root is useless for persona B."""
    pid_a, ctrl, _ = registered
    pid_b = new_persona()
    did_registry.register(pid_b, DOC_CID, ctrl.commitment + 1, sender=launchpad)
    ph = A.cid_param_hash(NEW_CID)
    root, nul, proof = _prove(
        did_registry, dev_pk, chain.chain_id, ctrl, [ctrl.commitment], pid_b, A.ACTION_UPDATE_DOCUMENT, ph, alice
    )
    with ape.reverts("did: unknown root"):
        did_registry.update_document(pid_b, NEW_CID, root, nul, proof, sender=alice)


def test_attest_content(did_registry, registered, dev_pk, chain, alice):
    pid, ctrl, _ = registered
    for i, cid in enumerate(["bafycontent1", "bafycontent2"]):
        root, nul, proof = _prove(
            did_registry,
            dev_pk,
            chain.chain_id,
            ctrl,
            [ctrl.commitment],
            pid,
            A.ACTION_ATTEST_CONTENT,
            A.cid_param_hash(cid),
            alice,
        )
        tx = did_registry.attest_content(pid, cid, root, nul, proof, sender=alice)
        GAS.setdefault("attest_content", tx.gas_used)
        ev = tx.events[-1]
        assert ev.event_name == "ContentAttested" and ev.attestation_index == i and ev.content_cid == cid
        assert did_registry.attested_at(pid, A.cid_param_hash(cid)) > 0
    assert did_registry.attestation_count(pid) == 2


def test_add_controller_and_stale_root(did_registry, registered, dev_pk, chain, alice, bob):
    pid, ctrl, _ = registered
    c2, c3 = A.Controller(77, 78), A.Controller(79, 80)
    leaves = [ctrl.commitment]
    # a proof made against the first root, sent only after two more inserts
    old = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        ctrl,
        list(leaves),
        pid,
        A.ACTION_ATTEST_CONTENT,
        A.cid_param_hash("bafylate"),
        alice,
    )
    root, nul, proof = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        ctrl,
        list(leaves),
        pid,
        A.ACTION_ADD_CONTROLLER,
        A.commitment_param_hash(c2.commitment),
        alice,
    )
    tx = did_registry.add_controller(pid, c2.commitment, root, nul, proof, sender=alice)
    GAS["add_controller"] = tx.gas_used
    leaves.append(c2.commitment)
    assert tx.events[-1].leaf_index == 1 and tx.events[-1].root == MerkleTree(DEPTH, leaves).root
    assert did_registry.current_root(pid) == MerkleTree(DEPTH, leaves).root
    # the co-controller adds a third one, using the new root
    root, nul, proof = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        c2,
        list(leaves),
        pid,
        A.ACTION_ADD_CONTROLLER,
        A.commitment_param_hash(c3.commitment),
        bob,
    )
    did_registry.add_controller(pid, c3.commitment, root, nul, proof, sender=bob)
    leaves.append(c3.commitment)
    assert WINDOW == 2 and not did_registry.is_known_root(pid, old[0])
    with ape.reverts("did: unknown root"):
        did_registry.attest_content(pid, "bafylate", *old, sender=alice)
    assert did_registry.is_known_root(pid, MerkleTree(DEPTH, leaves[:2]).root)


def test_rotate_revokes_old_controllers(did_registry, registered, dev_pk, chain, alice):
    pid, ctrl, _ = registered
    new = A.Controller(555, 666)
    before = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        ctrl,
        [ctrl.commitment],
        pid,
        A.ACTION_UPDATE_DOCUMENT,
        A.cid_param_hash(NEW_CID),
        alice,
    )
    root, nul, proof = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        ctrl,
        [ctrl.commitment],
        pid,
        A.ACTION_ROTATE_COMMITMENT,
        A.commitment_param_hash(new.commitment),
        alice,
    )
    tx = did_registry.rotate_commitment(pid, new.commitment, root, nul, proof, sender=alice)
    GAS["rotate_commitment"] = tx.gas_used
    assert tx.events[-1].event_name == "CommitmentRotated"
    assert did_registry.controller_count(pid) == 1
    assert did_registry.current_root(pid) == MerkleTree(DEPTH, [new.commitment]).root
    with ape.reverts("did: unknown root"):
        did_registry.update_document(pid, NEW_CID, *before, sender=alice)
    root, nul, proof = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        new,
        [new.commitment],
        pid,
        A.ACTION_UPDATE_DOCUMENT,
        A.cid_param_hash(NEW_CID),
        alice,
    )
    did_registry.update_document(pid, NEW_CID, root, nul, proof, sender=alice)


def test_retired_persona_cannot_act(did_registry, personas, registered, dev_pk, chain, alice, deployer):
    pid, ctrl, _ = registered
    root, nul, proof = _prove(
        did_registry,
        dev_pk,
        chain.chain_id,
        ctrl,
        [ctrl.commitment],
        pid,
        A.ACTION_UPDATE_DOCUMENT,
        A.cid_param_hash(NEW_CID),
        alice,
    )
    personas.set_status(pid, 2, sender=deployer)
    with ape.reverts("did: persona not active"):
        did_registry.update_document(pid, NEW_CID, root, nul, proof, sender=alice)


def test_gas_report():
    """Gas of register and each action at depth 4 (printed with -s; the test order fills GAS)."""
    print("\nDIDRegistry gas at depth", DEPTH, GAS)
    for name, gas in GAS.items():
        assert gas < 1_000_000, name
