// Sending a write: simulate first (a revert is shown before anything is signed), send
// through the connected wallet, wait for the receipt; every step updates the tracker.
import type { Abi, PublicClient } from "viem";
import type { WalletSession } from "../wallet/session";
import { requireIndexedThrough } from "../index-api";
import { revertReason } from "./revert-reason";
import type { TxTracker } from "./tracker";

export interface WriteRequest {
  address: `0x${string}`;
  abi: Abi | readonly unknown[];
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
}

export interface TxContext {
  client: PublicClient;
  session: WalletSession;
  tracker: TxTracker;
}

export class TxFailed extends Error {}

export async function sendWrite(ctx: TxContext, label: string, request: WriteRequest) {
  const entry = ctx.tracker.start(label);
  try {
    const wallet = ctx.session.walletClient();
    const { request: prepared } = await ctx.client.simulateContract({
      ...(request as any),
      account: ctx.session.account!,
    });
    const hash = await wallet.writeContract({ ...(prepared as any), account: ctx.session.account! });
    return await confirm(ctx, entry, hash);
  } catch (err) {
    if (err instanceof TxFailed) throw err;
    const reason = revertReason(err);
    ctx.tracker.update(entry, { status: "failed", error: reason });
    throw new TxFailed(reason);
  }
}

/** A plain ETH transfer (e.g. paying revenue by sending ETH to a contract). */
export async function sendValue(ctx: TxContext, label: string, to: `0x${string}`, value: bigint, data?: `0x${string}`) {
  const entry = ctx.tracker.start(label);
  try {
    const wallet = ctx.session.walletClient();
    await ctx.client.call({ account: ctx.session.account!, to, value, data });
    const hash = await wallet.sendTransaction({ account: ctx.session.account!, chain: ctx.session.chain, to, value, data });
    return await confirm(ctx, entry, hash);
  } catch (err) {
    if (err instanceof TxFailed) throw err;
    const reason = revertReason(err);
    ctx.tracker.update(entry, { status: "failed", error: reason });
    throw new TxFailed(reason);
  }
}

async function confirm(ctx: TxContext, entry: ReturnType<TxTracker["start"]>, hash: `0x${string}`) {
  ctx.tracker.update(entry, { status: "pending", hash });
  const receipt = await ctx.client.waitForTransactionReceipt({ hash, pollingInterval: 250 });
  if (receipt.status !== "success") {
    ctx.tracker.update(entry, { status: "failed", error: "reverted on chain" });
    throw new TxFailed("reverted on chain");
  }
  requireIndexedThrough(receipt.blockNumber);
  ctx.tracker.update(entry, { status: "confirmed", block: receipt.blockNumber });
  return receipt;
}
