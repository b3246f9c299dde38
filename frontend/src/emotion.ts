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

// The persona runtime's current emotion, as the social service reports it (one of
// ai_worker.emotions.EMOTIONS), in the words a fan reads; valence and arousal as in its VAD table.
const FEELINGS: Record<string, { word: string; valence: number; arousal: number }> = {
  joy: { word: "joyful", valence: 0.8, arousal: 0.5 },
  sadness: { word: "sad", valence: -0.7, arousal: -0.4 },
  anger: { word: "angry", valence: -0.6, arousal: 0.8 },
  surprise: { word: "surprised", valence: 0.3, arousal: 0.8 },
  calm: { word: "calm", valence: 0.6, arousal: -0.6 },
  fear: { word: "afraid", valence: -0.7, arousal: 0.6 },
};

/** "joyful (joy)"; an emotion the app does not know yet is shown as the service named it. */
export function feelingText(emotion: string | null | undefined): string {
  const name = String(emotion ?? "").trim().toLowerCase();
  if (!name) return "not known yet";
  const f = FEELINGS[name];
  return f ? `${f.word} (${name})` : name;
}

export function feeling(emotion: string | null | undefined): { valence: number; arousal: number } | null {
  const f = FEELINGS[String(emotion ?? "").trim().toLowerCase()];
  return f ? { valence: f.valence, arousal: f.arousal } : null;
}
