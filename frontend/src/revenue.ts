// Persona revenue, in one place: which contract takes payments and pays claims.
// The deployment decides, through the ABIs the manifest gives the build:
//  - "splitter": the RevenueSplitter (pay_eth / claimable / claim, ETH is asset 0x0);
//  - "share-token": each persona's PersonaShare takes ETH sent to it and pays claim() /
//    claim_token(token), with claimable(holder) / claimable_token(token, holder)
//    (the revenue-in-share-token design; used as soon as a manifest's PersonaShare has it).
// The screens only call the functions below.
import type { Reader } from "./chain";
import { FMC, PersonaShare } from "./generated/contracts";
import { hasFunction, revenueModel } from "./revenue-model";
import { sendValue, sendWrite, type TxContext } from "./tx/send";

export const ETH = "0x0000000000000000000000000000000000000000" as const;

type Deployed = { address: `0x${string}`; abi: readonly any[] };
// The splitter is optional: a deployment without it builds fine (the glob matches nothing).
const splitter = Object.values(import.meta.glob("./generated/RevenueSplitter.ts", { eager: true, import: "RevenueSplitter" }))[0] as
  Deployed | undefined;

const model = revenueModel(PersonaShare.abi, splitter !== undefined);

export interface PersonaRef { id: bigint; shareToken: `0x${string}` }

export interface Claimable {
  asset: `0x${string}`;
  symbol: string;
  amount: bigint;
}

const symbolOf = (asset: string) => asset === ETH ? "ETH" : asset.toLowerCase() === FMC.address.toLowerCase() ? "FMC" : asset;
const share = (p: PersonaRef) => ({ address: p.shareToken, abi: PersonaShare.abi as readonly any[] });

/** The protocol's cut of revenue in basis points, when the deployment says. */
export async function revenueFeeBps(client: Reader): Promise<bigint | null> {
  if (model === "splitter") return (await client.readContract({ ...splitter!, functionName: "fee_bps" })) as bigint;
  return null;
}

/** ETH revenue the persona has received in all, when the deployment records it. */
export async function totalRevenue(client: Reader, p: PersonaRef): Promise<bigint | null> {
  if (model === "splitter") return (await client.readContract({ ...splitter!, functionName: "revenue_of", args: [p.id, ETH] })) as bigint;
  return null;
}

/** Claimable revenue of `holder` in every asset the persona has been paid in (ETH at least). */
export async function claimable(client: Reader, p: PersonaRef, holder: `0x${string}`): Promise<Claimable[]> {
  if (model === "share-token") {
    const eth = (await client.readContract({ ...share(p), functionName: "claimable", args: [holder] })) as bigint;
    const fmc = hasFunction(PersonaShare.abi, "claimable_token")
      ? ((await client.readContract({ ...share(p), functionName: "claimable_token", args: [FMC.address, holder] })) as bigint) : 0n;
    return [{ asset: ETH, symbol: "ETH", amount: eth }, ...(fmc > 0n ? [{ asset: FMC.address, symbol: "FMC", amount: fmc }] : [])];
  }
  const assets = (await client.readContract({ ...splitter!, functionName: "persona_assets", args: [p.id] })) as readonly `0x${string}`[];
  const list = assets.length ? [...assets] : [ETH];
  return Promise.all(list.map(async (asset) => ({
    asset,
    symbol: symbolOf(asset),
    amount: (await client.readContract({ ...splitter!, functionName: "claimable", args: [p.id, asset, holder] })) as bigint,
  })));
}

export function payEth(ctx: TxContext, p: PersonaRef, amount: bigint) {
  const label = `Pay revenue to persona #${p.id}`;
  if (model === "share-token") return sendValue(ctx, label, p.shareToken, amount);
  return sendWrite(ctx, label, { ...splitter!, functionName: "pay_eth", args: [p.id], value: amount });
}

export function claim(ctx: TxContext, p: PersonaRef, asset: `0x${string}`) {
  const label = `Claim revenue of persona #${p.id}`;
  if (model === "share-token") {
    return asset === ETH
      ? sendWrite(ctx, label, { ...share(p), functionName: "claim" })
      : sendWrite(ctx, label, { ...share(p), functionName: "claim_token", args: [asset] });
  }
  return sendWrite(ctx, label, { ...splitter!, functionName: "claim", args: [p.id, asset] });
}
