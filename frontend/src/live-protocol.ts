// The live room's WebSocket protocol (docs/live.md), as pure functions (unit-tested in
// test/live-protocol.test.ts): the server's frames checked into typed values (a malformed
// frame is dropped, never half-used), the fan's frames, what each close code means for the
// page (reconnect or show why), the reconnect backoff, the 10 Hz move limit, the floor's
// bounds, a chat message's limits and PCM16 decoding.

export interface Avatar { address: string; x: number; z: number; heading: number }

export type ServerFrame =
  | { type: "welcome"; you: string; event: { id: number; personaId: number; endsAt: number }; attendees: Avatar[]; host: boolean;
      questions: { id: string; from: string; text: string }[] }
  | { type: "host"; present: boolean }
  | { type: "presence"; avatars: Avatar[] }
  | { type: "joined"; address: string }
  | { type: "left"; address: string }
  | { type: "chat"; id: string; from: string; text: string; at: number }
  | { type: "question"; id: string; from: string; text: string }
  | { type: "answer.start"; questionId: string; emotion: string; text: string; sampleRate: number; aiLabel: string }
  | { type: "answer.audio"; questionId: string; seq: number; at: number | null; pcm: string; visemes: [number, string][] }
  | { type: "answer.caption"; questionId: string; text: string; start: number; end: number }
  | { type: "answer.end"; questionId: string; duration: number }
  | { type: "error"; code: string; message: string }
  | { type: "pong" };

export type ClientFrame =
  | { type: "move"; x: number; z: number; heading: number }
  | { type: "chat"; text: string }
  | { type: "ask"; text: string }
  | { type: "ping" };

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
/** Ids may come as numbers or strings: the page keeps them as strings. */
const id = (v: unknown): string | null => (typeof v === "string" && v ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null);

function avatar(v: unknown): Avatar | null {
  const a = v as Record<string, unknown> | null;
  if (!a || typeof a !== "object") return null;
  const address = str(a.address), x = num(a.x), z = num(a.z);
  if (!address || x === null || z === null) return null;
  return { address, x, z, heading: num(a.heading) ?? 0 };
}

function avatars(v: unknown): Avatar[] | null {
  if (!Array.isArray(v)) return null;
  return v.map(avatar).filter((a): a is Avatar => a !== null);
}

/** One text frame from the server, or null when it is not JSON, not a known type or misses a field. */
export function parseServerFrame(raw: unknown): ServerFrame | null {
  let f: Record<string, any>;
  try {
    f = typeof raw === "string" ? JSON.parse(raw) : (raw as Record<string, any>);
  } catch {
    return null;
  }
  if (!f || typeof f !== "object" || typeof f.type !== "string") return null;
  switch (f.type) {
    case "welcome": {
      const you = str(f.you), list = avatars(f.attendees ?? []);
      const ev = f.event ?? {};
      const eventId = num(ev.id);
      if (!you || !list || eventId === null) return null;
      // the open questions, oldest first (asked before this connection)
      const questions = (Array.isArray(f.questions) ? f.questions : [])
        .map((q: any) => ({ id: id(q?.id), from: str(q?.from), text: str(q?.text) }))
        .filter((q: any): q is { id: string; from: string; text: string } => q.id !== null && q.from !== null && q.text !== null);
      return { type: "welcome", you, event: { id: eventId, personaId: num(ev.persona_id) ?? 0, endsAt: num(ev.ends_at) ?? 0 },
               attendees: list, host: f.host === true, questions };
    }
    case "host":
      // the persona's host came in or went away
      return typeof f.present === "boolean" ? { type: "host", present: f.present } : null;
    case "presence": {
      const list = avatars(f.avatars);
      return list ? { type: "presence", avatars: list } : null;
    }
    case "joined":
    case "left": {
      const address = str(f.address);
      return address ? { type: f.type, address } : null;
    }
    case "chat": {
      const from = str(f.from), text = str(f.text);
      if (from === null || text === null) return null;
      return { type: "chat", id: id(f.id) ?? "", from, text, at: num(f.at) ?? 0 };
    }
    case "question": {
      const qid = id(f.id), from = str(f.from), text = str(f.text);
      if (qid === null || from === null || text === null) return null;
      return { type: "question", id: qid, from, text };
    }
    case "answer.start": {
      const qid = id(f.question_id), rate = num(f.sample_rate);
      if (qid === null || rate === null || rate <= 0) return null;
      return { type: "answer.start", questionId: qid, emotion: str(f.emotion) ?? "calm", text: str(f.text) ?? "", sampleRate: rate,
               aiLabel: str(f.ai_label) ?? "" };
    }
    case "answer.audio": {
      const qid = id(f.question_id), pcm = str(f.pcm);
      if (qid === null || pcm === null) return null;
      const visemes = Array.isArray(f.visemes)
        ? f.visemes.filter((v: unknown) => Array.isArray(v) && num(v[0]) !== null && typeof v[1] === "string")
                   .map((v: [number, string]) => [v[0], v[1]] as [number, string])
        : [];
      return { type: "answer.audio", questionId: qid, seq: num(f.seq) ?? 0, at: num(f.at), pcm, visemes };
    }
    case "answer.caption": {
      const qid = id(f.question_id), text = str(f.text), start = num(f.start), end = num(f.end);
      if (qid === null || text === null || start === null || end === null) return null;
      return { type: "answer.caption", questionId: qid, text, start, end };
    }
    case "answer.end": {
      const qid = id(f.question_id);
      if (qid === null) return null;
      return { type: "answer.end", questionId: qid, duration: num(f.duration) ?? 0 };
    }
    case "error":
      return { type: "error", code: str(f.code) ?? "error", message: str(f.message) ?? "" };
    case "pong":
      return { type: "pong" };
    default:
      return null;
  }
}

