import { describe, expect, it } from "vitest";
import {
  DEFAULT_BACKDROP, attendanceText, eventState, fanActions, lastEventIds, liveHref, parseEventMetadata, parseLiveRoute, priceText,
  seatsLeft, seatsText, sortForCalendar, whenText, type LiveEventRecord,
} from "../src/events-model";

const FMC = 10n ** 18n;
const base: LiveEventRecord = {
  id: 1n, personaId: 1n, startsAt: 1000n, endsAt: 2000n, capacity: 10n, sold: 3n, price: 5n * FMC, minAttendance: 300n,
  cancelled: false, settled: false, metadataCid: "bafy",
};
const noWallet = { ticket: null, badge: null, attended: null };
const noTicket = { ticket: false, badge: 0n, attended: null };
const holder = { ticket: true, badge: 0n, attended: null };

describe("an event's state in chain time", () => {
  it("is upcoming before starts_at, live until ends_at, ended from ends_at", () => {
    expect(eventState(base, 999n)).toBe("upcoming");
    expect(eventState(base, 1000n)).toBe("live");
    expect(eventState(base, 1999n)).toBe("live");
    expect(eventState(base, 2000n)).toBe("ended");
  });
  it("says cancelled or settled whatever the time", () => {
    expect(eventState({ ...base, cancelled: true }, 500n)).toBe("cancelled");
    expect(eventState({ ...base, settled: true }, 5000n)).toBe("settled");
  });
});

describe("what a fan may do", () => {
  it("buys an open event with seats left, once", () => {
    expect(fanActions(base, noTicket, 500n)).toMatchObject({ buy: true, join: false, claimBadge: false, refund: false, buyBlocked: null });
    expect(fanActions(base, noTicket, 1500n).buy).toBe(true); // late comers may still buy
    expect(fanActions(base, holder, 500n)).toMatchObject({ buy: false, buyBlocked: "you hold a ticket" });
    expect(fanActions({ ...base, sold: 10n }, noTicket, 500n)).toMatchObject({ buy: false, buyBlocked: "sold out" });
    expect(fanActions(base, noTicket, 2000n)).toMatchObject({ buy: false, buyBlocked: "the event has ended" });
    expect(fanActions({ ...base, cancelled: true }, noTicket, 500n).buyBlocked).toBe("the event was cancelled");
    expect(fanActions(base, noWallet, 500n)).toMatchObject({ buy: false, buyBlocked: "connect a wallet to buy" });
  });
  it("joins the room while live with a ticket", () => {
    expect(fanActions(base, holder, 1500n).join).toBe(true);
    expect(fanActions(base, holder, 999n).join).toBe(false);
    expect(fanActions(base, holder, 2000n).join).toBe(false);
    expect(fanActions(base, noTicket, 1500n).join).toBe(false);
    expect(fanActions({ ...base, cancelled: true }, holder, 1500n).join).toBe(false);
  });
  it("claims the badge once started, having stayed long enough, once", () => {
    expect(fanActions(base, holder, 999n).claimBadge).toBe(false);
    expect(fanActions(base, holder, 2500n).claimBadge).toBe(true); // time in the room unknown: the server says
    expect(fanActions(base, { ...holder, attended: 120 }, 2500n).claimBadge).toBe(false);
    expect(fanActions(base, { ...holder, attended: 300 }, 1500n).claimBadge).toBe(true);
    expect(fanActions(base, { ...holder, badge: 7n }, 2500n).claimBadge).toBe(false);
    expect(fanActions({ ...base, settled: true }, holder, 2500n).claimBadge).toBe(true);
    expect(fanActions({ ...base, cancelled: true }, holder, 2500n).claimBadge).toBe(false);
    expect(fanActions(base, noTicket, 2500n).claimBadge).toBe(false);
  });
  it("refunds a cancelled event's ticket", () => {
    expect(fanActions({ ...base, cancelled: true }, holder, 500n).refund).toBe(true);
    expect(fanActions({ ...base, cancelled: true }, noTicket, 500n).refund).toBe(false);
    expect(fanActions(base, holder, 500n).refund).toBe(false);
  });
});

