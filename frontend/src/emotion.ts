// A persona's emotional state in words: the spec's valence/arousal baseline, moved by the
// audience's sentiment as the oracle last reported it (unit-tested).

export interface EmotionalState { valence: number; arousal: number; label: string }

export function emotionLabel(valence: number, arousal: number): string {
  if (valence >= 0.2) return arousal >= 0.5 ? "excited" : "content";
  if (valence <= -0.2) return arousal >= 0.5 ? "tense" : "sad";
  return arousal >= 0.5 ? "alert" : "calm";
}

/** Baseline valence shifted a third of the way toward the audience sentiment (-1..1). */
export function emotionalState(baseline: { valence?: number; arousal?: number } | undefined,
                               sentiment: number | null): EmotionalState {
  const base = baseline?.valence ?? 0;
  const arousal = baseline?.arousal ?? 0.3;
  const valence = sentiment === null ? base : Math.max(-1, Math.min(1, base + (sentiment - base) / 3));
  return { valence, arousal, label: emotionLabel(valence, arousal) };
}
