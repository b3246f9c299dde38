"""DIDRegistry: the registrar change's log, the bound of zero_root and the order of the checks
on a controller action (each test says the behaviour it checks; test_did_registry.py has the
flows with real proofs)."""

import ape
from did_constants import DEPTH

from zk.gadgets.merkle import MerkleTree

NEW_CID = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba"


def test_registrar_change_logs_the_previous_and_the_new_registrar(did_registry, deployer, alice, launchpad):
    """set_registrar logs who was registrar and who is now, and stores the new one."""
    tx = did_registry.set_registrar(alice, sender=deployer)
    [log] = tx.events.filter(did_registry.RegistrarChanged)
    assert (log.previous_registrar, log.new_registrar) == (launchpad.address, alice.address)
    assert did_registry.registrar() == alice.address
    did_registry.set_registrar(launchpad, sender=deployer)


def test_zero_root_is_defined_up_to_the_depth_only(did_registry):
    """zero_root answers for every height 0..DEPTH (the empty subtrees' roots) and refuses a
    height above the tree's depth."""
    assert did_registry.zero_root(0) == 0
    for height in (1, DEPTH):
        assert did_registry.zero_root(height) == MerkleTree(height).root
    with ape.reverts("did: bad height"):
        did_registry.zero_root(DEPTH + 1)


def test_an_action_on_a_persona_without_a_did_is_refused_first(did_registry, new_persona, alice):
    """A controller action for an active persona that has no DID is refused as "not
    registered", before the root or the proof is looked at."""
    pid = new_persona()
    assert not did_registry.is_registered(pid)
    with ape.reverts("did: not registered"):
        did_registry.update_document(pid, NEW_CID, 0, 1, [0] * 8, sender=alice)
