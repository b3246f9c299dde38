// The persona page's live events (docs/live.md): its events from PersonaEvents (the newest
// ones, soonest first) with their title, time, price, seats left and state, and what the fan
// may do with each: buy a ticket, join the room while the event is live, claim the attendance
// badge after staying long enough, take the refund of a cancelled event. Under them the
// badges: how many the persona's events have minted, and the ones the signed-in fan holds.
// Read again every few seconds while the page is shown (an event goes live on chain time).
import type { AppContext } from "../app-context";
import { chainNow } from "../chain";
import { buyTicket, claimBadge, refundTicket } from "../events-actions";
import {
  attendanceText, eventState, fanActions, liveHref, priceText, seatsText, sortForCalendar, STATE_LABELS, whenText,
  type EventMetadata, type FanView, type LiveEventRecord,
} from "../events-model";
import { formatCount } from "../format";
import { ipfsUrl } from "../ipfs";
import { unlockAudio } from "../live-audio";
import { LiveApi, LiveError } from "../live-api";
import { badgeOf, badgeTokenUri, eventMetadata, hasTicket, personaBadges, personaEvents } from "../reads-events";
import type { SocialSession } from "../social-session";
import { clear, h } from "../ui/dom";

const POLL_MS = 5000;

interface Row {
  event: LiveEventRecord;
  metadata: EventMetadata;
  fan: FanView;
  attendanceRequired: number | null;
}

