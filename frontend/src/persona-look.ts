// A persona's look, computed the way the AI worker's avatar rig computes it
// (ai_worker/avatar/look.py, seeds.py, spec_hints.py, colour.py), so that the live room's
// avatar is the same individual as the persona's pictures and videos: same Monk skin tone,
// hair style and colour, eyes, brows, lips, outfit colours, backdrop and accessories. The rig
// draws each aspect from its own seeded Python `random.Random`, so this module carries a
// faithful Mersenne Twister with Python's seeding and sampling; test/persona-look.test.ts holds
// it to looks the Python rig produced.
import { sha256, stringToBytes } from "viem";

// ------------------------------------------------------------------ Python's random.Random

const N = 624;
const M = 397;

/** CPython's random.Random for an integer seed: init_by_array over the seed's 32-bit words. */
export class PyRandom {
  private mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: bigint) {
    let n = seed < 0n ? -seed : seed;
    const key: number[] = [];
    while (n > 0n) {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    if (!key.length) key.push(0);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
  }

  uint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      const mix = (a: number, b: number) => (a & 0x80000000) | (b & 0x7fffffff);
      for (; kk < N - M; kk++) {
        const y = mix(mt[kk], mt[kk + 1]);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = mix(mt[kk], mt[kk + 1]);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = mix(mt[N - 1], mt[0]);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random(): 53 random bits in [0, 1). */
  random(): number {
    const a = this.uint32() >>> 5, b = this.uint32() >>> 6;
    return (a * 67108864 + b) * (1 / 9007199254740992);
  }

  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** _randbelow(n) by getrandbits, as CPython does for n < 2**32. */
  private below(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.uint32() >>> (32 - k);
    while (r >= n) r = this.uint32() >>> (32 - k);
    return r;
  }

  randint(a: number, b: number): number {
    return a + this.below(b - a + 1);
  }

  choice<T>(seq: readonly T[]): T {
    return seq[this.below(seq.length)];
  }

  /** choices(population, weights)[0]. */
  choices1<T>(population: readonly T[], weights?: readonly number[]): T {
    if (!weights) return population[Math.floor(this.random() * population.length)];
    const cum: number[] = [];
    let total = 0;
    for (const w of weights) cum.push((total += w));
    const x = this.random() * total;
    // bisect_right over cum[0 .. n-1)
    let lo = 0, hi = population.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < cum[mid]) hi = mid; else lo = mid + 1;
    }
    return population[lo];
  }
}

// ------------------------------------------------------------------ seeds (seeds.py)

const MASK63 = (1n << 63n) - 1n;

/** SHA-256 of the parts joined by U+001F, its first 8 bytes big-endian, 63 bits. */
export function textSeed(...parts: (string | number | bigint)[]): bigint {
  const digest = sha256(stringToBytes(parts.map(String).join("\x1f")), "bytes");
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(digest[i]);
  return v & MASK63;
}

export function personaSeed(spec: Record<string, any>, personaId?: number | bigint | null): bigint {
  for (const key of ["avatar_seed", "seed"]) {
    const value = spec?.[key];
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value) & MASK63;
    if (typeof value === "bigint") return value & MASK63;
  }
  const ident = spec?.handle || spec?.name;
  if (ident) return textSeed("fameengine:avatar:name", String(ident).trim().toLowerCase());
  if (personaId !== undefined && personaId !== null) return textSeed("fameengine:avatar:id", personaId);
  return textSeed("fameengine:avatar:name", "unnamed persona");
}

const subRng = (seed: bigint, aspect: string) => new PyRandom(textSeed(seed, aspect));

// ------------------------------------------------------------------ colour (colour.py)

export type RGB = [number, number, number];

