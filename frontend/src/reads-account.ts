// Reads about the connected account and identities (loaded with the screens that use them).
import type { Reader } from "./chain";
import { DIDRegistry, FMC, PersonaShare } from "./generated/contracts";

const c = { DIDRegistry, FMC, PersonaShare };

export async function fmcBalance(client: Reader, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ ...c.FMC, functionName: "balanceOf", args: [account] })) as bigint;
}

export async function votes(client: Reader, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ ...c.FMC, functionName: "getVotes", args: [account] })) as bigint;
}

export async function delegateOf(client: Reader, account: `0x${string}`): Promise<`0x${string}`> {
  return (await client.readContract({ ...c.FMC, functionName: "delegates", args: [account] })) as `0x${string}`;
}

export async function shareBalance(client: Reader, token: `0x${string}`, account: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ address: token, abi: c.PersonaShare.abi, functionName: "balanceOf", args: [account] })) as bigint;
}

export async function shareSupply(client: Reader, token: `0x${string}`): Promise<bigint> {
  return (await client.readContract({ address: token, abi: c.PersonaShare.abi, functionName: "totalSupply" })) as bigint;
}

export async function didDocumentCid(client: Reader, id: bigint): Promise<string> {
  return (await client.readContract({ ...c.DIDRegistry, functionName: "document_cid", args: [id] })) as string;
}
