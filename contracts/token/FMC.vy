# pragma version ~=0.4.3
# pragma nonreentrancy off
#pragma optimize codesize
# pragma experimental-codegen
"""
@title FameEngine governance token (FMC)
@custom:contract-name FMC
@license AGPL-3.0-only
@notice FMC is the governance token of FameEngine, the dApp through which
        communities own and steer AI virtual influencers. It is:
        - an ERC-20 token ("FameEngine", "FMC", 18 decimals) with EIP-2612
          `permit` and the EIP-5267 `eip712Domain` description of its
          EIP-712 domain ("FameEngine", version "1");
        - capped: `cap()` is fixed at deployment and no mint may exceed it;
        - minted only by the minters the owner appoints (`set_minter`), and
          burnable by any holder for its own tokens;
        - owned through a two-step transfer (`transfer_ownership`, then
          `accept_ownership` by the new owner). The owner is meant to become
          the FameEngine DAO timelock, so ownership cannot be renounced;
        - an ERC-5805 voting token with an ERC-6372 timestamp clock:
          holders delegate their votes (directly or by EIP-712 signature)
          and the checkpointed histories answer `getPastVotes` and
          `getPastTotalSupply` for governance snapshots. Holders have no
          votes until they delegate, to themselves or to anyone.
@dev Composition: snekmate's `ownable`, `ownable_2step` and `erc20` modules
     plus FameEngine's `votes` module. snekmate's `erc20` has no hooks that
     a contract can override, so this contract writes its own `transfer`,
     `transferFrom`, `mint` and `burn`: each calls the module's internal
     `_transfer` / `_spend_allowance` / `_mint` / `_burn` and then moves the
     voting power and the total-supply history. Every other ERC-20 function
     is exported from the module unchanged. The module's `burn_from`,
     `transfer_ownership` (one-step, moves the minter role) and
     `renounce_ownership` are deliberately not exported.

     Build: Vyper's Venom pipeline optimised for code size (the pragmas at
     the top). With it the runtime code is 7,640 bytes and the deploy 1.85M
     gas, under OpenZeppelin 5's ERC20Votes token on both, and no action
     costs more gas than with the legacy pipeline (`make bench`, suite
     `fmc`); every FMC test, the stateful machine and the standards
     conformance suite run on this build.

     Revert strings of this contract start with "fmc: "; strings from
     snekmate's modules ("erc20: ...", "ownable: ...", "ownable_2step: ...",
     "ecdsa: ...") pass through unchanged.
"""


# @dev The ERC-20 interfaces are built into the compiler.
from ethereum.ercs import IERC20
from ethereum.ercs import IERC20Detailed
implements: IERC20
implements: IERC20Detailed


# @dev The voting interfaces of FameEngine governance.
from .interfaces import IERC5805
from .interfaces import IERC6372
implements: IERC5805
implements: IERC6372


# @dev snekmate's access-control and token modules.
from snekmate.auth import ownable
from snekmate.auth import ownable_2step
from snekmate.tokens import erc20
from snekmate.utils import ecdsa


# @dev FameEngine's delegation and checkpoint module.
from . import votes


initializes: ownable
initializes: ownable_2step[ownable := ownable]
initializes: erc20[ownable := ownable]
initializes: votes


exports: (
    # ERC-20 metadata, balances and allowances.
    erc20.name,
    erc20.symbol,
    erc20.decimals,
    erc20.totalSupply,
    erc20.balanceOf,
    erc20.allowance,
    erc20.approve,
    # EIP-2612 and EIP-5267.
    erc20.permit,
    erc20.nonces,
    erc20.DOMAIN_SEPARATOR,
    erc20.eip712Domain,
    # Minter role, managed by the owner.
    erc20.is_minter,
    erc20.set_minter,
    # Two-step ownership (no `renounce_ownership`).
    ownable.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    # ERC-5805 views and the ERC-6372 clock.
    votes.clock,
    votes.CLOCK_MODE,
    votes.delegates,
    votes.getVotes,
    votes.getPastVotes,
    votes.getPastTotalSupply,
    votes.numCheckpoints,
    votes.checkpoints,
)


# @dev Token metadata and EIP-712 domain.
_NAME: constant(String[25]) = "FameEngine"
_SYMBOL: constant(String[5]) = "FMC"
_DECIMALS: constant(uint8) = 18
_EIP712_NAME: constant(String[50]) = "FameEngine"
_EIP712_VERSION: constant(String[20]) = "1"


# @dev The 32-byte EIP-712 type hash of a delegation signed off-chain.
_DELEGATION_TYPE_HASH: constant(bytes32) = keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)")


# @dev The hard cap on the total supply, fixed at deployment.
_CAP: immutable(uint256)


@deploy
@payable
def __init__(cap_: uint256, initial_holder: address, initial_supply: uint256):
    """
    @notice Deploys FMC with hard cap `cap_` and mints `initial_supply`
            tokens to `initial_holder`.
    @dev The deployer becomes the owner. snekmate's `erc20` constructor
         makes the deployer a minter; that role is revoked here (with a
         `RoleMinterChanged` event), so after deployment nobody can mint
         until the owner appoints a minter with `set_minter`. The initial
         mint writes the first total-supply checkpoint; the initial holder
         has no votes until it delegates. With `initial_supply == 0`
         nothing is minted and `initial_holder` is ignored. The constructor
         is `payable` only to save the `msg.value` check.
    @param cap_ The maximum total supply, at most `max_value(uint208)`
           (the width of a vote checkpoint).
    @param initial_holder The 20-byte address receiving the initial supply
           (must not be zero when `initial_supply > 0`).
    @param initial_supply The number of tokens (in wei units) minted at
           deployment, at most `cap_`.
    """
    assert cap_ <= convert(max_value(uint208), uint256), "fmc: cap exceeds uint208"
    assert initial_supply <= cap_, "fmc: initial supply exceeds cap"

    ownable.__init__()
    ownable_2step.__init__()
    erc20.__init__(_NAME, _SYMBOL, _DECIMALS, _EIP712_NAME, _EIP712_VERSION)
    _CAP = cap_

    erc20.is_minter[msg.sender] = False
    log erc20.RoleMinterChanged(minter=msg.sender, status=False)

    if initial_supply != 0:
        erc20._mint(initial_holder, initial_supply)
        votes._push_total_supply(initial_supply)
        votes._transfer_voting_units(empty(address), initial_holder, initial_supply)


