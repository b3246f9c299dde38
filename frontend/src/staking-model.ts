// Staking positions: what a position may do now (unit-tested).

export interface PositionView {
  id: bigint;
  personaId: bigint;
  amount: bigint;
  multiplierBps: bigint;
  unlockAt: bigint;
  pending: bigint;
}

export function canWithdraw(p: PositionView, now: bigint): boolean {
  return p.amount > 0n && now >= p.unlockAt;
}

export function canClaim(p: PositionView): boolean {
  return p.pending > 0n;
}
