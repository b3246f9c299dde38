"""PersonaShare: unit tests for every external function and revert path.

Most tests use MockRevenueHook, which records each hook call together with the
balances and supply it saw, so the tests can assert the invariant that matters to
revenue accounting: the hook runs BEFORE every balance change, with (persona_id,
from, to), on transfer, transferFrom, mint, burn and burn_from; and a failing hook
blocks the balance change. Deployment from the ERC-5202 blueprint is tested at the end.
"""

import ape
import pytest
from eth_utils import keccak

from fame import eip712

from persona_helpers import ZERO

PID = 7
MAX = 1_000 * 10**18


@pytest.fixture(scope="module")
def hook(project, deployer):
    return project.MockRevenueHook.deploy(sender=deployer)


@pytest.fixture(scope="module")
def tok(project, launchpad, hook):
    """A share token for persona 7 with the recording hook; the launchpad is the minter."""
    return project.PersonaShare.deploy("Nova Shares", "NOVA", PID, launchpad, hook, MAX, sender=launchpad)


@pytest.fixture
def minted(tok, launchpad, alice):
    tok.mint(alice, 100, sender=launchpad)
    return tok


def assert_hook(hook, tok, calls, sender, receiver, sender_balance, receiver_balance, supply):
    assert hook.calls() == calls
    assert hook.last_caller() == tok.address
    assert hook.last_persona_id() == PID
    assert hook.last_sender() == sender
    assert hook.last_receiver() == receiver
    assert hook.last_sender_balance() == sender_balance
    assert hook.last_receiver_balance() == receiver_balance
    assert hook.last_total_supply() == supply


# --------------------------------------------------------------- constructor


def test_constructor(tok, launchpad, hook):
    assert tok.name() == "Nova Shares"
    assert tok.symbol() == "NOVA"
    assert tok.decimals() == 18
    assert tok.persona_id() == PID
    assert tok.minter() == launchpad
    assert tok.revenue_hook() == hook.address
    assert tok.max_supply() == MAX
    assert tok.totalSupply() == 0
    assert tok.MAX_SUPPLY_LIMIT() == 10**30


def test_no_admin_surface(tok):
    """The token exposes no owner, minter-role or ownership functions."""
    names = {abi.name for abi in tok.contract_type.abi if abi.type == "function"}
    assert names.isdisjoint({"owner", "set_minter", "is_minter", "transfer_ownership", "renounce_ownership"})


def test_max_supply_limit_is_accepted(project, launchpad, hook):
    tok = project.PersonaShare.deploy("N", "N", 1, launchpad, hook, 10**30, sender=launchpad)
    assert tok.max_supply() == 10**30


@pytest.mark.parametrize(
    "index,value,reason",
    [
        (0, "", "shares: empty name"),
        (1, "", "shares: empty symbol"),
        (2, 0, "shares: zero persona id"),
        (3, ZERO, "shares: zero minter"),
        (4, ZERO, "shares: zero revenue hook"),
        (5, 0, "shares: zero max supply"),
        (5, 10**30 + 1, "shares: max supply above limit"),
    ],
)
def test_constructor_checks(project, launchpad, hook, index, value, reason):
    """Each constructor argument is checked (one bad argument per case)."""
    args = ["N", "N", 1, launchpad, hook, 1]
    args[index] = value
    with ape.reverts(reason):
        project.PersonaShare.deploy(*args, sender=launchpad)


# --------------------------------------------------------------- mint


def test_mint_calls_hook_first(tok, hook, launchpad, alice):
    """mint: hook(persona, 0x0, to) sees the pre-mint balance and supply."""
    tok.mint(alice, 60, sender=launchpad)
    assert_hook(hook, tok, 1, ZERO, alice, 0, 0, 0)
    tx = tok.mint(alice, 40, sender=launchpad)
    assert_hook(hook, tok, 2, ZERO, alice, 0, 60, 60)
    assert tok.balanceOf(alice) == 100
    assert tok.totalSupply() == 100
    assert tx.events.filter(tok.Transfer) == [tok.Transfer(sender=ZERO, receiver=alice, value=40)]


def test_mint_only_minter(tok, alice):
    with ape.reverts("shares: caller is not the minter"):
        tok.mint(alice, 1, sender=alice)


