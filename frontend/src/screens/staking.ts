// Staking: stake FMC on a persona with a lock option (its multiplier shown), positions
// with unlock dates, claim rewards, withdraw after unlock.
import type { AppContext } from "../app-context";
import { chainNow } from "../chain";
import { formatAge, formatDate, formatDuration, formatMultiplier, formatUnits, parseUnits } from "../format";
import { FMC as fmc, PersonaStaking as staking } from "../generated/contracts";
import { allPersonas } from "../reads";
import { canClaim, canWithdraw, type PositionView } from "../staking-model";
import { sendWrite } from "../tx/send";
import { clear, field, h } from "../ui/dom";


export async function stakingScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const { client, session } = ctx;
  const me = session.account;
  const [personas, optionCount, now] = await Promise.all([
    allPersonas(client),
    client.readContract({ ...staking, functionName: "lock_option_count" }) as Promise<bigint>,
    chainNow(client),
  ]);
  const options = await Promise.all(Array.from({ length: Number(optionCount) }, (_, i) =>
    client.readContract({ ...staking, functionName: "lock_option", args: [BigInt(i)] }) as Promise<any>));
  let positions: PositionView[] = [];
  if (me) {
    const count = (await client.readContract({ ...staking, functionName: "position_count_of", args: [me] })) as bigint;
    const ids = await Promise.all(Array.from({ length: Number(count) }, (_, i) =>
      client.readContract({ ...staking, functionName: "position_of_owner_by_index", args: [me, BigInt(i)] }) as Promise<bigint>));
    positions = await Promise.all(ids.map(async (id) => {
      const [pos, pending] = await Promise.all([
        client.readContract({ ...staking, functionName: "position", args: [id] }) as Promise<any>,
        client.readContract({ ...staking, functionName: "pending", args: [id] }) as Promise<bigint>,
      ]);
      return { id, personaId: pos.persona_id, amount: pos.amount, multiplierBps: pos.multiplier_bps, unlockAt: pos.unlock_at, pending };
    }));
  }
  const run = (fn: () => Promise<unknown>) => async () => { try { await fn(); ctx.refresh(); } catch { /* the failure and its reason stay in the tx list; the form keeps its input */ } };
  const personaSelect = h("select", { name: "persona" }, personas.map((p) => h("option", { value: String(p.id) }, `#${p.id} ${p.name}`)));
  const lockSelect = h("select", { name: "lock" }, options.map((o, i) => o.enabled
    ? h("option", { value: String(i) }, `${formatDuration(o.duration)} lock · ${formatMultiplier(o.multiplier_bps)} weight`) : null));
  const amount = h("input", { name: "amount", inputMode: "decimal", required: true, placeholder: "1,000" });
  const stake = async (personaId: bigint, value: bigint, lock: bigint) => {
    const allowance = (await client.readContract({ ...fmc, functionName: "allowance", args: [me!, staking.address] })) as bigint;
    if (allowance < value) await sendWrite(ctx, "Approve FMC for staking", { ...fmc, functionName: "approve", args: [staking.address, value] });
    await sendWrite(ctx, `Stake ${formatUnits(value)} FMC on persona #${personaId}`, { ...staking, functionName: "stake", args: [personaId, value, lock] });
  };
  clear(root,
    h("h2", null, "Staking"),
    me ? h("form", { class: "card", "aria-labelledby": "stake-title", onsubmit: (e: Event) => {
        e.preventDefault();
        let value: bigint;
        try { value = parseUnits(amount.value); } catch (err) { amount.setCustomValidity((err as Error).message); amount.reportValidity(); return; }
        void run(() => stake(BigInt(personaSelect.value), value, BigInt(lockSelect.value)))();
      } },
      h("h3", { id: "stake-title" }, "Stake FMC"),
      h("div", { class: "form-grid" }, field("Persona", personaSelect), field("Lock period", lockSelect, "a longer lock weighs more in rewards"),
        field("Amount (FMC)", amount)),
      h("button", { type: "submit" }, "Stake"))
      : h("p", null, h("a", { href: "#/wallet" }, "Connect a wallet"), " to stake."),
    h("h3", null, "My positions"),
    positions.length === 0 ? h("p", { class: "muted" }, "No position.") :
    h("table", { class: "positions" },
      h("thead", null, h("tr", null, ["Position", "Persona", "Staked", "Multiplier", "Unlocks", "Rewards", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, positions.map((p) => h("tr", { dataset: { positionId: String(p.id) } },
        h("td", null, `#${p.id}`), h("td", null, `#${p.personaId}`),
        h("td", { dataset: { testid: "staked" } }, p.amount === 0n ? "withdrawn" : `${formatUnits(p.amount)} FMC`),
        h("td", null, formatMultiplier(p.multiplierBps)),
        h("td", null, `${formatDate(p.unlockAt)} (${formatAge(p.unlockAt, now)})`),
        h("td", null, `${formatUnits(p.pending)} FMC`),
        h("td", { class: "actions" },
          h("button", { type: "button", disabled: !canClaim(p), onclick: run(() => sendWrite(ctx, `Claim rewards of position #${p.id}`, { ...staking, functionName: "claim", args: [p.id] })) }, "Claim rewards"),
          h("button", { type: "button", disabled: !canWithdraw(p, now), onclick: run(() => sendWrite(ctx, `Withdraw position #${p.id}`, { ...staking, functionName: "withdraw", args: [p.id] })) }, "Withdraw"))))),
    ),
  );
}
