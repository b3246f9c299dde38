// What the room's picture needs and does, shared by the 3D scene (live-scene.ts, three.js) and
// the 2D top-down fallback (live-scene-2d.ts) for browsers without WebGL; the room (live-room.ts)
// runs one animation loop and hands each frame to whichever view it has.
import type { FaceWeights } from "./avatar-face";
import type { StageShape } from "./events-model";
import type { Avatar } from "./live-protocol";
import type { Look } from "./persona-look";

export interface RoomViewOptions {
  look: Look;
  /** The event's scene (its metadata): the backdrop colour and the stage's shape. */
  backdrop: string;
  stage: StageShape;
  personaName: string;
  /** A click or tap on the floor, in room metres (x, z). */
  onFloorClick(x: number, z: number): void;
}

export interface RoomFrame {
  face: FaceWeights;
  /** Everyone in the room by lower-case address, where the server last said they were. */
  avatars: ReadonlyMap<string, Avatar>;
  /** The fan's own address (lower case), or null before the welcome. */
  me: string | null;
  speaking: boolean;
  /** Seconds since the room opened (idle motion, blinking). */
  time: number;
}

export interface RoomView {
  readonly kind: "webgl" | "2d";
  render(frame: RoomFrame, dt: number): void;
  dispose(): void;
}

/** A fan's colour: a hue from the address, so each fan keeps theirs. */
export function fanHue(address: string): number {
  let h = 0;
  for (const ch of address.toLowerCase().slice(2, 12)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return (h % 360) / 360;
}

/** Whether this browser gives the page WebGL (else the room draws the 2D view). */
export function webglAvailable(): boolean {
  try {
    const canvas = document.createElement("canvas");
    return !!(canvas.getContext("webgl2") ?? canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

/** Heads blink every few seconds for a tenth of a second: 0 open .. 1 closed at time `t`. */
export function blinkAt(t: number, seed = 0): number {
  const period = 3.7 + (seed % 7) * 0.3;
  const phase = (t + seed * 0.77) % period;
  return phase < 0.12 ? Math.sin((phase / 0.12) * Math.PI) : 0;
}
