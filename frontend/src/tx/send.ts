// Sending a write: simulate first (a revert is shown before anything is signed), send
// through the connected wallet, wait for the receipt; every step updates the tracker.
import { createClient, custom, type Abi } from "viem";
import { call, estimateContractGas, sendTransaction, signTypedData, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import type { Reader } from "../chain";
import { requireIndexedThrough } from "../index-api";
import type { WalletSession } from "../wallet/session";
import { revertReason } from "./revert-reason";
import type { TxEntry, TxTracker } from "./tracker";

export interface WriteRequest {
  address: `0x${string}`;
  abi: Abi | readonly unknown[];
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
}

export interface TxContext {
  client: Reader;
  session: WalletSession;
  tracker: TxTracker;
}

export class TxFailed extends Error {}

/** A viem wallet client over the connected EIP-1193 provider. */
export function walletClient(session: WalletSession) {
  const { provider, account } = session.signer();
  return createClient({ account, chain: session.chain, transport: custom(provider) });
}

export async function sendWrite(ctx: TxContext, label: string, request: WriteRequest) {
  return track(ctx, label, async () => {
    const wallet = walletClient(ctx.session);
    const params = { ...(request as any), account: wallet.account };
    const { request: prepared } = await simulateContract(ctx.client.rpc, params);
    // A node estimates against the previous block and an inner call's 63/64 rule can starve it
    // (out of gas in a nested transfer): send with headroom, as fame.chain does.
    const estimate = await estimateContractGas(ctx.client.rpc, params);
    return writeContract(wallet, { ...(prepared as any), account: wallet.account, gas: gasWithHeadroom(estimate) });
  });
}

export function gasWithHeadroom(estimate: bigint): bigint {
  return (estimate * 13n) / 10n + 30_000n;
}

/** A plain ETH transfer (e.g. paying revenue by sending ETH to a contract). */
export async function sendValue(ctx: TxContext, label: string, to: `0x${string}`, value: bigint, data?: `0x${string}`) {
  return track(ctx, label, async () => {
    const wallet = walletClient(ctx.session);
    await call(ctx.client.rpc, { account: wallet.account, to, value, data });
    return sendTransaction(wallet, { account: wallet.account!, chain: ctx.session.chain, to, value, data });
  });
}

/** EIP-712 signature from the connected wallet (permits). */
export async function signTyped(session: WalletSession, typed: Record<string, unknown>): Promise<`0x${string}`> {
  const wallet = walletClient(session);
  return signTypedData(wallet, { ...(typed as any), account: wallet.account });
}

async function track(ctx: TxContext, label: string, send: () => Promise<`0x${string}`>) {
  const entry = ctx.tracker.start(label);
  let hash: `0x${string}`;
  try {
    hash = await send();
  } catch (err) {
    return fail(ctx, entry, revertReason(err));
  }
  ctx.tracker.update(entry, { status: "pending", hash });
  const receipt = await waitForTransactionReceipt(ctx.client.rpc, { hash, pollingInterval: 250 });
  if (receipt.status !== "success") return fail(ctx, entry, "reverted on chain");
  requireIndexedThrough(receipt.blockNumber);
  ctx.tracker.update(entry, { status: "confirmed", block: receipt.blockNumber });
  return receipt;
}

function fail(ctx: TxContext, entry: TxEntry, reason: string): never {
  ctx.tracker.update(entry, { status: "failed", error: reason });
  throw new TxFailed(reason);
}