export function encodeClientFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}

// ------------------------------------------------------------------ closing and reconnecting

export type CloseOutcome =
  | { kind: "retry"; message: string }
  | { kind: "refused"; message: string }
  | { kind: "closed"; message: string };

/** What a close means: 1008, 4404 and 4409 are the server's final word (the page shows why);
 * 1013 (the server is restarting) and a lost connection are tried again; 1000 is a goodbye. */
export function closeOutcome(code: number, reason: string, eventId: bigint | number): CloseOutcome {
  const why = reason.trim();
  switch (code) {
    case 1008:
      return { kind: "refused", message: why || "the room refused this connection" };
    case 4404:
      return { kind: "refused", message: why || `there is no event ${eventId}` };
    case 4409:
      return { kind: "refused", message: why || `event ${eventId} has ended or was cancelled` };
    case 1000:
      return { kind: "closed", message: why || "the room closed the connection" };
    case 1013:
      return { kind: "retry", message: why || "the room server is restarting" };
    default:
      return { kind: "retry", message: why || "the connection to the room was lost" };
  }
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 15_000;

/** The wait before reconnect attempt `attempt` (0 first): doubling from half a second up to 15 s,
 * with up to a fifth of it random so that a room's fans do not all come back at once. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const plain = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(plain * (0.8 + 0.2 * random()));
}

// ------------------------------------------------------------------ moving

/** The room is a 20 x 20 m floor centred on the origin; the stage is at the negative z end. */
export const FLOOR_HALF = 10;
export const MOVE_INTERVAL_MS = 100;

export function clampToFloor(x: number, z: number): { x: number; z: number } {
  const c = (v: number) => Math.max(-FLOOR_HALF, Math.min(FLOOR_HALF, Number.isFinite(v) ? v : 0));
  return { x: c(x), z: c(z) };
}

/** At most one `move` per MOVE_INTERVAL_MS (the server uses no more than 10 a second): `offer`
 * says whether to send now; a move offered too soon is kept, and `due` gives it when its turn
 * comes (the last position wins: the room wants where the fan is, not the path). */
export class MoveThrottle {
  private lastSent = -Infinity;
  private pending: ClientFrame | null = null;

  constructor(private readonly intervalMs = MOVE_INTERVAL_MS) {}

  offer(x: number, z: number, heading: number, now: number): ClientFrame | null {
    const p = clampToFloor(x, z);
    const frame: ClientFrame = { type: "move", x: round2(p.x), z: round2(p.z), heading: round2(heading) };
    if (now - this.lastSent >= this.intervalMs) {
      this.lastSent = now;
      this.pending = null;
      return frame;
    }
    this.pending = frame;
    return null;
  }

  /** The kept move once its interval has passed (else null); ms until then via `waitMs`. */
  due(now: number): ClientFrame | null {
    if (!this.pending || now - this.lastSent < this.intervalMs) return null;
    const frame = this.pending;
    this.pending = null;
    this.lastSent = now;
    return frame;
  }

  waitMs(now: number): number | null {
    return this.pending ? Math.max(0, this.intervalMs - (now - this.lastSent)) : null;
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** The heading (radians, 0 facing the stage at -z) of a step (dx, dz). */
export function headingOf(dx: number, dz: number, previous: number): number {
  if (dx === 0 && dz === 0) return previous;
  return Math.atan2(dx, -dz);
}

// ------------------------------------------------------------------ chat

export const CHAT_MAX = 280;

/** Why a chat message or a question cannot be sent (null: it can). */
export function chatProblem(text: string): string | null {
  const clean = text.trim();
  if (!clean) return "write something first";
  if ([...clean].length > CHAT_MAX) return `at most ${CHAT_MAX} characters (this one has ${[...clean].length})`;
  return null;
}

/** An `error` frame in the fan's words. */
export function roomErrorText(code: string, message: string): string {
  switch (code) {
    case "moderated": return `Held by moderation${message ? `: ${message}` : ""}.`;
    case "rate_limited": return "Too many messages at once: slow down a little.";
    case "bad_message": return `The room did not understand that message${message ? ` (${message})` : ""}.`;
    default: return message || code;
  }
}

// ------------------------------------------------------------------ audio

/** base64 16-bit little-endian mono PCM as samples in -1..1. */
export function decodePcm16(base64: string): Float32Array<ArrayBuffer> {
  const binary = atob(base64);
  const n = binary.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = binary.charCodeAt(2 * i) | (binary.charCodeAt(2 * i + 1) << 8);
    if (v >= 0x8000) v -= 0x10000;
    out[i] = v / 32768;
  }
  return out;
}
