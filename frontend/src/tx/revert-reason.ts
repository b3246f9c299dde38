// Human reasons for failed transactions: the contract's revert string when there is one
// (FameEngine's Vyper contracts revert with "area: what went wrong"), the wallet's
// refusal, or viem's short message.
import { BaseError, ContractFunctionRevertedError } from "viem";

export function revertReason(err: unknown): string {
  if (err instanceof BaseError) {
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      if (reverted.reason) return reverted.reason;
      if (reverted.data?.errorName) return `${reverted.data.errorName}(${(reverted.data.args ?? []).join(", ")})`;
      return "the contract reverted without a reason";
    }
    const rejected = err.walk((e: any) => e?.code === 4001);
    if (rejected) return "rejected in the wallet";
    const fromNode = reasonInText(err.details) ?? reasonInText(err.shortMessage);
    if (fromNode) return fromNode;
    return err.shortMessage || err.message;
  }
  const any = err as any;
  if (any?.code === 4001) return "rejected in the wallet";
  return reasonInText(any?.message) ?? String(any?.message ?? err);
}

/** "execution reverted: launchpad: empty name" -> "launchpad: empty name". */
export function reasonInText(text: string | undefined): string | null {
  if (!text) return null;
  const m = /reverted(?: with reason string)?:?\s*['"]?([^'"\n]+)['"]?/i.exec(text);
  return m && m[1].trim() ? m[1].trim() : null;
}