/** Python's round() to an integer: halves to even. */
function pyRoundInt(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Python's round(x, digits) for the rig's values (never an exact decimal tie in practice). */
function pyRound(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

const pyMod1 = (x: number) => ((x % 1) + 1) % 1;

export function hexToRgb(value: string): RGB {
  const t = value.trim().replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(t)) throw new Error(`not a #RRGGBB colour: ${value}`);
  return [parseInt(t.slice(0, 2), 16), parseInt(t.slice(2, 4), 16), parseInt(t.slice(4, 6), 16)];
}

export function rgbToHex(rgb: readonly number[]): string {
  return "#" + rgb.slice(0, 3).map((c) => pyRoundInt(Math.max(0, Math.min(255, c))).toString(16).padStart(2, "0")).join("");
}

const clamp = (rgb: readonly number[]): RGB => rgb.slice(0, 3).map((c) => pyRoundInt(Math.max(0, Math.min(255, c)))) as RGB;
const mix = (a: RGB, b: RGB, t: number): RGB => clamp(a.map((x, i) => x + (b[i] - x) * t));
const scale = (rgb: RGB, k: number): RGB => clamp(rgb.map((c) => c * k));

function shade(rgb: RGB, k: number, warmth = 0): RGB {
  const [r, g, b] = rgb.map((c) => c * k);
  return clamp([r * (1 + warmth), g * (1 + warmth * 0.2), b * (1 - warmth * 0.6)]);
}

function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b), minc = Math.min(r, g, b);
  const v = maxc;
  if (minc === maxc) return [0, 0, v];
  const range = maxc - minc;
  const s = range / maxc;
  const rc = (maxc - r) / range, gc = (maxc - g) / range, bc = (maxc - b) / range;
  let h: number;
  if (r === maxc) h = bc - gc;
  else if (g === maxc) h = 2.0 + rc - bc;
  else h = 4.0 + gc - rc;
  return [pyMod1(h / 6.0), s, v];
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  let i = Math.trunc(h * 6.0);
  const f = h * 6.0 - i;
  const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  i %= 6;
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]] as [number, number, number][])[i];
}

const hsv = (rgb: RGB) => rgbToHsv(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255);
const fromHsv = (h: number, s: number, v: number): RGB =>
  clamp(hsvToRgb(pyMod1(h), Math.max(0, Math.min(1, s)), Math.max(0, Math.min(1, v))).map((c) => c * 255));

