// Content requests: the market's statuses, kinds and emotion hints, and what a holder may
// do with a request in each state (unit-tested).

export const REQUEST_STATUSES = ["None", "Open", "Claimed", "Fulfilled", "Disputed", "Released", "Refunded", "Cancelled"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const KINDS = ["image", "caption", "post", "voice", "video"] as const;
/** The AI worker's emotions, in the order of its models (ai_worker/emotions.py). */
export const EMOTIONS = ["joy", "sadness", "anger", "surprise", "calm", "fear"] as const;
export const EMOTION_ANY = 255;

export function statusName(status: number): RequestStatus {
  return REQUEST_STATUSES[status] ?? "None";
}

export function emotionName(emotion: number): string {
  return emotion === EMOTION_ANY ? "any (the worker's emotion engine chooses)" : EMOTIONS[emotion] ?? `#${emotion}`;
}

export interface RequestView {
  requester: string;
  status: number;
  deadline: bigint;
  claimExpires: bigint;
  challengeEnds: bigint;
}

export interface RequestActions { release: boolean; reject: boolean; cancel: boolean; refund: boolean }

export function requestActions(r: RequestView, me: string | null, now: bigint): RequestActions {
  const mine = !!me && r.requester.toLowerCase() === me.toLowerCase();
  const status = statusName(r.status);
  const claimLapsed = status === "Claimed" && now >= r.claimExpires;
  return {
    release: status === "Fulfilled" && now >= r.challengeEnds,
    reject: mine && status === "Fulfilled" && now < r.challengeEnds,
    cancel: mine && (status === "Open" || claimLapsed),
    refund: mine && now > r.deadline && (status === "Open" || claimLapsed),
  };
}

/** The brief a requester pins: canonical JSON {"text": ...} (ai_worker/briefs.py). */
export function briefJson(text: string): string {
  const clean = text.trim();
  if (!clean || clean.length > 1000) throw new Error("a brief has 1 to 1,000 characters");
  return JSON.stringify({ text: clean });
}
