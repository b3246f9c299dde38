// The token holders' and fans' app: wallet discovery (EIP-6963 plus the local burner), a hash
// router over the screens, the wrong-chain banner and the transaction list.
import "./style.css";
import type { AppContext, Screen } from "./app-context";
import { appChain, makeReader } from "./chain";
import { loadConfig } from "./config";
import { shortAddress } from "./format";
import { TxTracker, statusText } from "./tx/tracker";
import { clear, errorBox, h, loading } from "./ui/dom";
import { BurnerProvider } from "./wallet/burner";
import { WalletDirectory, announce } from "./wallet/eip6963";
import { WalletSession } from "./wallet/session";
import { personasScreen } from "./screens/personas";

const BURNER_ICON = "data:image/svg+xml," + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="#f2994a"/><text x="12" y="17" font-size="13" text-anchor="middle" fill="#fff">B</text></svg>');

async function boot(): Promise<void> {
  performance.mark("fame:boot");
  const config = await loadConfig();
  performance.mark("fame:config");
  const chain = appChain(config);
  const client = makeReader(config);
  const session = new WalletSession(chain);
  const tracker = new TxTracker();
  const directory = new WalletDirectory();
  const main = document.getElementById("main")!;
  const walletBox = document.getElementById("wallet-status")!;
  const banner = document.getElementById("banner")!;
  const txList = document.getElementById("tx-list")!;

  const ctx: AppContext = { config, client, session, tracker, refresh: () => void route() };

  // The gallery is in the main bundle; every other screen is its own chunk, loaded on first visit.
  const screens: Record<string, Screen> = {
    personas: personasScreen,
    persona: async (root, c) => (await import("./screens/persona")).personaScreen(root, c),
    live: async (root, c) => (await import("./screens/live")).liveScreen(root, c),
    governance: async (root, c) => (await import("./screens/governance")).governanceScreen(root, c),
    ownership: async (root, c) => (await import("./screens/ownership")).ownershipScreen(root, c),
    staking: async (root, c) => (await import("./screens/staking")).stakingScreen(root, c),
    content: async (root, c) => (await import("./screens/content")).contentScreen(root, c),
    identity: async (root, c) => (await import("./screens/identity")).identityScreen(root, c),
    wallet: async (root, c) => (await import("./screens/wallet")).walletScreen(root, c, directory),
  };

  let routeSeq = 0;
  // Routes overlap (a wallet reconnecting at boot starts one while the first is loading): each
  // screen gets a lifetime that ends when a newer one is shown, or at once when a newer route
  // starts before it was shown, so a discarded screen never keeps a room's socket open nor
  // closes the room of the screen that replaced it.
  let shownLife: AbortController | null = null;
  let loadingLife: AbortController | null = null;
  async function route(): Promise<void> {
    const name = location.hash.replace(/^#\/?/, "").split("/")[0] || "personas";
    const screen = screens[name] ?? personasScreen;
    // A persona's own page and its events' rooms sit under the gallery in the navigation.
    const section = name === "persona" || name === "live" ? "personas" : name;
    for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) {
      if (a.getAttribute("href") === `#/${section}`) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    const seq = ++routeSeq;
    loadingLife?.abort();
    const life = (loadingLife = new AbortController());
    const next = h("div", { class: "screen", dataset: { screen: name } });
    if (!main.firstElementChild || main.firstElementChild.getAttribute("data-screen") !== name) clear(main, loading(name));
    try {
      await screen(next, { ...ctx, signal: life.signal });
    } catch (err) {
      next.append(errorBox(err));
    }
    if (seq === routeSeq) {
      shownLife?.abort();
      shownLife = life;
      loadingLife = null;
      clear(main, next);
      main.setAttribute("aria-busy", "false");
    } else {
      life.abort();
    }
  }

  function renderSession(): void {
    clear(walletBox,
      session.connected
        ? h("a", { href: "#/wallet", class: "account", dataset: { testid: "connected-account" } },
            `${session.walletName}: ${shortAddress(session.account!)}`)
        : h("a", { href: "#/wallet", class: "button", dataset: { testid: "connect" } }, "Connect wallet"));
    clear(banner,
      session.wrongChain
        ? h("div", { class: "warning", role: "alert" },
            `Your wallet is on chain ${session.chainId}; FameEngine is on chain ${chain.id} (${chain.name}). `,
            h("button", { type: "button", onclick: () => session.switchChain().catch((e) => banner.append(errorBox(e))) }, "Switch network"))
        : null);
  }

  tracker.subscribe((entries) => {
    clear(txList, entries.map((e) =>
      h("li", { class: `tx tx-${e.status}`, dataset: { status: e.status } },
        h("strong", null, e.label), " — ", statusText(e),
        e.hash ? h("span", { class: "mono muted" }, ` ${e.hash.slice(0, 10)}…`) : null)));
  });
  session.subscribe(() => { renderSession(); void route(); });
  directory.listen(window);

  // The burner wallet: an anvil dev account, offered on the local chain only.
  if (config.chainId === 31337) {
    const index = Number(localStorage.getItem("fame.burner") ?? "1");
    announce(window, { info: { uuid: "fameengine-burner", name: `Burner wallet (anvil dev #${index})`, icon: BURNER_ICON,
                               rdns: "org.fameengine.burner" }, provider: new BurnerProvider(config.rpcUrl, index, config.chainId) });
  }
  // Reconnect the wallet used last time, without a prompt.
  const saved = localStorage.getItem("fame.wallet");
  const wanted = saved ? directory.findByRdns(saved) : undefined;
  if (wanted) {
    const accounts: string[] = await wanted.provider.request({ method: "eth_accounts" }).catch(() => []);
    if (accounts.length) await session.connect(wanted.provider, wanted.info.name).catch(() => {});
  }
  renderSession();
  window.addEventListener("hashchange", () => void route());
  await route();
  document.body.dataset.ready = "true";
}

boot().catch((err) => {
  document.getElementById("main")!.replaceChildren(errorBox(err));
});
