// EIP-6963 multi-wallet discovery: every injected wallet announces itself with an event;
// the app keeps one entry per uuid and asks again on start.
import type { Eip6963ProviderDetail } from "./eip1193";

export class WalletDirectory {
  private wallets = new Map<string, Eip6963ProviderDetail>();
  private listeners = new Set<(wallets: Eip6963ProviderDetail[]) => void>();

  /** Record one announcement; a wallet that announces twice is kept once (by uuid). */
  add(detail: Eip6963ProviderDetail): void {
    if (!detail?.info?.uuid || typeof detail.provider?.request !== "function") return;
    this.wallets.set(detail.info.uuid, detail);
    for (const listener of this.listeners) listener(this.list());
  }

  list(): Eip6963ProviderDetail[] {
    return [...this.wallets.values()].sort((a, b) => a.info.name.localeCompare(b.info.name));
  }

  get(uuid: string): Eip6963ProviderDetail | undefined {
    return this.wallets.get(uuid);
  }

  findByRdns(rdns: string): Eip6963ProviderDetail | undefined {
    return this.list().find((w) => w.info.rdns === rdns);
  }

  subscribe(listener: (wallets: Eip6963ProviderDetail[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listen for announcements on `target` (window) and request them. */
  listen(target: EventTarget): () => void {
    const onAnnounce = (event: Event) => this.add((event as CustomEvent<Eip6963ProviderDetail>).detail);
    target.addEventListener("eip6963:announceProvider", onAnnounce);
    target.dispatchEvent(new Event("eip6963:requestProvider"));
    return () => target.removeEventListener("eip6963:announceProvider", onAnnounce);
  }
}

/** Announce a provider the way an extension does (the burner wallet uses this too). */
export function announce(target: EventTarget, detail: Eip6963ProviderDetail): () => void {
  const send = () =>
    target.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ ...detail }) }));
  target.addEventListener("eip6963:requestProvider", send);
  send();
  return () => target.removeEventListener("eip6963:requestProvider", send);
}
