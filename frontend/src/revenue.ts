// Persona revenue, in one place: which contract takes payments and pays claims.
// Today that is the RevenueSplitter (pay_eth / claimable / claim, ETH is asset 0x0).
// If revenue moves into each persona's PersonaShare token, only this module changes.
import type { Reader } from "./chain";
import { FMC, RevenueSplitter as splitter } from "./generated/contracts";
import { sendWrite, type TxContext } from "./tx/send";

export const ETH = "0x0000000000000000000000000000000000000000" as const;

export interface Claimable {
  asset: `0x${string}`;
  symbol: string;
  amount: bigint;
}

export async function revenueFeeBps(client: Reader): Promise<bigint> {
  return (await client.readContract({ ...splitter, functionName: "fee_bps" })) as bigint;
}

export async function totalRevenue(client: Reader, personaId: bigint): Promise<bigint> {
  return (await client.readContract({ ...splitter, functionName: "revenue_of", args: [personaId, ETH] })) as bigint;
}

/** Claimable revenue of `holder` in every asset the persona has been paid in (ETH at least). */
export async function claimable(client: Reader, personaId: bigint, holder: `0x${string}`): Promise<Claimable[]> {
  const assets = (await client.readContract({ ...splitter, functionName: "persona_assets", args: [personaId] })) as readonly `0x${string}`[];
  const list = assets.length ? [...assets] : [ETH];
  return Promise.all(
    list.map(async (asset) => ({
      asset,
      symbol: asset === ETH ? "ETH" : asset.toLowerCase() === FMC.address.toLowerCase() ? "FMC" : asset,
      amount: (await client.readContract({ ...splitter, functionName: "claimable", args: [personaId, asset, holder] })) as bigint,
    })),
  );
}

export function payEth(ctx: TxContext, personaId: bigint, amount: bigint) {
  return sendWrite(ctx, `Pay revenue to persona #${personaId}`, {
    ...splitter, functionName: "pay_eth", args: [personaId], value: amount,
  });
}

export function claim(ctx: TxContext, personaId: bigint, asset: `0x${string}`) {
  return sendWrite(ctx, `Claim revenue of persona #${personaId}`, {
    ...splitter, functionName: "claim", args: [personaId, asset],
  });
}
