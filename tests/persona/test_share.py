"""PersonaShare as an ERC-20: unit tests for every share function and revert path
(constructor, mint, transfer, transferFrom, approve, burn, burn_from, permit, the
EIP-712 domain, and creation from the ERC-5202 blueprint). Its revenue functions are
tested in test_revenue.py.
"""

import ape
import pytest
from eth_utils import keccak
from persona_helpers import INITIAL_FEE_BPS, ZERO

from fame import eip712

PID = 7
MAX = 1_000 * 10**18


@pytest.fixture(scope="module")
def tok(project, launchpad, revenue_config):
    """A share token for persona 7; the launchpad is the minter."""
    return project.PersonaShare.deploy("Nova Shares", "NOVA", PID, launchpad, revenue_config, MAX, sender=launchpad)


@pytest.fixture
def minted(tok, launchpad, alice):
    tok.mint(alice, 100, sender=launchpad)
    return tok


def transfers(tx, tok):
    return [(e.sender, e.receiver, e.value) for e in tx.events.filter(tok.Transfer)]


# --------------------------------------------------------------- constructor


def test_constructor(tok, launchpad, revenue_config):
    assert tok.name() == "Nova Shares"
    assert tok.symbol() == "NOVA"
    assert tok.decimals() == 18
    assert tok.persona_id() == PID
    assert tok.minter() == launchpad
    assert tok.revenue_config() == revenue_config.address
    assert tok.max_supply() == MAX
    assert tok.totalSupply() == 0
    assert tok.MAX_SUPPLY_LIMIT() == 10**30
    assert tok.fee_bps() == INITIAL_FEE_BPS  # copied from the DAO's settings


def test_no_admin_surface(tok):
    """The token exposes no owner, minter-role or ownership functions."""
    names = {abi.name for abi in tok.contract_type.abi if abi.type == "function"}
    assert names.isdisjoint({"owner", "set_minter", "is_minter", "transfer_ownership", "renounce_ownership"})


def test_max_supply_limit_is_accepted(project, launchpad, revenue_config):
    tok = project.PersonaShare.deploy("N", "N", 1, launchpad, revenue_config, 10**30, sender=launchpad)
    assert tok.max_supply() == 10**30


@pytest.mark.parametrize(
    "index,value,reason",
    [
        (0, "", "shares: empty name"),
        (1, "", "shares: empty symbol"),
        (2, 0, "shares: zero persona id"),
        (3, ZERO, "shares: zero minter"),
        (4, ZERO, "shares: zero revenue config"),
        (5, 0, "shares: zero max supply"),
        (5, 10**30 + 1, "shares: max supply above limit"),
    ],
)
def test_constructor_checks(project, launchpad, revenue_config, index, value, reason):
    """Each constructor argument is checked (one bad argument per case)."""
    args = ["N", "N", 1, launchpad, revenue_config, 1]
    args[index] = value
    with ape.reverts(reason):
        project.PersonaShare.deploy(*args, sender=launchpad)


# --------------------------------------------------------------- mint


def test_mint(tok, launchpad, alice):
    tx = tok.mint(alice, 60, sender=launchpad)
    assert transfers(tx, tok) == [(ZERO, alice.address, 60)]
    assert tok.balanceOf(alice) == 60 and tok.totalSupply() == 60


def test_mint_only_minter(tok, alice):
    with ape.reverts("shares: caller is not the minter"):
        tok.mint(alice, 1, sender=alice)


def test_mint_up_to_max_supply(tok, launchpad, alice, bob):
    tok.mint(alice, MAX - 1, sender=launchpad)
    tok.mint(bob, 1, sender=launchpad)
    with ape.reverts("shares: max supply exceeded"):
        tok.mint(bob, 1, sender=launchpad)
    assert tok.totalSupply() == MAX


def test_mint_above_max_supply_at_once(tok, launchpad, alice):
    with ape.reverts("shares: max supply exceeded"):
        tok.mint(alice, MAX + 1, sender=launchpad)


