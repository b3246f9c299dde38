// Content on IPFS through the configured gateway (reads) and the project's IPFS API
// (the gateway's Kubo-compatible /api/v0/add, for pinning a new persona spec).

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

/** Pin bytes through /api/v0/add (same origin as the app); returns the CID. */
export async function pinBytes(apiBase: string, bytes: Uint8Array | string, name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([bytes as BlobPart], { type: "application/json" }), name);
  const response = await fetch(`${apiBase}/api/v0/add?pin=true&cid-version=1`, { method: "POST", body: form });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).Message ?? text; } catch { /* plain text */ }
    throw new Error(`pinning failed (${response.status}): ${message}`);
  }
  const last = text.trim().split("\n").pop()!;
  return JSON.parse(last).Hash as string;
}
