// The read side: one small viem client (JSON-RPC requests batched into one HTTP call)
// with only the read actions the screens use, so the first bundle stays small; the
// write actions live in the lazily loaded transaction module.
import { createClient, defineChain, http } from "viem";
import { getBalance, getBlock, readContract } from "viem/actions";
import type { AppConfig } from "./config";

export function appChain(config: AppConfig) {
  return defineChain({
    id: config.chainId,
    name: config.chainId === 31337 ? "FameEngine local (anvil)" : `Chain ${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export interface ReadRequest {
  address: `0x${string}`;
  abi: readonly unknown[];
  functionName: string;
  args?: readonly unknown[];
}

export function makeReader(config: AppConfig) {
  const rpc = createClient({ chain: appChain(config), transport: http(config.rpcUrl, { batch: { wait: 5 } }) });
  return {
    /** The bare viem client, for actions imported where they are needed (viem/actions). */
    rpc,
    readContract: (args: ReadRequest): Promise<any> => readContract(rpc, args as any),
    getBlock: (args: { blockTag: "latest" }) => getBlock(rpc, args),
    getBalance: (args: { address: `0x${string}` }) => getBalance(rpc, args),
  };
}

export type Reader = ReturnType<typeof makeReader>;

/** The chain's clock (latest block timestamp): proposals and locks count in chain time. */
export async function chainNow(client: Reader): Promise<bigint> {
  const block = await client.getBlock({ blockTag: "latest" });
  return block.timestamp;
}
