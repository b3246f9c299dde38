// Content: request content for a persona (brief pinned to IPFS, FMC fee, emotion hint),
// follow each request's state, see fulfilled content with its AI-disclosure manifest.
import type { AppContext } from "../app-context";
import { chainNow } from "../chain";
import { cancel, refund, reject, release, requestContent } from "../content-actions";
import { EMOTION_ANY, EMOTIONS, KINDS, emotionName, requestActions, statusName } from "../content-model";
import { formatAge, formatDuration, formatUnits, parseUnits, shortAddress } from "../format";
import { ContentMarket as market } from "../generated/contracts";
import { fetchEvents } from "../index-api";
import { contentView } from "../published-content";
import { allPersonas } from "../reads";
import { clear, errorBox, field, h } from "../ui/dom";

const FLOW = ["Open", "Claimed", "Fulfilled", "Released"];

export async function contentScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const { client, session, config } = ctx;
  const me = session.account;
  const [personas, params, created, now] = await Promise.all([
    allPersonas(client),
    client.readContract({ ...market, functionName: "params" }) as Promise<any>,
    fetchEvents<{ request_id: string }>(config.indexUrl, { contract: "ContentMarket", event: "RequestCreated", limit: 30 }),
    chainNow(client),
  ]);
  const names = new Map(personas.map((p) => [p.id, p.name]));
  const run = (fn: () => Promise<unknown>) => async () => { try { await fn(); ctx.refresh(); } catch { /* the reason stays in the tx list */ } };

  const list = h("ul", { class: "cards requests", "aria-label": "Content requests" });
  await Promise.all(created.map(async (ev) => {
    const id = BigInt(ev.args.request_id);
    const r: any = await client.readContract({ ...market, functionName: "get_request", args: [id] });
    const status = statusName(Number(r.status));
    const can = requestActions({ requester: r.requester, status: Number(r.status), deadline: r.deadline,
                                 claimExpires: r.claim_expires, challengeEnds: r.challenge_ends }, me, now);
    const reason = h("input", { name: "reason", placeholder: "what is wrong", maxLength: 256 });
    list.append(h("li", { class: "card", dataset: { requestId: String(id), status } },
      h("h3", null, `#${id} ${KINDS[Number(r.kind)] ?? "content"} for ${names.get(r.persona_id) ?? `persona #${r.persona_id}`}`),
      h("ol", { class: "flow small", "aria-label": "Request state" }, FLOW.map((s) =>
        h("li", { class: s === status ? "current" : FLOW.indexOf(s) < FLOW.indexOf(status) ? "done" : "",
                  "aria-current": s === status ? "step" : undefined }, s)),
        FLOW.includes(status) ? null : h("li", { class: "current", "aria-current": "step" }, status)),
      h("p", { class: "small" }, `Fee ${formatUnits(r.fee)} FMC · emotion ${emotionName(Number(r.emotion))} · by ${shortAddress(r.requester)}` +
        (r.worker !== "0x0000000000000000000000000000000000000000" ? ` · worker ${shortAddress(r.worker)}` : "") +
        ` · deadline ${formatAge(r.deadline, now)}`),
      status === "Fulfilled" ? h("p", { class: "small" }, now < r.challenge_ends
        ? `Challenge window ends in ${formatDuration(r.challenge_ends - now)}` : "Challenge window over: anyone may release the fee") : null,
      r.content_cid ? contentView(config.gatewayUrl, r.content_cid, r.manifest_cid) : null,
      me ? h("div", { class: "actions" },
        can.release ? h("button", { type: "button", onclick: run(() => release(ctx, id)) }, "Release fee") : null,
        can.reject ? h("form", { class: "inline", onsubmit: (e: Event) => { e.preventDefault(); void run(() => reject(ctx, id, reason.value))(); } },
          field("Reject with reason", reason), h("button", { type: "submit", class: "secondary" }, "Reject")) : null,
        can.cancel ? h("button", { type: "button", class: "secondary", onclick: run(() => cancel(ctx, id)) }, "Cancel") : null,
        can.refund ? h("button", { type: "button", onclick: run(() => refund(ctx, id)) }, "Refund") : null) : null,
    ));
  }));
  const sorted = [...list.children].sort((a, b) => Number((b as HTMLElement).dataset.requestId) - Number((a as HTMLElement).dataset.requestId));
  list.replaceChildren(...sorted);

  clear(root,
    h("h2", null, "Content"),
    me ? requestForm(ctx, personas, params.min_fee, now) : h("p", null, h("a", { href: "#/wallet" }, "Connect a wallet"), " to request content."),
    h("h3", null, "Requests"),
    created.length ? list : h("p", { class: "muted" }, "No request yet."));
}

function requestForm(ctx: AppContext, personas: { id: bigint; name: string }[], minFee: bigint, now: bigint): HTMLElement {
  const persona = h("select", { name: "persona" }, personas.map((p) => h("option", { value: String(p.id) }, `#${p.id} ${p.name}`)));
  const kind = h("select", { name: "kind" }, KINDS.map((k, i) => h("option", { value: String(i) }, k)));
  const emotion = h("select", { name: "emotion" }, h("option", { value: String(EMOTION_ANY) }, "any (the persona's emotion engine chooses)"),
    EMOTIONS.map((e, i) => h("option", { value: String(i) }, e)));
  const brief = h("textarea", { name: "brief", required: true, maxLength: 1000, rows: 2, placeholder: "What should the persona make?" });
  const fee = h("input", { name: "fee", inputMode: "decimal", required: true, value: formatUnits(minFee > 10n ** 19n ? minFee : 10n ** 19n) });
  const days = h("input", { name: "days", type: "number", min: 1, max: 90, value: "1" });
  const out = h("div", { "aria-live": "polite" });
  return h("form", { class: "card", "aria-labelledby": "request-title", onsubmit: async (e: Event) => {
      e.preventDefault();
      clear(out);
      try {
        const value = parseUnits(fee.value);
        const cid = await requestContent(ctx, { personaId: BigInt(persona.value), kind: Number(kind.value), emotion: Number(emotion.value),
          brief: brief.value, fee: value, deadline: now + BigInt(Number(days.value) * 86400) });
        out.append(h("p", { class: "small" }, `Brief pinned: ${cid}`));
        ctx.refresh();
      } catch (err) {
        out.append(errorBox(err));
      }
    } },
    h("h3", { id: "request-title" }, "Request content"),
    h("div", { class: "form-grid" }, field("Persona", persona), field("Kind", kind), field("Emotion hint", emotion),
      field("Brief", brief, "pinned to IPFS; the worker reads it"), field("Fee (FMC)", fee, `at least ${formatUnits(minFee)} FMC, held in escrow`),
      field("Deadline (days)", days)),
    h("button", { type: "submit" }, "Pin brief and request"),
    out);
}
