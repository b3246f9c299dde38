import { afterEach, describe, expect, it, vi } from "vitest";
import { BurnerProvider } from "../src/wallet/burner";
import { WalletDirectory, announce } from "../src/wallet/eip6963";
import { WalletSession } from "../src/wallet/session";

const provider = (chain = "0x7a69", account = "0x00000000000000000000000000000000000000aa") => ({
  calls: [] as any[],
  async request(this: any, { method, params }: any) {
    this.calls.push({ method, params });
    if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
    if (method === "eth_chainId") return chain;
    if (method === "wallet_switchEthereumChain") { chain = params[0].chainId; return null; }
    throw new Error("unexpected " + method);
  },
});

describe("EIP-6963 discovery", () => {
  it("keeps one entry per uuid and ignores malformed announcements", () => {
    const target = new EventTarget();
    const dir = new WalletDirectory();
    dir.listen(target);
    const info = { uuid: "u1", name: "Zed", icon: "", rdns: "z.wallet" };
    announce(target, { info, provider: provider() });
    announce(target, { info, provider: provider() });
    announce(target, { info: { ...info, uuid: "u2", name: "Alpha", rdns: "a.wallet" }, provider: provider() });
    target.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: { info: { uuid: "bad" } } }));
    expect(dir.list().map((w) => w.info.name)).toEqual(["Alpha", "Zed"]);
    expect(dir.findByRdns("z.wallet")?.info.uuid).toBe("u1");
  });
  it("answers a later request for providers", () => {
    const target = new EventTarget();
    announce(target, { info: { uuid: "u", name: "Late", icon: "", rdns: "l" }, provider: provider() });
    const dir = new WalletDirectory();
    dir.listen(target); // dispatches eip6963:requestProvider; the wallet announces again
    expect(dir.list()).toHaveLength(1);
  });
});

describe("wallet session", () => {
  const chain = { id: 31337, name: "local", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
                  rpcUrls: { default: { http: ["http://x"] } } } as any;
  it("detects the wrong chain and switches", async () => {
    const s = new WalletSession(chain);
    const p = provider("0x1");
    await s.connect(p, "Test");
    expect(s.wrongChain).toBe(true);
    expect(() => s.signer()).toThrow(/switch/);
    await s.switchChain();
    expect(s.wrongChain).toBe(false);
    expect(p.calls.some((c) => c.method === "wallet_switchEthereumChain" && c.params[0].chainId === "0x7a69")).toBe(true);
  });
  it("forgets the account on disconnect", async () => {
    const s = new WalletSession(chain);
    await s.connect(provider(), "Test");
    expect(s.connected).toBe(true);
    s.disconnect();
    expect(s.connected).toBe(false);
  });
});

describe("burner wallet", () => {
  afterEach(() => vi.unstubAllGlobals());
  it("answers accounts itself and forwards transactions from its dev account", async () => {
    const sent: any[] = [];
    vi.stubGlobal("fetch", async (_url: string, init: any) => {
      const body = JSON.parse(init.body);
      sent.push(body);
      const result = body.method === "eth_accounts" ? ["0xa0", "0xa1"] : "0xhash";
      return { json: async () => ({ jsonrpc: "2.0", id: body.id, result }) };
    });
    const burner = new BurnerProvider("http://rpc", 1, 31337);
    expect(await burner.request({ method: "eth_requestAccounts" })).toEqual(["0xa1"]);
    expect(await burner.request({ method: "eth_chainId" })).toBe("0x7a69");
    expect(await burner.request({ method: "eth_sendTransaction", params: [{ to: "0xb", from: "0xevil" }] })).toBe("0xhash");
    expect(sent.at(-1).params[0]).toEqual({ to: "0xb", from: "0xa1" });
  });
});
