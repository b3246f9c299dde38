# pragma version ~=0.4.3
"""
@title BlockClockToken
@notice Test double: a votes token whose ERC-6372 clock counts blocks, which
        the FameEngine governor must refuse.
"""


@external
@view
def CLOCK_MODE() -> String[64]:
    """
    @notice A block-number clock.
    @return "mode=blocknumber&from=default".
    """
    return "mode=blocknumber&from=default"
