// Where the app finds the chain and the services: /config.json from the web service
// (stack/web), with the chain id and addresses from the generated contracts module.
import { chainId } from "./generated/contracts";

export interface AppConfig {
  rpcUrl: string;
  gatewayUrl: string;
  indexUrl: string;
  /** The social service, through the web service's proxy (same origin: the SIWE domain and cookie are the app's). */
  socialUrl: string;
  /** The live-event server, through the same proxy (its WebSocket handshake carries the social session's cookie). */
  liveUrl: string;
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
    // Resolved against the page: whichever host name the fan typed, the service stays same-origin.
    socialUrl: new URL(served.socialUrl ?? "social", `${base}/`).href.replace(/\/$/, ""),
    liveUrl: new URL(served.liveUrl ?? "live", `${base}/`).href.replace(/\/$/, ""),
    chainId,
  };
}
