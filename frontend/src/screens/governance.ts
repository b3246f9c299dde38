// Governance: proposals (from the event index) with their state and countdown, and the
// actions each state allows; the create-a-persona form.
import type { AppContext } from "../app-context";
import { chainNow } from "../chain";
import { formatBps, formatDuration, formatUnits, parseUnits, shortAddress } from "../format";
import { daoParams, FameGovernor as governor, PersonaLaunchpad as launchpad } from "../generated/contracts";
import { castVote, claimShares, contribute, execute, proposePersona, queue, refund, type ProposalCall } from "../governance-actions";
import { availableActions, CAMPAIGN_PHASES, countdown, stateName } from "../governance-model";
import { fetchEvents } from "../index-api";
import { pinBytes, signInToPin } from "../ipfs";
import { fetchSpreadShift, spreadPanel } from "../diversity";
import { buildSpec, validateSpec } from "../persona-spec";
import { clear, errorBox, field, h } from "../ui/dom";


interface CreatedArgs {
  proposalId: string; proposer: string; targets: string[]; values: string[]; calldatas: string[];
  voteStart: string; voteEnd: string; description: string;
}

export async function governanceScreen(root: HTMLElement, ctx: AppContext): Promise<void> {
  const { client, config, session } = ctx;
  const [created, now] = await Promise.all([
    fetchEvents<CreatedArgs>(config.indexUrl, { contract: "FameGovernor", event: "ProposalCreated", limit: 50 }),
    chainNow(client),
  ]);
  const me = session.account;
  const list = h("ul", { class: "proposals", "aria-label": "Proposals" });
  clear(root,
    h("h2", null, "Governance"),
    h("p", { class: "muted small" },
      `Voting starts ${formatDuration(daoParams.voting_delay ?? 0)} after a proposal and lasts ${formatDuration(daoParams.voting_period ?? 0)}; ` +
      `the timelock waits ${formatDuration(daoParams.timelock_delay ?? 0)}. Chain time: ${new Date(Number(now) * 1000).toISOString().slice(0, 16)}Z.`),
    created.length ? list : h("p", { class: "muted" }, "No proposal yet."),
    proposeForm(ctx));

  await Promise.all(created.map(async (ev) => {
    const a = ev.args;
    const id = BigInt(a.proposalId);
    const call: ProposalCall = { targets: a.targets as `0x${string}`[], values: a.values.map(BigInt),
                                 calldatas: a.calldatas as `0x${string}`[], description: a.description };
    const [stateNum, tally, eta, campaignId, voted] = await Promise.all([
      client.readContract({ ...governor, functionName: "state", args: [id] }) as Promise<number>,
      client.readContract({ ...governor, functionName: "proposalVotes", args: [id] }) as Promise<readonly [bigint, bigint, bigint]>,
      client.readContract({ ...governor, functionName: "proposalEta", args: [id] }) as Promise<bigint>,
      client.readContract({ ...launchpad, functionName: "campaign_of_proposal", args: [id] }) as Promise<bigint>,
      me ? client.readContract({ ...governor, functionName: "hasVoted", args: [id, me] }) as Promise<boolean> : Promise.resolve(false),
    ]);
    const state = stateName(Number(stateNum));
    let phase = 0, campaign: any = null, mine = 0n, shares = 0n;
    if (campaignId > 0n) {
      [phase, campaign, mine, shares] = await Promise.all([
        client.readContract({ ...launchpad, functionName: "campaign_state", args: [campaignId] }).then(Number),
        client.readContract({ ...launchpad, functionName: "campaign", args: [campaignId] }),
        me ? client.readContract({ ...launchpad, functionName: "contribution_of", args: [campaignId, me] }) as Promise<bigint> : Promise.resolve(0n),
        me ? client.readContract({ ...launchpad, functionName: "claimable_shares", args: [campaignId, me] }) as Promise<bigint> : Promise.resolve(0n),
      ]);
    }
    const timing = countdown({ state, voteStart: BigInt(a.voteStart), voteEnd: BigInt(a.voteEnd), eta }, now);
    const can = availableActions(state, phase, voted, mine, eta, now, shares);
    const run = (fn: () => Promise<unknown>) => async () => { try { await fn(); ctx.refresh(); } catch { /* the failure and its reason stay in the tx list; the form keeps its input */ } };
    const amount = h("input", { name: "amount", inputMode: "decimal", placeholder: "1,000", required: true, autocomplete: "off" });
    const title = a.description.split("\n")[0];
    list.append(h("li", { class: "card proposal", dataset: { proposalId: a.proposalId, state } },
      h("h3", null, title),
      h("p", { class: "small" },
        h("span", { class: `badge state-${state.toLowerCase()}`, dataset: { testid: "proposal-state" } }, state),
        timing ? ` ${timing.label} ${formatDuration(timing.seconds)}` : "",
        ` · by ${shortAddress(a.proposer)} · #${a.proposalId.slice(0, 8)}…`),
      h("p", { class: "small tally" }, `For ${formatUnits(tally[1], 18, 0)} · Against ${formatUnits(tally[0], 18, 0)} · Abstain ${formatUnits(tally[2], 18, 0)}`,
        voted ? " · you voted" : ""),
      campaign ? h("p", { class: "small", dataset: { testid: "campaign" } },
        `Campaign #${campaignId} (${CAMPAIGN_PHASES[phase]}): raised ${formatUnits(campaign.raised, 18, 0)} of ${formatUnits(campaign.funding_goal, 18, 0)} FMC` +
        ` · creator ${formatBps(campaign.creator_allocation_bps)} · yours ${formatUnits(mine)} FMC`) : null,
      !me ? h("p", { class: "muted small" }, h("a", { href: "#/wallet" }, "Connect a wallet"), " to act.") :
      h("div", { class: "actions" },
        can.vote ? h("div", { role: "group", "aria-label": "Vote" },
          (["For", "Against", "Abstain"] as const).map((s) =>
            h("button", { type: "button", onclick: run(() => castVote(ctx, id, s)) }, `Vote ${s}`))) : null,
        can.contribute ? h("form", { class: "inline", onsubmit: (e: Event) => { e.preventDefault();
            let value: bigint; try { value = parseUnits(amount.value); } catch (err) { amount.setCustomValidity(String((err as Error).message)); amount.reportValidity(); return; }
            void run(() => contribute(ctx, campaignId, value))(); } },
          field("Contribute FMC", amount), h("button", { type: "submit" }, "Contribute")) : null,
        can.queue ? h("button", { type: "button", onclick: run(() => queue(ctx, call)) }, "Queue") : null,
        can.execute ? h("button", { type: "button", onclick: run(() => execute(ctx, call)) }, "Execute") : null,
        can.claimShares ? h("button", { type: "button", onclick: run(() => claimShares(ctx, campaignId)) }, `Claim ${formatUnits(shares, 18, 0)} shares`) : null,
        can.refund ? h("button", { type: "button", onclick: run(() => refund(ctx, campaignId)) }, "Withdraw contribution") : null,
      ),
    ));
  }));
}

