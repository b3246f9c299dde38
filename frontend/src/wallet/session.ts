// The connected wallet: which EIP-1193 provider, which account, which chain.
// (Transactions go through it from tx/send.ts, loaded with the first screen that writes.)
import type { Chain } from "viem";
import type { Eip1193Provider } from "./eip1193";

export type SessionListener = (session: WalletSession) => void;

export class WalletSession {
  provider: Eip1193Provider | null = null;
  walletName = "";
  account: `0x${string}` | null = null;
  chainId: number | null = null;
  private listeners = new Set<SessionListener>();
  private unbind: (() => void) | null = null;

  constructor(public chain: Chain) {}

  get connected(): boolean {
    return this.account !== null;
  }

  /** Connected but on another chain than the deployment's. */
  get wrongChain(): boolean {
    return this.connected && this.chainId !== this.chain.id;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l(this);
  }

  async connect(provider: Eip1193Provider, walletName: string): Promise<void> {
    this.unbind?.();
    const accounts: string[] = await provider.request({ method: "eth_requestAccounts" });
    if (!accounts?.length) throw new Error(`${walletName} shared no account`);
    this.provider = provider;
    this.walletName = walletName;
    this.account = accounts[0] as `0x${string}`;
    this.chainId = Number(await provider.request({ method: "eth_chainId" }));
    const onAccounts = (next: string[]) => {
      this.account = (next?.[0] as `0x${string}`) ?? null;
      if (!this.account) this.provider = null;
      this.emit();
    };
    const onChain = (id: string) => {
      this.chainId = Number(id);
      this.emit();
    };
    provider.on?.("accountsChanged", onAccounts);
    provider.on?.("chainChanged", onChain);
    this.unbind = () => {
      provider.removeListener?.("accountsChanged", onAccounts);
      provider.removeListener?.("chainChanged", onChain);
    };
    this.emit();
  }

  disconnect(): void {
    this.unbind?.();
    this.provider = null;
    this.account = null;
    this.chainId = null;
    this.walletName = "";
    this.emit();
  }

  /** Ask the wallet to switch to the deployment's chain, adding it first if it is unknown. */
  async switchChain(): Promise<void> {
    if (!this.provider) throw new Error("connect a wallet first");
    const hexId = "0x" + this.chain.id.toString(16);
    try {
      await this.provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hexId }] });
    } catch (err: any) {
      if (err?.code !== 4902) throw err;
      await this.provider.request({
        method: "wallet_addEthereumChain",
        params: [{ chainId: hexId, chainName: this.chain.name, nativeCurrency: this.chain.nativeCurrency,
                   rpcUrls: this.chain.rpcUrls.default.http }],
      });
    }
    this.chainId = Number(await this.provider.request({ method: "eth_chainId" }));
    this.emit();
  }

  /** The provider and account to send with; throws when there is none or it is on another chain. */
  signer(): { provider: Eip1193Provider; account: `0x${string}` } {
    if (!this.provider || !this.account) throw new Error("connect a wallet first");
    if (this.wrongChain) throw new Error(`switch the wallet to chain ${this.chain.id} first`);
    return { provider: this.provider, account: this.account };
  }
}
