// The room's WebSocket client (docs/live.md; tested in test/live-client.test.ts with a fake
// socket): connects, hands each well-formed server frame to the page, pings to keep the
// connection (and the fan's attendance) alive, and reconnects with backoff when the server
// restarts (1013) or the network drops; a refusal (1008, 4404, 4409) is final and its reason
// is the page's to show.
import { backoffDelay, closeOutcome, encodeClientFrame, parseServerFrame, type ClientFrame, type ServerFrame } from "./live-protocol";

export type RoomState = "connecting" | "open" | "reconnecting" | "refused" | "closed";

export interface RoomStatus {
  state: RoomState;
  /** The last close code and what it means in words (empty while open). */
  code: number | null;
  message: string;
  /** Reconnect attempts since the last welcome. */
  attempt: number;
}

/** What the client needs of a WebSocket (the browser's, or a test's fake). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveClientOptions {
  makeSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  pingMs?: number;
}

const OPEN = 1;
export const PING_MS = 15_000;

export class LiveClient {
  status: RoomStatus = { state: "connecting", code: null, message: "", attempt: 0 };
  private socket: SocketLike | null = null;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;
  private stopped = false;
  private readonly frameListeners = new Set<(frame: ServerFrame) => void>();
  private readonly statusListeners = new Set<(status: RoomStatus) => void>();
  private readonly makeSocket: (url: string) => SocketLike;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(readonly url: string, readonly eventId: bigint, private readonly options: LiveClientOptions = {}) {
    this.makeSocket = options.makeSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (status: RoomStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  get open(): boolean {
    return this.socket?.readyState === OPEN && this.status.state === "open";
  }

  connect(): void {
    if (this.stopped) return;
    this.clear();
    const socket = this.makeSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.setStatus({ state: "open", code: null, message: "" });
      this.schedulePing();
    };
    socket.onmessage = (ev) => {
      if (socket !== this.socket || typeof ev.data !== "string") return;
      const frame = parseServerFrame(ev.data);
      if (!frame) return;
      // A welcome means the room took us: the next loss starts the backoff from the beginning.
      if (frame.type === "welcome") this.status.attempt = 0;
      for (const l of this.frameListeners) l(frame);
    };
    socket.onerror = () => { /* the close that follows says what happened */ };
    socket.onclose = (ev) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.stopPing();
      if (this.stopped) return;
      const outcome = closeOutcome(ev.code, ev.reason ?? "", this.eventId);
      if (outcome.kind === "retry") {
        const attempt = this.status.attempt;
        this.setStatus({ state: "reconnecting", code: ev.code, message: outcome.message, attempt: attempt + 1 });
        this.retryTimer = this.setTimer(() => { this.retryTimer = null; this.connect(); }, backoffDelay(attempt, this.options.random));
      } else {
        this.setStatus({ state: outcome.kind === "refused" ? "refused" : "closed", code: ev.code, message: outcome.message });
      }
    };
  }

  /** Sends a frame; false when the room is not open (the page says so instead). */
  send(frame: ClientFrame): boolean {
    if (!this.open) return false;
    this.socket!.send(encodeClientFrame(frame));
    return true;
  }

  /** Leaves the room for good (the page was left). */
  close(): void {
    this.stopped = true;
    this.clear();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= OPEN) socket.close(1000, "left the room");
    this.setStatus({ state: "closed", code: 1000, message: "you left the room" });
  }

  private schedulePing(): void {
    this.stopPing();
    this.pingTimer = this.setTimer(() => {
      this.pingTimer = null;
      if (this.send({ type: "ping" })) this.schedulePing();
    }, this.options.pingMs ?? PING_MS);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) this.clearTimer(this.pingTimer);
    this.pingTimer = null;
  }

  private clear(): void {
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.stopPing();
  }

  private setStatus(patch: Partial<RoomStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const l of this.statusListeners) l(this.status);
  }
}
