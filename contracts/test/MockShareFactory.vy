# pragma version ~=0.4.3
"""
@title MockShareFactory
@notice FameEngine TEST-ONLY stand-in for the persona launchpad: creates
        PersonaShare instances from the ERC-5202 blueprint with
        `create_from_blueprint`, registers them (when it is the registry's
        registrar) and mints as their minter, including many holders per
        transaction for the gas test. Never deploy outside tests.
"""

interface IRegistry:
    def persona_count() -> uint256: view
    def register(name: String[64], spec_cid: String[100], share_token: address, creator: address) -> uint256: nonpayable

interface IShare:
    def mint(to: address, amount: uint256): nonpayable


# @notice The PersonaShare blueprint.
blueprint: public(immutable(address))


event ShareCreated:
    share: indexed(address)
    persona_id: indexed(uint256)


@deploy
def __init__(blueprint_: address):
    """
    @notice Remembers the PersonaShare blueprint.
    @param blueprint_ Address of the declared blueprint.
    """
    blueprint = blueprint_


@external
def create(
    name: String[25], symbol: String[5], persona_id: uint256, minter: address, config: address, max_supply: uint256
) -> address:
    """
    @notice Creates a PersonaShare from the blueprint with the given arguments.
    @return The new token.
    """
    share: address = create_from_blueprint(blueprint, name, symbol, persona_id, minter, config, max_supply)
    log ShareCreated(share=share, persona_id=persona_id)
    return share


@external
def launch(
    registry: address, name: String[25], symbol: String[5], spec_cid: String[100], config: address, max_supply: uint256
) -> (uint256, address):
    """
    @notice The launchpad's order: predict the id, create the share token
            (this factory is its minter), register it, check the id.
    @return The persona id and its share token.
    """
    persona_id: uint256 = staticcall IRegistry(registry).persona_count() + 1
    share: address = create_from_blueprint(blueprint, name, symbol, persona_id, self, config, max_supply)
    log ShareCreated(share=share, persona_id=persona_id)
    registered: uint256 = extcall IRegistry(registry).register(name, spec_cid, share, msg.sender)
    assert registered == persona_id, "mock: persona id mismatch"
    return persona_id, share


@external
def mint(share: address, to: address, amount: uint256):
    """
    @notice Mints through this factory (anyone may call; tests only).
    """
    extcall IShare(share).mint(to, amount)


@external
def mint_many(share: address, first: uint256, count: uint256, amount: uint256):
    """
    @notice Mints `amount` to each of the `count` addresses first, first+1, ...
            (synthetic holders for the gas test).
    """
    for i: uint256 in range(count, bound=1000):
        extcall IShare(share).mint(convert(convert(first + i, uint160), address), amount)