function proposeForm(ctx: AppContext): HTMLElement {
  const name = h("input", { name: "name", required: true, maxLength: 64, autocomplete: "off" });
  const symbol = h("input", { name: "symbol", required: true, maxLength: 5, pattern: "[A-Z0-9]{1,5}", autocomplete: "off" });
  const handle = h("input", { name: "handle", pattern: "[a-z0-9_]{3,30}", autocomplete: "off" });
  const tagline = h("input", { name: "tagline", maxLength: 140 });
  const backstory = h("textarea", { name: "backstory", required: true, rows: 3 });
  const traits = h("input", { name: "traits", required: true, placeholder: "curious:0.9, witty:0.6" });
  const artStyle = h("select", { name: "art_style" },
    ["illustration", "anime", "cartoon", "3d_render", "photorealistic", "painterly", "pixel_art", "other"].map((s) => h("option", { value: s }, s)));
  const look = h("textarea", { name: "look", required: true, rows: 2 });
  const palette = h("input", { name: "palette", placeholder: "#1FB5A8 #F2C14E" });
  const valence = h("input", { name: "valence", type: "number", min: -1, max: 1, step: 0.1, value: "0.5" });
  const arousal = h("input", { name: "arousal", type: "number", min: 0, max: 1, step: 0.1, value: "0.4" });
  const goal = h("input", { name: "goal", required: true, inputMode: "decimal", value: "10000" });
  const creatorBps = h("input", { name: "creator_bps", type: "number", min: 0, max: 10000, value: "500" });
  const out = h("div", { "aria-live": "polite" });
  const preview = h("div", { "aria-live": "polite", class: "diversity-preview" });
  const currentSpec = () => buildSpec({ name: name.value, handle: handle.value, tagline: tagline.value, backstory: backstory.value,
    traits: traits.value, artStyle: artStyle.value, look: look.value, palette: palette.value,
    valence: Number(valence.value), arousal: Number(arousal.value) });
  const schemaProblems = (spec: Record<string, unknown>, where: HTMLElement): boolean => {
    const problems = validateSpec(spec);
    if (problems.length) {
      clear(where, h("div", { class: "error", role: "alert" }, h("p", null, "The persona spec does not follow the schema:"),
        h("ul", null, problems.map((p) => h("li", null, p)))));
    }
    return problems.length > 0;
  };
  // Before anything is pinned: the look the rig gives this spec and how it moves the approved
  // personas' spread of skin tone, gender presentation and age (the diversity audit).
  const previewButton = h("button", { type: "button", class: "secondary", onclick: async () => {
      const spec = currentSpec();
      clear(out);
      if (schemaProblems(spec, preview)) return;
      clear(preview, h("p", { class: "small" }, "Drawing the look and auditing the spread…"));
      try {
        clear(preview, spreadPanel(await fetchSpreadShift(ctx.config.gatewayUrl, spec)));
      } catch (err) {
        clear(preview, errorBox(err));
      }
    } }, "Preview look and diversity");
  const form = h("form", { class: "card", "aria-labelledby": "propose-title", onsubmit: async (e: Event) => {
      e.preventDefault();
      clear(out);
      const spec = currentSpec();
      if (schemaProblems(spec, out)) return;
      try {
        const cid = await pinBytes(JSON.stringify(spec, null, 2), "persona.json", signInToPin(ctx));
        clear(out, h("p", { class: "small" }, `Spec pinned: ${cid}`));
        await proposePersona(ctx, { name: name.value.trim(), symbol: symbol.value.trim(), specCid: cid, goal: parseUnits(goal.value),
          creatorBps: BigInt(creatorBps.value || "0"), description: `Create ${name.value.trim()}${tagline.value ? `: ${tagline.value.trim()}` : ""}` });
        ctx.refresh();
      } catch (err) {
        out.append(errorBox(err));
      }
    } },
    h("h3", { id: "propose-title" }, "Propose a persona"),
    h("div", { class: "form-grid" },
      field("Name", name), field("Share symbol", symbol, "1-5 capitals"), field("Handle", handle, "optional, a-z 0-9 _"),
      field("Tagline", tagline), field("Backstory", backstory), field("Traits", traits, "name:intensity (0-1), comma-separated"),
      field("Art style", artStyle), field("Look", look), field("Palette", palette, "optional #RRGGBB colours"),
      field("Valence", valence, "-1 (negative) to 1 (positive)"), field("Arousal", arousal, "0 (calm) to 1 (excited)"),
      field("Funding goal (FMC)", goal), field("Creator allocation (bps)", creatorBps, `at most ${daoParams.max_creator_allocation_bps ?? "?"}`)),
    h("div", { class: "actions" }, previewButton,
      h("button", { type: "submit", disabled: !ctx.session.connected }, "Validate, pin and propose")),
    preview, out);
  return form;
}
