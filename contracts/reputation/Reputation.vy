# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title Reputation
@custom:contract-name Reputation
@license AGPL-3.0-only
@notice Reputation score of every FameEngine persona, from oracle-fed
        engagement and from community feedback by FMC holders. All integers:

        score(p) = E(p) + F(p), with 0 <= E <= 6_000 and 0 <= F <= 4_000.

        Decay (integer, half-life H): for a value x that is dt seconds old,
            n = dt // H, r = dt % H, y = x >> n (0 when n >= 256)
            decay(x, dt, H) = y - y * r // (2 * H)
        i.e. halve once per whole half-life, then interpolate linearly
        toward the next halving within the current one.

        Engagement component E (half-life ENGAGEMENT_HALF_LIFE = 7 days).
        An observation (views, likes, shares, comments counted since the
        previous observation, sentiment s in [-10_000, 10_000]) is worth
            points = (w_views * L(views) + w_likes * L(likes)
                      + w_shares * L(shares) + w_comments * L(comments))
                     * (10_000 + s) // 20_000
        where L(x) is the number of binary digits of x (0 for 0, else
        floor(log2 x) + 1): volume counts logarithmically, fully negative
        sentiment earns nothing, neutral half, fully positive all.
        On an observation at time o (strictly after the persona's previous
        one at t_E, and not in the future):
            E_stored = min(decay(E_stored, o - t_E, 7d) + points, 6_000); t_E = o
        and at any time t: E(t) = decay(E_stored, t - t_E, 7d).

        Feedback component F (half-life FEEDBACK_HALF_LIFE = 30 days).
        An FMC holder rates an active persona 1..5 at most once per epoch
        (EPOCH_LENGTH = 7 days from deployment) with weight
            w = min(isqrt(votes // 1e18), weight_cap)
        where votes = FMC.getPastVotes(rater, epoch_start - 1), i.e. the
        delegated votes held just before the epoch began (square root plus a
        cap: a whale cannot dominate, buying votes during the epoch is
        useless). With sums kept scaled by 1e18, at rating time t:
            W = decay(W, t - t_F, 30d) + w * 1e18
            R = decay(R, t - t_F, 30d) + w * (rating - 1) * 1e18;  t_F = t
        and at any time t, with W', R' decayed to t:
            F(t) = min(4_000 * R' // (4 * max(W', feedback_quorum * 1e18)), 4_000)
        F is the recency-weighted mean rating mapped 1..5 -> 0..4_000, scaled
        down while the total (decayed) rater weight is below the quorum.

        Every update emits an event with the new E, F and score, all as of
        block.timestamp, so the history can be charted off chain. The
        owner (the DAO timelock, two-step handover, cannot be renounced)
        sets the updater, the metric weights, the weight cap and the quorum
        within fixed bounds; changes of metric weights and weight cap apply
        to later updates, a quorum change applies to F at once.
        Reverts start with "reputation: ".