function luminance(rgb: RGB): number {
  const lin = rgb.map((c) => { const x = c / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
  return lin[0] * 0.2126 + lin[1] * 0.7152 + lin[2] * 0.0722;
}

// ------------------------------------------------------------------ the look (look.py)

/** Official Monk Skin Tone swatches, MST-1 .. MST-10 (ai_worker/avatar/monk.py). */
export const MST_HEX = ["#f6ede4", "#f3e7db", "#f7ead0", "#eadaba", "#d7bd96", "#a07e56", "#825c43", "#604134", "#3a312a", "#292420"] as const;

const FACE_SHAPES = ["oval", "round", "heart", "square", "long"] as const;
const HAIR_STYLES = ["short", "bob", "long", "curly", "bun", "ponytail", "buzz", "bald", "locs", "quiff"] as const;
const EYE_SHAPES = ["almond", "round", "hooded", "upturned", "downturned", "monolid"] as const;
const EYE_COLOURS: Record<string, string> = {
  "dark brown": "#3b2418", brown: "#6b4226", hazel: "#8a6a33", green: "#4f7d46", blue: "#4d7fb8", grey: "#7d8a96",
};
const NOSES = ["button", "straight", "broad", "aquiline"] as const;
const OUTFITS = ["tee", "vneck", "hoodie", "turtleneck", "collar", "blazer"] as const;
const AGES = ["young", "adult", "mature"] as const;
const PRESENTATIONS = ["feminine", "masculine", "androgynous"] as const;
const NATURAL_HAIR: Record<string, string> = {
  black: "#1d1a1a", "dark brown": "#3a2518", brown: "#5b3a23", auburn: "#8a3a1e", blonde: "#d9b66a", red: "#b2401e",
};
const GREYS = ["#b9b9b9", "#d6d6d2", "#8f8f8f"];
const ART_STYLES = ["photorealistic", "3d_render", "anime", "cartoon", "illustration", "painterly", "pixel_art", "other"];

export interface Look {
  seed: bigint;
  skin_tone: number;
  skin: string;
  face_shape: string;
  face_width: number;
  face_length: number;
  hair_style: string;
  hair_colour: string;
  hair_volume: number;
  eye_shape: string;
  eye_colour: string;
  eye_size: number;
  eye_spacing: number;
  brow_thickness: number;
  brow_arch: number;
  nose: string;
  lip_fullness: number;
  lip_colour: string;
  outfit: string;
  outfit_colours: [string, string, string];
  background: [string, string];
  accessories: string[];
  facial_hair: string;
  freckles: boolean;
  age: string;
  presentation: string;
  art_style: string;
}

export function lookFromSpec(spec: Record<string, any> | null | undefined, personaId?: number | bigint | null): Look {
  const data = spec && typeof spec === "object" ? spec : {};
  const artStyle = String(data.visual_style?.art_style || "illustration");
  return derive(personaSeed(data, personaId), hints(data), artStyle);
}

export function derive(seed: bigint, h: SpecHints, artStyle = "illustration"): Look {
  const pick = (aspect: string, options: readonly string[], weights?: readonly number[]) => subRng(seed, aspect).choices1(options, weights);
  const uniform = (aspect: string, lo: number, hi: number) => pyRound(subRng(seed, aspect).uniform(lo, hi), 3);
  const chance = (aspect: string, p: number) => subRng(seed, aspect).random() < p;

  const presentation = h.presentation ?? pick("presentation", PRESENTATIONS);
  const age = h.age ?? pick("age", AGES);
  const tone = h.skin_tone ?? subRng(seed, "skin").randint(1, MST_HEX.length);
  const fem = presentation === "feminine", masc = presentation === "masculine";

  const shapeW = ({ feminine: [3, 2, 3, 1, 2], masculine: [2, 2, 1, 4, 2], androgynous: [3, 2, 2, 2, 2] } as Record<string, number[]>)[presentation];
  const faceShape = pick("face_shape", FACE_SHAPES, shapeW);
  const baseW = ({ oval: 148, round: 160, heart: 152, square: 158, long: 140 } as Record<string, number>)[faceShape];
  const baseL = ({ oval: 195, round: 180, heart: 190, square: 188, long: 212 } as Record<string, number>)[faceShape];
  const faceWidth = baseW + uniform("face_width", -6, 6) + (masc ? 4 : 0);
  const faceLength = baseL + uniform("face_length", -6, 6) + (masc ? 5 : 0);

  const styleW = ({
    feminine: [2, 3, 4, 3, 3, 3, 1, 0.3, 2, 0.5],
    masculine: [5, 1, 1, 3, 0.7, 0.7, 3, 2, 2, 3],
    androgynous: [4, 3, 2, 3, 1.5, 1, 2, 1, 2, 2],
  } as Record<string, number[]>)[presentation];
  const hairStyle = h.hair_style ?? pick("hair_style", HAIR_STYLES, styleW);
  let hairColour: string;
  if (h.hair_colour) hairColour = h.hair_colour;
  else if (age === "mature" && chance("greying", 0.6)) hairColour = pick("grey", GREYS);
  else if (chance("dyed", 0.15)) hairColour = pick("dye", ["#1fa99c", "#ee8fb7", "#b39ddb", "#3d6fd1", "#f2c14e"]);
  else hairColour = NATURAL_HAIR[pick("hair_colour", Object.keys(NATURAL_HAIR), [4, 4, 3, 1.5, 1.5, 1])];
  const hairVolume = uniform("hair_volume", 0.8, 1.2);

  const eyeShape = pick("eye_shape", EYE_SHAPES);
  const eyeColour = EYE_COLOURS[pick("eye_colour", Object.keys(EYE_COLOURS), [5, 4, 2, 1.5, 1.5, 1])];
  const eyeSize = uniform("eye_size", 33, 37) * (artStyle === "anime" ? 1.15 : 1.0) * (age === "young" ? 1.03 : 1.0);
  const eyeSpacing = uniform("eye_spacing", 63, 68);
  const browThickness = uniform("brow_thickness", 9, 12) + (masc ? 3 : 0) - (fem ? 1 : 0);
  const browArch = uniform("brow_arch", 0.2, 1.0);
  const nose = pick("nose", NOSES, [3, 3, 2, 1]);
  const lipFullness = uniform("lips", 0.8, 1.25) * (fem ? 1.08 : masc ? 0.92 : 1.0) * (age === "mature" ? 0.9 : 1);
  const skin = hexToRgb(MST_HEX[tone - 1]);
  const depth = Math.min(1.0, luminance(skin) / 0.45);
  const lipTarget = scale([176, 72, 82], 0.4 + 0.6 * depth);
  const lipColour = rgbToHex(mix(shade(skin, 0.82, 0.25), lipTarget, fem ? 0.3 : 0.18));

  const outfit = h.outfit ?? pick("outfit", OUTFITS);
  const outfitColours = outfitColoursOf(seed, h.palette);
  const background = backgroundOf(outfitColours[0], seed);

  const accessories = [...h.accessories];
  if (!accessories.some((a) => a.startsWith("glasses")) && chance("glasses", 0.25)) {
    accessories.push(pick("glasses_kind", ["glasses_round", "glasses_rect", "glasses_cat"]));
  }
  if (!accessories.includes("earrings") && chance("earrings", fem ? 0.6 : 0.2)) accessories.push("earrings");
  if (!accessories.includes("necklace") && (outfit === "tee" || outfit === "vneck") && chance("necklace", 0.2)) accessories.push("necklace");
  if (!accessories.includes("headphones") && hairStyle !== "bun" && hairStyle !== "curly" && chance("headphones", 0.06)) {
    accessories.push("headphones");
  }
  let facialHair: string;
  if (h.facial_hair !== null) facialHair = h.facial_hair;
  else {
    const p = masc ? 0.5 : presentation === "androgynous" ? 0.1 : 0.0;
    facialHair = chance("facial_hair", p) ? pick("facial_hair_kind", ["stubble", "beard", "moustache"], [3, 3, 1]) : "none";
  }
  const freckles = h.freckles ?? chance("freckles", 0.15);
  return {
    seed,
    skin_tone: tone,
    skin: MST_HEX[tone - 1],
    face_shape: faceShape,
    face_width: pyRound(faceWidth, 2),
    face_length: pyRound(faceLength, 2),
    hair_style: hairStyle,
    hair_colour: hairColour,
    hair_volume: hairVolume,
    eye_shape: eyeShape,
    eye_colour: eyeColour,
    eye_size: pyRound(eyeSize, 2),
    eye_spacing: eyeSpacing,
    brow_thickness: pyRound(browThickness, 2),
    brow_arch: browArch,
    nose,
    lip_fullness: pyRound(lipFullness, 3),
    lip_colour: lipColour,
    outfit,
    outfit_colours: outfitColours,
    background,
    accessories: accessories.sort(),
    facial_hair: facialHair,
    freckles,
    age,
    presentation,
    art_style: ART_STYLES.includes(artStyle) ? artStyle : "other",
  };
}

function outfitColoursOf(seed: bigint, palette: readonly string[]): [string, string, string] {
  const rng = subRng(seed, "palette");
  const hue = rng.random();
  const a = fromHsv(hue, rng.uniform(0.45, 0.7), rng.uniform(0.55, 0.8));
  const b = fromHsv(hue + 0.5, rng.uniform(0.15, 0.35), rng.uniform(0.85, 0.95));
  const turn = rng.choice([0.33, -0.33]);
  const c = fromHsv(hue + turn, rng.uniform(0.55, 0.8), rng.uniform(0.75, 0.95));
  const made = [a, b, c].map(rgbToHex);
  const colours = [...palette.slice(0, 3), ...made.slice(palette.slice(0, 3).length)];
  return [colours[0].toLowerCase(), colours[1].toLowerCase(), colours[2].toLowerCase()];
}

function backgroundOf(main: string, seed: bigint): [string, string] {
  const [h, s] = hsv(hexToRgb(main));
  const hue = h + subRng(seed, "backdrop").uniform(-0.08, 0.08);
  const top = fromHsv(hue, Math.min(0.22, s * 0.35 + 0.05), 0.93);
  const bottom = fromHsv(hue, Math.min(0.28, s * 0.45 + 0.08), 0.80);
  return [rgbToHex(top), rgbToHex(bottom)];
}

// ------------------------------------------------------------------ what the spec says (spec_hints.py)

export interface SpecHints {
  hair_colour: string | null;
  hair_style: string | null;
  accessories: string[];
  outfit: string | null;
  freckles: boolean | null;
  facial_hair: string | null;
  skin_tone: number | null;
  presentation: string | null;
  age: string | null;
  palette: string[];
}

const HINT_HAIR_COLOURS: [string, string][] = [
  ["teal", "#1fa99c"], ["silver", "#c9ccd6"], ["platinum", "#ece3c9"], ["white", "#eeeeee"], ["grey", "#9c9c9c"],
  ["gray", "#9c9c9c"], ["black", "#1d1a1a"], ["brown", "#5b3a23"], ["chestnut", "#6e3b1f"], ["auburn", "#8a3a1e"],
  ["red", "#b2401e"], ["ginger", "#c15a22"], ["copper", "#b8602c"], ["blonde", "#d9b66a"], ["blond", "#d9b66a"],
  ["golden", "#d7a844"], ["pink", "#ee8fb7"], ["purple", "#7b4fb0"], ["lavender", "#b39ddb"], ["violet", "#7b4fb0"],
  ["blue", "#3d6fd1"], ["green", "#3f9a52"], ["orange", "#e07b2a"],
];
const HINT_HAIR_STYLES: [string, string][] = [
  ["afro", "curly"], ["curly", "curly"], ["curls", "curly"], ["bun", "bun"], ["ponytail", "ponytail"], ["bob", "bob"],
  ["long hair", "long"], ["short hair", "short"], ["buzz", "buzz"], ["shaved", "buzz"], ["bald", "bald"], ["locs", "locs"],
  ["dreadlocks", "locs"], ["braids", "locs"], ["quiff", "quiff"], ["pompadour", "quiff"],
];
const HINT_ACCESSORIES: [string, string][] = [
  ["round glasses", "glasses_round"], ["glasses", "glasses_rect"], ["spectacles", "glasses_round"], ["earrings", "earrings"],
  ["earring", "earrings"], ["hoops", "earrings"], ["headphones", "headphones"], ["necklace", "necklace"], ["pendant", "necklace"],
];
const HINT_OUTFITS: [string, string][] = [
  ["hoodie", "hoodie"], ["turtleneck", "turtleneck"], ["blazer", "blazer"], ["suit", "blazer"], ["t-shirt", "tee"],
  ["tee", "tee"], ["shirt", "collar"],
];

// Python's \b in a str pattern knows Unicode letters and digits; B and E stand in for it
// before and after a word.
const B = "(?<![\\p{L}\\p{N}_])";
const E = "(?![\\p{L}\\p{N}_])";
const re = (body: string, flags = "") => new RegExp(body, `u${flags}`);

const PRONOUNS: [string, RegExp][] = [
  ["feminine", re(`${B}(she|her|hers|herself)${E}`, "gi")],
  ["masculine", re(`${B}(he|him|his|himself)${E}`, "gi")],
  ["androgynous", re(`${B}(they|them|their|themself|xe|xem)${E}`, "gi")],
];
const MST = re(`${B}(?:mst|monk|skin[ -]?tone)[ -]?(10|[1-9])${E}`, "i");
const AGE: [string, RegExp][] = [
  ["young", re(`${B}(teen|teenage|young|student|twenty-something)${E}`, "i")],
  ["mature", re(`${B}(retired|grandmother|grandfather|grandma|grandpa|veteran|elder|elderly)${E}`, "i")],
];

export function hints(spec: Record<string, any>): SpecHints {
  const vs = spec?.visual_style ?? {};
  const text = [String(vs.description || ""), ...((vs.prompt_keywords || []) as unknown[]).map(String)].join(" ").toLowerCase();
  const found = (word: string) => re(`${B}${word}${E}`).test(text);
  const hairColour = HINT_HAIR_COLOURS.find(([w]) => re(`${B}${w}[- ](?:hair|haired|curls|locs|braids|bob)${E}`).test(text))?.[1] ?? null;
  const hairStyle = HINT_HAIR_STYLES.find(([w]) => found(w))?.[1] ?? null;
  const acc: string[] = [];
  for (const [word, item] of HINT_ACCESSORIES) {
    if (found(word) && !(item.startsWith("glasses") && acc.some((a) => a.startsWith("glasses")))) acc.push(item);
  }
  const outfit = HINT_OUTFITS.find(([w]) => found(w))?.[1] ?? null;
  let facialHair: string | null = null;
  if (re(`${B}beard(ed)?${E}`).test(text)) facialHair = "beard";
  else if (re(`${B}moustache|mustache${E}`).test(text)) facialHair = "moustache";
  else if (re(`${B}stubble${E}`).test(text)) facialHair = "stubble";
  else if (text.includes("clean-shaven") || text.includes("clean shaven")) facialHair = "none";
  const mst = MST.exec(text);
  const nar = spec?.narrative ?? {};
  const story = [String(nar.backstory || ""), String(nar.tagline || ""), text].join(" ");
  const counts = PRONOUNS.map(([k, p]) => [k, (story.match(p) ?? []).length] as [string, number]);
  counts[2][1] = Math.floor(counts[2][1] / 2); // "their audience" is common; it takes more to count
  const most = Math.max(...counts.map(([, n]) => n));
  const presentation = most > 0 ? counts.find(([, n]) => n === most)![0] : null;
  const age = AGE.find(([, p]) => p.test(story))?.[0] ?? null;
  const palette = ((vs.palette || []) as unknown[]).map(String).filter((c) => /^#[0-9A-Fa-f]{6}$/.test(c));
  return {
    hair_colour: hairColour,
    hair_style: hairStyle,
    accessories: acc,
    outfit,
    freckles: text.includes("freckle") ? true : null,
    facial_hair: facialHair,
    skin_tone: mst ? Number(mst[1]) : null,
    presentation,
    age,
    palette,
  };
}
