# pragma version ~=0.4.3
"""
@title engagement_math
@custom:contract-name engagement_math
@license AGPL-3.0-only
@notice The integer arithmetic of the reputation score's engagement
        component E, shared by the EngagementOracle (which folds every
        accepted observation into E, inside the one storage word it keeps
        per persona) and Reputation (which decays that stored E to now and
        uses the same decay for community feedback). Pure functions only:
        a module with no state, so importing it needs no `initializes`.

        decay(x, dt, H): for a value x that is dt seconds old, half-life H,
            n = dt // H, r = dt % H, y = x >> n (0 when n >= 256)
            decay = y - y * r // (2 * H)
        i.e. halve once per whole half-life, then interpolate linearly
        toward the next halving within the current one.

        points: an observation (views, likes, shares, comments gained since
        the previous one; sentiment field s = sentiment_bps + 10_000 in
        [0, 20_000]) is worth
            (w_views * L(views) + w_likes * L(likes)
             + w_shares * L(shares) + w_comments * L(comments)) * s // 20_000
        where L(x) is the number of binary digits of x (0 for 0): volume
        counts logarithmically, fully negative sentiment earns nothing,
        neutral half, fully positive all.

        fold: on an observation at time o of a persona whose E was stored at
        its previous observation t (t = 0: none),
            E = min(decay(E, o - t, ENGAGEMENT_HALF_LIFE) + points, ENGAGEMENT_MAX)

        Metric weights travel packed in one word, 16 bits each:
            bits 63..48 views, 47..32 likes, 31..16 shares, 15..0 comments.
"""


# @notice Largest engagement component.
ENGAGEMENT_MAX: constant(uint256) = 6_000
# @notice Half-life of the engagement component.
ENGAGEMENT_HALF_LIFE: constant(uint256) = 7 * 86400
# @notice The sentiment field of a fully positive observation (sentiment_bps + 10_000).
SENTIMENT_FIELD_MAX: constant(uint256) = 20_000

_MASK16: constant(uint256) = 2**16 - 1
# Bit lengths of 0..15, 4 bits each, entry v at bits 4v..4v+3:
# 0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4.
_NIBBLE_BIT_LENGTHS: constant(uint256) = 4919131752702878224


@internal
@pure
def _decay(x: uint256, elapsed: uint256, half_life: uint256) -> uint256:
    """
    @dev x halved once per whole half-life, then interpolated linearly
         toward the next halving (see the module notice).
    """
    halvings: uint256 = elapsed // half_life
    if halvings >= 256:
        return 0
    y: uint256 = x >> halvings
    return y - y * (elapsed % half_life) // (2 * half_life)


@internal
@pure
def _bit_length(x: uint256) -> uint256:
    """
    @dev Number of binary digits of x (0 for 0): a binary search down to a
         value below 16, whose bit length is read from a table of 4-bit
         entries (the oracle runs this four times per persona and report,
         so every step saved counts). Unchecked arithmetic is safe: n <= 252.
    """
    n: uint256 = 0
    v: uint256 = x
    if v >> 128 != 0:
        v = v >> 128
        n = 128
    if v >> 64 != 0:
        v = v >> 64
        n = unsafe_add(n, 64)
    if v >> 32 != 0:
        v = v >> 32
        n = unsafe_add(n, 32)
    if v >> 16 != 0:
        v = v >> 16
        n = unsafe_add(n, 16)
    if v >> 8 != 0:
        v = v >> 8
        n = unsafe_add(n, 8)
    if v >> 4 != 0:
        v = v >> 4
        n = unsafe_add(n, 4)
    return unsafe_add(n, (_NIBBLE_BIT_LENGTHS >> (v << 2)) & 15)


@internal
@pure
def _pack_weights(views: uint256, likes: uint256, shares: uint256, comments: uint256) -> uint256:
    """
    @dev The four metric weights in one word; each must fit 16 bits.
    """
    return (views << 48) | (likes << 32) | (shares << 16) | comments


@internal
@pure
def _points(weights: uint256, views: uint256, likes: uint256, shares: uint256, comments: uint256,
            sentiment_field: uint256) -> uint256:
    """
    @dev Points of one observation (see the module notice); `weights` packed
         (each weight below 2**16), `sentiment_field` within
         [0, SENTIMENT_FIELD_MAX]. Unchecked arithmetic is safe: four
         products of a 16-bit weight and a bit length (<= 256) stay far
         below 2**256, and so does their sum times 20_000.
    """
    volume: uint256 = unsafe_add(
        unsafe_add(unsafe_mul(weights >> 48, self._bit_length(views)),
                   unsafe_mul((weights >> 32) & _MASK16, self._bit_length(likes))),
        unsafe_add(unsafe_mul((weights >> 16) & _MASK16, self._bit_length(shares)),
                   unsafe_mul(weights & _MASK16, self._bit_length(comments))),
    )
    return unsafe_div(unsafe_mul(volume, sentiment_field), SENTIMENT_FIELD_MAX)


@internal
@pure
def _fold(engagement: uint256, elapsed: uint256, points: uint256) -> uint256:
    """
    @dev E after an observation `elapsed` seconds after the previous one;
         `engagement` <= ENGAGEMENT_MAX and `points` below 2**64 (what
         `_points` gives), so the unchecked arithmetic cannot overflow.
    """
    halvings: uint256 = unsafe_div(elapsed, ENGAGEMENT_HALF_LIFE)
    if halvings >= 256:
        return min(points, ENGAGEMENT_MAX)
    y: uint256 = engagement >> halvings
    y = unsafe_sub(y, unsafe_div(unsafe_mul(y, elapsed % ENGAGEMENT_HALF_LIFE), 2 * ENGAGEMENT_HALF_LIFE))
    return min(unsafe_add(y, points), ENGAGEMENT_MAX)
