// Content on IPFS through the configured gateway (reads), and what a fan writes (a new persona
// spec, a content brief) pinned through the web app's POST /api/pin: a signed-in fan's, on the
// page's own origin so that the social service's session cookie goes with it. (The store's
// write API is the operator's, on loopback: never the browser's.)
import type { AppContext } from "./app-context";

export function ipfsUrl(gatewayUrl: string, cid: string, filename?: string): string {
  const clean = cid.replace(/^ipfs:\/\//, "").replace(/^\/ipfs\//, "");
  return `${gatewayUrl}/ipfs/${clean}${filename ? `?filename=${encodeURIComponent(filename)}` : ""}`;
}

const jsonCache = new Map<string, Promise<any>>();

/** JSON by CID; content is immutable, so each CID is fetched once per page. */
export function fetchIpfsJson<T = any>(gatewayUrl: string, cid: string): Promise<T> {
  const key = `${gatewayUrl}|${cid}`;
  if (!jsonCache.has(key)) {
    jsonCache.set(key, fetch(ipfsUrl(gatewayUrl, cid)).then(async (r) => {
      if (!r.ok) throw new Error(`IPFS ${cid}: ${r.status}`);
      return r.json();
    }));
    jsonCache.get(key)!.catch(() => jsonCache.delete(key));
  }
  return jsonCache.get(key)!;
}

/** POST /api/pin on the origin of `page` (the app's own). */
export function pinUrl(name: string, page: string = location.href): string {
  return new URL(`api/pin?name=${encodeURIComponent(name)}`, new URL(".", page)).href;
}

/** A refused pin: the web app's own words and status (401: not signed in, 413: too large, 429: too many). */
export class PinError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** Pin a small JSON document through the web app (POST /api/pin, at most 1 MiB, a signed-in fan's);
 * returns its CID. Not signed in (401): `signIn`, when given, then once more. */
export async function pinBytes(bytes: Uint8Array | string, name: string, signIn?: () => Promise<void>): Promise<string> {
  const send = () => fetch(pinUrl(name), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: typeof bytes === "string" ? bytes : new Blob([bytes as BlobPart]),
  });
  let response = await send();
  if (response.status === 401 && signIn) {
    await signIn();
    response = await send();
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).detail ?? text; } catch { /* plain text */ }
    throw new PinError(`pinning failed (${response.status}): ${message}`, response.status);
  }
  return JSON.parse(text).cid as string;
}

/** The sign-in pinBytes asks for: Sign-In with Ethereum with the connected wallet, in the app's
 * one session with the social service (the persona page's sign-in box shows it too). */
export function signInToPin(ctx: AppContext): () => Promise<void> {
  return async () => {
    const { socialSession } = await import("./screens/persona");
    await socialSession(ctx).signIn(ctx.session, { host: location.host, origin: location.origin }, ctx.config.chainId);
  };
}
