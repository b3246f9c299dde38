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

        Engagement component E (half-life ENGAGEMENT_HALF_LIFE = 7 days) is
        kept by the EngagementOracle, inside the one storage word it writes
        per persona and report (so an accepted report costs no second
        storage write here): on every accepted observation at time o it folds
            E_stored = min(decay(E_stored, o - t_E, 7d) + points, 6_000); t_E = o
        with the metric weights set here (see engagement_math.vy for decay
        and points: volume counts logarithmically, scaled by sentiment).
        This contract reads that word: at any time t,
            E(t) = decay(E_stored, t - t_E, 7d)
        (0 while no oracle is set or the persona was never reported).

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

        Every rating emits an event with the new E, F and score, all as of
        block.timestamp; engagement history is in the oracle's
        ReportAccepted events (each observation carries its new E), so the
        whole history can be charted off chain. The owner (the DAO
        timelock, two-step handover, cannot be renounced) sets the oracle,
        the metric weights, the weight cap and the quorum within fixed
        bounds; changes of metric weights and weight cap apply to later
        observations and ratings, a quorum change applies to F at once.
        Reverts start with "reputation: ".
"""


from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry
from . import engagement_math

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


interface IEngagementSource:
    def latest_packed(persona_id: uint256) -> uint256: view


ENGAGEMENT_MAX: public(constant(uint256)) = engagement_math.ENGAGEMENT_MAX
FEEDBACK_MAX: public(constant(uint256)) = 4_000
SCORE_MAX: public(constant(uint256)) = ENGAGEMENT_MAX + FEEDBACK_MAX
ENGAGEMENT_HALF_LIFE: public(constant(uint256)) = engagement_math.ENGAGEMENT_HALF_LIFE
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


struct FeedbackState:
    weight_sum: uint256  # W as of updated_at (scaled by WEIGHT_SCALE)
    rating_sum: uint256  # R as of updated_at (scaled by WEIGHT_SCALE)
    updated_at: uint256  # time of the last rating (0 = none)
    ratings: uint256


event Rated:
    persona_id: indexed(uint256)
    rater: indexed(address)
    epoch: indexed(uint256)
    rating: uint256
    weight: uint256
    engagement: uint256
    feedback: uint256
    score: uint256


event OracleSet:
    previous_oracle: indexed(address)
    new_oracle: indexed(address)


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

# @notice The EngagementOracle whose stored words carry E (zero: E is 0).
oracle: public(address)
# Points per binary digit of each metric, packed (engagement_math layout).
_weights: uint256
# @notice Largest weight of one rating.
weight_cap: public(uint256)
# @notice Rater weight below which F is scaled down.
feedback_quorum: public(uint256)

_feedback: HashMap[uint256, FeedbackState]
_rated: HashMap[uint256, HashMap[address, HashMap[uint256, bool]]]


@deploy
def __init__(owner_: address, fmc_: address, registry_: address):
    """
    @notice Deploys the reputation contract; epoch 0 starts now. Defaults:
            metric weights views 4, likes 8, shares 16, comments 12;
            weight cap 1_000 (1M FMC of votes); quorum 100. No oracle
            until the owner sets one.
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

    self._weights = engagement_math._pack_weights(4, 8, 16, 12)
    log MetricWeightsSet(views=4, likes=8, shares=16, comments=12)
    self.weight_cap = 1_000
    log WeightCapSet(previous_cap=0, new_cap=1_000)
    self.feedback_quorum = 100
    log FeedbackQuorumSet(previous_quorum=0, new_quorum=100)


# ---------------------------------------------------------------- owner


@external
def set_oracle(new_oracle: address):
    """
    @notice Owner only: the EngagementOracle whose stored words carry each
            persona's engagement component E; the oracle must name this
            contract as its reputation sink to fold E with these weights.
    @param new_oracle The oracle; zero makes every E zero.
    """
    ownable._check_owner()
    log OracleSet(previous_oracle=self.oracle, new_oracle=new_oracle)
    self.oracle = new_oracle


@external
def set_metric_weights(views: uint256, likes: uint256, shares: uint256, comments: uint256):
    """
    @notice Owner only: sets the points per binary digit of each engagement
            metric, for observations the oracle accepts from now on.
    @param views Weight of views, at most MAX_METRIC_WEIGHT.
    @param likes Weight of likes, at most MAX_METRIC_WEIGHT.
    @param shares Weight of shares, at most MAX_METRIC_WEIGHT.
    @param comments Weight of comments, at most MAX_METRIC_WEIGHT.
    """
    ownable._check_owner()
    assert max(max(views, likes), max(shares, comments)) <= MAX_METRIC_WEIGHT, "reputation: weight too high"
    self._weights = engagement_math._pack_weights(views, likes, shares, comments)
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
        weight_sum=engagement_math._decay(state.weight_sum, elapsed, FEEDBACK_HALF_LIFE) + weight * WEIGHT_SCALE,
        rating_sum=engagement_math._decay(state.rating_sum, elapsed, FEEDBACK_HALF_LIFE) + weight * (rating - 1) * WEIGHT_SCALE,
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
    @notice The engagement state the oracle stores (E as of the persona's
            last observation, and that observation's time).
    @param persona_id The persona.
    @return The state; zero while never reported or no oracle is set.
    """
    return self._engagement_stored(persona_id)


@view
@external
def metric_weights() -> MetricWeights:
    """
    @notice Points per binary digit of each engagement metric.
    @return (views, likes, shares, comments).
    """
    w: uint256 = self._weights
    return MetricWeights(views=w >> 48, likes=(w >> 32) & 65535, shares=(w >> 16) & 65535, comments=w & 65535)


@view
@external
def metric_weights_packed() -> uint256:
    """
    @notice The metric weights in one word (engagement_math layout: views,
            likes, shares, comments, 16 bits each, most significant first);
            what the oracle reads once per report.
    @return The packed weights.
    """
    return self._weights


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
    return engagement_math._points(self._weights, views, likes, shares, comments,
                                   convert(sentiment + SENTIMENT_ONE, uint256))


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
    return engagement_math._decay(amount, elapsed, half_life)


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


@view
@internal
def _engagement_now(persona_id: uint256) -> uint256:
    state: EngagementState = self._engagement_stored(persona_id)
    if state.observed_at == 0:
        return 0
    return engagement_math._decay(state.value, block.timestamp - state.observed_at, ENGAGEMENT_HALF_LIFE)


@view
@internal
def _engagement_stored(persona_id: uint256) -> EngagementState:
    # The oracle's word: E in bits 55..40, observed_at in bits 39..0 (see EngagementOracle).
    source: address = self.oracle
    if source == empty(address):
        return empty(EngagementState)
    word: uint256 = staticcall IEngagementSource(source).latest_packed(persona_id)
    return EngagementState(value=(word >> 40) & 65535, observed_at=word & (2**40 - 1))


@view
@internal
def _feedback_now(persona_id: uint256) -> uint256:
    state: FeedbackState = self._feedback[persona_id]
    elapsed: uint256 = block.timestamp - state.updated_at
    w: uint256 = max(engagement_math._decay(state.weight_sum, elapsed, FEEDBACK_HALF_LIFE), self.feedback_quorum * WEIGHT_SCALE)
    r: uint256 = engagement_math._decay(state.rating_sum, elapsed, FEEDBACK_HALF_LIFE)
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
