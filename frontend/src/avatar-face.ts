// The face of the persona's avatar in the live room, as numbers (unit-tested in
// test/avatar-face.test.ts): the rig's emotions as FACS action units (ai_worker/avatar/facs.py),
// its speech mouth shapes (ai_worker/avatar/visemes.py), and the weights the 3D and 2D views
// give their brows, lids and mouth, so both views and the persona's videos make the same faces.

export type Expression = Record<string, number>;

export const ACTION_UNITS = ["AU1", "AU2", "AU4", "AU5", "AU6", "AU7", "AU12", "AU15", "AU20", "AU23", "AU25", "AU26", "AU43"] as const;

export const EMOTION_AUS: Record<string, Expression> = {
  joy: { AU6: 0.85, AU12: 1.0, AU25: 0.75, AU26: 0.15 },
  sadness: { AU1: 0.95, AU4: 0.45, AU15: 0.9, AU43: 0.3, AU7: 0.1 },
  anger: { AU4: 1.0, AU5: 0.3, AU7: 0.9, AU23: 0.6, AU15: 0.45, AU20: 0.55, AU25: 0.7 },
  surprise: { AU1: 1.0, AU2: 1.0, AU5: 1.0, AU25: 1.0, AU26: 0.85 },
  calm: { AU12: 0.35, AU6: 0.2, AU43: 0.35 },
  fear: { AU1: 0.9, AU2: 0.55, AU4: 0.6, AU5: 0.9, AU7: 0.2, AU20: 0.95, AU25: 0.9, AU26: 0.35 },
};

/** Every AU of `emotion` at `intensity` (an emotion the rig does not know is a neutral face). */
export function expression(emotion: string, intensity = 1): Expression {
  const k = Math.max(0, Math.min(1, intensity));
  const proto = EMOTION_AUS[emotion.trim().toLowerCase()] ?? {};
  return Object.fromEntries(ACTION_UNITS.map((au) => [au, Math.max(0, Math.min(1, (proto[au] ?? 0) * k))]));
}

/** a morphed toward b by t (0..1), linear per AU (facs.blend). */
export function blend(a: Expression, b: Expression, t: number): Expression {
  const k = Math.max(0, Math.min(1, t));
  return Object.fromEntries(ACTION_UNITS.map((au) => [au, (a[au] ?? 0) + ((b[au] ?? 0) - (a[au] ?? 0)) * k]));
}

/** A viseme's mouth target: open is the jaw in rig units (0 .. ~34), width the lip spread,
 * round/press/tuck 0..1. */
export interface MouthShape { open: number; width: number; round: number; press: number; tuck: number }

const shape = (s: Partial<MouthShape>): MouthShape => ({ open: 0, width: 1, round: 0, press: 0, tuck: 0, ...s });

export const VISEMES: Record<string, MouthShape> = {
  rest: shape({}),
  AI: shape({ open: 30, width: 1.05 }),
  E: shape({ open: 15, width: 1.2 }),
  O: shape({ open: 26, width: 0.68, round: 1.0 }),
  U: shape({ open: 9, width: 0.55, round: 1.0 }),
  WQ: shape({ open: 6, width: 0.6, round: 0.85 }),
  MBP: shape({ open: 0, width: 0.95, press: 1.0 }),
  FV: shape({ open: 5, width: 1.0, tuck: 1.0 }),
  L: shape({ open: 20, width: 1.0 }),
  etc: shape({ open: 9, width: 1.1 }),
};

export function mouthShape(viseme: string): MouthShape {
  return VISEMES[viseme] ?? VISEMES.rest;
}

/** What the views move, each 0..1 unless said: the mouth's morph weights (open, wide, round,
 * smile, frown, press), the brows (inner and outer raise, lower: -1..1 overall), the lids. */
export interface FaceWeights {
  open: number;
  wide: number;
  round: number;
  smile: number;
  frown: number;
  press: number;
  browInner: number;
  browOuter: number;
  eyeOpen: number;
  cheek: number;
}

const clamp01 = (v: number) => Math.max(0, Math.min(1, v));

/** The face for an expression with a speech mouth shape laid over it (weight 0: no speech). */
export function faceWeights(aus: Expression, mouth: MouthShape, speech = 1): FaceWeights {
  const au = (k: string) => aus[k] ?? 0;
  const s = clamp01(speech);
  const jaw = (mouth.open / 34) * s + (au("AU25") * 0.12 + au("AU26") * 0.45) * (1 - s * 0.7);
  return {
    open: clamp01(jaw),
    wide: clamp01(Math.max(0, mouth.width - 1) / 0.2 * s + au("AU20") * 0.6),
    round: clamp01(Math.max(mouth.round, (1 - Math.min(1, mouth.width)) / 0.45) * s),
    smile: clamp01(au("AU12") * (1 - 0.4 * s * mouth.round)),
    frown: clamp01(au("AU15") * 0.9 + au("AU23") * 0.3),
    press: clamp01(mouth.press * s + au("AU23") * 0.5),
    browInner: Math.max(-1, Math.min(1, au("AU1") - au("AU4"))),
    browOuter: Math.max(-1, Math.min(1, au("AU2") - au("AU4") * 0.5)),
    eyeOpen: clamp01(1 - au("AU43") * 0.7 - au("AU7") * 0.3 + au("AU5") * 0.3),
    cheek: clamp01(au("AU6")),
  };
}

/** Moves `current` toward `target` by the share that `dt` seconds of a `rate`/s approach give,
 * so the face eases between shapes at any frame rate. */
export function ease(current: FaceWeights, target: FaceWeights, dt: number, rate = 18): FaceWeights {
  const k = 1 - Math.exp(-rate * Math.max(0, dt));
  const out = { ...current };
  for (const key of Object.keys(target) as (keyof FaceWeights)[]) out[key] = current[key] + (target[key] - current[key]) * k;
  return out;
}

/** A point of the lips' ring for the mouth mesh: `theta` around the mouth (0 at the right
 * corner, counter-clockwise), `ring` 0 inner edge .. 1 outer edge; in units of the mouth's
 * half-width. Each morph target of the 3D mouth is this with one weight at 1. */
export function lipPoint(theta: number, ring: number, w: Partial<FaceWeights>, fullness = 1): [number, number] {
  const open = w.open ?? 0, wide = w.wide ?? 0, round = w.round ?? 0, smile = w.smile ?? 0, frown = w.frown ?? 0, press = w.press ?? 0;
  const c = Math.cos(theta), s = Math.sin(theta);
  const halfWidth = 1 + 0.22 * wide - 0.42 * round;
  const lip = 0.16 * fullness * (1 - 0.45 * press);
  // the opening: an ellipse whose height follows the jaw (rounded lips open more evenly)
  const inner = 0.04 + 0.55 * open + 0.2 * round * open;
  const radiusY = inner + ring * lip * 2;
  const x = c * (halfWidth + ring * lip * 0.5);
  // the lower lip drops with the jaw more than the upper lip rises
  let y = s * radiusY * (s < 0 ? 1.25 : 0.75);
  // corners up for a smile, down for a frown, the more the nearer the corner
  const corner = c * c;
  y += corner * (0.22 * smile - 0.2 * frown);
  return [x, y];
}
