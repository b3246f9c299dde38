// Ownership and revenue: my shares per persona, claimable revenue, claim; pay revenue.
import type { AppContext } from "../app-context";
import { formatBps, formatUnits, parseUnits } from "../format";
import { allPersonas } from "../reads";
import { shareBalance, shareSupply } from "../reads-account";
import * as revenue from "../revenue";
import { clear, field, h } from "../ui/dom";

export async function ownershipScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const { client, session } = ctx;
  const me = session.account;
  const [personas, fee] = await Promise.all([allPersonas(client), revenue.revenueFeeBps(client)]);
  const rows = await Promise.all(personas.map(async (p) => {
    const [balance, supply, total, claims] = await Promise.all([
      me ? shareBalance(client, p.shareToken, me) : Promise.resolve(0n),
      shareSupply(client, p.shareToken),
      revenue.totalRevenue(client, p),
      me ? revenue.claimable(client, p, me) : Promise.resolve([]),
    ]);
    return { p, balance, supply, total, claims };
  }));
  const run = (fn: () => Promise<unknown>) => async () => { try { await fn(); ctx.refresh(); } catch { /* the failure and its reason stay in the tx list; the form keeps its input */ } };
  clear(root,
    h("h2", null, "Ownership and revenue"),
    h("p", { class: "muted small" }, "Revenue paid to a persona is split among its share holders pro rata" +
      (fee !== null ? ` (protocol fee ${formatBps(fee)}).` : ".")),
    !me ? h("p", null, h("a", { href: "#/wallet" }, "Connect a wallet"), " to see your shares.") : null,
    h("ul", { class: "cards" }, rows.map(({ p, balance, supply, total, claims }) => {
      const amount = h("input", { name: "revenue", inputMode: "decimal", value: "0.1", required: true });
      return h("li", { class: "card", dataset: { personaId: String(p.id) } },
        h("h3", null, p.name),
        h("dl", { class: "facts" },
          h("dt", null, "My shares"), h("dd", { dataset: { testid: "my-shares" } },
            `${formatUnits(balance, 18, 2)} of ${formatUnits(supply, 18, 0)}` + (supply > 0n ? ` (${formatBps((balance * 10_000n) / supply)})` : "")),
          total !== null ? [h("dt", null, "Revenue received"), h("dd", null, `${formatUnits(total)} ETH`)] : null,
          claims.map((c) => [h("dt", null, `Claimable ${c.symbol}`), h("dd", { dataset: { testid: `claimable-${c.symbol}` } }, formatUnits(c.amount, 18, 6))]),
        ),
        me ? h("div", { class: "actions" },
          claims.map((c) => h("button", { type: "button", disabled: c.amount === 0n, onclick: run(() => revenue.claim(ctx, p, c.asset)) }, `Claim ${c.symbol}`)),
          h("form", { class: "inline", onsubmit: (e: Event) => { e.preventDefault(); void run(() => revenue.payEth(ctx, p, parseUnits(amount.value)))(); } },
            field("Pay revenue (ETH)", amount), h("button", { type: "submit" }, "Pay"))) : null,
      );
    })));
}
