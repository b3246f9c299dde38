// One spoken answer on the page's clock (unit-tested in test/live-timeline.test.ts): where each
// audio chunk plays, which mouth shape (viseme) and which caption belong to the moment being
// heard. Times inside an answer count from its start (the protocol's `at`, caption `start`/`end`
// and chunk-relative viseme times); `origin` is the clock time at which the answer's second 0
// is heard, so everything follows the audio, not the arrival of frames.

export interface Cue { start: number; end: number; text: string }

/** Audio is scheduled this far ahead of "now", so the first chunk starts cleanly. */
export const LEAD_S = 0.15;
/** A chunk that would start sooner than this (it came late) pushes the rest of the answer later. */
export const MIN_AHEAD_S = 0.05;

export class AnswerTimeline {
  /** Clock time of the answer's second 0; null until the first chunk arrives. */
  origin: number | null = null;
  /** Answer time up to which audio has arrived. */
  audioEnd = 0;
  chunks = 0;
  duration: number | null = null;
  private visemes: [number, string][] = [];
  private cues: Cue[] = [];

  /** `notBefore`: clock time the previous answer's audio ends (answers do not overlap). */
  constructor(readonly questionId: string, readonly sampleRate: number, readonly emotion: string, readonly text: string,
              private readonly notBefore = -Infinity) {}

  /** Places a chunk of `seconds` of audio starting `at` (answer time; null: right after the audio
   * so far), with its visemes ([t, name], t from the chunk's start). Returns the clock time to
   * start it at. A late chunk moves the origin later: what is still to come stays in step. */
  placeChunk(at: number | null, seconds: number, visemes: readonly [number, string][], now: number): number {
    const offset = at ?? this.audioEnd;
    if (this.origin === null) this.origin = Math.max(now + LEAD_S, this.notBefore) - offset;
    let start = this.origin + offset;
    if (start < now + MIN_AHEAD_S) {
      this.origin += now + MIN_AHEAD_S - start;
      start = now + MIN_AHEAD_S;
    }
    for (const [t, name] of visemes) this.visemes.push([offset + Math.max(0, t), name]);
    this.visemes.sort((a, b) => a[0] - b[0]);
    this.audioEnd = Math.max(this.audioEnd, offset + seconds);
    this.chunks += 1;
    return start;
  }

  addCue(cue: Cue): void {
    if (!(cue.end > cue.start) || !cue.text.trim()) return;
    this.cues.push({ start: cue.start, end: cue.end, text: cue.text.trim() });
    this.cues.sort((a, b) => a.start - b.start);
  }

  end(duration: number): void {
    this.duration = duration;
  }

  /** Answer time at clock `now` (negative before it is heard; null before any audio). */
  position(now: number): number | null {
    return this.origin === null ? null : now - this.origin;
  }

  /** Clock time at which the audio received so far ends. */
  clockEnd(): number {
    return this.origin === null ? this.notBefore : this.origin + this.audioEnd;
  }

  /** The mouth shape heard at answer time `t`: the latest viseme that started by then, "rest"
   * outside the audio. */
  visemeAt(t: number | null): string {
    if (t === null || t < 0 || t >= this.audioEnd) return "rest";
    let current = "rest";
    for (const [at, name] of this.visemes) {
      if (at > t) break;
      current = name;
    }
    return current;
  }

  /** The caption shown at answer time `t` (the latest cue that covers it), or null. */
  cueAt(t: number | null): Cue | null {
    if (t === null) return null;
    let shown: Cue | null = null;
    for (const cue of this.cues) {
      if (cue.start > t) break;
      if (t < cue.end) shown = cue;
    }
    return shown;
  }

  /** Whether everything has been heard (the end frame came and the audio played out). */
  finished(now: number): boolean {
    const t = this.position(now);
    if (this.duration === null) return false;
    return t === null ? true : t >= Math.max(this.audioEnd, this.duration);
  }
}
