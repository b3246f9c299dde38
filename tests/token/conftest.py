"""Fixtures for the FMC token tests (unit and stateful).

Every FMC under test is deployed by `deployer` with `CAP` as its hard cap and
`INITIAL_SUPPLY` minted to `alice`; `minter` (anvil dev account 4) is then
appointed minter by the owner. The unit tests rely on ape's per-test chain
isolation, so each test starts from that freshly deployed state.

Signatures (EIP-2612 permits and ERC-5805 delegations) are produced off-chain
with eth_account from the private keys of anvil's default mnemonic, exactly as
a wallet would sign them: `Account.sign_typed_data` over the full EIP-712
message (types, primary type, domain and message).
"""

import pytest
from ape import chain, project
from eth_account import Account
from eth_utils import keccak

from fame import eip712

ANVIL_MNEMONIC = "test test test test test test test test test test test junk"

MAX_UINT208 = 2**208 - 1
MAX_UINT256 = 2**256 - 1
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

#: Hard cap and initial supply of the FMC deployed by the `fmc` fixture.
CAP = 1_000_000_000 * 10**18
INITIAL_SUPPLY = 400_000_000 * 10**18

EIP712_DOMAIN_TYPE, PERMIT_TYPE, DELEGATION_TYPE = eip712.DOMAIN_TYPE, eip712.PERMIT_TYPE, eip712.DELEGATION_TYPE


class Token:
    """Constants of the FMC deployment, importable by the test modules through the `C` fixture."""

    ANVIL_MNEMONIC = ANVIL_MNEMONIC
    MAX_UINT208 = MAX_UINT208
    MAX_UINT256 = MAX_UINT256
    ZERO_ADDRESS = ZERO_ADDRESS
    CAP = CAP
    INITIAL_SUPPLY = INITIAL_SUPPLY
    NAME = "FameEngine"
    SYMBOL = "FMC"
    DECIMALS = 18
    EIP712_NAME = "FameEngine"
    EIP712_VERSION = "1"
    EIP712_DOMAIN_TYPE = EIP712_DOMAIN_TYPE
    PERMIT_TYPE = PERMIT_TYPE
    DELEGATION_TYPE = DELEGATION_TYPE


@pytest.fixture(scope="session")
def C():
    """The constants of the FMC deployment (cap, initial supply, names, EIP-712 types)."""
    return Token


@pytest.fixture(scope="session")
def minter(accounts):
    """The account the owner appoints as minter (anvil dev account 4)."""
    return accounts[4]


@pytest.fixture(scope="session")
def dave(accounts):
    """A fifth holder for multi-party scenarios (anvil dev account 5)."""
    return accounts[5]


@pytest.fixture(scope="session")
def private_keys(accounts):
    """Private key of each anvil dev account, derived from anvil's default mnemonic.

    The derivation is checked against the addresses ape uses, so a signature made
    with `private_keys[acct.address]` is a signature by `acct`.
    """
    Account.enable_unaudited_hdwallet_features()
    keys = {}
    for index in range(10):
        derived = Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
        assert derived.address == accounts[index].address, "anvil mnemonic and ape accounts disagree"
        keys[derived.address] = derived.key
    return keys


@pytest.fixture(scope="module")
def fmc(deployer, alice, minter):
    """FMC with cap `CAP`, `INITIAL_SUPPLY` minted to alice, and `minter` appointed by the owner."""
    token = deployer.deploy(project.FMC, CAP, alice, INITIAL_SUPPLY)
    token.set_minter(minter, True, sender=deployer)
    return token


def _domain_fields(token, name=Token.EIP712_NAME, version=Token.EIP712_VERSION, chain_id=None, verifying_contract=None):
    """fame.eip712 keyword arguments for FMC's domain, with any field overridden."""
    return {
        "name": name,
        "version": version,
        "chain_id": chain.chain_id if chain_id is None else chain_id,
        "token": token.address if verifying_contract is None else verifying_contract,
    }


@pytest.fixture(scope="session")
def sign_permit(private_keys):
    """Returns `sign(token, owner, spender, value, nonce, deadline, signer=None, **domain) -> (v, r, s)`.

    `signer` (default: `owner`) is the account whose key signs, so a test can forge
    a permit for `owner` signed by someone else; `domain` overrides EIP-712 domain
    fields (name, version, chain_id, verifying_contract).
    """

    def sign(token, owner, spender, value, nonce, deadline, signer=None, **domain):
        message = eip712.permit_typed_data(
            owner=owner, spender=spender, value=value, nonce=nonce, deadline=deadline, **_domain_fields(token, **domain)
        )
        return eip712.sign_typed(private_keys[(signer or owner).address], message)

    return sign


@pytest.fixture(scope="session")
def sign_delegation(private_keys):
    """Returns `sign(token, signer, delegatee, nonce, expiry, **domain) -> (v, r, s)`.

    The message is the ERC-5805 `Delegation(address delegatee,uint256 nonce,uint256 expiry)`
    in FMC's EIP-712 domain unless `domain` overrides a field.
    """

    def sign(token, signer, delegatee, nonce, expiry, **domain):
        message = eip712.delegation_typed_data(
            delegatee=delegatee, nonce=nonce, expiry=expiry, **_domain_fields(token, **domain)
        )
        return eip712.sign_typed(private_keys[signer.address], message)

    return sign


@pytest.fixture(scope="session")
def domain_separator():
    """Returns `separator(token) -> bytes`: the EIP-712 domain separator computed off-chain."""

    def separator(token):
        type_hash = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        return keccak(
            type_hash
            + keccak(text=Token.EIP712_NAME)
            + keccak(text=Token.EIP712_VERSION)
            + chain.chain_id.to_bytes(32, "big")
            + bytes(12)
            + bytes.fromhex(str(token.address)[2:])
        )

    return separator


@pytest.fixture(scope="session", autouse=True)
def _session_helpers_first(C, private_keys, sign_permit, sign_delegation, domain_separator):
    """Sets up the session-scoped helpers before any test touches the chain.

    ape isolates tests with chain snapshots per fixture scope and has to rebase them
    (with a warning) when a wider-scoped fixture is first requested after narrower
    ones; requesting them all up front keeps the isolation cheap.
    """
