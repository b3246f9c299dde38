"""PersonaRegistry: unit tests for every external function and every revert path."""

import ape
import pytest
from persona_helpers import SPEC_CID, ZERO


@pytest.fixture(scope="module")
def reg(project, owner, launchpad, treasury):
    """A fresh PersonaRegistry for this module (the session one already holds personas),
    with the launchpad as registrar and the session treasury recorded for new personas."""
    fresh = project.PersonaRegistry.deploy(owner, sender=owner)
    fresh.set_registrar(launchpad, sender=owner)
    fresh.set_treasury(treasury, sender=owner)
    return fresh


def test_constructor_sets_owner_and_empty_state(project, owner, alice):
    """The owner is the constructor argument (not the deployer); nothing is registered."""
    reg = project.PersonaRegistry.deploy(alice, sender=owner)
    assert reg.owner() == alice
    assert reg.pending_owner() == ZERO
    assert reg.registrar() == ZERO
    assert reg.treasury() == ZERO
    assert reg.persona_count() == 0
    assert reg.persona(1).status == 0
    assert reg.share_token_of(1) == ZERO
    assert not reg.is_active(1)


def test_constructor_rejects_zero_owner(project, owner):
    with ape.reverts("registry: zero owner"):
        project.PersonaRegistry.deploy(ZERO, sender=owner)


# --------------------------------------------------------------- registrar / treasury


def test_set_registrar(reg, owner, alice, launchpad):
    """Owner sets the registrar; the event carries old and new."""
    tx = reg.set_registrar(alice, sender=owner)
    assert reg.registrar() == alice
    assert tx.events == [reg.RegistrarChanged(previous_registrar=launchpad, new_registrar=alice)]


