// The persona's voice in the room: WebAudio playback of the answer.audio PCM chunks, each
// started at the time its answer's timeline gives (live-timeline.ts). Browsers let a page play
// sound only after the fan did something: the AudioContext is made and resumed by the Join
// click (`unlockAudio`) and kept for the rooms opened after it.

let shared: AudioContext | null = null;

/** Make (once) and resume the page's AudioContext; call it from a click handler. */
export function unlockAudio(): AudioContext | null {
  const Ctor: typeof AudioContext | undefined = (globalThis as any).AudioContext ?? (globalThis as any).webkitAudioContext;
  if (!Ctor) return null;
  try {
    shared ??= new Ctor();
    void shared.resume().catch(() => undefined);
  } catch {
    return null;
  }
  return shared;
}

export function audioContext(): AudioContext | null {
  return shared;
}

/** Whether sound can play now (the context exists and runs). */
export function audioRunning(): boolean {
  return shared?.state === "running";
}

/** Seconds on the clock audio is scheduled by: the AudioContext's while it runs, else the
 * page's (captions and the mouth then keep time without sound). */
export function clockNow(): number {
  return audioRunning() ? shared!.currentTime : performance.now() / 1000;
}

export class VoicePlayer {
  private sources = new Set<AudioBufferSourceNode>();
  private gain: GainNode | null = null;

  /** Plays `samples` at `sampleRate` from clock time `when` (a no-op without sound). */
  play(samples: Float32Array<ArrayBuffer>, sampleRate: number, when: number, usesAudioClock: boolean): void {
    const ctx = shared;
    if (!ctx || !usesAudioClock || !samples.length) return;
    try {
      this.gain ??= (() => { const g = ctx.createGain(); g.connect(ctx.destination); return g; })();
      const buffer = ctx.createBuffer(1, samples.length, sampleRate);
      buffer.copyToChannel(samples, 0);
      const source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(this.gain);
      source.onended = () => this.sources.delete(source);
      source.start(Math.max(when, ctx.currentTime));
      this.sources.add(source);
    } catch {
      /* a chunk the browser cannot play is skipped; the captions and the mouth go on */
    }
  }

  setMuted(muted: boolean): void {
    if (this.gain) this.gain.gain.value = muted ? 0 : 1;
  }

  stop(): void {
    for (const s of this.sources) {
      try { s.stop(); } catch { /* already over */ }
    }
    this.sources.clear();
    this.gain?.disconnect();
    this.gain = null;
  }
}
