// The room in 3D (three.js, its own chunk: loaded only when a fan opens a room in a browser with
// WebGL): the floor and the stage in the event's backdrop colour, the persona's avatar built from
// its look (persona-look.ts: the skin tone, hair, eyes, lips, outfit and accessories of its
// pictures) with brows and lids that follow its expression and a mouth mesh whose morph targets
// follow the visemes of what it says, and the fans as simple figures where the server says they
// stand. A click on the floor is a place to walk to.
import {
  BoxGeometry, BufferGeometry, CapsuleGeometry, CircleGeometry, Color, ConeGeometry, CylinderGeometry, DirectionalLight,
  DoubleSide, Float32BufferAttribute, GridHelper, Group, HemisphereLight, Mesh, MeshBasicMaterial, MeshStandardMaterial,
  type Object3D, PerspectiveCamera, Plane, PlaneGeometry, Raycaster, RingGeometry, Scene, SphereGeometry, TorusGeometry,
  Vector2, Vector3, WebGLRenderer,
} from "three";
import { lipPoint, type FaceWeights } from "./avatar-face";
import { clampToFloor, FLOOR_HALF } from "./live-protocol";
import { blinkAt, fanHue, type RoomFrame, type RoomView, type RoomViewOptions } from "./live-view";
import type { Look } from "./persona-look";

const STAGE_Z = -7;
const PERSONA_SCALE = 2.3;
/** The close-up of the persona's face, a share of the view's width in its top right corner. */
const CLOSE_UP = 0.26;
const MOUTH_MORPHS = ["open", "wide", "round", "smile", "frown", "press"] as const;

const mat = (color: string | Color, extra: Record<string, unknown> = {}) =>
  new MeshStandardMaterial({ color, roughness: 0.7, metalness: 0.05, ...extra });

function shadeHex(hex: string, k: number): Color {
  return new Color(hex).multiplyScalar(k);
}

interface PersonaRig {
  root: Group;
  head: Group;
  eyes: Group[];
  brows: Mesh[];
  browBaseY: number;
  mouth: Mesh[];
  cheeks: MeshBasicMaterial[];
  seed: number;
}

/** The head as an ellipsoid with radii a (x), b (y), c (z): where its front surface is. */
function surface(a: number, b: number, c: number) {
  return (x: number, y: number, lift = 0.004) => c * Math.sqrt(Math.max(0.02, 1 - (x / a) ** 2 - (y / b) ** 2)) + lift;
}

function mouthMeshes(look: Look, a: number, b: number, c: number, lips: MeshStandardMaterial, inside: MeshStandardMaterial): Mesh[] {
  const SEG = 40;
  const halfWidth = a * 0.36;
  const centerY = -0.42 * b;
  const z = surface(a, b, c);
  const ringPositions = (w: Partial<FaceWeights>): number[] => {
    const out: number[] = [];
    for (let i = 0; i < SEG; i++) {
      const theta = (2 * Math.PI * i) / SEG;
      for (const ring of [0, 1]) {
        const [px, py] = lipPoint(theta, ring, w, look.lip_fullness);
        const x = px * halfWidth, y = centerY + py * halfWidth;
        out.push(x, y, z(x, y, 0.012));
      }
    }
    return out;
  };
  const cavityPositions = (w: Partial<FaceWeights>): number[] => {
    const ring: number[] = [];
    let cx = 0, cy = 0;
    for (let i = 0; i < SEG; i++) {
      const [px, py] = lipPoint((2 * Math.PI * i) / SEG, 0, w, look.lip_fullness);
      const x = px * halfWidth, y = centerY + py * halfWidth;
      ring.push(x, y, z(x, y, 0.006));
      cx += x / SEG; cy += y / SEG;
    }
    return [cx, cy, z(cx, cy, 0.002), ...ring];
  };
  const lipIndex: number[] = [];
  for (let i = 0; i < SEG; i++) {
    const j = (i + 1) % SEG;
    const [in0, out0, in1, out1] = [2 * i, 2 * i + 1, 2 * j, 2 * j + 1];
    lipIndex.push(in0, out0, out1, in0, out1, in1);
  }
  const cavityIndex: number[] = [];
  for (let i = 0; i < SEG; i++) cavityIndex.push(0, 1 + i, 1 + ((i + 1) % SEG));

  const build = (positions: (w: Partial<FaceWeights>) => number[], index: number[], material: MeshStandardMaterial) => {
    const g = new BufferGeometry();
    g.setAttribute("position", new Float32BufferAttribute(positions({}), 3));
    g.setIndex(index);
    g.morphAttributes.position = MOUTH_MORPHS.map((k) => new Float32BufferAttribute(positions({ [k]: 1 }), 3));
    g.computeVertexNormals();
    const m = new Mesh(g, material);
    m.morphTargetInfluences = MOUTH_MORPHS.map(() => 0);
    return m;
  };
  return [build(cavityPositions, cavityIndex, inside), build(ringPositions, lipIndex, lips)];
}

