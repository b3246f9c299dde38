// Personas gallery: avatar and spec from IPFS, traits, emotional state, reputation with its
// history, engagement with its age, holders (from the event index).
import type { AppContext } from "../app-context";
import { avatarUrl } from "../avatar";
import { lineChart } from "../chart";
import { chainNow } from "../chain";
import { emotionalState } from "../emotion";
import { formatAge, formatCount, formatSentiment, formatUnits, shortAddress } from "../format";
import { fetchEvents } from "../index-api";
import { fetchIpfsJson, ipfsUrl } from "../ipfs";
import { allPersonas, engagement, reputation, type PersonaRecord } from "../reads";
import { clear, h } from "../ui/dom";

export async function personasScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const [personas, now] = await Promise.all([allPersonas(ctx.client), chainNow(ctx.client)]);
  const grid = h("ul", { class: "gallery", "aria-label": "Personas" });
  clear(root, h("h2", null, "Personas"),
    personas.length === 0 ? h("p", { class: "muted" }, "No persona yet: propose one under Governance.") : grid);
  // Cards render as their data arrives; the first paint does not wait for IPFS.
  await Promise.all(personas.map(async (p) => {
    const card = h("li", { class: "card persona", dataset: { personaId: String(p.id) } }, h("h3", null, p.name));
    grid.append(card);
    await fillCard(card, p, ctx, now).catch((err) => card.append(h("p", { class: "error" }, String(err.message ?? err))));
  }));
}

async function fillCard(card: HTMLElement, p: PersonaRecord, ctx: AppContext, now: bigint): Promise<void> {
  const { client, config } = ctx;
  const [spec, rep, eng, history, holders] = await Promise.all([
    fetchIpfsJson(config.gatewayUrl, p.specCid).catch(() => null),
    reputation(client, p.id),
    engagement(client, p.id),
    fetchEvents(config.indexUrl, { contract: "Reputation", persona_id: p.id, order: "asc", limit: 500 }).catch(() => []),
    fetch(`${config.indexUrl}/holders/${p.id}?limit=5`).then((r) => r.json()).then((b) => b.holders as { account: string; balance: string }[]).catch(() => []),
  ]);
  const sentiment = eng.updatedAt > 0n ? Number(eng.sentiment) / 10_000 : null;
  const mood = emotionalState(spec?.emotional_baseline, sentiment);
  const points = history.map((e) => ({ t: e.time, v: Number(e.args.score) }));
  points.push({ t: Number(now), v: Number(rep.score) });
  clear(card,
    h("div", { class: "persona-head" },
      h("img", { class: "avatar", src: avatarUrl(config.gatewayUrl, spec), alt: `${p.name}'s avatar`, width: 72, height: 72 }),
      h("div", null,
        h("h3", null, p.name, p.status !== 1 ? h("span", { class: "badge" }, "retired") : null),
        spec?.narrative?.tagline ? h("p", { class: "tagline" }, spec.narrative.tagline) : null,
        h("a", { href: ipfsUrl(config.gatewayUrl, p.specCid, "persona.json"), class: "muted small" }, "spec on IPFS"))),
    h("section", { "aria-label": "Latest content" },
      h("h4", null, "Latest content"),
      h("p", { class: "muted small", dataset: { testid: "latest-content" } }, "No published content yet.")),
    h("section", { "aria-label": "Traits" },
      h("h4", null, "Traits"),
      h("ul", { class: "traits" }, (spec?.traits ?? []).map((t: any) =>
        h("li", null, h("span", null, t.name), h("meter", { min: 0, max: 1, value: t.intensity, "aria-label": `${t.name} intensity` }))))),
    h("section", { "aria-label": "Emotional state" },
      h("h4", null, "Emotional state"),
      h("p", { dataset: { testid: "emotion" } }, `${mood.label} (valence ${mood.valence.toFixed(2)}, arousal ${mood.arousal.toFixed(2)})`)),
    h("section", { "aria-label": "Reputation" },
      h("h4", null, "Reputation"),
      h("p", { dataset: { testid: "reputation" } }, h("strong", null, `${formatCount(rep.score)}`), " / 10,000 ",
        h("span", { class: "muted small" }, `(engagement ${rep.engagement}, feedback ${rep.feedback})`)),
      lineChart(points, `Reputation history of ${p.name}: ${points.length} points`, 10_000)),
    h("section", { "aria-label": "Engagement" },
      h("h4", null, "Engagement"),
      eng.updatedAt === 0n
        ? h("p", { class: "muted small" }, "No oracle report yet.")
        : h("p", { class: "small" },
            `${formatCount(eng.views)} views · ${formatCount(eng.likes)} likes · ${formatCount(eng.shares)} shares · ` +
            `${formatCount(eng.comments)} comments · sentiment ${formatSentiment(eng.sentiment)} · observed ${formatAge(eng.observedAt, now)}`)),
    h("section", { "aria-label": "Holders" },
      h("h4", null, "Holders"),
      h("ol", { class: "holders small" }, holders.map((x) =>
        h("li", null, h("span", { class: "mono" }, shortAddress(x.account)), ` ${formatUnits(BigInt(x.balance), 18, 0)} shares`)))),
  );
}