def test_mint_up_to_max_supply(tok, launchpad, alice, bob):
    """Supply may reach max_supply exactly, never pass it."""
    tok.mint(alice, MAX - 1, sender=launchpad)
    with ape.reverts("shares: max supply exceeded"):
        tok.mint(bob, 2, sender=launchpad)
    tok.mint(bob, 1, sender=launchpad)
    assert tok.totalSupply() == MAX
    with ape.reverts("shares: max supply exceeded"):
        tok.mint(bob, 1, sender=launchpad)


def test_mint_after_burn_respects_max(tok, launchpad, alice):
    """Burnt supply may be minted again, still never past max_supply."""
    tok.mint(alice, MAX, sender=launchpad)
    tok.burn(10, sender=alice)
    tok.mint(alice, 10, sender=launchpad)
    assert tok.totalSupply() == MAX


def test_mint_to_zero_address(tok, launchpad):
    with ape.reverts("erc20: mint to the zero address"):
        tok.mint(ZERO, 1, sender=launchpad)


def test_failing_hook_blocks_mint(tok, hook, launchpad, alice):
    hook.set_fail(True, sender=launchpad)
    with ape.reverts("mock: hook failed"):
        tok.mint(alice, 1, sender=launchpad)
    assert tok.totalSupply() == 0


# --------------------------------------------------------------- transfer / transferFrom


def test_transfer_calls_hook_first(minted, hook, alice, bob):
    """transfer: hook(persona, from, to) sees both balances before the move."""
    tx = minted.transfer(bob, 30, sender=alice)
    assert_hook(hook, minted, 2, alice, bob, 100, 0, 100)
    assert minted.balanceOf(alice) == 70
    assert minted.balanceOf(bob) == 30
    assert tx.events.filter(minted.Transfer) == [minted.Transfer(sender=alice, receiver=bob, value=30)]


def test_transfer_exceeds_balance(minted, alice, bob):
    with ape.reverts("erc20: transfer amount exceeds balance"):
        minted.transfer(bob, 101, sender=alice)


def test_transfer_to_zero(minted, alice):
    with ape.reverts("erc20: transfer to the zero address"):
        minted.transfer(ZERO, 1, sender=alice)


def test_failing_hook_blocks_transfer(minted, hook, alice, bob):
    hook.set_fail(True, sender=alice)
    with ape.reverts("mock: hook failed"):
        minted.transfer(bob, 1, sender=alice)
    assert minted.balanceOf(alice) == 100


def test_transfer_from_calls_hook_first(minted, hook, alice, bob, carol):
    minted.approve(carol, 50, sender=alice)
    minted.transferFrom(alice, bob, 20, sender=carol)
    assert_hook(hook, minted, 2, alice, bob, 100, 0, 100)
    assert minted.balanceOf(bob) == 20
    assert minted.allowance(alice, carol) == 30


def test_transfer_from_infinite_allowance_not_spent(minted, alice, bob, carol):
    minted.approve(carol, 2**256 - 1, sender=alice)
    minted.transferFrom(alice, bob, 20, sender=carol)
    assert minted.allowance(alice, carol) == 2**256 - 1


def test_transfer_from_insufficient_allowance(minted, alice, bob, carol):
    minted.approve(carol, 5, sender=alice)
    with ape.reverts("erc20: insufficient allowance"):
        minted.transferFrom(alice, bob, 6, sender=carol)


def test_approve(minted, alice, bob):
    tx = minted.approve(bob, 9, sender=alice)
    assert minted.allowance(alice, bob) == 9
    assert tx.events == [minted.Approval(owner=alice, spender=bob, value=9)]


# --------------------------------------------------------------- burn / burn_from


def test_burn_calls_hook_first(minted, hook, alice):
    """burn: hook(persona, holder, 0x0) sees the pre-burn balance and supply."""
    tx = minted.burn(40, sender=alice)
    assert_hook(hook, minted, 2, alice, ZERO, 100, 0, 100)
    assert minted.balanceOf(alice) == 60
    assert minted.totalSupply() == 60
    assert tx.events.filter(minted.Transfer) == [minted.Transfer(sender=alice, receiver=ZERO, value=40)]


def test_burn_exceeds_balance(minted, alice):
    with ape.reverts("erc20: burn amount exceeds balance"):
        minted.burn(101, sender=alice)


def test_burn_from(minted, hook, alice, bob):
    minted.approve(bob, 50, sender=alice)
    minted.burn_from(alice, 50, sender=bob)
    assert_hook(hook, minted, 2, alice, ZERO, 100, 0, 100)
    assert minted.balanceOf(alice) == 50
    assert minted.allowance(alice, bob) == 0


