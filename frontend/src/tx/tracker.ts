// Visible transaction states: every write appears in a live region as pending, then
// confirmed (with its block) or failed (with the decoded revert reason).

export type TxStatus = "signing" | "pending" | "confirmed" | "failed";

export interface TxEntry {
  id: number;
  label: string;
  status: TxStatus;
  hash?: `0x${string}`;
  block?: bigint;
  error?: string;
}

export class TxTracker {
  entries: TxEntry[] = [];
  private nextId = 1;
  private listeners = new Set<(entries: TxEntry[]) => void>();

  start(label: string): TxEntry {
    const entry: TxEntry = { id: this.nextId++, label, status: "signing" };
    this.entries = [entry, ...this.entries].slice(0, 20);
    this.emit();
    return entry;
  }

  update(entry: TxEntry, patch: Partial<TxEntry>): void {
    Object.assign(entry, patch);
    this.emit();
  }

  subscribe(listener: (entries: TxEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.entries);
  }
}

export function statusText(entry: TxEntry): string {
  switch (entry.status) {
    case "signing":
      return "waiting for the wallet";
    case "pending":
      return "pending";
    case "confirmed":
      return `confirmed in block ${entry.block}`;
    case "failed":
      return `failed: ${entry.error}`;
  }
}
