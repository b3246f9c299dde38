// EIP-2612 permits for FMC: one signature instead of an approve transaction, when the
// wallet signs typed data (null otherwise, and the caller approves instead).
import { hexToSignature } from "viem";
import type { AppContext } from "./app-context";
import { FMC } from "./generated/contracts";
import { signTyped } from "./tx/send";

export interface Permit { deadline: bigint; v: number; r: `0x${string}`; s: `0x${string}` }

export async function signPermit(ctx: AppContext, spender: `0x${string}`, value: bigint): Promise<Permit | null> {
  const owner = ctx.session.account!;
  // Far past any local time travel; the permit is used in the next transaction anyway.
  const deadline = BigInt(Math.floor(Date.now() / 1000)) + 10n ** 9n;
  try {
    const [domain, nonce] = await Promise.all([
      ctx.client.readContract({ ...FMC, functionName: "eip712Domain" }) as Promise<readonly any[]>,
      ctx.client.readContract({ ...FMC, functionName: "nonces", args: [owner] }) as Promise<bigint>,
    ]);
    const signature = await signTyped(ctx.session, {
      domain: { name: domain[1], version: domain[2], chainId: Number(domain[3]), verifyingContract: domain[4] },
      types: { Permit: [
        { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] },
      primaryType: "Permit",
      message: { owner, spender, value, nonce, deadline },
    });
    const { v, r, s } = hexToSignature(signature);
    return { deadline, v: Number(v), r, s };
  } catch {
    return null;
  }
}
