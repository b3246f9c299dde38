// PersonaEvents writes: buy a ticket (an EIP-2612 permit and the purchase in one transaction,
// or approve then buy when the wallet cannot sign typed data; a free event needs neither),
// take the refund of a cancelled event, and mint the attendance badge with the live server's
// voucher. Each shows its states in the transaction list (tx/).
import type { AppContext } from "./app-context";
import type { LiveEventRecord } from "./events-model";
import { PersonaEvents as events } from "./generated/contracts";
import { approveIfNeeded } from "./governance-actions";
import type { LiveApi } from "./live-api";
import { signPermit } from "./permit";
import { sendWrite } from "./tx/send";

/** Returns how it paid: "free", "permit" (one transaction) or "approve" (two). */
export async function buyTicket(ctx: AppContext, event: LiveEventRecord, title: string): Promise<"free" | "permit" | "approve"> {
  const label = `Buy a ticket for ${title}`;
  if (event.price === 0n) {
    await sendWrite(ctx, label, { ...events, functionName: "buy", args: [event.id] });
    return "free";
  }
  const permit = await signPermit(ctx, events.address, event.price);
  if (permit) {
    await sendWrite(ctx, `${label} (permit)`, {
      ...events, functionName: "buy_with_permit", args: [event.id, permit.deadline, permit.v, permit.r, permit.s],
    });
    return "permit";
  }
  await approveIfNeeded(ctx, events.address, event.price, "the ticket");
  await sendWrite(ctx, label, { ...events, functionName: "buy", args: [event.id] });
  return "approve";
}

export function refundTicket(ctx: AppContext, event: LiveEventRecord, title: string) {
  return sendWrite(ctx, `Refund the ticket for ${title}`, { ...events, functionName: "refund", args: [event.id] });
}

/** Asks the live server for the voucher (the session cookie says who the fan is), then mints.
 * The voucher names its attendee and only that address may use it: a wallet on another
 * account is refused here, before anything is signed. */
export async function claimBadge(ctx: AppContext, live: LiveApi, event: LiveEventRecord, title: string) {
  const voucher = await live.voucher(event.id);
  const account = ctx.session.account;
  if (!account) throw new Error("connect the wallet that holds the ticket first");
  if (account.toLowerCase() !== voucher.attendee.toLowerCase()) {
    throw new Error(`the voucher is for ${voucher.attendee}, the signed-in fan; connect that wallet to claim`);
  }
  return sendWrite(ctx, `Claim the attendance badge of ${title}`, {
    ...events, functionName: "claim_badge", args: [event.id, voucher.attended, voucher.deadline, voucher.signature],
  });
}
