// Contract reads, one small function per question (the Scaffold-ETH "hook" idea without
// a framework). Every address and ABI comes from the generated contracts module.
// These are the gallery's reads (main bundle); account reads are in reads-account.ts.
import type { Reader } from "./chain";
import { EngagementOracle, PersonaRegistry, Reputation } from "./generated/contracts";

const c = { EngagementOracle, PersonaRegistry, Reputation };

export interface PersonaRecord {
  id: bigint;
  name: string;
  specCid: string;
  shareToken: `0x${string}`;
  treasury: `0x${string}`;
  creator: `0x${string}`;
  status: number;
  createdAt: bigint;
}

export async function personaCount(client: Reader): Promise<bigint> {
  return (await client.readContract({ ...c.PersonaRegistry, functionName: "persona_count" })) as bigint;
}

export async function persona(client: Reader, id: bigint): Promise<PersonaRecord> {
  const p: any = await client.readContract({ ...c.PersonaRegistry, functionName: "persona", args: [id] });
  return { id, name: p.name, specCid: p.spec_cid, shareToken: p.share_token, treasury: p.treasury, creator: p.creator,
           status: Number(p.status), createdAt: p.created_at };
}

export async function allPersonas(client: Reader): Promise<PersonaRecord[]> {
  const count = Number(await personaCount(client));
  return Promise.all(Array.from({ length: count }, (_, i) => persona(client, BigInt(i + 1))));
}

export async function reputation(client: Reader, id: bigint) {
  const r: any = await client.readContract({ ...c.Reputation, functionName: "components", args: [id] });
  return { engagement: r.engagement as bigint, feedback: r.feedback as bigint, score: r.score as bigint };
}

export async function engagement(client: Reader, id: bigint) {
  const e: any = await client.readContract({ ...c.EngagementOracle, functionName: "latest", args: [id] });
  return { views: e.views as bigint, likes: e.likes as bigint, shares: e.shares as bigint, comments: e.comments as bigint,
           sentiment: e.sentiment as bigint, observedAt: e.observed_at as bigint, updatedAt: e.updated_at as bigint };
}

/** The weight a rating by `account` would have on chain now (0: no FMC votes before this epoch). */
export async function ratingWeight(client: Reader, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ ...c.Reputation, functionName: "rating_weight", args: [account] })) as bigint;
}

/** Whether `account` has rated persona `id` on chain in the current rating epoch. */
export async function ratedOnChain(client: Reader, id: bigint, account: `0x${string}`): Promise<boolean> {
  const epoch = (await client.readContract({ ...c.Reputation, functionName: "current_epoch" })) as bigint;
  return (await client.readContract({ ...c.Reputation, functionName: "has_rated", args: [id, account, epoch] })) as boolean;
}