describe("an event in words", () => {
  it("formats the ticket price in FMC", () => {
    expect(priceText(0n)).toBe("Free");
    expect(priceText(5n * FMC)).toBe("5 FMC");
    expect(priceText(FMC / 2n + 1234n * 10n ** 12n)).toBe("0.5012 FMC");
    expect(priceText(12_345n * FMC)).toBe("12,345 FMC");
  });
  it("counts the seats left", () => {
    expect(seatsLeft(base)).toBe(7n);
    expect(seatsText(base)).toBe("7 of 10 seats left");
    expect(seatsText({ ...base, capacity: 1n, sold: 0n })).toBe("1 of 1 seat left");
    expect(seatsText({ ...base, sold: 10n })).toBe("sold out (10 seats)");
  });
  it("says when, and how long until it starts or ends", () => {
    expect(whenText(base, 400n)).toBe("1970-01-01 00:16 UTC, 16m 40s (starts in 10m)");
    expect(whenText(base, 1900n)).toMatch(/\(ends in 1m 40s\)$/);
    expect(whenText(base, 2100n)).toBe("1970-01-01 00:16 UTC, 16m 40s");
    expect(whenText({ ...base, cancelled: true }, 400n)).toBe("1970-01-01 00:16 UTC, 16m 40s");
  });
  it("says how long the fan stayed", () => {
    expect(attendanceText(90, 300)).toBe("You have been in the room 1m 30s of the 5m the badge needs.");
    expect(attendanceText(301, 300n)).toMatch(/^You stayed 5m 1s \(5m needed\)/);
  });
});

describe("the persona page's window of events", () => {
  it("reads the newest ids, at most the window", () => {
    expect(lastEventIds(0n, 5)).toEqual([]);
    expect(lastEventIds(3n, 5)).toEqual([3n, 2n, 1n]);
    expect(lastEventIds(100n, 3)).toEqual([100n, 99n, 98n]);
  });
  it("lists upcoming and live events first, soonest first, then the rest newest first", () => {
    const ev = (id: bigint, startsAt: bigint, endsAt: bigint, cancelled = false) => ({ ...base, id, startsAt, endsAt, cancelled });
    const sorted = sortForCalendar([ev(1n, 100n, 200n), ev(2n, 3000n, 4000n), ev(3n, 1000n, 2500n), ev(4n, 500n, 600n),
                                    ev(5n, 2000n, 3000n, true)], 1500n);
    expect(sorted.map((e) => e.id)).toEqual([3n, 2n, 5n, 4n, 1n]);
  });
});

describe("an event's metadata", () => {
  it("takes title, description and scene", () => {
    expect(parseEventMetadata({ title: " Stargazing Q&A ", description: "Bring questions", scene: { backdrop: "#1A2B3C", stage: "square" } }, "x"))
      .toEqual({ title: "Stargazing Q&A", description: "Bring questions", scene: { backdrop: "#1a2b3c", stage: "square" } });
  });
  it("falls back where it is missing or malformed", () => {
    expect(parseEventMetadata(null, "Event #4")).toEqual({ title: "Event #4", description: "", scene: { backdrop: DEFAULT_BACKDROP, stage: "round" } });
    expect(parseEventMetadata({ title: 5, scene: { backdrop: "red", stage: "hexagon" } }, "Event #4").scene)
      .toEqual({ backdrop: DEFAULT_BACKDROP, stage: "round" });
    expect(parseEventMetadata({ title: "x".repeat(500) }, "").title).toHaveLength(200);
  });
});

describe("the room's route", () => {
  it("parses #/live/<id> and its 2D variant", () => {
    expect(parseLiveRoute("#/live/7")).toEqual({ eventId: 7n, flat: false });
    expect(parseLiveRoute("#/live/7/2d")).toEqual({ eventId: 7n, flat: true });
    expect(parseLiveRoute("#/live/0")).toBeNull();
    expect(parseLiveRoute("#/live/x")).toBeNull();
    expect(parseLiveRoute("#/persona/1")).toBeNull();
    expect(liveHref(3n)).toBe("#/live/3");
  });
});
