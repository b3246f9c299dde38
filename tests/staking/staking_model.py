"""Exact (rational) Python model of PersonaStaking's reward stream.

The model is eager and ideal: whenever time moves it splits every second's
emission across personas by performance and, within a persona, across
positions by weight, with Python Fractions (no rounding at all). The
contract is lazy and integer-only, so the two agree up to the contract's
stated rounding:

- a position's `pending` is within 1 wei of the model's unpaid reward (the
  contract pays whole wei and carries every sub-wei remainder, so the error
  never accumulates);
- the unallocated budget is within 2 wei of the model's.

The only laziness the model copies on purpose is specified behaviour: what a
persona earns while nobody stakes on it is returned to the unallocated budget
when that persona is next settled (stake, withdraw, claim, set_performance,
poke), not continuously.
"""

from dataclasses import dataclass, field
from fractions import Fraction

BPS = 10_000
DAY = 86400
MIN_REWARD_DURATION = DAY
MAX_REWARD_DURATION = 2 * 365 * DAY


@dataclass
class ModelPosition:
    owner: str
    persona: int
    amount: int
    weight: int
    unlock_at: int
    accrued: Fraction = Fraction(0)  # earned and not yet paid
    closed_at: int | None = None


@dataclass
class StakingModel:
    t: int
    active: set
    schedule: list  # [(duration, multiplier_bps, enabled)]
    rate: int = 0
    finish: int = 0
    unallocated: Fraction = Fraction(0)
    perf: dict = field(default_factory=dict)
    pool_weight: dict = field(default_factory=dict)
    unsettled_return: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict)
    funded: int = 0
    paid: int = 0
    staked: int = 0

    # ---------------------------------------------------------------- time

    def advance(self, t: int) -> None:
        """Stream [self.t, t] (clipped at the stream end) to its recipients."""
        end = min(t, self.finish)
        if end > self.t and self.rate:
            emitted = self.rate * (end - self.t)
            total = sum(self.perf.values())
            if total == 0:
                self.unallocated += emitted
            else:
                for persona, score in self.perf.items():
                    if score == 0:
                        continue
                    share = Fraction(emitted * score, total)
                    weight = self.pool_weight.get(persona, 0)
                    if weight == 0:
                        self.unsettled_return[persona] = self.unsettled_return.get(persona, 0) + share
                        continue
                    for pos in self.open_positions(persona):
                        pos.accrued += share * pos.weight / weight
        self.t = max(self.t, t)

    def settle(self, persona: int) -> None:
        """What an unstaked persona earned goes back to the budget."""
        self.unallocated += self.unsettled_return.pop(persona, 0)

    # ---------------------------------------------------------------- queries

    def open_positions(self, persona=None):
        return [p for p in self.positions.values() if p.closed_at is None and (persona is None or p.persona == persona)]

    def open_ids(self):
        return sorted(i for i, p in self.positions.items() if p.closed_at is None)

    def running(self, t: int) -> bool:
        return t < self.finish

    # ---------------------------------------------------------------- actions (already known to succeed)

    def stake(self, t, position_id, owner, persona, amount, lock_index):
        self.advance(t)
        self.settle(persona)
        duration, mult, _ = self.schedule[lock_index]
        weight = amount * mult // BPS
        self.positions[position_id] = ModelPosition(owner, persona, amount, weight, t + duration)
        self.pool_weight[persona] = self.pool_weight.get(persona, 0) + weight
        self.staked += amount

    def pay(self, t, position_id, paid):
        """Claim or the reward part of a withdraw: the contract paid `paid` wei."""
        pos = self.positions[position_id]
        self.advance(t)
        self.settle(pos.persona)
        expected = pos.accrued
        pos.accrued -= paid
        self.paid += paid
        return expected

    def withdraw(self, t, position_id):
        pos = self.positions[position_id]
        pos.closed_at = t
        self.pool_weight[pos.persona] -= pos.weight
        self.staked -= pos.amount

    def set_performance(self, t, ids, scores):
        self.advance(t)
        for persona, score in zip(ids, scores, strict=False):
            self.settle(persona)
            self.perf[persona] = score

    def poke(self, t, ids):
        self.advance(t)
        for persona in ids:
            self.settle(persona)

    def fund_budget(self, t, amount, duration):
        """(budget, length) the contract should divide; call after advance(t)."""
        leftover = self.rate * (self.finish - t) if self.running(t) else 0
        length = duration if duration else self.finish - t
        return leftover + self.unallocated + amount, length

    def fund(self, t, amount, duration, contract_rate):
        self.advance(t)
        budget, length = self.fund_budget(t, amount, duration)
        self.rate = contract_rate
        self.unallocated = budget - contract_rate * length
        self.finish = t + length
        self.funded += amount
        return budget, length

    def fund_error(self, t, amount, duration, is_owner):
        """The revert reason `fund` must give, or None."""
        if not is_owner and amount == 0:
            return "staking: zero amount"
        if duration == 0:
            if not self.running(t):
                return "staking: no running stream"
        else:
            if not is_owner and self.running(t):
                return "staking: stream running"
            if not MIN_REWARD_DURATION <= duration <= MAX_REWARD_DURATION:
                return "staking: duration out of range"
        return None