def test_mint_after_burn_respects_max(tok, launchpad, alice):
    tok.mint(alice, MAX, sender=launchpad)
    tok.burn(10, sender=alice)
    tok.mint(alice, 10, sender=launchpad)
    with ape.reverts("shares: max supply exceeded"):
        tok.mint(alice, 1, sender=launchpad)


def test_mint_to_zero_address(tok, launchpad):
    with ape.reverts("erc20: mint to the zero address"):
        tok.mint(ZERO, 1, sender=launchpad)


# --------------------------------------------------------------- transfer / transferFrom / approve


def test_transfer(minted, alice, bob):
    tx = minted.transfer(bob, 30, sender=alice)
    assert transfers(tx, minted) == [(alice.address, bob.address, 30)]
    assert (minted.balanceOf(alice), minted.balanceOf(bob), minted.totalSupply()) == (70, 30, 100)


def test_transfer_to_self_and_zero_amount(minted, alice, bob):
    minted.transfer(alice, 100, sender=alice)
    minted.transfer(bob, 0, sender=alice)
    assert (minted.balanceOf(alice), minted.balanceOf(bob)) == (100, 0)


def test_transfer_exceeds_balance(minted, alice, bob):
    with ape.reverts("erc20: transfer amount exceeds balance"):
        minted.transfer(bob, 101, sender=alice)


def test_transfer_to_zero(minted, alice):
    with ape.reverts("erc20: transfer to the zero address"):
        minted.transfer(ZERO, 1, sender=alice)


def test_transfer_from(minted, alice, bob, carol):
    minted.approve(carol, 50, sender=alice)
    tx = minted.transferFrom(alice, bob, 20, sender=carol)
    assert transfers(tx, minted) == [(alice.address, bob.address, 20)]
    assert minted.allowance(alice, carol) == 30
    assert minted.balanceOf(bob) == 20


def test_transfer_from_zero_owner(minted, carol, bob):
    """The zero address holds nothing and cannot have approved anyone."""
    with ape.reverts("erc20: insufficient allowance"):
        minted.transferFrom(ZERO, bob, 1, sender=carol)
    with ape.reverts("erc20: approve from the zero address"):
        minted.transferFrom(ZERO, bob, 0, sender=carol)


def test_transfer_from_infinite_allowance_not_spent(minted, alice, bob, carol):
    minted.approve(carol, 2**256 - 1, sender=alice)
    minted.transferFrom(alice, bob, 10, sender=carol)
    assert minted.allowance(alice, carol) == 2**256 - 1


def test_transfer_from_insufficient_allowance(minted, alice, bob, carol):
    minted.approve(carol, 5, sender=alice)
    with ape.reverts("erc20: insufficient allowance"):
        minted.transferFrom(alice, bob, 6, sender=carol)


def test_approve(minted, alice, bob):
    tx = minted.approve(bob, 42, sender=alice)
    [log] = tx.events.filter(minted.Approval)
    assert (log.owner, log.spender, log.value) == (alice.address, bob.address, 42)
    assert minted.allowance(alice, bob) == 42
    minted.approve(bob, 0, sender=alice)
    assert minted.allowance(alice, bob) == 0


def test_approve_zero_spender(minted, alice):
    with ape.reverts("erc20: approve to the zero address"):
        minted.approve(ZERO, 1, sender=alice)


# --------------------------------------------------------------- burn / burn_from


def test_burn(minted, alice):
    tx = minted.burn(40, sender=alice)
    assert transfers(tx, minted) == [(alice.address, ZERO, 40)]
    assert minted.balanceOf(alice) == 60 and minted.totalSupply() == 60


def test_burn_exceeds_balance(minted, alice):
    with ape.reverts("erc20: burn amount exceeds balance"):
        minted.burn(101, sender=alice)


def test_burn_from(minted, alice, bob):
    minted.approve(bob, 30, sender=alice)
    minted.burn_from(alice, 25, sender=bob)
    assert minted.balanceOf(alice) == 75 and minted.totalSupply() == 75
    assert minted.allowance(alice, bob) == 5


def test_burn_from_insufficient_allowance(minted, alice, bob):
    with ape.reverts("erc20: insufficient allowance"):
        minted.burn_from(alice, 1, sender=bob)


