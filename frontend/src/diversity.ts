// The persona-creation screen's diversity preview: how the spec about to be proposed shifts the
// spread of the approved personas' looks (the web app's /api/audit/spread-shift, which runs the
// same audit as `fame audit diversity`).
import { h } from "./ui/dom";

export interface AxisShift {
  bucket: string;
  share_before: number;
  share_after: number;
  expected: number;
  distance_before: number;
  distance_after: number;
  effect: "more balanced" | "less balanced" | "no change";
}

export interface SpreadShift {
  approved: number;
  skipped: string[];
  portrait: string;
  new: { name: string; skin_measured: { mst: number; hex: string }; mst_group: string; presentation: string; age: string };
  axes: Record<string, AxisShift>;
  flags_before: string[]; // "axis: reason; reason"
  flags_after: string[];
}

export const AXIS_LABELS: Record<string, string> = {
  mst_group: "Skin tone (Monk scale group)",
  presentation: "Gender presentation",
  age: "Apparent age",
};

export async function fetchSpreadShift(gatewayUrl: string, spec: unknown): Promise<SpreadShift> {
  const reply = await fetch(`${gatewayUrl}/api/audit/spread-shift`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(spec),
  });
  const body = await reply.json().catch(() => ({}));
  if (!reply.ok) {
    const problems = Array.isArray(body.problems) ? `: ${body.problems.join("; ")}` : "";
    throw new Error(`${body.detail ?? `the diversity preview failed (HTTP ${reply.status})`}${problems}`);
  }
  return body as SpreadShift;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The audit's flags ("mst_group: chi-square p = ...") with the axes named for people. */
export function flagLines(flags: string[]): string[] {
  return flags.map((flag) => {
    const [axis, ...rest] = flag.split(": ");
    return AXIS_LABELS[axis] ? `${AXIS_LABELS[axis]}: ${rest.join(": ")}` : flag;
  });
}

export function spreadPanel(shift: SpreadShift): HTMLElement {
  const rows = Object.entries(shift.axes).map(([axis, a]) =>
    h("tr", { "data-axis": axis, "data-effect": a.effect },
      h("td", null, AXIS_LABELS[axis] ?? axis),
      h("td", null, a.bucket),
      h("td", null, `${pct(a.share_before)} → ${pct(a.share_after)}`),
      h("td", null, pct(a.expected)),
      h("td", { class: a.effect === "less balanced" ? "error" : "" }, a.effect)));
  const before = flagLines(shift.flags_before), after = flagLines(shift.flags_after);
  return h("section", { class: "card diversity", "data-approved": String(shift.approved), "aria-label": "Diversity preview" },
    h("h4", null, "How this look shifts the spread"),
    h("div", { class: "diversity-body" },
      h("img", { src: shift.portrait, alt: `${shift.new.name} as the avatar rig draws it`, width: 128, height: 128 }),
      h("div", null,
        h("p", { class: "small" }, `Against the ${shift.approved} approved persona${shift.approved === 1 ? "" : "s"}: `
          + `measured skin tone MST ${shift.new.skin_measured.mst} of 10 (${shift.new.mst_group}), `
          + `${shift.new.presentation}, ${shift.new.age}.`),
        h("table", null,
          h("thead", null, h("tr", null, ["axis", "lands in", "share of that bucket", "even share", "effect"].map((c) => h("th", null, c)))),
          h("tbody", null, rows)))),
    h("p", { class: "small", "data-flags-after": String(after.length) },
      after.length ? `Imbalance flagged after adding it: ${after.join("; ")}` : "No axis flagged as imbalanced after adding it.",
      before.length && !after.length ? ` (before: ${before.join("; ")})` : ""),
    shift.skipped.length ? h("p", { class: "small" }, `Not counted: ${shift.skipped.join("; ")}`) : "");
}
