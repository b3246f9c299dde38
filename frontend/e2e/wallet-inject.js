// An injected EIP-1193 wallet for the end-to-end tests, announced through EIP-6963 like a
// browser extension. It signs nothing itself: anvil's dev accounts are unlocked, so it
// forwards transactions and typed-data signatures to the node with `from` = its account.
// It starts on chain 1 (to exercise the wrong-chain banner) and remembers a switch.
(({ rpcUrl, account, startChainId }) => {
  const key = "e2e.wallet.chainId";
  let chainId = sessionStorage.getItem(key) ?? startChainId;
  const listeners = {};
  let id = 1;
  const rpc = async (method, params) => {
    const r = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: id++, method, params }) });
    const body = await r.json();
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
    return body.result;
  };
  const emit = (event, value) => (listeners[event] ?? []).forEach((f) => f(value));
  const provider = {
    async request({ method, params }) {
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [account];
        case "eth_chainId":
          return chainId;
        case "wallet_switchEthereumChain":
          chainId = params[0].chainId;
          sessionStorage.setItem(key, chainId);
          emit("chainChanged", chainId);
          return null;
        case "eth_sendTransaction":
          if (chainId !== "0x7a69") throw Object.assign(new Error("wrong chain"), { code: 4901 });
          return rpc(method, [{ ...params[0], from: account }]);
        default:
          return rpc(method, params ?? []);
      }
    },
    on(event, f) { (listeners[event] ??= []).push(f); },
    removeListener(event, f) { listeners[event] = (listeners[event] ?? []).filter((g) => g !== f); },
  };
  const detail = Object.freeze({ info: { uuid: "e2e-wallet", name: "E2E Wallet", icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E", rdns: "org.fameengine.e2e" }, provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})