def test_burn_from_insufficient_allowance(minted, alice, bob):
    with ape.reverts("erc20: insufficient allowance"):
        minted.burn_from(alice, 1, sender=bob)


def test_failing_hook_blocks_burn(minted, hook, alice):
    hook.set_fail(True, sender=alice)
    with ape.reverts("mock: hook failed"):
        minted.burn(1, sender=alice)


def test_approve_does_not_call_hook(minted, hook, alice, bob):
    """Allowance changes move no balance, so they need no revenue checkpoint."""
    minted.approve(bob, 1, sender=alice)
    assert hook.calls() == 1  # the mint only


# --------------------------------------------------------------- permit (EIP-2612)


def _sign_permit(tok, owner, spender, value, nonce, deadline, chain_id):
    return eip712.sign_permit(owner.private_key, name=tok.name(), chain_id=chain_id, token=tok, owner=owner,
                              spender=spender, value=value, nonce=nonce, deadline=deadline)


def test_permit(chain, minted, alice, bob, carol):
    """A signed permit sets the allowance and consumes the nonce; a replay fails."""
    deadline = chain.pending_timestamp + 3600
    v, r, s = _sign_permit(minted, alice, bob, 77, 0, deadline, chain.chain_id)
    minted.permit(alice, bob, 77, deadline, v, r, s, sender=carol)
    assert minted.allowance(alice, bob) == 77
    assert minted.nonces(alice) == 1
    with ape.reverts("erc20: invalid signature"):
        minted.permit(alice, bob, 77, deadline, v, r, s, sender=carol)


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


# --------------------------------------------------------------- with the real splitter and registry


def test_unregistered_share_cannot_move(project, launchpad, splitter, registry, alice):
    """The splitter only accepts hook calls from the registered share token of the
    persona, so a share token must be registered before any mint (launch order)."""
    tok = project.PersonaShare.deploy("Ghost", "GHST", registry.persona_count() + 1, launchpad, splitter, MAX, sender=launchpad)
    with ape.reverts("revenue: caller is not the persona's share token"):
        tok.mint(alice, 1, sender=launchpad)


def test_share_with_wrong_persona_id_is_inert(project, launchpad, splitter, registry, share, pid, alice):
    """A token claiming persona 1 but registered under another id cannot move
    balances, so it can never touch persona 1's revenue."""
    tok = project.PersonaShare.deploy("Fake", "FAKE", pid, launchpad, splitter, MAX, sender=launchpad)
    registry.register("Fake", "cid", tok, launchpad, sender=launchpad)
    with ape.reverts("revenue: caller is not the persona's share token"):
        tok.mint(alice, 1, sender=launchpad)


# --------------------------------------------------------------- ERC-5202 blueprint


def test_blueprint_declared(chain, blueprint):
    """ape 0.8: `account.declare(project.PersonaShare)` deploys the ERC-5202 blueprint
    (code starts 0xFE71 00); the blueprint itself cannot be called."""
    code = bytes(chain.provider.get_code(blueprint))
    assert code[:3] == bytes.fromhex("fe7100")


def test_create_from_blueprint(project, factory, launchpad, hook, alice):
    """An instance created with create_from_blueprint behaves like a direct deployment."""
    tx = factory.create("Blue Shares", "BLUE", PID, launchpad, hook, MAX, sender=launchpad)
    address = tx.events.filter(factory.ShareCreated)[0].share
    tok = project.PersonaShare.at(address)
    assert tok.name() == "Blue Shares"
    assert tok.persona_id() == PID
    assert tok.minter() == launchpad
    assert tok.max_supply() == MAX
    tok.mint(alice, 5, sender=launchpad)
    assert tok.balanceOf(alice) == 5
    assert hook.last_caller() == tok.address


def test_launch_through_factory(project, factory, registry, splitter, owner, launchpad, alice):
    """The launchpad's order (predict id, create from blueprint, register, mint) works
    end to end with the real registry and splitter."""
    registry.set_registrar(factory, sender=owner)
    expected = registry.persona_count() + 1
    tx = factory.launch(registry, "Blue Shares", "BLUE", "cid", splitter, MAX, sender=alice)
    share_address = tx.events.filter(factory.ShareCreated)[0].share
    assert registry.share_token_of(expected) == share_address
    assert registry.persona(expected).creator == alice
    factory.mint(share_address, alice, 10, sender=alice)
    assert project.PersonaShare.at(share_address).balanceOf(alice) == 10
