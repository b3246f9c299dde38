// Which revenue design a deployment uses, read from its ABIs (unit-tested).

export const hasFunction = (abi: readonly any[], name: string) => abi.some((i) => i.type === "function" && i.name === name);

export type RevenueModel = "splitter" | "share-token";

/** "share-token" when the persona's share token takes and pays revenue itself, else the splitter. */
export function revenueModel(shareAbi: readonly any[], haveSplitter: boolean): RevenueModel {
  if (hasFunction(shareAbi, "claimable") && hasFunction(shareAbi, "claim")) return "share-token";
  if (haveSplitter) return "splitter";
  throw new Error("this deployment has neither a RevenueSplitter nor revenue on the share token");
}
