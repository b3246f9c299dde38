// A live event's room (#/live/<event id>, from "Join room" on the persona's page): the event
// from the chain, its metadata and the persona's spec from IPFS, then the room (live-room.ts).
import type { ScreenContext } from "../app-context";
import { eventState, parseLiveRoute, STATE_LABELS } from "../events-model";
import { fetchIpfsJson } from "../ipfs";
import { LiveApi } from "../live-api";
import { mountLiveRoom } from "../live-room";
import { persona as chainPersona } from "../reads";
import { eventMetadata, liveEvent } from "../reads-events";
import { chainNow } from "../chain";
import { personaHref } from "../social-model";
import { SocialApi } from "../social-api";
import { clear, h } from "../ui/dom";

export async function liveScreen(root: HTMLElement, ctx: ScreenContext): Promise<void> {
  const route = parseLiveRoute(location.hash);
  if (!route) {
    clear(root, h("h2", null, "Live room"), h("p", { class: "error", role: "alert" }, "There is no such room. "),
      h("a", { href: "#/personas" }, "Back to the personas"));
    return;
  }
  const { eventId, flat } = route;
  let event;
  try {
    event = await liveEvent(ctx.client, eventId);
  } catch (err) {
    clear(root, h("h2", null, `Event #${eventId}`),
      h("p", { class: "error", role: "alert", dataset: { testid: "room-error" } },
        /unknown event/.test(String((err as Error)?.message)) ? `There is no event #${eventId}.` : `The chain did not answer: ${(err as Error)?.message ?? err}`),
      h("a", { href: "#/personas" }, "Back to the personas"));
    return;
  }
  const personaId = Number(event.personaId);
  const [metadata, record, socialPersona, now] = await Promise.all([
    eventMetadata(ctx.config.gatewayUrl, event),
    chainPersona(ctx.client, event.personaId).catch(() => null),
    new SocialApi(ctx.config.socialUrl).persona(personaId).catch(() => null),
    chainNow(ctx.client).catch(() => null),
  ]);
  const spec = record ? await fetchIpfsJson(ctx.config.gatewayUrl, record.specCid).catch(() => null) : null;
  const personaName = record?.name ?? socialPersona?.name ?? `Persona #${personaId}`;
  const back = personaHref(personaId);
  // The room says itself whether it lets the fan in; the page says beforehand when it will not.
  const state = now === null ? null : eventState(event, now);
  const box = h("div", { dataset: { testid: "live-screen", eventId: String(eventId), eventState: state ?? "" } });
  clear(root, box);
  mountLiveRoom(box, { event, metadata, personaName, spec, emotion: socialPersona?.emotion ?? null, live: new LiveApi(ctx.config.liveUrl),
                       backHref: back, flat, signal: ctx.signal });
  if (state && state !== "live") {
    box.prepend(h("p", { class: "warning", role: "note", dataset: { testid: "room-not-live" } },
      `This event is ${STATE_LABELS[state]}: the room is open while the event is live. `,
      h("a", { href: back }, "Back to the persona's events")));
  }
}
