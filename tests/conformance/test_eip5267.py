"""EIP-5267 (Retrieval of EIP-712 domain) conformance of FMC, PersonaShare and PersonaEvents.

All three contracts verify EIP-712 signatures (FMC: permits and delegations; PersonaShare:
permits; PersonaEvents: attendance vouchers) and export `eip712Domain`. Covered, for each
(the `domain_contract` fixture): "Specification" -- the exact function declaration, "The
return values of this function MUST describe the domain separator that is used for
verification of EIP-712 signatures in the contract" (checked against DOMAIN_SEPARATOR where
there is one, and by signing with a domain built only from `eip712Domain` and having the
contract accept the signature), the `fields` bit map (bit i set iff field i is present),
`extensions` (empty: no extension EIP is used), "The chainId field, if used, SHOULD change to
mirror the EIP-155 id of the underlying chain", and the EIP712DomainChanged semantics.

EIP712DomainChanged: the event is optional ("Contracts MAY emit the event ... to signal that
the domain could have changed"). None of the three contracts can change its domain (name and
version are fixed at deployment, the verifying contract is itself), and the only change,
the chain id, mirrors the chain ("SHOULD change to mirror", tested) without an event, which
the standard allows. The tests check that the domain stays the same through every kind of
state change the contracts offer, and that no contract declares the event (it would never
fire). "changes SHOULD NOT be frequent" then holds trivially.

Not applicable: "User-agents or applications that use this EIP SHOULD additionally support
those contracts that ... cannot be upgraded" and "Security Considerations" (validate the
domain before signing) bind clients, not contracts.
"""

import pytest
from ape import chain
from conformance_helpers import (
    DAY,
    abi_signatures,
    address,
    delegate,
    delegation_message,
    domain_from_eip5267,
    now,
    permit_message,
    private_key,
    separator_of,
    sign,
    voucher_signature,
)

CASES = ["FMC", "PersonaShare", "PersonaEvents"]


@pytest.fixture(params=CASES)
def domain_contract(request, fmc, share, events):
    """Each contract that verifies EIP-712 signatures, with its documented domain name."""
    return {
        "FMC": (fmc, "FameEngine"),
        "PersonaShare": (share, "Nova"),
        "PersonaEvents": (events, "FameEngine PersonaEvents"),
    }[request.param]


@pytest.fixture
def ticket(events, operator, alice):
    """A free event of persona 1 (starting in an hour) with alice's ticket."""
    starts_at = now() + 3_600
    receipt = events.schedule(1, starts_at, starts_at + 7_200, 10, 0, 0, "bafy-metadata", sender=operator)
    event_id = receipt.events.filter(events.EventScheduled)[0].event_id
    events.buy(event_id, sender=alice)
    return event_id


def test_eip5267_eip712Domain_MUST_be_defined_exactly_as_declared(domain_contract):
    """ "Compliant contracts MUST define eip712Domain exactly as declared below": function
    eip712Domain() external view returns (bytes1 fields, string name, string version, uint256
    chainId, address verifyingContract, bytes32 salt, uint256[] extensions)."""
    contract, _ = domain_contract
    entry = abi_signatures(contract, "function")["eip712Domain()"]
    assert entry.stateMutability == "view"
    assert [o.canonical_type for o in entry.outputs] == [
        "bytes1",
        "string",
        "string",
        "uint256",
        "address",
        "bytes32",
        "uint256[]",
    ]


def test_eip5267_all_specified_values_MUST_be_returned(domain_contract):
    """ "All specified values MUST be returned even if they are not used, to ensure proper decoding
    on the client side." -- seven values, the unused salt included (decodable as bytes32)."""
    contract, name = domain_contract
    result = contract.eip712Domain()
    assert len(result) == 7
    fields, got_name, version, chain_id, verifying, salt, extensions = result
    assert (got_name, version, chain_id, verifying) == (name, "1", chain.chain_id, address(contract))
    assert len(bytes(salt)) == 32 and list(extensions) == []


def test_eip5267_fields_bit_i_set_iff_domain_field_i_is_present(domain_contract):
    """ "fields: A bit map where bit i is set to 1 if and only if domain field i is present (0 <= i
    <= 4). Bits are read from least significant to most significant" -- name, version, chainId,
    verifyingContract present (bits 0..3), salt absent (bit 4): 0x0f. That the absent salt is
    really absent is shown by the separator: it matches only without a salt field."""
    contract, _ = domain_contract
    result = contract.eip712Domain()
    assert bytes(result[0]) == b"\x0f"
    domain = domain_from_eip5267(result)
    assert list(domain) == ["name", "version", "chainId", "verifyingContract"]
    if "DOMAIN_SEPARATOR()" in abi_signatures(contract, "function"):
        with_salt = dict(domain, salt=bytes(result[5]))
        assert separator_of(with_salt) != bytes(contract.DOMAIN_SEPARATOR()) == separator_of(domain)


def test_eip5267_extensions_MUST_refer_to_EIPs_extending_EIP712(domain_contract):
    """ "extensions: A list of EIP numbers, each of which MUST refer to an EIP that extends EIP-712
    with new domain fields" -- none of the contracts uses an extension: the list is empty."""
    contract, _ = domain_contract
    assert list(contract.eip712Domain()[6]) == []