"""


from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
)


interface IVotes:
    def getPastVotes(account: address, timepoint: uint256) -> uint256: view


ENGAGEMENT_MAX: public(constant(uint256)) = 6_000
FEEDBACK_MAX: public(constant(uint256)) = 4_000
SCORE_MAX: public(constant(uint256)) = ENGAGEMENT_MAX + FEEDBACK_MAX
ENGAGEMENT_HALF_LIFE: public(constant(uint256)) = 7 * 86400
FEEDBACK_HALF_LIFE: public(constant(uint256)) = 30 * 86400
EPOCH_LENGTH: public(constant(uint256)) = 7 * 86400
SENTIMENT_ONE: public(constant(int256)) = 10_000
MIN_RATING: public(constant(uint256)) = 1
MAX_RATING: public(constant(uint256)) = 5
WEIGHT_SCALE: public(constant(uint256)) = 10**18
TOKEN_UNIT: public(constant(uint256)) = 10**18
MAX_METRIC_WEIGHT: public(constant(uint256)) = 1_000
MAX_WEIGHT_CAP: public(constant(uint256)) = 10**6
MAX_FEEDBACK_QUORUM: public(constant(uint256)) = 10**9


struct MetricWeights:
    views: uint256
    likes: uint256
    shares: uint256
    comments: uint256


struct Components:
    engagement: uint256  # E at block.timestamp
    feedback: uint256    # F at block.timestamp
    score: uint256       # E + F


struct EngagementState:
    value: uint256        # E as of observed_at (before decay to now)
    observed_at: uint256  # time of the last observation (0 = none)
    observations: uint256


struct FeedbackState:
    weight_sum: uint256  # W as of updated_at (scaled by WEIGHT_SCALE)
    rating_sum: uint256  # R as of updated_at (scaled by WEIGHT_SCALE)
    updated_at: uint256  # time of the last rating (0 = none)
    ratings: uint256


event EngagementRecorded:
    persona_id: indexed(uint256)
    observed_at: uint256
    views: uint256
    likes: uint256
    shares: uint256
    comments: uint256
    sentiment: int256
    points: uint256
    engagement: uint256
    feedback: uint256
    score: uint256


event Rated:
    persona_id: indexed(uint256)
    rater: indexed(address)
    epoch: indexed(uint256)
    rating: uint256
    weight: uint256
    engagement: uint256
    feedback: uint256
    score: uint256


event UpdaterSet:
    previous_updater: indexed(address)
    new_updater: indexed(address)


event MetricWeightsSet:
    views: uint256
    likes: uint256
    shares: uint256
    comments: uint256


event WeightCapSet:
    previous_cap: uint256
    new_cap: uint256


event FeedbackQuorumSet:
    previous_quorum: uint256
    new_quorum: uint256


# @notice FMC, whose past votes weigh ratings.
FMC: public(immutable(address))
# @notice The persona registry: only active personas are scored.
REGISTRY: public(immutable(IPersonaRegistry))
# @notice Start of epoch 0 (the deployment time).
GENESIS: public(immutable(uint256))

# @notice The account allowed to call `record_engagement` (the oracle).
updater: public(address)
# @notice Points per binary digit of each metric.
metric_weights: public(MetricWeights)
# @notice Largest weight of one rating.
weight_cap: public(uint256)
# @notice Rater weight below which F is scaled down.
feedback_quorum: public(uint256)

_engagement: HashMap[uint256, EngagementState]
_feedback: HashMap[uint256, FeedbackState]
_rated: HashMap[uint256, HashMap[address, HashMap[uint256, bool]]]


@deploy
def __init__(owner_: address, fmc_: address, registry_: address):
    """
    @notice Deploys the reputation contract; epoch 0 starts now. Defaults:
            metric weights views 4, likes 8, shares 16, comments 12;
            weight cap 1_000 (1M FMC of votes); quorum 100. The updater
            starts as `owner_`.
    @param owner_ The owner (the DAO timelock); non-zero.
    @param fmc_ The FMC token (ERC-5805 votes, timestamp clock); non-zero.
    @param registry_ The PersonaRegistry; non-zero.
    """
    assert owner_ != empty(address), "reputation: zero owner"
    assert fmc_ != empty(address), "reputation: zero token"
    assert registry_ != empty(address), "reputation: zero registry"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    FMC = fmc_
    REGISTRY = IPersonaRegistry(registry_)
    GENESIS = block.timestamp

    self.updater = owner_
    log UpdaterSet(previous_updater=empty(address), new_updater=owner_)
    self.metric_weights = MetricWeights(views=4, likes=8, shares=16, comments=12)
    log MetricWeightsSet(views=4, likes=8, shares=16, comments=12)
    self.weight_cap = 1_000
    log WeightCapSet(previous_cap=0, new_cap=1_000)
    self.feedback_quorum = 100
    log FeedbackQuorumSet(previous_quorum=0, new_quorum=100)


# ---------------------------------------------------------------- owner


@external
def set_updater(new_updater: address):
    """
    @notice Owner only: appoints the account allowed to call
            `record_engagement` (the engagement oracle).
    @param new_updater The new updater; non-zero.
    """
    ownable._check_owner()
    assert new_updater != empty(address), "reputation: zero updater"
    log UpdaterSet(previous_updater=self.updater, new_updater=new_updater)
    self.updater = new_updater


@external
def set_metric_weights(views: uint256, likes: uint256, shares: uint256, comments: uint256):
    """
    @notice Owner only: sets the points per binary digit of each engagement
            metric, for observations recorded from now on.
    @param views Weight of views, at most MAX_METRIC_WEIGHT.
    @param likes Weight of likes, at most MAX_METRIC_WEIGHT.
    @param shares Weight of shares, at most MAX_METRIC_WEIGHT.
    @param comments Weight of comments, at most MAX_METRIC_WEIGHT.
    """
    ownable._check_owner()
    assert max(max(views, likes), max(shares, comments)) <= MAX_METRIC_WEIGHT, "reputation: weight too high"
    self.metric_weights = MetricWeights(views=views, likes=likes, shares=shares, comments=comments)
    log MetricWeightsSet(views=views, likes=likes, shares=shares, comments=comments)


@external
def set_weight_cap(new_cap: uint256):
    """
    @notice Owner only: sets the largest weight of one rating, for ratings
            given from now on.
    @param new_cap Within [1, MAX_WEIGHT_CAP].
    """
    ownable._check_owner()
    assert new_cap >= 1 and new_cap <= MAX_WEIGHT_CAP, "reputation: cap out of range"
    log WeightCapSet(previous_cap=self.weight_cap, new_cap=new_cap)
    self.weight_cap = new_cap


@external
def set_feedback_quorum(new_quorum: uint256):
    """
    @notice Owner only: sets the rater weight below which F is scaled down
            (applies to every persona's F at once).
    @param new_quorum Within [1, MAX_FEEDBACK_QUORUM].
    """
    ownable._check_owner()
    assert new_quorum >= 1 and new_quorum <= MAX_FEEDBACK_QUORUM, "reputation: quorum out of range"
    log FeedbackQuorumSet(previous_quorum=self.feedback_quorum, new_quorum=new_quorum)
    self.feedback_quorum = new_quorum


# ---------------------------------------------------------------- updates


@external
def record_engagement(persona_id: uint256, views: uint256, likes: uint256, shares: uint256, comments: uint256, sentiment: int256, observed_at: uint256):
    """
    @notice Updater only: records one engagement observation of active
            persona `persona_id` (counts since its previous observation):
            E_stored = min(decay(E_stored, observed_at - t_E) + points, 6_000).
            Emits `EngagementRecorded` with the new E, F and score.
    @param persona_id An active persona.
    @param views Views since the previous observation.
    @param likes Likes since the previous observation.
    @param shares Shares since the previous observation.
    @param comments Comments since the previous observation.
    @param sentiment Sentiment in 1e4 fixed point, within [-10_000, 10_000].
    @param observed_at Observation time: later than the persona's previous
           observation and not after block.timestamp.
    """
    assert msg.sender == self.updater, "reputation: caller is not the updater"
    assert sentiment >= -SENTIMENT_ONE and sentiment <= SENTIMENT_ONE, "reputation: sentiment out of range"
    state: EngagementState = self._engagement[persona_id]
    assert observed_at > state.observed_at, "reputation: stale observation"
    assert observed_at <= block.timestamp, "reputation: observation in the future"
    assert staticcall REGISTRY.is_active(persona_id), "reputation: persona not active"

    points: uint256 = self._points(views, likes, shares, comments, sentiment)
    value: uint256 = min(self._decay(state.value, observed_at - state.observed_at, ENGAGEMENT_HALF_LIFE) + points, ENGAGEMENT_MAX)
    self._engagement[persona_id] = EngagementState(value=value, observed_at=observed_at, observations=state.observations + 1)

    c: Components = self._components(persona_id)
    log EngagementRecorded(
        persona_id=persona_id,
        observed_at=observed_at,
        views=views,
        likes=likes,
        shares=shares,
        comments=comments,
        sentiment=sentiment,
        points=points,
        engagement=c.engagement,
        feedback=c.feedback,
        score=c.score,
    )


@external
def rate(persona_id: uint256, rating: uint256):
    """
    @notice Rates active persona `persona_id` from 1 (worst) to 5 (best),
            once per persona per epoch, with weight
            min(isqrt(FMC votes just before the epoch began // 1e18), weight_cap).
            Emits `Rated` with the new E, F and score.
    @param persona_id An active persona.
    @param rating 1..5.
    """
    assert rating >= MIN_RATING and rating <= MAX_RATING, "reputation: rating out of range"
    assert staticcall REGISTRY.is_active(persona_id), "reputation: persona not active"
    epoch: uint256 = self._current_epoch()
    assert not self._rated[persona_id][msg.sender][epoch], "reputation: already rated this epoch"
    weight: uint256 = self._rating_weight(msg.sender, epoch)
    assert weight != 0, "reputation: no voting power"

    self._rated[persona_id][msg.sender][epoch] = True
    state: FeedbackState = self._feedback[persona_id]
    elapsed: uint256 = block.timestamp - state.updated_at
    self._feedback[persona_id] = FeedbackState(
        weight_sum=self._decay(state.weight_sum, elapsed, FEEDBACK_HALF_LIFE) + weight * WEIGHT_SCALE,
        rating_sum=self._decay(state.rating_sum, elapsed, FEEDBACK_HALF_LIFE) + weight * (rating - 1) * WEIGHT_SCALE,
        updated_at=block.timestamp,
        ratings=state.ratings + 1,
    )

    c: Components = self._components(persona_id)
    log Rated(
        persona_id=persona_id,
        rater=msg.sender,
        epoch=epoch,
        rating=rating,
        weight=weight,
        engagement=c.engagement,
        feedback=c.feedback,
        score=c.score,
    )


# ---------------------------------------------------------------- views


@view
@external
def score(persona_id: uint256) -> uint256:
    """
    @notice The reputation score of `persona_id` now: E + F, 0..10_000.
    @param persona_id The persona.
    @return The score.
    """
    return self._components(persona_id).score


@view
@external
def components(persona_id: uint256) -> Components:
    """
    @notice E, F and their sum for `persona_id`, decayed to now.
    @param persona_id The persona.
    @return The components.
    """
    return self._components(persona_id)


@view
@external
def engagement_component(persona_id: uint256) -> uint256:
    """
    @notice E(now) = decay(E_stored, now - t_E, ENGAGEMENT_HALF_LIFE), 0..6_000.
    @param persona_id The persona.
    @return The engagement component.
    """
    return self._engagement_now(persona_id)


@view
@external
def feedback_component(persona_id: uint256) -> uint256:
    """
    @notice F(now) = min(4_000 * R' // (4 * max(W', quorum * 1e18)), 4_000).
    @param persona_id The persona.
    @return The feedback component.
    """
    return self._feedback_now(persona_id)


@view
@external
def engagement_state(persona_id: uint256) -> EngagementState:
    """
    @notice The stored engagement state (E as of the last observation).
    @param persona_id The persona.
    @return The state.
    """
    return self._engagement[persona_id]


@view
@external
def feedback_state(persona_id: uint256) -> FeedbackState:
    """
    @notice The stored feedback sums (as of the last rating, scaled by 1e18).
    @param persona_id The persona.
    @return The state.
    """
    return self._feedback[persona_id]


@view
@external
def observation_points(views: uint256, likes: uint256, shares: uint256, comments: uint256, sentiment: int256) -> uint256:
    """
    @notice Points an observation would add to E with the current weights
            (before decay and clamping).
    @param views Views.
    @param likes Likes.
    @param shares Shares.
    @param comments Comments.
    @param sentiment Within [-10_000, 10_000].
    @return The points.
    """
    assert sentiment >= -SENTIMENT_ONE and sentiment <= SENTIMENT_ONE, "reputation: sentiment out of range"
    return self._points(views, likes, shares, comments, sentiment)


@pure
@external
def decay(amount: uint256, elapsed: uint256, half_life: uint256) -> uint256:
    """
    @notice The integer decay used for both components:
            y = amount >> (elapsed // half_life); y - y * (elapsed % half_life) // (2 * half_life).
    @param amount The value to decay.
    @param elapsed Seconds elapsed.
    @param half_life Half-life in seconds, > 0.
    @return The decayed value.
    """
    assert half_life != 0, "reputation: zero half-life"
    return self._decay(amount, elapsed, half_life)


@view
@external
def current_epoch() -> uint256:
    """
    @notice The rating epoch now: (now - GENESIS) // EPOCH_LENGTH.
    @return The epoch.
    """
    return self._current_epoch()


@view
@external
def epoch_start(epoch: uint256) -> uint256:
    """
    @notice Start time of `epoch`; rating weights read votes at this - 1.
    @param epoch The epoch.
    @return GENESIS + epoch * EPOCH_LENGTH.
    """
    return GENESIS + epoch * EPOCH_LENGTH


@view
@external
def rating_weight(account: address) -> uint256:
    """
    @notice The weight a rating by `account` would have in the current epoch.
    @param account The rater.
    @return min(isqrt(votes // 1e18), weight_cap).
    """
    return self._rating_weight(account, self._current_epoch())


@view
@external
def has_rated(persona_id: uint256, account: address, epoch: uint256) -> bool:
    """
    @notice Whether `account` rated `persona_id` in `epoch`.
    @param persona_id The persona.
    @param account The rater.
    @param epoch The epoch.
    @return True if rated.
    """
    return self._rated[persona_id][account][epoch]


# ---------------------------------------------------------------- internals


@pure
@internal
def _decay(x: uint256, elapsed: uint256, half_life: uint256) -> uint256:
    halvings: uint256 = elapsed // half_life
    if halvings >= 256:
        return 0
    y: uint256 = x >> halvings
    return y - y * (elapsed % half_life) // (2 * half_life)


@pure
@internal
def _bit_length(x: uint256) -> uint256:
    """
    @dev Number of binary digits of x (0 for 0), by binary search.
    """
    if x == 0:
        return 0
    n: uint256 = 0
    v: uint256 = x
    if v >= 1 << 128:
        v >>= 128
        n += 128
    if v >= 1 << 64:
        v >>= 64
        n += 64
    if v >= 1 << 32:
        v >>= 32
        n += 32
    if v >= 1 << 16:
        v >>= 16
        n += 16
    if v >= 1 << 8:
        v >>= 8
        n += 8
    if v >= 1 << 4:
        v >>= 4
        n += 4
    if v >= 1 << 2:
        v >>= 2
        n += 2
    if v >= 1 << 1:
        v >>= 1
        n += 1
    return n + 1


@view
@internal
def _points(views: uint256, likes: uint256, shares: uint256, comments: uint256, sentiment: int256) -> uint256:
    w: MetricWeights = self.metric_weights
    volume: uint256 = (
        w.views * self._bit_length(views)
        + w.likes * self._bit_length(likes)
        + w.shares * self._bit_length(shares)
        + w.comments * self._bit_length(comments)
    )
    return volume * convert(SENTIMENT_ONE + sentiment, uint256) // convert(2 * SENTIMENT_ONE, uint256)


@view
@internal
def _engagement_now(persona_id: uint256) -> uint256:
    state: EngagementState = self._engagement[persona_id]
    return self._decay(state.value, block.timestamp - state.observed_at, ENGAGEMENT_HALF_LIFE)


@view
@internal
def _feedback_now(persona_id: uint256) -> uint256:
    state: FeedbackState = self._feedback[persona_id]
    elapsed: uint256 = block.timestamp - state.updated_at
    w: uint256 = max(self._decay(state.weight_sum, elapsed, FEEDBACK_HALF_LIFE), self.feedback_quorum * WEIGHT_SCALE)
    r: uint256 = self._decay(state.rating_sum, elapsed, FEEDBACK_HALF_LIFE)
    return min(FEEDBACK_MAX * r // (4 * w), FEEDBACK_MAX)


@view
@internal
def _components(persona_id: uint256) -> Components:
    e: uint256 = self._engagement_now(persona_id)
    f: uint256 = self._feedback_now(persona_id)
    return Components(engagement=e, feedback=f, score=e + f)


@view
@internal
def _current_epoch() -> uint256:
    return (block.timestamp - GENESIS) // EPOCH_LENGTH


@view
@internal
def _rating_weight(account: address, epoch: uint256) -> uint256:
    votes: uint256 = staticcall IVotes(FMC).getPastVotes(account, GENESIS + epoch * EPOCH_LENGTH - 1)
    return min(isqrt(votes // TOKEN_UNIT), self.weight_cap)
