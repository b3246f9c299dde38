// The room of a live event (docs/live.md): the WebSocket client (live-client.ts), the picture
// (the three.js scene, loaded on first use, or the 2D view where WebGL is missing), the
// persona's voice (live-audio.ts) with its captions and mouth in step with what is heard
// (live-timeline.ts), the fans moving (arrow keys, WASD or a click on the floor; at most ten
// `move` frames a second), the chat and the questions. What end-to-end runs look at is on the
// room's element as data attributes: data-room-state, data-close-code, data-close-reason,
// data-attendees, data-host, data-audio-chunks, data-avatar-expression, data-viseme,
// data-last-caption and data-renderer.
import { blend, ease, expression, faceWeights, mouthShape, type Expression, type FaceWeights } from "./avatar-face";
import type { EventMetadata, LiveEventRecord } from "./events-model";
import { attendanceText } from "./events-model";
import { shortAddress } from "./format";
import { audioContext, audioRunning, unlockAudio, VoicePlayer } from "./live-audio";
import type { LiveApi } from "./live-api";
import { LiveClient, type RoomStatus } from "./live-client";
import {
  chatProblem, CHAT_MAX, clampToFloor, decodePcm16, headingOf, MoveThrottle, roomErrorText, type Avatar, type ServerFrame,
} from "./live-protocol";
import { AnswerTimeline } from "./live-timeline";
import type { RoomView } from "./live-view";
import { webglAvailable } from "./live-view";
import { lookFromSpec } from "./persona-look";
import { clear, h } from "./ui/dom";

export interface RoomInput {
  event: LiveEventRecord;
  metadata: EventMetadata;
  personaName: string;
  /** The persona's spec (its look); null when IPFS did not answer (the look then comes from its id). */
  spec: Record<string, any> | null;
  /** The persona's current emotion (the social service's), the face it has before it speaks. */
  emotion: string | null;
  live: LiveApi;
  /** Where "back" goes (the persona's page). */
  backHref: string;
  /** Force the 2D view (tests, or a fan's choice). */
  flat?: boolean;
  /** The screen's lifetime (ScreenContext.signal): the room leaves when it ends. */
  signal?: AbortSignal;
}

const WALK_SPEED = 3; // metres per second
const CHAT_KEEP = 200;
const ATTENDANCE_POLL_MS = 10_000;

/** Builds the room in `root` and joins it; returns the function that leaves it. The room
 * leaves when `room.signal` ends (the router shows another screen, or a newer route replaced
 * this one before it was shown), or once it was shown and is no longer on the page. */
