// The burner wallet of the local chain: an EIP-1193 provider backed by one of anvil's
// unlocked dev accounts. anvil signs for those accounts itself, so the provider answers
// account requests locally and forwards everything else (transactions, typed-data
// signatures) to the node. Only offered on chain 31337; never for real funds.
import type { Eip1193Provider } from "./eip1193";

type Listener = (...args: any[]) => void;

export class BurnerProvider implements Eip1193Provider {
  private listeners = new Map<string, Set<Listener>>();
  private nextId = 1;

  private selected: Promise<`0x${string}`> | null = null;

  /** Dev account `index` of the node, asked for on first use (not at page load). */
  constructor(private rpcUrl: string, private index: number, private chainId: number) {}

  private get account(): Promise<`0x${string}`> {
    this.selected ??= this.devAccount(this.index);
    this.selected.catch(() => { this.selected = null; });
    return this.selected;
  }

  private async devAccount(index: number): Promise<`0x${string}`> {
    const accounts: string[] = await rpc(this.rpcUrl, "eth_accounts", [], this.nextId++);
    if (!accounts[index]) throw new Error(`the node has no dev account #${index}`);
    return accounts[index] as `0x${string}`;
  }

  async request({ method, params }: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<any> {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [await this.account];
      case "eth_chainId":
        return "0x" + this.chainId.toString(16);
      case "wallet_switchEthereumChain":
      case "wallet_addEthereumChain":
        return null;
      case "eth_sendTransaction": {
        const [tx] = (params as any[]) ?? [];
        return rpc(this.rpcUrl, method, [{ ...tx, from: await this.account }], this.nextId++);
      }
      default:
        return rpc(this.rpcUrl, method, (params as unknown[]) ?? [], this.nextId++);
    }
  }

  on(event: string, listener: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
  }

  removeListener(event: string, listener: Listener): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Switch to another dev account (the account picker of the burner). */
  async useAccount(index: number): Promise<void> {
    const account = await this.devAccount(index);
    this.index = index;
    this.selected = Promise.resolve(account);
    for (const l of this.listeners.get("accountsChanged") ?? []) l([account]);
  }
}

export async function rpc(url: string, method: string, params: unknown, id: number): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
  });
  const body = await response.json();
  if (body.error) {
    const err: any = new Error(body.error.message);
    err.code = body.error.code;
    err.data = body.error.data;
    throw err;
  }
  return body.result;
}