@external
@view
def cap() -> uint256:
    """
    @notice Returns the hard cap on the total supply of FMC.
    @return uint256 The cap, fixed at deployment.
    """
    return _CAP


@external
def transfer(to: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` tokens from the caller to `to`, and the matching
            votes from the caller's delegate to `to`'s delegate.
    @dev Reverts with snekmate's "erc20: transfer to the zero address" or
         "erc20: transfer amount exceeds balance".
    @param to The 20-byte receiver address.
    @param amount The number of tokens to move.
    @return bool Always True (failures revert).
    """
    erc20._transfer(msg.sender, to, amount)
    votes._transfer_voting_units(msg.sender, to, amount)
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` tokens from `owner` to `to` using the caller's
            allowance, and the matching votes between their delegates.
    @dev An allowance of `max_value(uint256)` is never decreased. Reverts
         with snekmate's "erc20: insufficient allowance" or the `transfer`
         reasons.
    @param owner The 20-byte address the tokens come from.
    @param to The 20-byte receiver address.
    @param amount The number of tokens to move.
    @return bool Always True (failures revert).
    """
    erc20._spend_allowance(owner, msg.sender, amount)
    erc20._transfer(owner, to, amount)
    votes._transfer_voting_units(owner, to, amount)
    return True


@external
def mint(to: address, amount: uint256):
    """
    @notice Creates `amount` tokens for `to`. Only minters may call it.
    @dev Reverts with "fmc: caller is not a minter" for any other caller,
         with "fmc: cap exceeded" if the total supply would pass `cap()`,
         and with snekmate's "erc20: mint to the zero address". Writes the
         total-supply checkpoint and gives the votes to `to`'s delegate.
    @param to The 20-byte receiver address.
    @param amount The number of tokens to create.
    """
    assert erc20.is_minter[msg.sender], "fmc: caller is not a minter"
    supply: uint256 = erc20.totalSupply
    # `supply <= _CAP` always holds, so the subtraction cannot underflow;
    # comparing against the headroom also avoids an overflow on `amount`.
    assert amount <= unsafe_sub(_CAP, supply), "fmc: cap exceeded"
    erc20._mint(to, amount)
    if amount != 0:
        votes._push_total_supply(unsafe_add(supply, amount))
        votes._transfer_voting_units(empty(address), to, amount)


@external
def burn(amount: uint256):
    """
    @notice Destroys `amount` of the caller's tokens and the matching votes
            of the caller's delegate.
    @dev Reverts with snekmate's "erc20: burn amount exceeds balance".
         Writes the total-supply checkpoint.
    @param amount The number of tokens to destroy.
    """
    erc20._burn(msg.sender, amount)
    if amount != 0:
        votes._push_total_supply(erc20.totalSupply)
        votes._transfer_voting_units(msg.sender, empty(address), amount)


@external
def delegate(delegatee: address):
    """
    @notice Delegates all of the caller's voting power, now and after any
            later balance change, to `delegatee` (ERC-5805).
    @dev Delegating to oneself activates one's own votes; delegating to the
         zero address withdraws them. Logs `DelegateChanged`, and
         `DelegateVotesChanged` for each delegate whose votes change.
    @param delegatee The 20-byte address of the new delegate.
    """
    votes._delegate(msg.sender, delegatee, erc20.balanceOf[msg.sender])


@external
def delegateBySig(delegatee: address, nonce: uint256, expiry: uint256, v: uint8, r: bytes32, s: bytes32):
    """
    @notice Delegates the signer's voting power to `delegatee`, given the
            signer's EIP-712 signature of
            `Delegation(address delegatee,uint256 nonce,uint256 expiry)`
            in the FMC domain (ERC-5805).
    @dev The nonce is the same counter as `permit`'s (`nonces(signer)`), so
         one signature of either kind invalidates every other signature
         with that nonce. Reverts with "fmc: signature expired" once
         `block.timestamp > expiry`, "fmc: invalid nonce" when `nonce` is
         not the signer's current nonce (a replay, or a signature that
         recovers to someone else), and snekmate's "ecdsa: ..." strings for
         malformed signatures.
    @param delegatee The 20-byte address of the new delegate.
    @param nonce The signer's current nonce.
    @param expiry The last timestamp at which the signature is valid.
    @param v The secp256k1 1-byte signature parameter `v`.
    @param r The secp256k1 32-byte signature parameter `r`.
    @param s The secp256k1 32-byte signature parameter `s`.
    """
    assert block.timestamp <= expiry, "fmc: signature expired"
    struct_hash: bytes32 = keccak256(abi_encode(_DELEGATION_TYPE_HASH, delegatee, nonce, expiry))
    digest: bytes32 = erc20.eip712_domain_separator._hash_typed_data_v4(struct_hash)
    signer: address = ecdsa._recover_vrs(digest, convert(v, uint256), convert(r, uint256), convert(s, uint256))
    assert erc20.nonces[signer] == nonce, "fmc: invalid nonce"
    erc20.nonces[signer] = unsafe_add(nonce, 1)
    votes._delegate(signer, delegatee, erc20.balanceOf[signer])