export function eventsSection(ctx: AppContext, social: SocialSession, persona: { id: number; name: string }): HTMLElement {
  const personaId = BigInt(persona.id);
  const live = new LiveApi(ctx.config.liveUrl);
  const list = h("ol", { class: "plain events", "aria-label": `${persona.name}'s live events`, dataset: { testid: "events" } });
  const note = h("p", { class: "muted small", dataset: { testid: "events-note" } }, "Loading the events…");
  const badgeCount = h("p", { class: "small", dataset: { testid: "persona-badge-count" } });
  const myBadges = h("ul", { class: "plain badges", dataset: { testid: "my-badges", count: "0" } });
  const badgesNote = h("p", { class: "small muted" });
  const rows = new Map<string, { li: HTMLElement; key: string; when: HTMLElement; busy: boolean }>();
  let chainTime = { at: 0n, readAt: 0 };
  const now = () => chainTime.at + BigInt(Math.floor((Date.now() - chainTime.readAt) / 1000));

  const status = (li: HTMLElement) => li.querySelector<HTMLElement>('[data-testid="event-status"]')!;
  // A write's last outcome per event: the row is redrawn after the write (the chain changed), and
  // the fan still reads what happened.
  const outcomes = new Map<string, { state: "sending" | "done" | "failed"; text: string }>();
  const paint = (el: HTMLElement, state: "idle" | "sending" | "done" | "failed", text: string) => {
    el.textContent = text;
    el.dataset.status = state;
    el.className = state === "idle" ? "request small" : `request small request-${state}`;
  };
  const showStatus = (id: string, el: HTMLElement, state: "sending" | "done" | "failed", text: string) => {
    outcomes.set(id, { state, text });
    paint(el, state, text);
  };

  /** One write from a row's button: the row is left alone by the poll while it runs. */
  const act = async (id: string, button: HTMLButtonElement, what: string, write: () => Promise<string>) => {
    const row = rows.get(id);
    if (!row) return;
    row.busy = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const line = status(row.li);
    showStatus(id, line, "sending", `${what}…`);
    try {
      showStatus(id, line, "done", await write());
    } catch (err) {
      const text = err instanceof LiveError
        ? (err.status === 401 ? "Sign in with Ethereum first: the live server knows you by your sign-in." : err.detail)
        : err instanceof Error ? err.message : String(err);
      showStatus(id, line, "failed", text);
    } finally {
      button.removeAttribute("aria-busy");
      row.busy = false;
      row.key = ""; // redrawn with what the chain says now, by a read that starts after the write
      void (reading ?? Promise.resolve()).then(() => read());
    }
  };

  const rowView = (r: Row): { li: HTMLElement; when: HTMLElement } => {
    const { event: e, metadata: m, fan } = r;
    const t = now();
    const state = eventState(e, t);
    const can = fanActions(e, fan, t);
    const id = String(e.id);
    const when = h("span", { dataset: { testid: "event-when" } }, whenText(e, t));
    const buttons: HTMLElement[] = [];
    if (state === "upcoming" || state === "live") {
      const buy = h("button", { type: "button", dataset: { testid: "buy-ticket" }, disabled: !can.buy,
                                title: can.buyBlocked ?? undefined }, `Buy ticket · ${priceText(e.price)}`);
      buy.addEventListener("click", () => void act(id, buy, "Buying the ticket", async () => {
        const how = await buyTicket(ctx, e, m.title);
        return how === "permit" ? "Ticket bought: the FMC permit and the purchase went in one transaction."
          : how === "approve" ? "Ticket bought (the wallet approved FMC first, then bought)." : "Ticket taken (a free event).";
      }));
      if (!fan.ticket) buttons.push(buy);
    }
    if (can.join) {
      buttons.push(h("button", { type: "button", dataset: { testid: "join-room" }, onclick: () => {
        // The Join click is the gesture browsers require before a page may play sound.
        unlockAudio();
        location.hash = liveHref(e.id);
      } }, "Join room"));
    }
    if (can.claimBadge) {
      const claim = h("button", { type: "button", class: state === "live" ? "secondary" : "", dataset: { testid: "claim-badge" } }, "Claim badge");
      claim.addEventListener("click", () => void act(id, claim, "Asking the live server for your attendance voucher", async () => {
        const receipt = await claimBadge(ctx, live, e, m.title);
        return `Badge minted (block ${receipt.blockNumber}): it is soulbound, it stays with this account.`;
      }));
      buttons.push(claim);
    }
    if (can.refund) {
      const refund = h("button", { type: "button", class: "secondary", dataset: { testid: "refund-ticket" } }, `Refund ${priceText(e.price)}`);
      refund.addEventListener("click", () => void act(id, refund, "Refunding the ticket", async () => {
        await refundTicket(ctx, e, m.title);
        return "Refunded: the ticket's price is back in your wallet.";
      }));
      buttons.push(refund);
    }
    const ticketLine = fan.ticket === null
      ? h("p", { class: "small muted", dataset: { testid: "ticket-status", ticket: "unknown" } }, "Connect a wallet to buy a ticket or see yours.")
      : h("p", { class: "small", dataset: { testid: "ticket-status", ticket: String(fan.ticket) } },
          fan.badge && fan.badge > 0n ? `You attended: badge #${fan.badge} is yours.`
            : fan.ticket ? "You hold a ticket." : can.buyBlocked && state !== "cancelled" ? `No ticket (${can.buyBlocked}).` : "No ticket.");
    const attended = fan.attended !== null && r.attendanceRequired !== null
      ? h("p", { class: "small", dataset: { testid: "event-attendance", attended: String(fan.attended) } }, attendanceText(fan.attended, r.attendanceRequired))
      : null;
    const li = h("li", { class: "card event", dataset: { testid: "event", eventId: id, state, ticket: String(fan.ticket === true),
                                                          badge: String(fan.badge ?? 0n) } },
      h("div", { class: "event-head" },
        h("h4", { dataset: { testid: "event-title" } }, m.title),
        h("span", { class: `badge event-state event-${state}`, dataset: { testid: "event-state" } }, STATE_LABELS[state])),
      m.description ? h("p", { class: "small" }, m.description) : null,
      h("p", { class: "small muted" }, when, " · ", h("span", { dataset: { testid: "event-price" } }, priceText(e.price)), " · ",
        h("span", { dataset: { testid: "event-seats" } }, seatsText(e)),
        e.minAttendance > 0n ? ` · the badge needs ${formatCount(e.minAttendance)} s in the room` : ""),
      ticketLine, attended,
      buttons.length ? h("div", { class: "actions" }, buttons) : null,
      h("p", { class: "request small", role: "status", "aria-live": "polite", dataset: { testid: "event-status", status: "idle" } }));
    const outcome = outcomes.get(id);
    if (outcome) paint(status(li), outcome.state, outcome.text);
    return { li, when };
  };

  let reading: Promise<void> | null = null;
  const read = (): Promise<void> => (reading ??= readOnce().finally(() => { reading = null; }));

  async function readOnce(): Promise<void> {
    const account = ctx.session.account;
    const fanAddress = (social.state.status === "signed-in" ? social.state.address : null) as `0x${string}` | null;
    let events: LiveEventRecord[];
    let badges: bigint;
    try {
      const [t, list_, count] = await Promise.all([chainNow(ctx.client), personaEvents(ctx.client, personaId), personaBadges(ctx.client, personaId)]);
      chainTime = { at: t, readAt: Date.now() };
      events = sortForCalendar(list_, t);
      badges = count;
    } catch (err) {
      note.textContent = `The events could not be read: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    badgeCount.dataset.count = String(badges);
    badgeCount.textContent = `${persona.name}'s events have minted ${formatCount(badges)} attendance badge${badges === 1n ? "" : "s"}.`;
    const built: Row[] = await Promise.all(events.map(async (e) => {
      const [metadata, ticket, badge] = await Promise.all([
        eventMetadata(ctx.config.gatewayUrl, e),
        account ? hasTicket(ctx.client, e.id, account).catch(() => null) : Promise.resolve(null),
        account ? badgeOf(ctx.client, e.id, account).catch(() => null) : Promise.resolve(null),
      ]);
      const fan: FanView = { ticket, badge, attended: null };
      let required: number | null = null;
      const state = eventState(e, now());
      // Time in the room matters once the event started, to a ticket holder still without a badge.
      if (fanAddress && ticket && !badge && (state === "live" || state === "ended" || state === "settled")) {
        const a = await live.attendance(e.id).catch(() => null);
        if (a) { fan.attended = a.attended; required = a.required; }
      }
      return { event: e, metadata, fan, attendanceRequired: required };
    }));

    note.textContent = built.length ? "" : `${persona.name} has no live events yet.`;
    const seen = new Set<string>();
    built.forEach((r, i) => {
      const id = String(r.event.id);
      seen.add(id);
      const key = JSON.stringify([eventState(r.event, now()), String(r.event.sold), r.fan.ticket, String(r.fan.badge), r.fan.attended,
                                  r.attendanceRequired, r.metadata.title, account]);
      let row = rows.get(id);
      if (!row) {
        const v = rowView(r);
        row = { li: v.li, when: v.when, key, busy: false };
        rows.set(id, row);
      } else if (!row.busy && row.key !== key) {
        const v = rowView(r);
        row.li.replaceWith(v.li);
        Object.assign(row, { li: v.li, when: v.when, key });
      } else {
        row.when.textContent = whenText(r.event, now());
      }
      if (list.children[i] !== row.li) list.insertBefore(row.li, list.children[i] ?? null);
    });
    for (const [id, row] of rows) if (!seen.has(id) && !row.busy) { row.li.remove(); rows.delete(id); }

    // the signed-in fan's badges of this persona (the wallet's when not signed in)
    const holder = fanAddress ?? account;
    if (!holder) {
      myBadges.dataset.count = "0";
      clear(myBadges);
      badgesNote.textContent = "Sign in (or connect a wallet) to see your badges.";
      return;
    }
    const held = await Promise.all(built.map(async (r) => {
      const id = holder === account ? r.fan.badge : await badgeOf(ctx.client, r.event.id, holder).catch(() => null);
      return id && id > 0n ? { r, id } : null;
    }));
    const mine = held.filter((x): x is { r: Row; id: bigint } => x !== null);
    myBadges.dataset.count = String(mine.length);
    badgesNote.textContent = mine.length ? "" : `No badge of ${persona.name}'s events for ${holder} yet.`;
    const uris = await Promise.all(mine.map((b) => badgeTokenUri(ctx.client, b.id).catch(() => "")));
    clear(myBadges, mine.map((b, i) => h("li", { class: "badge-item", dataset: { testid: "my-badge", eventId: String(b.r.event.id), tokenId: String(b.id) } },
      h("span", { class: "badge holder" }, "attended"), " ", h("strong", null, b.r.metadata.title), ` · badge #${b.id} (soulbound) `,
      uris[i] ? h("a", { href: ipfsUrl(ctx.config.gatewayUrl, uris[i], "metadata.json"), rel: "noopener", target: "_blank" }, "metadata") : null)));
  }

  const section = h("section", { class: "card", "aria-label": "Live events", dataset: { testid: "events-section" } },
    h("h3", null, "Live events"),
    h("p", { class: "small muted" }, `Meet ${persona.name} in a live room: fans with a ticket chat, ask questions it answers with its voice, and earn a soulbound attendance badge.`),
    note, list,
    h("div", { dataset: { testid: "badges" } }, h("h4", null, "Badges"), badgeCount, myBadges, badgesNote));

  void read();
  // Read again while the page is shown: before it is mounted the section is not in the
  // document yet; once it has left (or a newer screen took its place before it was shown), stop.
  const since = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    shown ||= section.isConnected;
    if (section.isConnected) void read();
    else if (shown || Date.now() - since > 30_000) clearInterval(timer);
  }, POLL_MS);
  return section;
}
