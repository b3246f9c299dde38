// Wallet screen: pick an EIP-6963 wallet (or the local burner), see FMC, votes and
// delegation, delegate votes.
import { isAddress } from "viem";
import type { AppContext } from "../app-context";
import { formatUnits, shortAddress } from "../format";
import { FMC } from "../generated/contracts";
import { allPersonas } from "../reads";
import { delegateOf, fmcBalance, shareBalance, votes } from "../reads-account";
import { sendWrite } from "../tx/send";
import { clear, errorBox, field, h } from "../ui/dom";
import { BurnerProvider } from "../wallet/burner";
import type { WalletDirectory } from "../wallet/eip6963";

const ZERO = "0x0000000000000000000000000000000000000000";

export function walletPicker(ctx: AppContext, directory: WalletDirectory): HTMLElement {
  const box = h("div", { class: "wallet-picker" });
  const render = () => {
    const wallets = directory.list();
    clear(box,
      h("h2", null, "Connect a wallet"),
      wallets.length === 0
        ? h("p", { class: "muted" }, "No browser wallet found. Install one that supports EIP-6963, or use the local burner wallet.")
        : h("ul", { class: "wallet-list" }, wallets.map((w) =>
            h("li", null, h("button", {
              type: "button", class: "wallet-choice", dataset: { rdns: w.info.rdns },
              onclick: async () => {
                try {
                  await ctx.session.connect(w.provider, w.info.name);
                  localStorage.setItem("fame.wallet", w.info.rdns);
                } catch (err) {
                  box.append(errorBox(err));
                }
              },
            }, w.info.icon ? h("img", { src: w.info.icon, alt: "", width: 24, height: 24 }) : null, w.info.name)))),
    );
  };
  directory.subscribe(render);
  render();
  return box;
}

export async function walletScreen(root: HTMLElement, ctx: AppContext, directory: WalletDirectory): Promise<void> {
  const { session, client } = ctx;
  if (!session.connected) {
    clear(root, walletPicker(ctx, directory));
    return;
  }
  const account = session.account!;
  const [balance, myVotes, delegatee, personas] = await Promise.all([
    fmcBalance(client, account), votes(client, account), delegateOf(client, account), allPersonas(client)]);
  const shares = await Promise.all(personas.map(async (p) => ({ p, amount: await shareBalance(client, p.shareToken, account) })));
  const target = h("input", { name: "delegatee", placeholder: "0x… (empty: yourself)", autocomplete: "off" });
  const delegate = async (to: `0x${string}`) => {
    await sendWrite(ctx, `Delegate votes to ${shortAddress(to)}`, { ...FMC, functionName: "delegate", args: [to] });
    ctx.refresh();
  };
  clear(root,
    h("h2", null, "Wallet"),
    h("dl", { class: "facts" },
      h("dt", null, "Account"), h("dd", { class: "mono", dataset: { testid: "account" } }, account),
      h("dt", null, "Wallet"), h("dd", null, session.walletName),
      h("dt", null, "FMC balance"), h("dd", { dataset: { testid: "fmc-balance" } }, `${formatUnits(balance)} FMC`),
      h("dt", null, "Voting power"), h("dd", { dataset: { testid: "votes" } }, `${formatUnits(myVotes)} votes`),
      h("dt", null, "Delegated to"), h("dd", { class: "mono" }, delegatee === ZERO ? "nobody (votes inactive)" : delegatee === account ? "yourself" : delegatee),
      h("dt", null, "Persona shares"), h("dd", { dataset: { testid: "share-balances" } },
        shares.some((s) => s.amount > 0n)
          ? h("ul", { class: "plain" }, shares.filter((s) => s.amount > 0n).map((s) =>
              h("li", null, `${s.p.name}: ${formatUnits(s.amount, 18, 2)} shares`)))
          : "none yet"),
    ),
    h("form", { class: "card", onsubmit: async (e: Event) => {
        e.preventDefault();
        const value = target.value.trim();
        if (value && !isAddress(value)) { target.setCustomValidity("not an address"); target.reportValidity(); return; }
        await delegate((value || account) as `0x${string}`).catch(() => {});
      } },
      h("h3", null, "Delegate votes"),
      field("Delegate to", target, "FMC counts in votes only once delegated; delegate to yourself to vote."),
      h("button", { type: "submit" }, "Delegate"),
    ),
    session.provider instanceof BurnerProvider ? burnerPicker(session.provider) : null,
    h("p", null, h("button", { type: "button", class: "secondary", onclick: () => { localStorage.removeItem("fame.wallet"); session.disconnect(); } }, "Disconnect")),
  );
}

/** The burner's dev account (anvil's #0-#9; #1-#3 hold FMC in the demo). */
function burnerPicker(burner: BurnerProvider): HTMLElement {
  const current = Number(localStorage.getItem("fame.burner") ?? "1");
  const select = h("select", { name: "dev-account", onchange: async () => {
      localStorage.setItem("fame.burner", select.value);
      await burner.useAccount(Number(select.value));
    } }, Array.from({ length: 10 }, (_, i) => h("option", { value: String(i), selected: i === current }, `dev account #${i}`)));
  return h("div", { class: "card" }, h("h3", null, "Burner wallet"),
    field("Account", select, "anvil's unlocked dev accounts: local chain only, never for real funds"));
}
