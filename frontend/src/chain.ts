// The read side: one viem public client (JSON-RPC requests batched into one HTTP call)
// and the local chain's definition.
import { createPublicClient, defineChain, http, type PublicClient } from "viem";
import type { AppConfig } from "./config";

export function appChain(config: AppConfig) {
  return defineChain({
    id: config.chainId,
    name: config.chainId === 31337 ? "FameEngine local (anvil)" : `Chain ${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function makePublicClient(config: AppConfig): PublicClient {
  return createPublicClient({
    chain: appChain(config),
    transport: http(config.rpcUrl, { batch: { wait: 5 } }),
  }) as PublicClient;
}

/** The chain's clock (latest block timestamp): proposals and locks count in chain time. */
export async function chainNow(client: PublicClient): Promise<bigint> {
  const block = await client.getBlock({ blockTag: "latest" });
  return block.timestamp;
}