def test_eip5267_return_values_MUST_describe_the_domain_separator_used(fmc, share):
    """ "The return values of this function MUST describe the domain separator that is used for
    verification of EIP-712 signatures in the contract." -- hashStruct of the described domain is
    the contract's DOMAIN_SEPARATOR (the tokens publish it, EIP-2612)."""
    for contract in (fmc, share):
        assert separator_of(domain_from_eip5267(contract.eip712Domain())) == bytes(contract.DOMAIN_SEPARATOR())


def test_eip5267_described_domain_MUST_verify_permits(fmc, share, alice, bob):
    """The same MUST, shown by use: a permit signed in the domain built from eip712Domain alone (the
    way EIP-5267's reference getDomain builds it) is accepted."""
    for contract in (fmc, share):
        domain = domain_from_eip5267(contract.eip712Domain())
        deadline = now() + DAY
        v, r, s = sign(private_key(alice), permit_message(domain, alice, bob, 4, contract.nonces(alice), deadline))
        contract.permit(alice, bob, 4, deadline, v, r, s, sender=bob)
        assert contract.allowance(alice, bob) == 4


def test_eip5267_described_domain_MUST_verify_delegations(fmc, alice, bob):
    """The same MUST for FMC's other signed message, the ERC-5805 Delegation."""
    domain = domain_from_eip5267(fmc.eip712Domain())
    expiry = now() + DAY
    v, r, s = sign(private_key(alice), delegation_message(domain, bob, fmc.nonces(alice), expiry))
    fmc.delegateBySig(bob, fmc.nonces(alice), expiry, v, r, s, sender=bob)
    assert fmc.delegates(alice) == address(bob)


def test_eip5267_described_domain_MUST_verify_attendance_vouchers(events, ticket, alice, voucher_key):
    """The same MUST for PersonaEvents, which has no DOMAIN_SEPARATOR getter: a voucher signed in
    the domain built from eip712Domain alone mints the badge."""
    domain = domain_from_eip5267(events.eip712Domain())
    deadline = now() + DAY
    signature = voucher_signature(voucher_key, domain, ticket, alice, 60, deadline)
    events.claim_badge(ticket, 60, deadline, signature, sender=alice)
    assert events.badge_of(ticket, alice) == 1


def test_eip5267_chainId_SHOULD_change_to_mirror_the_chain(domain_contract):
    """ "The chainId field, if used, SHOULD change to mirror the EIP-155 id of the underlying chain."
    -- and, with it, the separator the contract verifies with (where it publishes one)."""
    contract, _ = domain_contract
    w3 = chain.provider.web3
    original = w3.eth.chain_id
    has_separator = "DOMAIN_SEPARATOR()" in abi_signatures(contract, "function")
    try:
        w3.provider.make_request("anvil_setChainId", [original + 7])
        moved = contract.eip712Domain()
        moved_separator = bytes(contract.DOMAIN_SEPARATOR()) if has_separator else None
    finally:
        w3.provider.make_request("anvil_setChainId", [original])
    assert moved[3] == original + 7
    if has_separator:
        assert moved_separator == separator_of(domain_from_eip5267(moved))
    assert contract.eip712Domain()[3] == original


def test_eip5267_EIP712DomainChanged_MAY_be_emitted_only_if_the_domain_could_change(
    fmc, share, events, ticket, deployer, alice, bob, launchpad, operator, voucher_key
):
    """ "Contracts MAY emit the event EIP712DomainChanged ... to signal that the domain could have
    changed." -- the domains here never change: the same after transfers, approvals, permits,
    delegations, mints, burns, ownership and signer changes, event life cycles and badge claims;
    and no contract declares the event, which could never be emitted truthfully."""
    before = {c.address: tuple(c.eip712Domain()) for c in (fmc, share, events)}
    for contract in (fmc, share, events):
        assert "EIP712DomainChanged()" not in abi_signatures(contract, "event")
    # FMC: every kind of state change it offers
    fmc.transfer(bob, 10, sender=alice)
    fmc.approve(bob, 5, sender=alice)
    fmc.transferFrom(alice, bob, 5, sender=bob)
    delegate(fmc, alice, alice)
    fmc.mint(bob, 3, sender=launchpad)
    fmc.burn(1, sender=bob)
    fmc.set_minter(bob, True, sender=deployer)
    fmc.transfer_ownership(bob, sender=deployer)
    fmc.accept_ownership(sender=bob)
    # PersonaShare
    share.transfer(bob, 10, sender=alice)
    share.approve(bob, 5, sender=alice)
    share.burn(1, sender=bob)
    share.mint(bob, 2, sender=launchpad)
    share.sync(sender=alice)
    # PersonaEvents
    deadline = now() + DAY
    domain = domain_from_eip5267(events.eip712Domain())
    events.claim_badge(
        ticket, 0, deadline, voucher_signature(voucher_key, domain, ticket, alice, 0, deadline), sender=alice
    )
    events.set_voucher_signer(bob, sender=deployer)
    events.cancel(ticket, sender=operator)
    events.transfer_ownership(bob, sender=deployer)
    events.accept_ownership(sender=bob)
    after = {c.address: tuple(c.eip712Domain()) for c in (fmc, share, events)}
    assert after == before
