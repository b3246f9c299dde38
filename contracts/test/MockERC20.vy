# pragma version ~=0.4.3
"""
@title MockERC20
@notice FameEngine TEST-ONLY token: a snekmate ERC-20 where anyone may mint,
        with an optional transfer fee (basis points burnt on every transfer)
        so that the persona contracts' fee-on-transfer guards can be exercised.
        Never deploy outside tests.
"""

from ethereum.ercs import IERC20

from snekmate.auth import ownable
from snekmate.tokens import erc20

initializes: ownable
initializes: erc20[ownable := ownable]

exports: (
    erc20.name,
    erc20.symbol,
    erc20.decimals,
    erc20.balanceOf,
    erc20.allowance,
    erc20.totalSupply,
    erc20.approve,
    erc20.permit,
    erc20.nonces,
    erc20.DOMAIN_SEPARATOR,
)

# @dev Basis points of every transfer that are burnt (0 = a plain ERC-20).
transfer_fee_bps: public(uint256)


@deploy
def __init__(name_: String[25], symbol_: String[5]):
    """
    @notice Deploys the mock with 18 decimals and no transfer fee.
    @param name_ Token name.
    @param symbol_ Token symbol.
    """
    ownable.__init__()
    erc20.__init__(name_, symbol_, 18, name_, "1")


@external
def mint(to: address, amount: uint256):
    """
    @notice Anyone mints `amount` to `to` (test faucet).
    @param to Receiver.
    @param amount Amount to create.
    """
    erc20._mint(to, amount)


@external
def set_transfer_fee_bps(bps: uint256):
    """
    @notice Makes the token fee-on-transfer (test knob, anyone may call).
    @param bps Basis points burnt from every transfer, at most 10000.
    """
    assert bps <= 10_000, "mock: bps too large"
    self.transfer_fee_bps = bps


@external
def transfer(to: address, amount: uint256) -> bool:
    """
    @notice ERC-20 transfer, less the optional burn fee.
    @param to Receiver.
    @param amount Amount debited from the caller.
    @return Always True (reverts on failure).
    """
    self._move(msg.sender, to, amount)
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    """
    @notice ERC-20 transferFrom, less the optional burn fee.
    @param owner Account debited.
    @param to Receiver.
    @param amount Amount debited from `owner`.
    @return Always True (reverts on failure).
    """
    erc20._spend_allowance(owner, msg.sender, amount)
    self._move(owner, to, amount)
    return True


@internal
def _move(owner: address, to: address, amount: uint256):
    fee: uint256 = amount * self.transfer_fee_bps // 10_000
    erc20._transfer(owner, to, amount - fee)
    if fee > 0:
        erc20._burn(owner, fee)
