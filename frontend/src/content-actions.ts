// Content market writes: request (brief pinned to IPFS, fee by permit or approval),
// release after the challenge window, reject within it, cancel, refund.
import type { AppContext } from "./app-context";
import { briefJson } from "./content-model";
import { approveIfNeeded } from "./governance-actions";
import { ContentMarket as market } from "./generated/contracts";
import { pinBytes, signInToPin } from "./ipfs";
import { signPermit } from "./permit";
import { sendWrite } from "./tx/send";

export interface ContentRequestForm {
  personaId: bigint;
  kind: number;
  emotion: number;
  brief: string;
  fee: bigint;
  deadline: bigint;
}

export async function requestContent(ctx: AppContext, f: ContentRequestForm): Promise<string> {
  const briefCid = await pinBytes(briefJson(f.brief), "brief.json", signInToPin(ctx));
  const label = `Request content for persona #${f.personaId}`;
  const permit = await signPermit(ctx, market.address, f.fee);
  if (permit) {
    await sendWrite(ctx, `${label} (permit)`, {
      ...market, functionName: "request_with_permit",
      args: [f.personaId, briefCid, f.kind, f.emotion, f.fee, f.deadline, permit.deadline, permit.v, permit.r, permit.s],
    });
  } else {
    await approveIfNeeded(ctx, market.address, f.fee, "the content market");
    await sendWrite(ctx, label, { ...market, functionName: "request", args: [f.personaId, briefCid, f.kind, f.emotion, f.fee, f.deadline] });
  }
  return briefCid;
}

const simple = (fn: "release" | "cancel" | "refund", verb: string) => (ctx: AppContext, id: bigint) =>
  sendWrite(ctx, `${verb} content request #${id}`, { ...market, functionName: fn, args: [id] });

export const release = simple("release", "Release");
export const cancel = simple("cancel", "Cancel");
export const refund = simple("refund", "Refund");

export function reject(ctx: AppContext, id: bigint, reason: string) {
  return sendWrite(ctx, `Reject content request #${id}`, { ...market, functionName: "reject", args: [id, reason] });
}