function hairMeshes(look: Look, a: number, b: number, c: number, hair: MeshStandardMaterial): Object3D[] {
  const v = look.hair_volume;
  const out: Object3D[] = [];
  const ellipsoid = (geo: SphereGeometry, sx: number, sy: number, sz: number, tiltX = 0) => {
    const m = new Mesh(geo, hair);
    m.scale.set(sx, sy, sz);
    m.rotation.x = tiltX;
    return m;
  };
  // A cap tilted back: its front edge sits on the forehead above the brows, its back edge at the ears.
  const cap = (extent: number, k: number) => ellipsoid(new SphereGeometry(1, 36, 18, 0, Math.PI * 2, 0, Math.PI * extent), a * k * v, b * k, c * k * v, -0.45);
  const back = (to: number, k = 1.07) =>
    ellipsoid(new SphereGeometry(1, 36, 18, Math.PI * 0.85, Math.PI * 1.3, Math.PI * 0.12, Math.PI * to), a * k * v, b * k, c * k * v);
  switch (look.hair_style) {
    case "bald":
      break;
    case "buzz":
      out.push(cap(0.45, 1.02));
      break;
    case "short":
      out.push(cap(0.42, 1.06), back(0.45, 1.04));
      break;
    case "quiff": {
      out.push(cap(0.42, 1.06));
      const swoosh = ellipsoid(new SphereGeometry(1, 24, 12), a * 0.55, b * 0.22, c * 0.4);
      swoosh.position.set(0, b * 0.86, c * 0.42);
      out.push(swoosh);
      break;
    }
    case "bob":
      out.push(cap(0.42, 1.07), back(0.62));
      break;
    case "long": {
      out.push(cap(0.42, 1.07), back(0.62));
      const fall = new Mesh(new CylinderGeometry(a * 1.06 * v, a * 1.2 * v, b * 1.3, 32, 1, true, Math.PI * 0.45, Math.PI * 1.1), hair);
      fall.position.y = -b * 0.75;
      out.push(fall);
      break;
    }
    case "ponytail": {
      out.push(cap(0.42, 1.06), back(0.5, 1.04));
      const tail = new Mesh(new CylinderGeometry(a * 0.16, a * 0.08, b * 1.1, 16), hair);
      tail.position.set(0, -b * 0.05, -c * 1.12);
      tail.rotation.x = 0.35;
      out.push(tail);
      break;
    }
    case "bun": {
      out.push(cap(0.42, 1.05));
      const bun = ellipsoid(new SphereGeometry(1, 24, 16), a * 0.36, a * 0.36, a * 0.36);
      bun.position.set(0, b * 0.92, -c * 0.5);
      out.push(bun);
      break;
    }
    case "curly": {
      out.push(cap(0.46, 1.1));
      const curl = new SphereGeometry(a * 0.24 * v, 14, 10);
      for (let i = 0; i < 18; i++) {
        const around = (i / 18) * Math.PI * 2;
        const up = 0.35 + 0.5 * ((i * 7) % 5) / 5;
        const m = new Mesh(curl, hair);
        m.position.set(Math.cos(around) * a * 1.02 * Math.cos(up) * v, b * (0.15 + Math.sin(up) * 0.9),
                       Math.sin(around) * c * 1.02 * Math.cos(up) * v - c * 0.12);
        if (m.position.z > c * 0.55 && m.position.y < b * 0.6) continue; // keep the face clear
        out.push(m);
      }
      break;
    }
    case "locs": {
      out.push(cap(0.44, 1.07));
      const loc = new CylinderGeometry(a * 0.05, a * 0.045, b * 1.2, 8);
      for (let i = 0; i < 14; i++) {
        const around = Math.PI * (0.1 + 0.8 * (i / 13)) + Math.PI; // the back half and the sides
        const m = new Mesh(loc, hair);
        m.position.set(Math.cos(around) * a * 1.05 * v, -b * 0.35, Math.sin(around) * c * 1.02 * v);
        out.push(m);
      }
      break;
    }
    default:
      out.push(cap(0.42, 1.06));
  }
  return out;
}

