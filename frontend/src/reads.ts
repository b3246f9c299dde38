// Contract reads, one small function per question (the Scaffold-ETH "hook" idea without
// a framework). Every address and ABI comes from the generated contracts module.
import type { PublicClient } from "viem";
import { contracts } from "./generated/contracts";

const c = contracts;

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

export async function personaCount(client: PublicClient): Promise<bigint> {
  return (await client.readContract({ ...c.PersonaRegistry, functionName: "persona_count" })) as bigint;
}

export async function persona(client: PublicClient, id: bigint): Promise<PersonaRecord> {
  const p: any = await client.readContract({ ...c.PersonaRegistry, functionName: "persona", args: [id] });
  return { id, name: p.name, specCid: p.spec_cid, shareToken: p.share_token, treasury: p.treasury, creator: p.creator,
           status: Number(p.status), createdAt: p.created_at };
}

export async function allPersonas(client: PublicClient): Promise<PersonaRecord[]> {
  const count = Number(await personaCount(client));
  return Promise.all(Array.from({ length: count }, (_, i) => persona(client, BigInt(i + 1))));
}

export async function reputation(client: PublicClient, id: bigint) {
  const r: any = await client.readContract({ ...c.Reputation, functionName: "components", args: [id] });
  return { engagement: r.engagement as bigint, feedback: r.feedback as bigint, score: r.score as bigint };
}

export async function engagement(client: PublicClient, id: bigint) {
  const e: any = await client.readContract({ ...c.EngagementOracle, functionName: "latest", args: [id] });
  return { views: e.views as bigint, likes: e.likes as bigint, shares: e.shares as bigint, comments: e.comments as bigint,
           sentiment: e.sentiment as bigint, observedAt: e.observed_at as bigint, updatedAt: e.updated_at as bigint };
}

export async function fmcBalance(client: PublicClient, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ ...c.FMC, functionName: "balanceOf", args: [account] })) as bigint;
}

export async function votes(client: PublicClient, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ ...c.FMC, functionName: "getVotes", args: [account] })) as bigint;
}

export async function delegateOf(client: PublicClient, account: `0x${string}`): Promise<`0x${string}`> {
  return (await client.readContract({ ...c.FMC, functionName: "delegates", args: [account] })) as `0x${string}`;
}

export async function shareBalance(client: PublicClient, token: `0x${string}`, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ address: token, abi: c.PersonaShare.abi, functionName: "balanceOf", args: [account] })) as bigint;
}

export async function shareSupply(client: PublicClient, token: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ address: token, abi: c.PersonaShare.abi, functionName: "totalSupply" })) as bigint;
}

export async function didDocumentCid(client: PublicClient, id: bigint): Promise<string> {
  return (await client.readContract({ ...c.DIDRegistry, functionName: "document_cid", args: [id] })) as string;
}
