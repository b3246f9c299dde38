// Persona specs: built from the proposal form and validated against the repository's JSON
// Schema (docs/persona-spec.schema.json, the same file fame.persona_spec validates with).
import Ajv2020 from "ajv/dist/2020";
import schema from "../../docs/persona-spec.schema.json";

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateSchema = ajv.compile(schema);

export interface SpecForm {
  name: string;
  handle?: string;
  tagline?: string;
  backstory: string;
  traits: string; // "curious:0.9, witty:0.6"
  artStyle: string;
  look: string;
  palette?: string; // "#1FB5A8 #F2C14E"
  valence: number;
  arousal: number;
}

export function parseTraits(text: string): { name: string; intensity: number }[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, intensity] = part.split(":").map((s) => s.trim());
      return { name, intensity: intensity === undefined ? 0.5 : Number(intensity) };
    });
}

export function buildSpec(form: SpecForm): Record<string, unknown> {
  const spec: Record<string, any> = {
    spec_version: "1.0",
    name: form.name.trim(),
    traits: parseTraits(form.traits),
    visual_style: { art_style: form.artStyle, description: form.look.trim() },
    narrative: { backstory: form.backstory.trim() },
    emotional_baseline: { model: "valence_arousal", valence: form.valence, arousal: form.arousal },
  };
  if (form.handle?.trim()) spec.handle = form.handle.trim();
  if (form.tagline?.trim()) spec.narrative.tagline = form.tagline.trim();
  const palette = (form.palette ?? "").split(/[\s,]+/).filter(Boolean);
  if (palette.length) spec.visual_style.palette = palette;
  return spec;
}

/** Schema errors as "path: message" lines; empty when the spec is valid. */
export function validateSpec(spec: unknown): string[] {
  if (validateSchema(spec)) return [];
  return (validateSchema.errors ?? []).map((e) => `${e.instancePath || "spec"}: ${e.message}`);
}
