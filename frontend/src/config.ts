// Where the app finds the chain: /config.json from the web service (stack/web), with the
// chain id and addresses from the generated contracts module.
import { chainId } from "./generated/contracts";

export interface AppConfig {
  rpcUrl: string;
  gatewayUrl: string;
  indexUrl: string;
  chainId: number;
}

export async function loadConfig(): Promise<AppConfig> {
  const base = new URL(".", location.href).href.replace(/\/$/, "");
  let served: Partial<AppConfig> = {};
  try {
    const response = await fetch(`${base}/config.json`, { cache: "no-store" });
    if (response.ok) served = await response.json();
  } catch {
    /* a static host without the web service: fall back to the local defaults */
  }
  return {
    rpcUrl: served.rpcUrl ?? "http://127.0.0.1:8545",
    gatewayUrl: (served.gatewayUrl ?? base).replace(/\/$/, ""),
    indexUrl: served.indexUrl ?? `${base}/api/index`,
    chainId,
  };
}
