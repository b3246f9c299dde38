// PersonaEvents reads, one function per question (loaded with the persona page and the room),
// and the event's metadata from IPFS. The persona page reads a bounded window of the newest
// events: the contract keeps no per-persona index, so the cost of a page load stays fixed.
import type { Reader } from "./chain";
import { PersonaEvents } from "./generated/contracts";
import { fetchIpfsJson } from "./ipfs";
import { lastEventIds, parseEventMetadata, type EventMetadata, type LiveEventRecord } from "./events-model";

const c = { PersonaEvents };

/** How many of the newest events the persona page looks through. */
export const EVENT_WINDOW = 50;

export async function eventCount(client: Reader): Promise<bigint> {
  return (await client.readContract({ ...c.PersonaEvents, functionName: "event_count" })) as bigint;
}

export async function liveEvent(client: Reader, id: bigint): Promise<LiveEventRecord> {
  const e: any = await client.readContract({ ...c.PersonaEvents, functionName: "events", args: [id] });
  return {
    id, personaId: e.persona_id, startsAt: e.starts_at, endsAt: e.ends_at, capacity: e.capacity, sold: e.sold, price: e.price,
    minAttendance: e.min_attendance, cancelled: e.cancelled, settled: e.settled, metadataCid: e.metadata_cid,
  };
}

/** The persona's events among the newest `window` (the client batches the reads into one request). */
export async function personaEvents(client: Reader, personaId: bigint, window = EVENT_WINDOW): Promise<LiveEventRecord[]> {
  const ids = lastEventIds(await eventCount(client), window);
  const events = await Promise.all(ids.map((id) => liveEvent(client, id)));
  return events.filter((e) => e.personaId === personaId);
}

export async function hasTicket(client: Reader, eventId: bigint, account: `0x${string}`): Promise<boolean> {
  return (await client.readContract({ ...c.PersonaEvents, functionName: "has_ticket", args: [eventId, account] })) as boolean;
}

/** The fan's badge token id for the event (0n: none). */
export async function badgeOf(client: Reader, eventId: bigint, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ ...c.PersonaEvents, functionName: "badge_of", args: [eventId, account] })) as bigint;
}

/** Badges minted for the persona's events, all fans together. */
export async function personaBadges(client: Reader, personaId: bigint): Promise<bigint> {
  return (await client.readContract({ ...c.PersonaEvents, functionName: "persona_badges", args: [personaId] })) as bigint;
}

export async function badgeTokenUri(client: Reader, tokenId: bigint): Promise<string> {
  return (await client.readContract({ ...c.PersonaEvents, functionName: "tokenURI", args: [tokenId] })) as string;
}

/** Title, description and scene; an event whose metadata cannot be read is still shown ("Event #n"). */
export async function eventMetadata(gatewayUrl: string, event: Pick<LiveEventRecord, "id" | "metadataCid">): Promise<EventMetadata> {
  const fallback = `Event #${event.id}`;
  if (!event.metadataCid) return parseEventMetadata(null, fallback);
  const raw = await fetchIpfsJson(gatewayUrl, event.metadataCid).catch(() => null);
  return parseEventMetadata(raw, fallback);
}
