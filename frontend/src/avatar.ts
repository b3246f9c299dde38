// A persona's avatar: its spec's first reference image on IPFS, else its latest AI-generated
// picture on IPFS, else a badge drawn in its palette.
import { ipfsUrl } from "./ipfs";

export function avatarUrl(gatewayUrl: string, spec: any, latestPicture: string | null = null): string {
  const ref = spec?.visual_style?.reference_images?.[0];
  if (ref) return ipfsUrl(gatewayUrl, ref);
  if (latestPicture) return latestPicture;
  const palette: string[] = spec?.visual_style?.palette ?? ["#6C63FF", "#F2C14E", "#2D3047"];
  const [a, b = a, ink = "#222"] = palette;
  const initials = String(spec?.name ?? "?").split(/\s+/).map((w) => w[0] ?? "").join("").slice(0, 2).toUpperCase();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>` +
    `<rect width="96" height="96" rx="48" fill="url(#g)"/><text x="48" y="60" font-family="sans-serif" font-size="36" ` +
    `font-weight="700" text-anchor="middle" fill="${ink}">${initials.replace(/[<&>"]/g, "")}</text></svg>`;
  return "data:image/svg+xml," + encodeURIComponent(svg);
}
