// Governance writes: propose a persona, vote, contribute (EIP-2612 permit where the wallet
// signs typed data, approve + contribute otherwise), queue, execute, claim shares, refund.
import { keccak256, toBytes } from "viem";
import type { AppContext } from "./app-context";
import { FMC as fmc, FameGovernor as governor, PersonaLaunchpad as launchpad } from "./generated/contracts";
import { VOTE, type Support } from "./governance-model";
import { signPermit } from "./permit";
import { sendWrite } from "./tx/send";


export interface ProposalCall {
  targets: `0x${string}`[];
  values: bigint[];
  calldatas: `0x${string}`[];
  description: string;
}

export function descriptionHash(description: string): `0x${string}` {
  return keccak256(toBytes(description));
}

export function proposePersona(ctx: AppContext, a: { name: string; symbol: string; specCid: string; goal: bigint;
                               creatorBps: bigint; description: string }) {
  return sendWrite(ctx, `Propose persona ${a.name}`, {
    ...launchpad, functionName: "propose_persona", args: [a.name, a.symbol, a.specCid, a.goal, a.creatorBps, a.description],
  });
}

export function castVote(ctx: AppContext, proposalId: bigint, support: Support) {
  return sendWrite(ctx, `Vote ${support}`, { ...governor, functionName: "castVote", args: [proposalId, VOTE[support]] });
}

export function queue(ctx: AppContext, p: ProposalCall) {
  return sendWrite(ctx, "Queue proposal", {
    ...governor, functionName: "queue", args: [p.targets, p.values, p.calldatas, descriptionHash(p.description)],
  });
}

export function execute(ctx: AppContext, p: ProposalCall) {
  return sendWrite(ctx, "Execute proposal", {
    ...governor, functionName: "execute", args: [p.targets, p.values, p.calldatas, descriptionHash(p.description)],
    value: p.values.reduce((a, b) => a + b, 0n),
  });
}

export function refund(ctx: AppContext, campaignId: bigint) {
  return sendWrite(ctx, `Withdraw contribution (campaign #${campaignId})`, { ...launchpad, functionName: "refund", args: [campaignId] });
}

export function claimShares(ctx: AppContext, campaignId: bigint) {
  return sendWrite(ctx, `Claim shares (campaign #${campaignId})`, { ...launchpad, functionName: "claim_shares", args: [campaignId] });
}

/** Contribute with a permit signature (one transaction); falls back to approve + contribute
 *  when the wallet cannot sign EIP-712 data. Returns which path was used. */
export async function contribute(ctx: AppContext, campaignId: bigint, amount: bigint): Promise<"permit" | "approve"> {
  const permit = await signPermit(ctx, launchpad.address, amount);
  if (permit) {
    await sendWrite(ctx, `Contribute to campaign #${campaignId} (permit)`, {
      ...launchpad, functionName: "contribute_with_permit", args: [campaignId, amount, permit.deadline, permit.v, permit.r, permit.s],
    });
    return "permit";
  }
  await approveIfNeeded(ctx, launchpad.address, amount, "the launchpad");
  await sendWrite(ctx, `Contribute to campaign #${campaignId}`, { ...launchpad, functionName: "contribute", args: [campaignId, amount] });
  return "approve";
}

export async function approveIfNeeded(ctx: AppContext, spender: `0x${string}`, amount: bigint, what: string): Promise<void> {
  const allowance = (await ctx.client.readContract({ ...fmc, functionName: "allowance", args: [ctx.session.account!, spender] })) as bigint;
  if (allowance < amount) await sendWrite(ctx, `Approve FMC for ${what}`, { ...fmc, functionName: "approve", args: [spender, amount] });
}
