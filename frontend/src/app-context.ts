// What every screen gets: config, chain reads, the wallet session and the tx tracker.
import type { Reader } from "./chain";
import type { AppConfig } from "./config";
import type { TxTracker } from "./tx/tracker";
import type { WalletSession } from "./wallet/session";
import type { TxContext } from "./tx/send";

export interface AppContext extends TxContext {
  config: AppConfig;
  client: Reader;
  session: WalletSession;
  tracker: TxTracker;
  /** Re-render the current screen (after a transaction or an account change). */
  refresh(): void;
}

/** What the router gives one screen: the app's context and the screen's lifetime, aborted when
 * a newer route takes its place, whether it was shown or still loading (what it opened, a
 * room's socket say, closes then). */
export interface ScreenContext extends AppContext {
  signal: AbortSignal;
}

export type Screen = (root: HTMLElement, ctx: ScreenContext) => Promise<void>;
