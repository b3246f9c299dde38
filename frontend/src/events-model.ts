// A persona's live events (docs/live.md), as pure rules (unit-tested in test/events-model.test.ts):
// an event's state in chain time, what a fan may do with it, its price and seats in words, the
// ids the persona page reads, and the metadata a fan sees (title, description, the room's scene).
import { formatDate, formatDuration, formatUnits } from "./format";

/** PersonaEvents.events(id), with its id. */
export interface LiveEventRecord {
  id: bigint;
  personaId: bigint;
  startsAt: bigint;
  endsAt: bigint;
  capacity: bigint;
  sold: bigint;
  price: bigint;
  minAttendance: bigint;
  cancelled: boolean;
  settled: boolean;
  metadataCid: string;
}

export type EventState = "upcoming" | "live" | "ended" | "cancelled" | "settled";

/** The state at chain time `now`: tickets sell until `ends_at`, the room is open from
 * `starts_at` until `ends_at`; a cancellation or the settlement is final. */
export function eventState(e: Pick<LiveEventRecord, "startsAt" | "endsAt" | "cancelled" | "settled">, now: bigint): EventState {
  if (e.cancelled) return "cancelled";
  if (e.settled) return "settled";
  if (now < e.startsAt) return "upcoming";
  if (now < e.endsAt) return "live";
  return "ended";
}

export const STATE_LABELS: Record<EventState, string> = {
  upcoming: "upcoming",
  live: "live now",
  ended: "ended",
  cancelled: "cancelled",
  settled: "ended (settled)",
};

export function seatsLeft(e: Pick<LiveEventRecord, "capacity" | "sold">): bigint {
  return e.capacity > e.sold ? e.capacity - e.sold : 0n;
}

export function seatsText(e: Pick<LiveEventRecord, "capacity" | "sold">): string {
  const left = seatsLeft(e);
  if (left === 0n) return `sold out (${e.capacity} seats)`;
  return `${left} of ${e.capacity} seat${e.capacity === 1n ? "" : "s"} left`;
}

/** FMC has 18 decimals: "Free", "12.5 FMC". */
export function priceText(price: bigint): string {
  return price === 0n ? "Free" : `${formatUnits(price, 18, 4)} FMC`;
}

/** When, in the persona page's words: "2026-12-07 14:00 UTC, 1h 30m (starts in 2h)"; a
 * cancelled event counts down to nothing. */
export function whenText(e: Pick<LiveEventRecord, "startsAt" | "endsAt"> & { cancelled?: boolean }, now: bigint): string {
  const length = formatDuration(e.endsAt - e.startsAt);
  const lead = e.cancelled ? "" : now < e.startsAt ? ` (starts in ${formatDuration(e.startsAt - now)})`
    : now < e.endsAt ? ` (ends in ${formatDuration(e.endsAt - now)})` : "";
  return `${formatDate(e.startsAt)}, ${length}${lead}`;
}

/** What the page knows about the fan and an event: `ticket`/`badge` from the chain (null before
 * a wallet is connected), `attended` seconds from the live server (null when not known). */
export interface FanView {
  ticket: boolean | null;
  badge: bigint | null;
  attended: number | null;
}

export interface FanActions {
  buy: boolean;
  join: boolean;
  claimBadge: boolean;
  refund: boolean;
  /** Why the fan cannot buy (shown next to the disabled button), or null. */
  buyBlocked: string | null;
}

export function fanActions(e: LiveEventRecord, fan: FanView, now: bigint): FanActions {
  const state = eventState(e, now);
  const open = state === "upcoming" || state === "live";
  const ticket = fan.ticket === true;
  let buyBlocked: string | null = null;
  if (!open) buyBlocked = state === "cancelled" ? "the event was cancelled" : "the event has ended";
  else if (ticket) buyBlocked = "you hold a ticket";
  else if (seatsLeft(e) === 0n) buyBlocked = "sold out";
  else if (fan.ticket === null) buyBlocked = "connect a wallet to buy";
  const started = now >= e.startsAt;
  const attendedEnough = fan.attended === null || BigInt(Math.floor(fan.attended)) >= e.minAttendance;
  return {
    buy: buyBlocked === null,
    join: state === "live" && ticket,
    // The voucher needs the time in the room; a fan whose time the page does not know yet asks
    // for it anyway, and the live server says how much is left.
    claimBadge: ticket && !e.cancelled && started && (fan.badge ?? 0n) === 0n && attendedEnough,
    refund: state === "cancelled" && ticket,
    buyBlocked,
  };
}

/** "12m 30s of 15m in the room" for the attendance line. */
export function attendanceText(attended: number, required: number | bigint): string {
  const need = Number(required);
  if (attended >= need) return `You stayed ${formatDuration(attended)} (${formatDuration(need)} needed): the badge is yours to claim.`;
  return `You have been in the room ${formatDuration(attended)} of the ${formatDuration(need)} the badge needs.`;
}

/** The newest `limit` event ids (ids count from 1): the page reads at most that many. */
export function lastEventIds(count: bigint, limit: number): bigint[] {
  const ids: bigint[] = [];
  for (let id = count; id >= 1n && ids.length < limit; id--) ids.push(id);
  return ids;
}

/** Upcoming and live events first (soonest first), then the rest, newest first. */
export function sortForCalendar<T extends LiveEventRecord>(events: T[], now: bigint): T[] {
  const ahead = (e: T) => { const s = eventState(e, now); return s === "upcoming" || s === "live"; };
  return [...events].sort((a, b) => {
    const x = ahead(a), y = ahead(b);
    if (x !== y) return x ? -1 : 1;
    if (x) return a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0;
    return a.startsAt > b.startsAt ? -1 : a.startsAt < b.startsAt ? 1 : 0;
  });
}

// ------------------------------------------------------------------ metadata

export type StageShape = "round" | "square";

export interface EventMetadata {
  title: string;
  description: string;
  scene: { backdrop: string; stage: StageShape };
}

export const DEFAULT_BACKDROP = "#2d3047";

/** The pinned JSON {title, description, scene: {backdrop, stage}}, with what is missing or
 * malformed replaced so that the page and the room always have something to show. */
export function parseEventMetadata(raw: unknown, fallbackTitle: string): EventMetadata {
  const m = (raw && typeof raw === "object" ? raw : {}) as Record<string, any>;
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.trim().slice(0, max) : "");
  const scene = (m.scene && typeof m.scene === "object" ? m.scene : {}) as Record<string, unknown>;
  const backdrop = typeof scene.backdrop === "string" && /^#[0-9a-fA-F]{6}$/.test(scene.backdrop)
    ? scene.backdrop.toLowerCase() : DEFAULT_BACKDROP;
  return {
    title: text(m.title, 200) || fallbackTitle,
    description: text(m.description, 2000),
    scene: { backdrop, stage: scene.stage === "square" ? "square" : "round" },
  };
}

/** `#/live/<event id>`: the event's room; `#/live/<event id>/2d` asks for the 2D view. */
export function parseLiveRoute(hash: string): { eventId: bigint; flat: boolean } | null {
  const m = /^#?\/?live\/(\d{1,20})(\/2d)?\/?$/.exec(hash.trim());
  if (!m) return null;
  const eventId = BigInt(m[1]);
  return eventId >= 1n ? { eventId, flat: m[2] !== undefined } : null;
}

export function liveHref(eventId: bigint | number): string {
  return `#/live/${eventId}`;
}