def test_set_registrar_only_owner(reg, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reg.set_registrar(alice, sender=alice)


def test_set_treasury(reg, treasury, owner, alice):
    tx = reg.set_treasury(alice, sender=owner)
    assert reg.treasury() == alice
    assert tx.events == [reg.TreasuryChanged(previous_treasury=treasury, new_treasury=alice)]


def test_set_treasury_only_owner(reg, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reg.set_treasury(alice, sender=alice)


# --------------------------------------------------------------- register


def test_register_records_everything(chain, reg, treasury, launchpad, alice, bob):
    """Ids start at 1; the record holds name, cid, share token, treasury, creator, status 1, creation time."""
    tx = reg.register("Nova", SPEC_CID, bob, alice, sender=launchpad)
    assert reg.persona_count() == 1
    record = reg.persona(1)
    assert record.name == "Nova"
    assert record.spec_cid == SPEC_CID
    assert record.share_token == bob
    assert record.treasury == treasury.address
    assert record.creator == alice
    assert record.status == 1
    assert record.created_at == chain.blocks[tx.block_number].timestamp
    assert reg.share_token_of(1) == bob
    assert reg.persona_of_share(bob) == 1
    assert reg.is_active(1)
    assert reg.status_of(1) == 1
    assert tx.events == [
        reg.PersonaRegistered(persona_id=1, share_token=bob, creator=alice, name="Nova", spec_cid=SPEC_CID),
        reg.PersonaStatusChanged(persona_id=1, previous_status=0, new_status=1),
    ]


def test_register_ids_are_sequential(reg, launchpad, accounts):
    for i in range(1, 4):
        reg.register(f"P{i}", SPEC_CID, accounts[6 + i], launchpad, sender=launchpad)
        assert reg.persona_count() == i
        assert reg.share_token_of(i) == accounts[6 + i]


def test_register_uses_treasury_at_registration(reg, owner, launchpad, alice, bob, carol):
    """A later treasury change does not rewrite existing records."""
    reg.set_treasury(alice, sender=owner)
    reg.register("A", SPEC_CID, bob, launchpad, sender=launchpad)
    reg.set_treasury(carol, sender=owner)
    reg.register("B", SPEC_CID, carol, launchpad, sender=launchpad)
    assert reg.persona(1).treasury == alice
    assert reg.persona(2).treasury == carol


def test_register_max_length_strings(reg, launchpad, bob):
    name, cid = "n" * 64, "c" * 100
    reg.register(name, cid, bob, launchpad, sender=launchpad)
    assert reg.persona(1).name == name
    assert reg.persona(1).spec_cid == cid


def test_register_only_registrar(reg, owner, bob):
    """Not even the owner may register."""
    with ape.reverts("registry: caller is not the registrar"):
        reg.register("Nova", SPEC_CID, bob, bob, sender=owner)


def test_register_disabled_when_registrar_unset(reg, owner, launchpad, bob):
    reg.set_registrar(ZERO, sender=owner)
    with ape.reverts("registry: caller is not the registrar"):
        reg.register("Nova", SPEC_CID, bob, bob, sender=launchpad)


@pytest.mark.parametrize(
    "name,cid,share_idx,creator_idx,reason",
    [
        ("", SPEC_CID, 2, 1, "registry: empty name"),
        ("Nova", "", 2, 1, "registry: empty spec cid"),
        ("Nova", SPEC_CID, None, 1, "registry: zero share token"),
        ("Nova", SPEC_CID, 2, None, "registry: zero creator"),
    ],
)
def test_register_input_checks(reg, launchpad, accounts, name, cid, share_idx, creator_idx, reason):
    share = ZERO if share_idx is None else accounts[share_idx]
    creator = ZERO if creator_idx is None else accounts[creator_idx]
    with ape.reverts(reason):
        reg.register(name, cid, share, creator, sender=launchpad)


def test_register_share_token_only_once(reg, launchpad, bob):
    """One share token backs one persona only."""
    reg.register("Nova", SPEC_CID, bob, launchpad, sender=launchpad)
    with ape.reverts("registry: share token already registered"):
        reg.register("Nova 2", SPEC_CID, bob, launchpad, sender=launchpad)


# --------------------------------------------------------------- status


def test_set_status_retire_and_reactivate(reg, owner, launchpad, bob):
    reg.register("Nova", SPEC_CID, bob, launchpad, sender=launchpad)
    tx = reg.set_status(1, 2, sender=owner)
    assert reg.status_of(1) == 2
    assert not reg.is_active(1)
    assert reg.share_token_of(1) == bob, "retiring keeps the record"
    assert tx.events == [reg.PersonaStatusChanged(persona_id=1, previous_status=1, new_status=2)]
    reg.set_status(1, 1, sender=owner)
    assert reg.is_active(1)


def test_active_bitmap_follows_every_status_change(reg, owner, launchpad, accounts):
    """active_bitmap(w) bit i == is_active(256*w + i) after registrations, retirements and
    reactivations (id 0 is never used, so bit 0 of word 0 stays clear)."""
    for i in range(3):
        reg.register(f"P{i}", SPEC_CID, accounts[7 + i], launchpad, sender=launchpad)
    assert reg.active_bitmap(0) == 0b1110
    reg.set_status(2, 2, sender=owner)
    assert reg.active_bitmap(0) == 0b1010
    reg.set_status(2, 1, sender=owner)
    assert reg.active_bitmap(0) == 0b1110
    assert reg.active_bitmap(1) == 0
    for pid in range(4):
        assert ((reg.active_bitmap(0) >> pid) & 1 == 1) == reg.is_active(pid)


def test_set_status_only_owner(reg, launchpad, bob):
    reg.register("Nova", SPEC_CID, bob, launchpad, sender=launchpad)
    with ape.reverts("ownable: caller is not the owner"):
        reg.set_status(1, 2, sender=launchpad)


def test_set_status_unknown_persona(reg, owner):
    with ape.reverts("registry: unknown persona"):
        reg.set_status(1, 2, sender=owner)


@pytest.mark.parametrize("status", [0, 3, 255])
def test_set_status_invalid(reg, owner, launchpad, bob, status):
    reg.register("Nova", SPEC_CID, bob, launchpad, sender=launchpad)
    with ape.reverts("registry: invalid status"):
        reg.set_status(1, status, sender=owner)


def test_set_status_unchanged(reg, owner, launchpad, bob):
    reg.register("Nova", SPEC_CID, bob, launchpad, sender=launchpad)
    with ape.reverts("registry: status unchanged"):
        reg.set_status(1, 1, sender=owner)


# --------------------------------------------------------------- ownership (snekmate ownable_2step)


def test_two_step_ownership(reg, owner, alice, bob):
    """Handover takes effect only when the new owner accepts."""
    reg.transfer_ownership(alice, sender=owner)
    assert reg.owner() == owner
    assert reg.pending_owner() == alice
    with ape.reverts("ownable_2step: caller is not the new owner"):
        reg.accept_ownership(sender=bob)
    reg.accept_ownership(sender=alice)
    assert reg.owner() == alice
    assert reg.pending_owner() == ZERO
    with ape.reverts("ownable: caller is not the owner"):
        reg.set_registrar(bob, sender=owner)


def test_transfer_ownership_only_owner(reg, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reg.transfer_ownership(alice, sender=alice)


def test_renounce_ownership(reg, owner, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reg.renounce_ownership(sender=alice)
    reg.renounce_ownership(sender=owner)
    assert reg.owner() == ZERO
    with ape.reverts("ownable: caller is not the owner"):
        reg.set_registrar(alice, sender=owner)
