// The fan's session with the social service: who is signed in (the HttpOnly cookie is the
// service's to read, so GET /api/auth/me says), and Sign-In with Ethereum with the connected
// wallet: a nonce from the service, the ERC-4361 message, personal_sign, verify. Every step
// is a visible state.
import { getAddress, stringToHex } from "viem";
import type { SocialApi } from "./social-api";
import { SocialError } from "./social-api";
import { requestErrorText } from "./social-model";
import type { WalletSession } from "./wallet/session";

export type SignInStatus = "unknown" | "signed-out" | "nonce" | "signing" | "verifying" | "signed-in" | "signing-out" | "failed";

export interface SignInState {
  status: SignInStatus;
  /** The signed-in account (EIP-55), or null. */
  address: string | null;
  error: string | null;
}

/** What the sign-in box says in each state. */
export function signInText(state: SignInState): string {
  switch (state.status) {
    case "unknown": return "Checking whether you are signed in…";
    case "signed-out": return "Not signed in. Sign in with Ethereum to like, share, comment, follow and rate.";
    case "nonce": return "Asking the social service for a sign-in nonce…";
    case "signing": return "Waiting for your wallet to sign the sign-in message…";
    case "verifying": return "Checking the signature…";
    case "signed-in": return `Signed in as ${state.address}`;
    case "signing-out": return "Signing out…";
    case "failed": return `Sign-in failed: ${state.error}`;
  }
}

export interface Origin { host: string; origin: string }

export class SocialSession {
  state: SignInState = { status: "unknown", address: null, error: null };
  private listeners = new Set<(state: SignInState) => void>();
  private checked: Promise<SignInState> | null = null;

  constructor(readonly api: SocialApi) {}

  get signedIn(): boolean {
    return this.state.status === "signed-in";
  }

  subscribe(listener: (state: SignInState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<SignInState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  /** Ask the service once per page load (again with `force`). */
  check(force = false): Promise<SignInState> {
    if (!this.checked || force) {
      this.checked = this.api.me().then(({ address }) => {
        this.set(address ? { status: "signed-in", address: getAddress(address), error: null } : { status: "signed-out", address: null, error: null });
        return this.state;
      }, (err) => {
        this.set({ status: "signed-out", address: null, error: requestErrorText(err) });
        return this.state;
      });
    }
    return this.checked;
  }

  /** A write answered 401: the session ended (expired, or signed out elsewhere). */
  expired(): void {
    this.set({ status: "signed-out", address: null, error: null });
  }

  async signIn(wallet: WalletSession, where: Origin, chainId: number): Promise<void> {
    const provider = wallet.provider;
    const account = wallet.account;
    if (!provider || !account) {
      this.set({ status: "failed", error: "connect a wallet first" });
      throw new Error("connect a wallet first");
    }
    try {
      this.set({ status: "nonce", error: null });
      const [{ nonce }, { siweMessage }] = await Promise.all([this.api.nonce(), import("./siwe")]);
      // No expiration time: the service ends the session then at the latest, and the nonce
      // (single use, short-lived) already keeps an unsent message from being any use later.
      const message = siweMessage({ address: account, chainId, nonce, domain: where.host, uri: where.origin });
      this.set({ status: "signing" });
      const signature: `0x${string}` = await provider.request({ method: "personal_sign", params: [stringToHex(message), account] });
      this.set({ status: "verifying" });
      const { address } = await this.api.verify(message, signature);
      this.set({ status: "signed-in", address: getAddress(address), error: null });
    } catch (err) {
      this.set({ status: "failed", address: null, error: requestErrorText(err) });
      throw err;
    }
  }

  async signOut(): Promise<void> {
    const before = this.state;
    this.set({ status: "signing-out", error: null });
    try {
      await this.api.logout();
    } catch (err) {
      // Already gone on the service's side is signed out all the same.
      if (!(err instanceof SocialError && err.status === 401)) {
        this.set({ ...before, error: requestErrorText(err) });
        throw err;
      }
    }
    this.set({ status: "signed-out", address: null, error: null });
  }
}