function buildPersona(look: Look): PersonaRig {
  const root = new Group();
  const [main, secondary, accent] = look.outfit_colours;
  const skin = mat(look.skin, { roughness: 0.6 });
  // hair shells are open: their inside shows under the rim
  const hair = mat(look.hair_colour, { roughness: 0.85, side: DoubleSide });
  const a = 0.5 * (look.face_width / 150);
  const b = a * (look.face_length / look.face_width) * 0.95;
  const c = a * 0.95;
  const onFace = surface(a, b, c);

  // body and outfit
  const torso = new Mesh(new CylinderGeometry(0.42, 0.56, 1.0, 32), mat(main));
  torso.position.y = 0.5;
  root.add(torso);
  const shoulders = new Mesh(new SphereGeometry(1, 32, 12, 0, Math.PI * 2, 0, Math.PI * 0.5), mat(main));
  shoulders.scale.set(0.42, 0.16, 0.3);
  shoulders.position.y = 1.0;
  root.add(shoulders);
  const neck = new Mesh(new CylinderGeometry(0.12, 0.14, 0.32, 20), skin);
  neck.position.y = 1.12;
  root.add(neck);
  if (look.outfit === "turtleneck") {
    const roll = new Mesh(new CylinderGeometry(0.15, 0.16, 0.2, 20), mat(main));
    roll.position.y = 1.06;
    root.add(roll);
  } else {
    const collar = new Mesh(new TorusGeometry(0.15, 0.035, 10, 28), mat(look.outfit === "hoodie" ? main : secondary));
    collar.rotation.x = Math.PI / 2;
    collar.position.y = 1.02;
    if (look.outfit === "hoodie") collar.scale.set(1.6, 1.6, 1.6);
    root.add(collar);
  }
  if (look.outfit === "blazer") {
    for (const side of [-1, 1]) {
      const lapel = new Mesh(new BoxGeometry(0.12, 0.5, 0.03), mat(secondary));
      lapel.position.set(side * 0.12, 0.72, 0.5);
      lapel.rotation.z = side * 0.25;
      root.add(lapel);
    }
  }
  const stripe = new Mesh(new BoxGeometry(0.6, 0.07, 0.02), mat(accent));
  stripe.position.set(0, 0.62, 0.49);
  stripe.rotation.x = -0.12;
  root.add(stripe);
  if (look.accessories.includes("necklace")) {
    const chain = new Mesh(new TorusGeometry(0.17, 0.012, 8, 32), mat("#d8c27a", { metalness: 0.8, roughness: 0.3 }));
    chain.rotation.x = Math.PI / 2 - 0.4;
    chain.position.set(0, 0.98, 0.05);
    root.add(chain);
  }

  // the head
  const head = new Group();
  head.position.y = 1.22 + b;
  root.add(head);
  const skull = new Mesh(new SphereGeometry(1, 48, 32), skin);
  skull.scale.set(a, b, c);
  head.add(skull);
  for (const side of [-1, 1]) {
    const ear = new Mesh(new SphereGeometry(1, 16, 12), skin);
    ear.scale.set(a * 0.12, b * 0.2, c * 0.14);
    ear.position.set(side * a * 0.98, b * 0.02, 0);
    head.add(ear);
  }
  for (const part of hairMeshes(look, a, b, c, hair)) head.add(part);

  // eyes: white, iris in the look's colour, pupil; the group's height is how open the lids are
  const eyeY = 0.08 * b;
  const eyeX = (look.eye_spacing / look.face_width) * a;
  const er = (look.eye_size / look.face_width) * a * 0.62;
  const eyes: Group[] = [];
  const white = new MeshStandardMaterial({ color: "#f8f6f2", roughness: 0.3 });
  const iris = mat(look.eye_colour, { roughness: 0.3 });
  const pupil = new MeshBasicMaterial({ color: "#111111" });
  for (const side of [-1, 1]) {
    const eye = new Group();
    eye.position.set(side * eyeX, eyeY, onFace(side * eyeX, eyeY, -er * 0.35));
    const ball = new Mesh(new SphereGeometry(er, 24, 16), white);
    ball.scale.z = 0.6;
    const ir = new Mesh(new SphereGeometry(er * 0.55, 20, 12), iris);
    ir.position.z = er * 0.42;
    ir.scale.z = 0.4;
    const pu = new Mesh(new SphereGeometry(er * 0.27, 16, 10), pupil);
    pu.position.z = er * 0.58;
    pu.scale.z = 0.4;
    eye.add(ball, ir, pu);
    head.add(eye);
    eyes.push(eye);
  }
  // brows in the hair's colour, as thick as the look's
  const browBaseY = 0.27 * b;
  const brows: Mesh[] = [];
  const browGeo = new BoxGeometry(er * 2.4, Math.max(0.018, (look.brow_thickness / look.face_width) * a * 0.8), 0.025);
  for (const side of [-1, 1]) {
    const brow = new Mesh(browGeo, hair);
    brow.position.set(side * eyeX, browBaseY, onFace(side * eyeX, browBaseY, 0.008));
    brow.rotation.y = side * 0.25;
    brow.userData.side = side;
    head.add(brow);
    brows.push(brow);
  }
  // nose
  const nose = new Mesh(new SphereGeometry(1, 16, 12), mat(shadeHex(look.skin, 0.92), { roughness: 0.6 }));
  const noseY = -0.14 * b;
  nose.scale.set(a * (look.nose === "broad" ? 0.16 : 0.11), b * 0.12, a * 0.14);
  nose.position.set(0, noseY, onFace(0, noseY, -0.02));
  head.add(nose);
  // cheeks: a blush that shows with AU6 (the cheek raiser of a smile)
  const cheeks: MeshBasicMaterial[] = [];
  for (const side of [-1, 1]) {
    const m = new MeshBasicMaterial({ color: look.lip_colour, transparent: true, opacity: 0, depthWrite: false });
    const blush = new Mesh(new CircleGeometry(er * 1.1, 20), m);
    const x = side * eyeX * 1.15, y = -0.2 * b;
    blush.position.set(x, y, onFace(x, y, 0.006));
    blush.rotation.y = side * 0.45;
    head.add(blush);
    cheeks.push(m);
  }
  if (look.freckles) {
    const dot = new CircleGeometry(0.008, 6);
    const fm = new MeshBasicMaterial({ color: shadeHex(look.skin, 0.7) });
    for (let i = 0; i < 12; i++) {
      const side = i % 2 ? 1 : -1;
      const x = side * (eyeX * (0.7 + 0.08 * (i % 5))), y = -0.08 * b - 0.02 * (i % 4);
      const f = new Mesh(dot, fm);
      f.position.set(x, y, onFace(x, y, 0.007));
      head.add(f);
    }
  }
  // mouth: a ring of lips around a dark opening, each with the morph targets of lipPoint
  const mouth = mouthMeshes(look, a, b, c, mat(look.lip_colour, { roughness: 0.5 }),
                            new MeshStandardMaterial({ color: "#3a1418", roughness: 0.9 }));
  for (const m of mouth) head.add(m);
  // facial hair
  if (look.facial_hair === "beard" || look.facial_hair === "stubble") {
    const beard = new Mesh(new SphereGeometry(1, 36, 16, 0, Math.PI * 2, Math.PI * (look.facial_hair === "beard" ? 0.7 : 0.68), Math.PI * 0.3),
      look.facial_hair === "beard" ? hair : mat(look.hair_colour, { transparent: true, opacity: 0.35 }));
    beard.scale.set(a * 1.03, b * 1.04, c * 1.05);
    head.add(beard);
  }
  if (look.facial_hair === "moustache") {
    const y = -0.3 * b;
    const m = new Mesh(new BoxGeometry(a * 0.62, 0.035, 0.03), hair);
    m.position.set(0, y, onFace(0, y, 0.01));
    head.add(m);
  }
  // accessories
  const glasses = look.accessories.find((x) => x.startsWith("glasses"));
  if (glasses) {
    const frame = mat("#222228", { metalness: 0.4, roughness: 0.4 });
    for (const side of [-1, 1]) {
      const ring = new Mesh(new TorusGeometry(er * 1.45, 0.012, 8, glasses === "glasses_rect" ? 4 : 28), frame);
      if (glasses === "glasses_rect") ring.rotation.z = Math.PI / 4;
      if (glasses === "glasses_cat") ring.scale.set(1.15, 0.85, 1);
      ring.position.set(side * eyeX, eyeY, onFace(side * eyeX, eyeY, 0.04));
      head.add(ring);
    }
    const bridge = new Mesh(new BoxGeometry(eyeX * 2 - er * 2.9, 0.014, 0.014), frame);
    bridge.position.set(0, eyeY + er * 0.3, onFace(0, eyeY, 0.04));
    head.add(bridge);
  }
  if (look.accessories.includes("earrings")) {
    const gold = mat(accent, { metalness: 0.7, roughness: 0.3 });
    for (const side of [-1, 1]) {
      const e = new Mesh(new SphereGeometry(0.03, 12, 8), gold);
      e.position.set(side * a * 1.0, -b * 0.2, 0.02);
      head.add(e);
    }
  }
  if (look.accessories.includes("headphones")) {
    const dark = mat("#2b2b33");
    const band = new Mesh(new TorusGeometry(a * 1.12, 0.03, 8, 32, Math.PI), dark);
    band.position.y = b * 0.05;
    head.add(band);
    for (const side of [-1, 1]) {
      const cup = new Mesh(new CylinderGeometry(0.1, 0.1, 0.07, 20), mat(accent));
      cup.rotation.z = Math.PI / 2;
      cup.position.set(side * a * 1.05, 0, 0);
      head.add(cup);
    }
  }
  root.scale.setScalar(PERSONA_SCALE);
  return { root, head, eyes, brows, browBaseY, mouth, cheeks, seed: Number(look.seed % 97n) };
}

