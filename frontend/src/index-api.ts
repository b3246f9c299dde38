// The backend's event index (stack/web/indexer.py): pages of decoded events from SQLite,
// so no page load scans the chain's history.

export interface IndexedEvent<A = Record<string, any>> {
  block: number;
  logIndex: number;
  tx: string;
  time: number;
  contract: string;
  event: string;
  args: A;
}

export interface EventQuery {
  contract?: string;
  event?: string;
  persona_id?: number | bigint;
  proposal_id?: string | bigint;
  account?: string;
  limit?: number;
  order?: "asc" | "desc";
}

export function eventsUrl(indexUrl: string, query: EventQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  return `${indexUrl}/events?${params}`;
}

let mustInclude = 0;

/** After a transaction in `block`, reads wait (briefly) until the index has caught up with it. */
export function requireIndexedThrough(block: bigint | number): void {
  mustInclude = Math.max(mustInclude, Number(block));
}

export async function fetchEvents<A = Record<string, any>>(indexUrl: string, query: EventQuery): Promise<IndexedEvent<A>[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await fetch(eventsUrl(indexUrl, query), { cache: "no-store" });
    if (!response.ok) throw new Error(`index: ${response.status}`);
    const body = await response.json();
    if ((body.indexedThrough ?? 0) >= mustInclude || Date.now() > deadline) return body.events;
    await new Promise((r) => setTimeout(r, 250));
  }
}
