// Identity: each persona's did:fame identifier and its DID document, resolved by the
// backend's resolver (GET /1.0/identifiers/{did}).
import type { AppContext } from "../app-context";
import { allPersonas } from "../reads";
import { didDocumentCid } from "../reads-account";
import { clear, h } from "../ui/dom";

export function didOf(chainId: number, personaId: bigint): string {
  return `did:fame:${chainId}:${personaId}`;
}

export async function identityScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const personas = await allPersonas(ctx.client);
  const items = await Promise.all(personas.map(async (p) => {
    const did = didOf(ctx.config.chainId, p.id);
    const cid = await didDocumentCid(ctx.client, p.id);
    let body: any = null;
    if (cid) body = await fetch(`${ctx.config.gatewayUrl}/1.0/identifiers/${encodeURIComponent(did)}`).then((r) => r.json()).catch(() => null);
    return h("li", { class: "card", dataset: { personaId: String(p.id) } },
      h("h3", null, p.name),
      h("p", { class: "mono", dataset: { testid: "did" } }, did),
      !cid ? h("p", { class: "muted" }, "No DID registered yet (a DAO proposal registers it).")
        : h("details", { open: true },
            h("summary", null, `DID document${body?.didDocumentMetadata?.deactivated ? " (deactivated)" : ""}`),
            h("pre", { class: "json", tabIndex: 0, "aria-label": `DID document of ${p.name}` }, JSON.stringify(body?.didDocument ?? body, null, 2))));
  }));
  clear(root, h("h2", null, "Identity"), h("ul", { class: "cards" }, items));
}