function fanFigure(address: string, mine: boolean): Group {
  const g = new Group();
  const color = new Color().setHSL(fanHue(address), 0.55, 0.55);
  const body = new Mesh(new CapsuleGeometry(0.22, 0.7, 6, 14), mat(color));
  body.position.y = 0.6;
  const head = new Mesh(new SphereGeometry(0.2, 20, 14), mat(color.clone().offsetHSL(0, -0.1, 0.15)));
  head.position.y = 1.3;
  const nose = new Mesh(new ConeGeometry(0.06, 0.16, 10), mat("#ffffff"));
  nose.rotation.x = Math.PI / 2;
  nose.position.set(0, 1.3, 0.22);
  g.add(body, head, nose);
  if (mine) {
    const ring = new Mesh(new RingGeometry(0.36, 0.46, 32), new MeshBasicMaterial({ color: "#ffffff", side: DoubleSide }));
    ring.rotation.x = -Math.PI / 2;
    ring.position.y = 0.02;
    g.add(ring);
  }
  return g;
}

export function createScene3d(container: HTMLElement, options: RoomViewOptions): RoomView {
  const canvas = document.createElement("canvas");
  canvas.className = "room-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `The room: ${options.personaName} on the stage, the fans on the floor. Click the floor or use the arrow keys to move.`);
  container.append(canvas);
  const renderer = new WebGLRenderer({ canvas, antialias: true });
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  const scene = new Scene();
  scene.background = new Color(options.backdrop).lerp(new Color("#ffffff"), 0.55);
  const camera = new PerspectiveCamera(45, 16 / 9, 0.1, 100);
  camera.position.set(0, 6.2, 11.5);
  camera.lookAt(0, 2.8, -4);
  // the close-up sees the face from the front, so its expression reads at any distance
  const closeUp = new PerspectiveCamera(30, 1, 0.1, 50);

  scene.add(new HemisphereLight("#ffffff", "#444455", 1.6));
  const sun = new DirectionalLight("#ffffff", 1.8);
  sun.position.set(4, 10, 8);
  scene.add(sun);

  const floorColour = new Color(options.backdrop).lerp(new Color("#202028"), 0.55);
  const floor = new Mesh(new PlaneGeometry(FLOOR_HALF * 2, FLOOR_HALF * 2), mat(floorColour, { roughness: 0.95 }));
  floor.rotation.x = -Math.PI / 2;
  scene.add(floor);
  const gridLine = new Color("#ffffff").multiplyScalar(0.25);
  const grid = new GridHelper(FLOOR_HALF * 2, 20, gridLine, gridLine);
  grid.position.y = 0.005;
  scene.add(grid);
  const backdrop = new Mesh(new PlaneGeometry(FLOOR_HALF * 2, 9), mat(options.backdrop, { roughness: 1 }));
  backdrop.position.set(0, 4.5, -FLOOR_HALF);
  scene.add(backdrop);
  const stageTop = 0.4;
  const stage = options.stage === "square"
    ? new Mesh(new BoxGeometry(7, stageTop, 4), mat(shadeHex(options.backdrop, 0.7)))
    : new Mesh(new CylinderGeometry(3.4, 3.6, stageTop, 64), mat(shadeHex(options.backdrop, 0.7)));
  stage.position.set(0, stageTop / 2, STAGE_Z);
  scene.add(stage);

  const persona = buildPersona(options.look);
  persona.root.position.set(0, stageTop, STAGE_Z);
  scene.add(persona.root);
  scene.updateMatrixWorld(true);
  const face = persona.head.getWorldPosition(new Vector3());
  closeUp.position.set(face.x, face.y + 0.2, face.z + 6.4);
  closeUp.lookAt(face.x, face.y - 0.05, face.z);

  const fans = new Map<string, Group>();
  const raycaster = new Raycaster();
  const ground = new Plane(new Vector3(0, 1, 0), 0);
  const onClick = (ev: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    raycaster.setFromCamera(new Vector2(((ev.clientX - r.left) / r.width) * 2 - 1, -((ev.clientY - r.top) / r.height) * 2 + 1), camera);
    const hit = raycaster.ray.intersectPlane(ground, new Vector3());
    if (!hit) return;
    const p = clampToFloor(hit.x, hit.z);
    options.onFloorClick(p.x, p.z);
  };
  canvas.addEventListener("click", onClick);

  const resize = () => {
    const width = Math.max(240, container.clientWidth);
    const height = Math.round(Math.min(560, width * 0.56));
    renderer.setSize(width, height, true);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  resize();
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(resize) : null;
  observer?.observe(container);

  const render = (frame: RoomFrame, dt: number) => {
    const f = frame.face;
    const blink = blinkAt(frame.time, persona.seed);
    for (const eye of persona.eyes) eye.scale.y = Math.max(0.08, f.eyeOpen * (1 - blink));
    for (const brow of persona.brows) {
      const side = brow.userData.side as number;
      brow.position.y = persona.browBaseY + 0.03 * (f.browInner + f.browOuter);
      // the inner end (toward the nose) rises with AU1 and drops with AU4
      brow.rotation.z = side * -0.35 * (f.browInner - f.browOuter * 0.5);
    }
    for (const m of persona.mouth) {
      const w = m.morphTargetInfluences!;
      MOUTH_MORPHS.forEach((k, i) => { w[i] = f[k]; });
    }
    for (const c of persona.cheeks) c.opacity = 0.35 * f.cheek;
    persona.head.rotation.y = Math.sin(frame.time * 0.45) * 0.1;
    persona.head.rotation.x = frame.speaking ? Math.sin(frame.time * 5.3) * 0.025 : Math.sin(frame.time * 0.3) * 0.02;

    const k = 1 - Math.exp(-8 * dt);
    for (const [address, avatar] of frame.avatars) {
      let fig = fans.get(address);
      if (!fig) {
        fig = fanFigure(address, address === frame.me);
        fig.position.set(avatar.x, 0, avatar.z);
        scene.add(fig);
        fans.set(address, fig);
      }
      fig.position.x += (avatar.x - fig.position.x) * k;
      fig.position.z += (avatar.z - fig.position.z) * k;
      fig.rotation.y = Math.PI - avatar.heading;
    }
    for (const [address, fig] of fans) {
      if (frame.avatars.has(address)) continue;
      scene.remove(fig);
      disposeTree(fig);
      fans.delete(address);
    }
    const size = renderer.getSize(new Vector2());
    renderer.setScissorTest(false);
    renderer.setViewport(0, 0, size.x, size.y);
    renderer.render(scene, camera);
    const w = Math.round(size.x * CLOSE_UP), pad = 8;
    renderer.setScissorTest(true);
    renderer.setScissor(size.x - w - pad, size.y - w - pad, w, w);
    renderer.setViewport(size.x - w - pad, size.y - w - pad, w, w);
    renderer.render(scene, closeUp);
    renderer.setScissorTest(false);
  };

  return {
    kind: "webgl",
    render,
    dispose() {
      observer?.disconnect();
      canvas.removeEventListener("click", onClick);
      disposeTree(scene);
      renderer.dispose();
      renderer.forceContextLoss();
      canvas.remove();
    },
  };
}

function disposeTree(root: Object3D): void {
  root.traverse((o) => {
    const m = o as Mesh;
    m.geometry?.dispose?.();
    const materials = Array.isArray(m.material) ? m.material : m.material ? [m.material] : [];
    for (const material of materials) material.dispose();
  });
}
