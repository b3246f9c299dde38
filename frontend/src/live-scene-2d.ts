// The room without WebGL: a top-down canvas of the same floor (the event's backdrop colour, the
// stage at the far end), the fans as dots with their heading and short address, and the
// persona's face on the stage drawn in its look's colours with the same brows, lids and mouth
// shapes (avatar-face.ts) as the 3D avatar. A click on the floor is a place to walk to.
import { lipPoint } from "./avatar-face";
import { shortAddress } from "./format";
import { clampToFloor, FLOOR_HALF } from "./live-protocol";
import { blinkAt, fanHue, type RoomFrame, type RoomView, type RoomViewOptions } from "./live-view";

export function createScene2d(container: HTMLElement, options: RoomViewOptions): RoomView {
  const canvas = document.createElement("canvas");
  canvas.className = "room-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `The room from above: ${options.personaName} on the stage, the fans on the floor. Click the floor or use the arrow keys to move.`);
  container.append(canvas);
  const g = canvas.getContext("2d");
  const look = options.look;
  const positions = new Map<string, { x: number; z: number }>();
  let size = 480;

  const resize = () => {
    size = Math.max(240, Math.min(640, container.clientWidth));
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = size * ratio;
    canvas.height = size * ratio;
    canvas.style.width = `${size}px`;
    canvas.style.height = `${size}px`;
    g?.setTransform(ratio, 0, 0, ratio, 0, 0);
  };
  resize();
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(resize) : null;
  observer?.observe(container);

  const toPx = (x: number, z: number): [number, number] => [((x + FLOOR_HALF) / (2 * FLOOR_HALF)) * size, ((z + FLOOR_HALF) / (2 * FLOOR_HALF)) * size];
  const onClick = (ev: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    const x = ((ev.clientX - r.left) / r.width) * 2 * FLOOR_HALF - FLOOR_HALF;
    const z = ((ev.clientY - r.top) / r.height) * 2 * FLOOR_HALF - FLOOR_HALF;
    const p = clampToFloor(x, z);
    options.onFloorClick(p.x, p.z);
  };
  canvas.addEventListener("click", onClick);

  const drawFace = (frame: RoomFrame, cx: number, cy: number, r: number) => {
    if (!g) return;
    const f = frame.face;
    const rx = r * (look.face_width / 150), ry = rx * (look.face_length / look.face_width) * 0.95;
    // hair behind, face, hair on top
    g.fillStyle = look.hair_colour;
    if (look.hair_style !== "bald") {
      g.beginPath();
      g.ellipse(cx, cy - ry * 0.1, rx * 1.12, ry * (look.hair_style === "long" || look.hair_style === "locs" ? 1.25 : 1.08), 0, 0, Math.PI * 2);
      g.fill();
    }
    g.fillStyle = look.skin;
    g.beginPath();
    g.ellipse(cx, cy, rx, ry, 0, 0, Math.PI * 2);
    g.fill();
    if (look.hair_style !== "bald") {
      g.fillStyle = look.hair_colour;
      g.beginPath();
      g.ellipse(cx, cy - ry * 0.62, rx * 1.02, ry * 0.42, 0, Math.PI, Math.PI * 2);
      g.fill();
    }
    const eyeX = (look.eye_spacing / look.face_width) * rx, eyeY = cy - ry * 0.08;
    const er = (look.eye_size / look.face_width) * rx * 0.62;
    const open = Math.max(0.08, f.eyeOpen * (1 - blinkAt(frame.time, Number(look.seed % 97n))));
    for (const side of [-1, 1]) {
      g.fillStyle = "#f8f6f2";
      g.beginPath();
      g.ellipse(cx + side * eyeX, eyeY, er, er * open, 0, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = look.eye_colour;
      g.beginPath();
      g.ellipse(cx + side * eyeX, eyeY, er * 0.5, er * 0.5 * open, 0, 0, Math.PI * 2);
      g.fill();
      // brows: the inner end rises with AU1 and drops with AU4, as in the 3D view
      g.strokeStyle = look.hair_colour;
      g.lineWidth = Math.max(3, (look.brow_thickness / look.face_width) * rx);
      g.lineCap = "round";
      const by = eyeY - er * 2.1 - ry * 0.06 * (f.browInner + f.browOuter);
      const tilt = 0.35 * (f.browInner - f.browOuter * 0.5) * er * 1.2;
      g.beginPath();
      g.moveTo(cx + side * (eyeX - er * 1.2), by - tilt);
      g.lineTo(cx + side * (eyeX + er * 1.2), by + tilt * 0.3);
      g.stroke();
    }
    if (f.cheek > 0.01) {
      g.globalAlpha = 0.35 * f.cheek;
      g.fillStyle = look.lip_colour;
      for (const side of [-1, 1]) { g.beginPath(); g.arc(cx + side * eyeX * 1.15, cy + ry * 0.2, er, 0, Math.PI * 2); g.fill(); }
      g.globalAlpha = 1;
    }
    // mouth: the same lip ring as the 3D mesh, with all weights at once
    const halfWidth = rx * 0.36, my = cy + ry * 0.42;
    const ring = (which: number) => {
      g.beginPath();
      for (let i = 0; i <= 40; i++) {
        const [px, py] = lipPoint((2 * Math.PI * i) / 40, which, f, look.lip_fullness);
        // canvas y grows downward: the mesh's up is the canvas's minus
        const x = cx + px * halfWidth, y = my - py * halfWidth;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      }
      g.closePath();
    };
    g.fillStyle = look.lip_colour;
    ring(1);
    g.fill();
    g.fillStyle = "#3a1418";
    ring(0);
    g.fill();
    if (look.accessories.some((a) => a.startsWith("glasses"))) {
      g.strokeStyle = "#222228";
      g.lineWidth = 2;
      for (const side of [-1, 1]) { g.beginPath(); g.arc(cx + side * eyeX, eyeY, er * 1.45, 0, Math.PI * 2); g.stroke(); }
    }
  };

  const render = (frame: RoomFrame, dt: number) => {
    if (!g) return;
    g.fillStyle = "#f4f4f8";
    g.fillRect(0, 0, size, size);
    g.fillStyle = options.backdrop;
    g.globalAlpha = 0.35;
    g.fillRect(0, 0, size, size);
    g.globalAlpha = 1;
    g.strokeStyle = "rgba(0,0,0,0.12)";
    g.lineWidth = 1;
    for (let i = 1; i < 20; i++) {
      const p = (i / 20) * size;
      g.beginPath(); g.moveTo(p, 0); g.lineTo(p, size); g.stroke();
      g.beginPath(); g.moveTo(0, p); g.lineTo(size, p); g.stroke();
    }
    g.fillStyle = options.backdrop;
    g.fillRect(0, 0, size, size * 0.03);
    const [sx, sy] = toPx(0, -7);
    g.fillStyle = options.backdrop;
    g.beginPath();
    if (options.stage === "square") g.rect(sx - size * 0.175, sy - size * 0.1, size * 0.35, size * 0.2);
    else g.ellipse(sx, sy, size * 0.17, size * 0.12, 0, 0, Math.PI * 2);
    g.fill();
    drawFace(frame, sx, sy, size * 0.075);

    const k = 1 - Math.exp(-8 * dt);
    for (const [address, a] of frame.avatars) {
      const p = positions.get(address) ?? { x: a.x, z: a.z };
      p.x += (a.x - p.x) * k;
      p.z += (a.z - p.z) * k;
      positions.set(address, p);
      const [px, py] = toPx(p.x, p.z);
      const mine = address === frame.me;
      g.fillStyle = `hsl(${Math.round(fanHue(address) * 360)} 55% 55%)`;
      g.beginPath();
      g.arc(px, py, size * 0.018, 0, Math.PI * 2);
      g.fill();
      if (mine) { g.strokeStyle = "#ffffff"; g.lineWidth = 3; g.stroke(); }
      g.strokeStyle = "#222";
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(px, py);
      g.lineTo(px + Math.sin(a.heading) * size * 0.03, py - Math.cos(a.heading) * size * 0.03);
      g.stroke();
      g.fillStyle = "#111";
      g.font = "11px system-ui, sans-serif";
      g.fillText(mine ? "you" : shortAddress(a.address), px + size * 0.022, py + 4);
    }
    for (const address of positions.keys()) if (!frame.avatars.has(address)) positions.delete(address);
  };

  return {
    kind: "2d",
    render,
    dispose() {
      observer?.disconnect();
      canvas.removeEventListener("click", onClick);
      canvas.remove();
    },
  };
}
