// The live server's HTTP API (docs/live.md), reached through the web app's /live/ proxy: the
// fan's requests carry the social service's session cookie (same origin). Every failure is a
// LiveError with the server's own `detail`.
import { errorDetail } from "./social-api";

export interface RoomInfo {
  /** Who is in the room now (addresses, or avatars with positions). */
  attendees: unknown[];
  host: boolean;
  starts_at?: number;
  ends_at?: number;
  [key: string]: unknown;
}

export interface Attendance { attended: number; required: number }

export interface Voucher {
  attendee: `0x${string}`;
  attended: bigint;
  deadline: bigint;
  signature: `0x${string}`;
}

export class LiveError extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(detail);
    this.name = "LiveError";
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class LiveApi {
  /** `base`: the live server as the browser reaches it, e.g. http://127.0.0.1:8088/live. */
  constructor(readonly base: string, private readonly fetchFn: Fetch = (input, init) => fetch(input, init)) {
    this.base = base.replace(/\/$/, "");
  }

  private async request<T>(method: string, path: string): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, {
        method, credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" },
      });
    } catch (err: any) {
      throw new LiveError(0, `the live server is not reachable (${err?.message ?? err})`);
    }
    const text = await response.text();
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    if (!response.ok) throw new LiveError(response.status, errorDetail(parsed, `${response.status} ${response.statusText || "error"}`.trim()));
    return parsed as T;
  }

  room(eventId: bigint): Promise<RoomInfo> {
    return this.request("GET", `/api/events/${eventId}/room`);
  }

  async attendance(eventId: bigint): Promise<Attendance> {
    const a: any = await this.request("GET", `/api/events/${eventId}/attendance`);
    return { attended: Number(a?.attended ?? 0), required: Number(a?.required ?? 0) };
  }

  /** The signed attendance voucher (403 with how much is left before the fan has stayed long enough). */
  async voucher(eventId: bigint): Promise<Voucher> {
    return parseVoucher(await this.request("POST", `/api/events/${eventId}/voucher`));
  }

  /** The room's WebSocket URL on the same host (ws: or wss: as the page is http: or https:). */
  socketUrl(eventId: bigint): string {
    return `${this.base.replace(/^http/, "ws")}/ws/events/${eventId}`;
  }
}

export function parseVoucher(v: any): Voucher {
  const hex = (s: unknown, bytes?: number) => typeof s === "string" && /^0x[0-9a-fA-F]*$/.test(s) && (bytes === undefined || s.length === 2 + 2 * bytes);
  if (!v || !hex(v.attendee, 20) || !hex(v.signature, 65)) throw new LiveError(0, "the live server's voucher is malformed");
  const int = (x: unknown) => {
    if (typeof x === "number" && Number.isSafeInteger(x) && x >= 0) return BigInt(x);
    if (typeof x === "string" && /^\d+$/.test(x)) return BigInt(x);
    throw new LiveError(0, "the live server's voucher is malformed");
  };
  return { attendee: v.attendee, attended: int(v.attended), deadline: int(v.deadline), signature: v.signature };
}
