"""ERC-5202 (Blueprint contract format) conformance of the PersonaShare blueprint.

The persona share token is meant to be deployed by the launchpad from an ERC-5202 blueprint
(`create_from_blueprint`), one instance per persona. Covered, section "Specification": the
preamble `0xFE71<version bits><length encoding bits>` (version 0; the reserved length
encoding 0b11 unused), "A blueprint contract MUST contain at least one byte of initcode",
the optional data section (parsed with the standard's reference `parse_blueprint_preamble`
logic), and, from "Rationale", that calling a blueprint directly halts (it starts with
INVALID, 0xfe). The initcode found behind the preamble is PersonaShare's, and an instance
created from it (the test factory, contracts/test/MockShareFactory.vy) is a working token.

Not tested: the Rationale's account of the magic byte ("taking the last byte of the keccak256
hash of the bytestring "blueprint"") is background, not a requirement -- and that hash ends in
0xd1, so only the normative 0xFE71 is checked.
"""

import pytest
from ape import chain
from eth_utils import keccak


def parse_blueprint_preamble(bytecode: bytes):
    """ERC-5202's reference implementation: (version, data section or None, initcode); raises for
    anything that is not a valid blueprint."""
    if bytecode[:2] != b"\xfe\x71":
        raise ValueError("Not a blueprint!")
    erc_version = (bytecode[2] & 0b11111100) >> 2
    n_length_bytes = bytecode[2] & 0b11
    if n_length_bytes == 0b11:
        raise ValueError("Reserved bits are set")
    data_length = int.from_bytes(bytecode[3 : 3 + n_length_bytes], byteorder="big")
    preamble_data = None if n_length_bytes == 0 else bytecode[3 + n_length_bytes : 3 + n_length_bytes + data_length]
    initcode = bytecode[3 + n_length_bytes + data_length :]
    if len(initcode) == 0:
        raise ValueError("Empty initcode!")
    return erc_version, preamble_data, initcode


@pytest.fixture(scope="module")
def blueprint(deployer, project):
    """The PersonaShare blueprint, declared the ape way (`account.declare`)."""
    return deployer.declare(project.PersonaShare).contract_address


@pytest.fixture(scope="module")
def blueprint_code(blueprint):
    return bytes(chain.provider.get_code(blueprint))


def test_erc5202_blueprint_MUST_use_the_preamble_0xFE71(blueprint_code):
    """ "A blueprint contract MUST use the preamble 0xFE71<version bits><length encoding bits>. 6 bits
    are allocated to the version, and 2 bits to the length encoding. The first version begins at 0"
    and "The value 0b11 for <length encoding bits> is reserved"."""
    assert blueprint_code[:2] == bytes.fromhex("fe71")
    version, _, _ = parse_blueprint_preamble(blueprint_code)
    assert version == 0 and blueprint_code[2] & 0b11 != 0b11


def test_erc5202_blueprint_MUST_contain_at_least_one_byte_of_initcode(blueprint_code, project):
    """ "A blueprint contract MUST contain at least one byte of initcode." -- and that initcode is
    PersonaShare's deployment bytecode."""
    _, data, initcode = parse_blueprint_preamble(blueprint_code)
    assert len(initcode) >= 1 and data is None
    expected = project.PersonaShare.contract_type.deployment_bytecode.bytecode
    assert initcode == bytes.fromhex(expected.removeprefix("0x"))


def test_erc5202_calling_a_blueprint_halts(blueprint):
    """Rationale: "It is considered "bad" behavior to try to CALL a blueprint contract directly,
    therefore the preamble starts with INVALID (0xfe) to end execution with an exceptional halting
    condition" -- a call with the share token's selectors fails instead of running initcode."""
    w3 = chain.provider.web3
    for data in (b"", keccak(text="totalSupply()")[:4]):
        with pytest.raises(Exception):  # noqa: B017 - any failure of the call is the point
            w3.eth.call({"to": str(blueprint), "data": data, "gas": 1_000_000})


def test_erc5202_instance_created_from_the_blueprint_is_a_persona_share(
    project, deployer, blueprint, launchpad, revenue_config, alice
):
    """The blueprint's use (Motivation: "use EXTCODECOPY to copy the initcode into memory, followed by
    a call to CREATE"): create_from_blueprint yields a working PersonaShare."""
    factory = project.MockShareFactory.deploy(blueprint, sender=deployer)
    receipt = factory.create("Blue", "BLUE", 9, launchpad, revenue_config, 10**24, sender=launchpad)
    share = project.PersonaShare.at(receipt.events.filter(factory.ShareCreated)[0].share)
    share.mint(alice, 5, sender=launchpad)
    assert (share.name(), share.symbol(), share.persona_id(), share.totalSupply()) == ("Blue", "BLUE", 9, 5)