export function mountLiveRoom(root: HTMLElement, room: RoomInput): () => void {
  const { event, metadata, personaName, live } = room;
  const look = lookFromSpec(room.spec ?? { name: personaName }, event.personaId);

  // ---------------------------------------------------------------- the page
  const status = h("p", { class: "room-status small", role: "status", "aria-live": "polite", dataset: { testid: "room-status" } }, "Joining the room…");
  const refusal = h("p", { class: "error room-refusal", role: "alert", hidden: true, dataset: { testid: "room-refusal" } });
  const caption = h("p", { class: "room-caption", "aria-live": "polite", dataset: { testid: "caption" } });
  const aiLine = h("p", { class: "ai-notice small", dataset: { testid: "room-ai-label" } },
    `${personaName} is an AI persona, not a real person: its answers are AI-generated, and so are its voice and face.`);
  const viewBox = h("div", { class: "room-view" });
  const stageWrap = h("div", { class: "room-stage", tabindex: 0, "aria-label": "The room: arrow keys or WASD move you" },
    viewBox, caption);
  const soundButton = h("button", { type: "button", class: "secondary", dataset: { testid: "enable-sound" } }, "Turn on sound");
  const muteButton = h("button", { type: "button", class: "secondary", "aria-pressed": "false", dataset: { testid: "mute" } }, "Mute");
  const attendance = h("p", { class: "small muted", dataset: { testid: "room-attendance" } });
  const people = h("ul", { class: "plain room-people small", dataset: { testid: "attendee-list" } });
  const peopleHeading = h("h4", null, "In the room");
  const chatLog = h("ol", { class: "plain room-chat", "aria-live": "polite", "aria-label": "Chat", dataset: { testid: "chat-log" } });
  const questions = h("ol", { class: "plain room-questions", "aria-label": "Questions", dataset: { testid: "questions" } });
  const input = h("textarea", { rows: 2, maxlength: CHAT_MAX * 2, id: "room-message", dataset: { testid: "chat-input" },
                                placeholder: `Say hello, or ask ${personaName} a question…` });
  const send = h("button", { type: "submit", dataset: { testid: "chat-send" } }, "Send");
  const ask = h("button", { type: "button", class: "secondary", dataset: { testid: "ask-send" } }, `Ask ${personaName}`);
  const chatStatus = h("p", { class: "request small", role: "status", dataset: { testid: "chat-status", status: "idle" } });
  const form = h("form", { class: "room-form", novalidate: true },
    h("label", { for: "room-message", class: "small" }, "Message"), input, h("div", { class: "actions" }, send, ask), chatStatus);

  const section = h("section", {
    class: "live-room", "aria-label": `${metadata.title}: the room`,
    dataset: { testid: "live-room", eventId: String(event.id), roomState: "connecting", attendees: "0", audioChunks: "0",
               avatarExpression: room.emotion ?? "calm", viseme: "rest", lastCaption: "", renderer: "", host: "false",
               closeCode: "", closeReason: "" },
  },
    h("p", { class: "small" }, h("a", { href: room.backHref, dataset: { testid: "leave-room" } }, `← ${personaName}'s page`)),
    h("h2", null, metadata.title, h("span", { class: "badge ai-badge" }, "live")),
    metadata.description ? h("p", { class: "muted" }, metadata.description) : null,
    aiLine, status, refusal,
    h("div", { class: "room-layout" },
      h("div", { class: "room-main" }, stageWrap,
        h("div", { class: "actions room-controls" }, soundButton, muteButton,
          h("span", { class: "small muted" }, "Move: arrow keys / WASD, or click the floor.")),
        attendance),
      h("div", { class: "room-side card" }, peopleHeading, people, h("h4", null, "Chat"), chatLog, form,
        h("h4", null, "Questions"), questions)));
  clear(root, section);

  const setData = (key: string, value: string) => { if (section.dataset[key] !== value) section.dataset[key] = value; };
  const showChatStatus = (state: "idle" | "sending" | "done" | "failed", text: string) => {
    chatStatus.textContent = text;
    chatStatus.dataset.status = state;
    chatStatus.className = `request small request-${state}`;
  };

  // ---------------------------------------------------------------- state
  const avatars = new Map<string, Avatar>();
  let me: string | null = null;
  let myPos = { x: 0, z: 6, heading: 0 };
  let target: { x: number; z: number } | null = null;
  const keys = new Set<string>();
  const throttle = new MoveThrottle();
  const answers = new Map<string, { timeline: AnswerTimeline; audioClock: boolean; li: HTMLElement | null }>();
  let current: { timeline: AnswerTimeline; audioClock: boolean; li: HTMLElement | null } | null = null;
  let audioChunks = 0;
  let emotion = room.emotion ?? "calm";
  let fromExpr: Expression = expression(emotion, 0.6);
  let toExpr: Expression = fromExpr;
  let exprSince = 0;
  let face: FaceWeights = faceWeights(fromExpr, mouthShape("rest"), 0);
  const player = new VoicePlayer();
  let view: RoomView | null = null;
  let disposed = false;

  const renderPeople = () => {
    setData("attendees", String(avatars.size));
    peopleHeading.textContent = `In the room (${avatars.size})`;
    clear(people, [...avatars.values()].map((a) =>
      h("li", { class: "mono", dataset: { address: a.address.toLowerCase() } }, a.address.toLowerCase() === me ? `${shortAddress(a.address)} (you)` : shortAddress(a.address))));
  };
  const logLine = (kind: "chat" | "system", from: string | null, text: string) => {
    chatLog.append(h("li", { class: `room-line room-${kind}`, dataset: { kind } },
      // the colon inside the name's element: a line never starts with it
      from ? h("strong", { class: "mono" }, `${from.toLowerCase() === me ? "you" : shortAddress(from)}:`) : null, from ? " " : "", text));
    while (chatLog.childElementCount > CHAT_KEEP) chatLog.firstElementChild?.remove();
    chatLog.scrollTop = chatLog.scrollHeight;
  };

  // ---------------------------------------------------------------- the connection
  const client = new LiveClient(live.socketUrl(event.id), event.id);
  const renderStatus = (s: RoomStatus) => {
    setData("roomState", s.state);
    setData("closeCode", s.code === null ? "" : String(s.code));
    setData("closeReason", s.state === "open" ? "" : s.message);
    const busy = s.state !== "open";
    send.disabled = busy;
    ask.disabled = busy;
    switch (s.state) {
      case "connecting": status.textContent = "Joining the room…"; break;
      case "open": status.textContent = "You are in the room."; break;
      case "reconnecting": status.textContent = `${capital(s.message)}: joining again (try ${s.attempt})…`; break;
      case "closed": status.textContent = `${capital(s.message)}.`; break;
      case "refused":
        status.textContent = "The room did not let you in.";
        refusal.hidden = false;
        clear(refusal, `${capital(s.message)}. `,
          /ticket/i.test(s.message) ? h("a", { href: room.backHref }, "Buy a ticket on the persona's page") : null,
          /sign in/i.test(s.message) ? h("a", { href: room.backHref }, "Sign in with Ethereum on the persona's page") : null);
        break;
    }
    if (s.state !== "refused") refusal.hidden = true;
  };
  client.onStatus(renderStatus);
  client.onFrame((frame) => onFrame(frame));

  function onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "welcome": {
        me = frame.you.toLowerCase();
        avatars.clear();
        for (const a of frame.attendees) avatars.set(a.address.toLowerCase(), a);
        const mine = avatars.get(me);
        if (mine) myPos = { x: mine.x, z: mine.z, heading: mine.heading };
        avatars.set(me, { address: frame.you, ...myPos });
        setData("host", String(frame.host));
        logLine("system", null, frame.host ? `${personaName} is here.` : `${personaName} has not come in yet.`);
        for (const q of frame.questions) addQuestion(q.id, q.from, q.text);
        renderPeople();
        void readAttendance();
        break;
      }
      case "host":
        if (section.dataset.host !== String(frame.present)) {
          setData("host", String(frame.present));
          logLine("system", null, frame.present ? `${personaName} came in.` : `${personaName} stepped away.`);
        }
        break;
      case "presence":
        for (const a of frame.avatars) {
          const key = a.address.toLowerCase();
          // the fan's own figure follows the fan's keys at once; the server's echo comes later
          if (key !== me) avatars.set(key, a);
        }
        renderPeople();
        break;
      case "joined": {
        const key = frame.address.toLowerCase();
        if (!avatars.has(key)) avatars.set(key, { address: frame.address, x: 0, z: 8, heading: 0 });
        if (key !== me) logLine("system", null, `${shortAddress(frame.address)} came in.`);
        renderPeople();
        break;
      }
      case "left":
        if (frame.address.toLowerCase() !== me) {
          avatars.delete(frame.address.toLowerCase());
          logLine("system", null, `${shortAddress(frame.address)} left.`);
          renderPeople();
        }
        break;
      case "chat":
        logLine("chat", frame.from, frame.text);
        break;
      case "question":
        addQuestion(frame.id, frame.from, frame.text);
        break;
      case "answer.start": {
        setData("host", "true");
        const audioClock = audioRunning();
        const previous = current && current.audioClock === audioClock ? current.timeline.clockEnd() : -Infinity;
        const timeline = new AnswerTimeline(frame.questionId, frame.sampleRate, frame.emotion, frame.text, previous);
        const li = questions.querySelector<HTMLElement>(`[data-question-id="${cssId(frame.questionId)}"]`);
        const entry = { timeline, audioClock, li };
        answers.set(frame.questionId, entry);
        current = entry;
        if (li) {
          li.dataset.state = "answering";
          li.querySelector(".room-answer")!.textContent = `${personaName} is answering (${frame.emotion})…`;
        }
        emotion = frame.emotion;
        fromExpr = blend(fromExpr, toExpr, 1);
        toExpr = expression(emotion, 0.85);
        exprSince = performance.now() / 1000;
        setData("avatarExpression", emotion);
        if (frame.aiLabel) aiLine.textContent = `${personaName} is an AI persona, not a real person. ${frame.aiLabel}`;
        break;
      }
      case "answer.audio": {
        const entry = answers.get(frame.questionId);
        if (!entry) break;
        const samples = decodePcm16(frame.pcm);
        const seconds = samples.length / entry.timeline.sampleRate;
        const when = entry.timeline.placeChunk(frame.at, seconds, frame.visemes, clockFor(entry.audioClock));
        player.play(samples, entry.timeline.sampleRate, when, entry.audioClock);
        audioChunks += 1;
        setData("audioChunks", String(audioChunks));
        break;
      }
      case "answer.caption":
        answers.get(frame.questionId)?.timeline.addCue({ start: frame.start, end: frame.end, text: frame.text });
        break;
      case "answer.end":
        answers.get(frame.questionId)?.timeline.end(frame.duration);
        break;
      case "error":
        showChatStatus("failed", roomErrorText(frame.code, frame.message));
        break;
      case "pong":
        break;
    }
  }

  function addQuestion(id: string, from: string, text: string): void {
    if (questions.querySelector(`[data-question-id="${cssId(id)}"]`)) return;
    questions.append(h("li", { class: "room-question", dataset: { questionId: id, state: "waiting" } },
      h("strong", { class: "mono" }, from.toLowerCase() === me ? "you" : shortAddress(from)), " asked: ", text,
      h("p", { class: "small muted room-answer" }, "waiting for an answer…")));
  }

  // ---------------------------------------------------------------- chat and questions
  const submit = (kind: "chat" | "ask") => {
    const problem = chatProblem(input.value);
    if (problem) {
      showChatStatus("failed", problem);
      input.setAttribute("aria-invalid", "true");
      return;
    }
    input.removeAttribute("aria-invalid");
    const text = input.value.trim();
    if (!client.send({ type: kind, text })) {
      showChatStatus("failed", "You are not in the room right now.");
      return;
    }
    input.value = "";
    showChatStatus("done", kind === "ask" ? `Question sent: ${personaName} answers questions one at a time.` : "Sent.");
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); submit("chat"); });
  ask.addEventListener("click", () => submit("ask"));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit("chat"); }
  });

  // ---------------------------------------------------------------- sound
  const renderSound = () => { soundButton.hidden = audioRunning(); };
  soundButton.addEventListener("click", () => {
    const ctx = unlockAudio();
    void ctx?.resume().then(renderSound, renderSound);
  });
  let muted = false;
  muteButton.addEventListener("click", () => {
    muted = !muted;
    player.setMuted(muted);
    muteButton.textContent = muted ? "Unmute" : "Mute";
    muteButton.setAttribute("aria-pressed", String(muted));
  });
  audioContext()?.addEventListener("statechange", renderSound);
  renderSound();

  // ---------------------------------------------------------------- moving
  const MOVE_KEYS: Record<string, [number, number]> = {
    ArrowUp: [0, -1], KeyW: [0, -1], ArrowDown: [0, 1], KeyS: [0, 1], ArrowLeft: [-1, 0], KeyA: [-1, 0], ArrowRight: [1, 0], KeyD: [1, 0],
  };
  const typing = (el: EventTarget | null) => el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const onKeyDown = (e: KeyboardEvent) => {
    if (!MOVE_KEYS[e.code] || typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
    keys.add(e.code);
    target = null;
    e.preventDefault();
  };
  const onKeyUp = (e: KeyboardEvent) => { keys.delete(e.code); };
  const onBlur = () => keys.clear();
  window.addEventListener("keydown", onKeyDown);
  window.addEventListener("keyup", onKeyUp);
  window.addEventListener("blur", onBlur);

  const step = (dt: number, nowMs: number) => {
    let dx = 0, dz = 0;
    for (const k of keys) { dx += MOVE_KEYS[k][0]; dz += MOVE_KEYS[k][1]; }
    if (dx || dz) {
      const n = Math.hypot(dx, dz);
      dx = (dx / n) * WALK_SPEED * dt;
      dz = (dz / n) * WALK_SPEED * dt;
    } else if (target) {
      const rx = target.x - myPos.x, rz = target.z - myPos.z;
      const dist = Math.hypot(rx, rz);
      if (dist < 0.05) target = null;
      else {
        const s = Math.min(dist, WALK_SPEED * dt);
        dx = (rx / dist) * s;
        dz = (rz / dist) * s;
      }
    }
    if (dx || dz) {
      const p = clampToFloor(myPos.x + dx, myPos.z + dz);
      myPos = { x: p.x, z: p.z, heading: headingOf(dx, dz, myPos.heading) };
      if (me) avatars.set(me, { ...(avatars.get(me) ?? { address: me }), ...myPos });
      const frame = throttle.offer(myPos.x, myPos.z, myPos.heading, nowMs);
      if (frame) client.send(frame);
    }
    const due = throttle.due(nowMs);
    if (due) client.send(due);
  };

  // ---------------------------------------------------------------- the picture and the loop
  const viewOptions = {
    look, backdrop: metadata.scene.backdrop, stage: metadata.scene.stage, personaName,
    onFloorClick: (x: number, z: number) => { target = { x, z }; stageWrap.focus({ preventScroll: true }); },
  };
  const makeView = async (): Promise<RoomView> => {
    if (!room.flat && webglAvailable()) {
      try {
        return (await import("./live-scene")).createScene3d(viewBox, viewOptions);
      } catch {
        clear(viewBox); // a WebGL context that fails to start: the 2D view instead
      }
    }
    return (await import("./live-scene-2d")).createScene2d(viewBox, viewOptions);
  };
  void makeView().then((v) => {
    if (disposed) { v.dispose(); return; }
    view = v;
    setData("renderer", v.kind);
  });

  const started = performance.now();
  let last = started;
  let shownCaption: string | null = null;
  let raf = 0;
  let shown = false;
  const loop = (nowMs: number) => {
    if (disposed) return;
    // The screen is built before the router shows it: a room shown once and gone from the
    // page (a caller without a lifetime) leaves too.
    shown ||= section.isConnected;
    if (shown && !section.isConnected) { dispose(); return; }
    const dt = Math.min(0.1, Math.max(0, (nowMs - last) / 1000));
    last = nowMs;
    // the move limit counts in the time frames leave, not the frame's start time
    step(dt, performance.now());

    let viseme = "rest";
    let cue: string | null = null;
    let speaking = false;
    if (current) {
      const clock = clockFor(current.audioClock);
      const t = current.timeline.position(clock);
      viseme = current.timeline.visemeAt(t);
      cue = current.timeline.cueAt(t)?.text ?? null;
      speaking = t !== null && t >= 0 && t < current.timeline.audioEnd;
      if (current.li && current.timeline.finished(clock) && current.li.dataset.state !== "answered") {
        current.li.dataset.state = "answered";
        current.li.querySelector(".room-answer")!.textContent = `${personaName}: ${current.timeline.text}`;
      }
    }
    if (cue !== shownCaption) {
      shownCaption = cue;
      caption.textContent = cue ?? "";
      caption.classList.toggle("on", !!cue);
      if (cue) setData("lastCaption", cue);
    }
    setData("viseme", viseme);
    const blendT = Math.min(1, (nowMs / 1000 - exprSince) / 0.6);
    const aus = blend(fromExpr, toExpr, blendT);
    face = ease(face, faceWeights(aus, mouthShape(viseme), speaking ? 1 : 0), dt);
    view?.render({ face, avatars, me, speaking, time: (nowMs - started) / 1000 }, dt);
    raf = requestAnimationFrame(loop);
  };
  raf = requestAnimationFrame(loop);

  // ---------------------------------------------------------------- attendance
  async function readAttendance(): Promise<void> {
    try {
      const a = await live.attendance(event.id);
      attendance.dataset.attended = String(a.attended);
      attendance.dataset.required = String(a.required);
      attendance.textContent = attendanceText(a.attended, a.required);
    } catch {
      /* shown again on the next read */
    }
  }
  const attendanceTimer = setInterval(() => { if (client.open) void readAttendance(); }, ATTENDANCE_POLL_MS);

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    cancelAnimationFrame(raf);
    clearInterval(attendanceTimer);
    window.removeEventListener("keydown", onKeyDown);
    window.removeEventListener("keyup", onKeyUp);
    window.removeEventListener("blur", onBlur);
    audioContext()?.removeEventListener("statechange", renderSound);
    client.close();
    player.stop();
    view?.dispose();
  }
  if (room.signal?.aborted) {
    dispose();
    return dispose;
  }
  room.signal?.addEventListener("abort", dispose, { once: true });
  client.connect();
  return dispose;
}

function clockFor(audioClock: boolean): number {
  const ctx = audioContext();
  return audioClock && ctx ? ctx.currentTime : performance.now() / 1000;
}

const capital = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
const cssId = (id: string) => id.replace(/["\\]/g, "\\$&");
