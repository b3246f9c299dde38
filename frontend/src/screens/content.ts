// Content: what each persona has published on IPFS. Content requests (fee, emotion hint,
// fulfilment state) wait for the content market contract; the manifest has none yet.
import type { AppContext } from "../app-context";
import { contractNames } from "../generated/contracts";
import { fetchIpfsJson, ipfsUrl } from "../ipfs";
import { allPersonas } from "../reads";
import { clear, h } from "../ui/dom";

export const contentMarketDeployed = contractNames.includes("ContentMarket");

export async function contentScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const personas = await allPersonas(ctx.client);
  const cards = await Promise.all(personas.map(async (p) => {
    const spec = await fetchIpfsJson(ctx.config.gatewayUrl, p.specCid).catch(() => null);
    const refs: string[] = spec?.visual_style?.reference_images ?? [];
    return h("li", { class: "card", dataset: { personaId: String(p.id) } },
      h("h3", null, p.name),
      refs.length ? h("div", { class: "thumbs" }, refs.map((cid) => h("img", { src: ipfsUrl(ctx.config.gatewayUrl, cid), alt: `${p.name} reference image`, loading: "lazy", width: 96, height: 96 })))
        : h("p", { class: "muted small" }, "No published content yet."),
      h("p", { class: "small" }, h("a", { href: ipfsUrl(ctx.config.gatewayUrl, p.specCid, "persona.json") }, "Persona spec"), ` (${p.specCid})`));
  }));
  clear(root,
    h("h2", null, "Content"),
    contentMarketDeployed ? null : h("p", { class: "muted", role: "note" },
      "Content requests open when the content market contract is deployed."),
    h("ul", { class: "cards" }, cards));
}