# --------------------------------------------------------------- permit (EIP-2612)


def _sign_permit(tok, owner, spender, value, nonce, deadline, chain_id):
    return eip712.sign_permit(
        owner.private_key,
        name=tok.name(),
        chain_id=chain_id,
        token=tok,
        owner=owner,
        spender=spender,
        value=value,
        nonce=nonce,
        deadline=deadline,
    )


def test_permit(chain, minted, alice, bob, carol):
    """A signed permit sets the allowance and consumes the nonce; a replay fails."""
    deadline = chain.pending_timestamp + 3600
    v, r, s = _sign_permit(minted, alice, bob, 77, 0, deadline, chain.chain_id)
    minted.permit(alice, bob, 77, deadline, v, r, s, sender=carol)
    assert minted.allowance(alice, bob) == 77
    assert minted.nonces(alice) == 1
    with ape.reverts("erc20: invalid signature"):
        minted.permit(alice, bob, 77, deadline, v, r, s, sender=carol)


def test_permit_zero_spender(chain, minted, alice, carol):
    deadline = chain.pending_timestamp + 3600
    v, r, s = _sign_permit(minted, alice, carol, 1, 0, deadline, chain.chain_id)
    with ape.reverts("erc20: invalid signature"):  # signed for carol, submitted for the zero address
        minted.permit(alice, ZERO, 1, deadline, v, r, s, sender=carol)


def test_permit_expired(chain, minted, alice, bob):
    deadline = chain.pending_timestamp - 1
    v, r, s = _sign_permit(minted, alice, bob, 1, 0, deadline, chain.chain_id)
    with ape.reverts("erc20: expired deadline"):
        minted.permit(alice, bob, 1, deadline, v, r, s, sender=bob)


def test_domain_separator(chain, minted):
    type_hash = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    expected = keccak(
        type_hash
        + keccak(text="Nova Shares")
        + keccak(text="1")
        + chain.chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(minted.address[2:])
    )
    assert bytes(minted.DOMAIN_SEPARATOR()) == expected
    domain = minted.eip712Domain()
    assert (domain[1], domain[2], domain[3], domain[4]) == ("Nova Shares", "1", chain.chain_id, minted.address)


# --------------------------------------------------------------- ERC-5202 blueprint


def test_blueprint_declared(chain, blueprint):
    """ape 0.8: `account.declare(project.PersonaShare)` deploys the ERC-5202 blueprint
    (code starts 0xFE71 00); the blueprint itself cannot be called."""
    code = bytes(chain.provider.get_code(blueprint))
    assert code[:3] == bytes.fromhex("fe7100")


def test_create_from_blueprint(project, factory, launchpad, revenue_config, alice):
    """An instance created with create_from_blueprint behaves like a direct deployment."""
    tx = factory.create("Blue Shares", "BLUE", PID, launchpad, revenue_config, MAX, sender=launchpad)
    address = tx.events.filter(factory.ShareCreated)[0].share
    tok = project.PersonaShare.at(address)
    assert tok.name() == "Blue Shares"
    assert tok.persona_id() == PID
    assert tok.minter() == launchpad
    assert tok.max_supply() == MAX
    tok.mint(alice, 5, sender=launchpad)
    assert tok.balanceOf(alice) == 5
    assert tok.revenue_config() == revenue_config.address


def test_launch_through_factory(project, factory, registry, revenue_config, owner, launchpad, alice):
    """The launchpad's order (predict id, create from blueprint, register, mint) works
    end to end with the real registry."""
    registry.set_registrar(factory, sender=owner)
    expected = registry.persona_count() + 1
    tx = factory.launch(registry, "Blue Shares", "BLUE", "cid", revenue_config, MAX, sender=alice)
    share_address = tx.events.filter(factory.ShareCreated)[0].share
    assert registry.share_token_of(expected) == share_address
    assert registry.persona(expected).creator == alice
    factory.mint(share_address, alice, 10, sender=alice)
    assert project.PersonaShare.at(share_address).balanceOf(alice) == 10
