// Governor proposal states and what a holder may do in each (unit-tested).

export const PROPOSAL_STATES = [
  "Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed",
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export const CAMPAIGN_PHASES = ["None", "Funding", "Awaiting launch", "Launched", "Failed"] as const;

export const VOTE = { Against: 0, For: 1, Abstain: 2 } as const;
export type Support = keyof typeof VOTE;

export function stateName(state: number): ProposalState {
  return PROPOSAL_STATES[state] ?? "Pending";
}

export interface ProposalTiming {
  state: ProposalState;
  voteStart: bigint;
  voteEnd: bigint;
  eta: bigint;
}

/** What the countdown of a proposal counts to, or null when nothing is ahead. */
export function countdown(p: ProposalTiming, now: bigint): { label: string; seconds: bigint } | null {
  if (p.state === "Pending") return { label: "voting starts in", seconds: p.voteStart - now };
  if (p.state === "Active") return { label: "voting ends in", seconds: p.voteEnd - now };
  if (p.state === "Queued" && p.eta > 0n) return { label: p.eta > now ? "executable in" : "executable", seconds: p.eta > now ? p.eta - now : 0n };
  return null;
}

export interface Actions {
  vote: boolean;
  contribute: boolean;
  queue: boolean;
  execute: boolean;
  refund: boolean;
  claimShares: boolean;
}

/** Which buttons a proposal shows. `campaignPhase` is 0 for a proposal without a campaign. */
export function availableActions(state: ProposalState, campaignPhase: number, hasVoted: boolean,
                                 contribution: bigint, eta: bigint, now: bigint,
                                 claimableShares = 0n): Actions {
  return {
    vote: state === "Active" && !hasVoted,
    contribute: campaignPhase === 1,
    queue: state === "Succeeded",
    execute: state === "Queued" && eta <= now,
    refund: campaignPhase === 4 && contribution > 0n,
    claimShares: campaignPhase === 3 && claimableShares > 0n,
  };
}
