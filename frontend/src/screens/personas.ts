// Personas gallery: avatar and spec from IPFS, traits, emotional state, reputation with its
// history, engagement with its age, holders (from the event index); each card leads to the
// persona's own page (screens/persona.ts: its feed, comments, follows, ratings).
import type { AppContext } from "../app-context";
import { avatarUrl } from "../avatar";
import { lineChart } from "../chart";
import { chainNow } from "../chain";
import { emotionalState } from "../emotion";
import { formatAge, formatCount, formatSentiment, formatUnits, shortAddress } from "../format";
import { fetchEvents } from "../index-api";
import { fetchIpfsJson, ipfsUrl } from "../ipfs";
import { contentView } from "../published-content";
import { engagement, persona, personaCount, reputation } from "../reads";
import { clear, h } from "../ui/dom";

export async function personasScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  performance.mark("fame:gallery-start");
  const [count, now] = await Promise.all([personaCount(ctx.client), chainNow(ctx.client)]);
  performance.mark("fame:gallery-count");
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1));
  const grid = h("ul", { class: "gallery", "aria-label": "Personas" });
  clear(root, h("h2", null, "Personas"),
    ids.length === 0 ? h("p", { class: "muted" }, "No persona yet: propose one under Governance.") : grid);
  // Every card's chain reads go out in one batched JSON-RPC call, its index reads alongside;
  // a card shows as soon as they are in and fills in its IPFS spec (avatar, traits) after.
  await Promise.all(ids.map(async (id) => {
    const card = h("li", { class: "card persona", dataset: { personaId: String(id) } }, h("h3", null, `Persona #${id}`));
    grid.append(card);
    try {
      const data = await loadCard(ctx, id);
      renderCard(card, data, null, ctx, now);
      performance.mark(`fame:card-${id}`);
      const [spec, picture] = await Promise.all([
        fetchIpfsJson(ctx.config.gatewayUrl, data.p.specCid).catch(() => null),
        latestPicture(ctx.config.gatewayUrl, data.fulfilled),
      ]);
      if (spec) renderCard(card, data, spec, ctx, now, picture);
    } catch (err: any) {
      card.append(h("p", { class: "error" }, String(err?.message ?? err)));
    }
  }));
  performance.mark("fame:gallery-complete");
}

async function loadCard(ctx: AppContext, id: bigint) {
  const { client, config } = ctx;
  const [p, rep, eng, history, holders, latest] = await Promise.all([
    persona(client, id),
    reputation(client, id),
    engagement(client, id),
    fetchEvents(config.indexUrl, { contract: "Reputation", persona_id: id, order: "asc", limit: 500 }).catch(() => []),
    fetch(`${config.indexUrl}/holders/${id}?limit=5`).then((r) => r.json()).then((b) => b.holders as { account: string; balance: string }[]).catch(() => []),
    fetchEvents<{ content_cid: string; manifest_cid: string }>(config.indexUrl,
      { contract: "ContentMarket", event: "RequestFulfilled", persona_id: id, limit: 10 }).catch(() => []),
  ]);
  return { p, rep, eng, history, holders, latest: latest[0] ?? null, fulfilled: latest };
}

/** The persona's most recent AI-generated picture (its manifest says image/*), or null. */
async function latestPicture(gatewayUrl: string, fulfilled: { args: { content_cid: string; manifest_cid: string } }[]) {
  for (const ev of fulfilled) {
    const manifest: any = await fetchIpfsJson(gatewayUrl, ev.args.manifest_cid).catch(() => null);
    if (String(manifest?.content?.mediaType ?? "").startsWith("image/")) return ipfsUrl(gatewayUrl, ev.args.content_cid);
  }
  return null;
}

function renderCard(card: HTMLElement, d: Awaited<ReturnType<typeof loadCard>>, spec: any, ctx: AppContext, now: bigint,
                    picture: string | null = null): void {
  const { config } = ctx;
  const { p, rep, eng, history, holders, latest } = d;
  const sentiment = eng.updatedAt > 0n ? Number(eng.sentiment) / 10_000 : null;
  const mood = emotionalState(spec?.emotional_baseline, sentiment);
  // Ratings and oracle reports (EngagementReported rows carry the score where the node kept that block's state).
  const points = history.filter((e) => e.args.score != null).map((e) => ({ t: e.time, v: Number(e.args.score) }));
  points.push({ t: Number(now), v: Number(rep.score) });
  clear(card,
    h("div", { class: "persona-head" },
      h("img", { class: "avatar", src: avatarUrl(config.gatewayUrl, spec ?? { name: p.name }, picture), alt: `${p.name}'s avatar`, width: 72, height: 72 }),
      h("div", null,
        h("h3", null, p.name, p.status !== 1 ? h("span", { class: "badge" }, "retired") : null),
        spec?.narrative?.tagline ? h("p", { class: "tagline" }, spec.narrative.tagline) : null,
        h("a", { href: ipfsUrl(config.gatewayUrl, p.specCid, "persona.json"), class: "muted small" }, "spec on IPFS"))),
    h("p", { class: "small" }, h("a", { href: `#/persona/${p.id}`, dataset: { testid: "open-persona" } },
      `${p.name}'s posts: follow, like, comment, rate →`)),
    h("section", { "aria-label": "Latest content" },
      h("h4", null, "Latest content"),
      latest
        ? h("div", { dataset: { testid: "latest-content" } }, contentView(config.gatewayUrl, latest.args.content_cid, latest.args.manifest_cid, true))
        : h("p", { class: "muted small", dataset: { testid: "latest-content" } }, "No published content yet.")),
    h("section", { "aria-label": "Traits" },
      h("h4", null, "Traits"),
      spec ? h("ul", { class: "traits" }, (spec.traits ?? []).map((t: any) =>
        h("li", null, h("span", null, t.name), h("meter", { min: 0, max: 1, value: t.intensity, "aria-label": `${t.name} intensity` }))))
        : h("p", { class: "muted small" }, "Loading the spec from IPFS…")),
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
