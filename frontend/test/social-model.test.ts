import { describe, expect, it } from "vitest";
import { feelingText } from "../src/emotion";
import { SocialError, type Post } from "../src/social-api";
import {
  FeedPager, aiLabel, authorLabel, commentCounter, commentProblem, countText, followersAfter, historyPoints, parsePersonaRoute,
  personaHref, ratingText, reconcilePost, requestErrorText, starsProblem, unixSeconds, withLike, withShare,
} from "../src/social-model";

const post = (id: number, patch: Partial<Post> = {}): Post => ({
  id, persona_id: 1, body: `post ${id}`, image_cid: null, manifest_cid: "bafymanifest", ai_label: "AI-generated", kind: "post",
  created_at: 1_767_225_600 + id, likes: 0, shares: 0, comments: 0, liked: false, ...patch,
});

describe("route", () => {
  it("reads the feed and the post routes", () => {
    expect(parsePersonaRoute("#/persona/1")).toEqual({ personaId: 1, postId: null });
    expect(parsePersonaRoute("#/persona/12/")).toEqual({ personaId: 12, postId: null });
    expect(parsePersonaRoute("#/persona/3/post/44")).toEqual({ personaId: 3, postId: 44 });
    expect(parsePersonaRoute("#persona/3/post/44")).toEqual({ personaId: 3, postId: 44 });
  });
  it("refuses anything else", () => {
    for (const bad of ["#/persona", "#/persona/0", "#/persona/x", "#/persona/1/post", "#/persona/1/post/0", "#/personas", "#/persona/1/comments/2",
                       "#/persona/99999999999999999999"]) {
      expect(parsePersonaRoute(bad), bad).toBeNull();
    }
  });
  it("round-trips its links", () => {
    expect(parsePersonaRoute(personaHref(5))).toEqual({ personaId: 5, postId: null });
    expect(parsePersonaRoute(personaHref(5n, 9))).toEqual({ personaId: 5, postId: 9 });
  });
});

describe("feed paging", () => {
  // A feed of 25 posts, newest (25) first, served as the service does: ?before=<id>&limit.
  const all = Array.from({ length: 25 }, (_, i) => post(25 - i));
  const service = (limit: number) => {
    const calls: (number | null)[] = [];
    const load = async (before: number | null) => {
      calls.push(before);
      const rest = all.filter((p) => before === null || p.id < before);
      const posts = rest.slice(0, limit);
      return { posts, next: rest.length > limit ? posts[posts.length - 1].id : null };
    };
    return { calls, load };
  };

  it("loads page after page until the end", async () => {
    const s = service(10);
    const pager = new FeedPager(s.load);
    expect(pager.hasMore).toBe(true);
    expect((await pager.more()).map((p) => p.id)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(pager.state).toBe("idle");
    expect(pager.next).toBe(16);
    await pager.more();
    expect((await pager.more()).map((p) => p.id)).toEqual([5, 4, 3, 2, 1]);
    expect(pager.posts).toHaveLength(25);
    expect(pager.state).toBe("end");
    expect(pager.hasMore).toBe(false);
    expect(await pager.more()).toEqual([]);
    expect(s.calls).toEqual([null, 16, 6]);
  });

  it("an empty feed ends at once", async () => {
    const pager = new FeedPager(async () => ({ posts: [], next: null }));
    expect(await pager.more()).toEqual([]);
    expect(pager.hasMore).toBe(false);
    expect(pager.state).toBe("end");
  });

  it("shows a post once when pages overlap, and stops on a cursor that does not move", async () => {
    const pages = [{ posts: [post(9), post(8)], next: 8 }, { posts: [post(8), post(7)], next: 7 }, { posts: [post(7)], next: 7 }];
    const pager = new FeedPager(async () => pages.shift()!);
    await pager.more();
    expect((await pager.more()).map((p) => p.id)).toEqual([7]);
    expect(pager.posts.map((p) => p.id)).toEqual([9, 8, 7]);
    await pager.more();
    expect(pager.hasMore).toBe(false);
  });

  it("one load at a time", async () => {
    const s = service(10);
    const pager = new FeedPager(s.load);
    const [a, b] = [pager.more(), pager.more()];
    expect(a).toBe(b);
    await a;
    expect(s.calls).toEqual([null]);
  });

  it("keeps its place after a failure and tries the same page again", async () => {
    let fail = true;
    const s = service(10);
    const pager = new FeedPager(async (before) => {
      if (before !== null && fail) { fail = false; throw new SocialError(503, "the database is down"); }
      return s.load(before);
    });
    await pager.more();
    await expect(pager.more()).rejects.toThrow(/database/);
    expect(pager.state).toBe("failed");
    expect(pager.error).toContain("unavailable");
    expect(pager.posts).toHaveLength(10);
    expect((await pager.more())[0].id).toBe(15);
    expect(pager.error).toBeNull();
  });

  it("replaces a post by id", async () => {
    const pager = new FeedPager(async () => ({ posts: [post(2), post(1)], next: null }));
    await pager.more();
    pager.update(post(1, { likes: 7 }));
    expect(pager.posts.map((p) => p.likes)).toEqual([0, 7]);
  });
});

describe("what fans write", () => {
  it("refuses empty and oversized comments", () => {
    expect(commentProblem("")).toMatch(/empty/);
    expect(commentProblem("   \n\t ")).toMatch(/empty/);
    expect(commentProblem("hello")).toBeNull();
    expect(commentProblem("x".repeat(1000))).toBeNull();
    expect(commentProblem("x".repeat(1001))).toBe("Your comment is 1 characters too long (at most 1000).");
    expect(commentProblem("abcdef", 5)).toMatch(/at most 5/);
    // Characters as a person counts them: an emoji is one.
    expect(commentProblem("😀".repeat(1000))).toBeNull();
    expect(commentCounter("  hi  ")).toBe("2 / 1000");
  });
  it("rates 1 to 5 whole stars", () => {
    for (const n of [1, 2, 3, 4, 5]) expect(starsProblem(n)).toBeNull();
    for (const n of [0, 6, 2.5, NaN, -1]) expect(starsProblem(n)).not.toBeNull();
  });
});

describe("reactions", () => {
  it("counts a like and its taking back once", () => {
    const liked = withLike(post(1, { likes: 3 }), true);
    expect(liked).toMatchObject({ liked: true, likes: 4 });
    expect(withLike(liked, true)).toBe(liked);
    expect(withLike(liked, false)).toMatchObject({ liked: false, likes: 3 });
    expect(withLike(post(1, { liked: true, likes: 0 }), false).likes).toBe(0);
    expect(withShare(post(1, { shares: 1 })).shares).toBe(2);
  });
  it("prefers the service's counts when it sends them", () => {
    const local = withLike(post(1, { likes: 3 }), true);
    expect(reconcilePost(local, null)).toEqual(local);
    expect(reconcilePost(local, { ok: true })).toEqual(local);
    expect(reconcilePost(local, { likes: 10, liked: true })).toMatchObject({ likes: 10, liked: true, body: "post 1" });
    expect(reconcilePost(local, post(1, { likes: 11, liked: true, shares: 2 }))).toMatchObject({ likes: 11, shares: 2 });
    expect(reconcilePost(local, post(2, { likes: 99 })).likes).toBe(4);
  });
  it("counts followers", () => {
    expect(followersAfter(10, false, true)).toBe(11);
    expect(followersAfter(10, true, false)).toBe(9);
    expect(followersAfter(10, true, true)).toBe(10);
    expect(followersAfter(0, true, false)).toBe(0);
    expect(followersAfter(10, false, true, { followers: 42 })).toBe(42);
  });
});

describe("request messages", () => {
  it("shows the service's words with what to do", () => {
    expect(requestErrorText(new SocialError(401, "no session"))).toBe("Sign in with Ethereum first (no session).");
    expect(requestErrorText(new SocialError(422, "body: at most 1000 characters"))).toBe("body: at most 1000 characters");
    expect(requestErrorText(new SocialError(429, "slow down: 30 writes a minute.", 75))).toBe("slow down: 30 writes a minute. Try again in 1m 15s.");
    expect(requestErrorText(new SocialError(429, "slow down."))).toBe("slow down.");
    expect(requestErrorText(new SocialError(502, "the social service at http://x is not reachable"))).toMatch(/^The social service is unavailable: /);
    expect(requestErrorText(new SocialError(0, "the social service is not reachable (Failed to fetch)"))).toMatch(/not reachable/);
    expect(requestErrorText(Object.assign(new Error("User rejected"), { code: 4001 }))).toMatch(/declined/);
    expect(requestErrorText(new Error("boom"))).toBe("boom");
  });
});

describe("display", () => {
  it("reads the service's timestamps", () => {
    expect(unixSeconds(1_767_225_600)).toBe(1_767_225_600);
    expect(unixSeconds(1_767_225_600_123)).toBe(1_767_225_600);
    expect(unixSeconds("1767225600")).toBe(1_767_225_600);
    expect(unixSeconds("2026-01-01T00:00:00Z")).toBe(1_767_225_600);
    expect(unixSeconds("2026-01-01T00:00:00")).toBe(1_767_225_600);
    expect(unixSeconds("2026-01-01T01:00:00+01:00")).toBe(1_767_225_600);
    expect(unixSeconds("2026-01-01")).toBe(1_767_225_600);
    expect(unixSeconds("not a date")).toBe(0);
  });
  it("names comment authors", () => {
    expect(authorLabel({ author: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", origin: "local" })).toBe("0x7099…79C8");
    expect(authorLabel({ author: "https://mastodon.example/users/alice", origin: "federated" })).toBe("alice@mastodon.example");
    expect(authorLabel({ author: "https://social.example/@bob", origin: "federated" })).toBe("bob@social.example");
    expect(authorLabel({ author: "someone", origin: "local" })).toBe("someone");
  });
  it("counts and rates", () => {
    expect(countText(1, "follower")).toBe("1 follower");
    expect(countText(0, "follower")).toBe("0 followers");
    expect(countText(1204, "follower")).toBe("1,204 followers");
    expect(countText(2, "reply", "replies")).toBe("2 replies");
    expect(ratingText({ mean: null, count: 0 })).toBe("no ratings yet");
    expect(ratingText({ mean: 4.25, count: 12 })).toBe("4.3 ★ (12 ratings)");
    expect(ratingText({ mean: 5, count: 1 })).toBe("5.0 ★ (1 rating)");
  });
  it("labels every post as AI-generated", () => {
    expect(aiLabel({ ai_label: "AI-generated content: an AI worker of FameEngine made this." }, "Nova")).toMatch(/^AI-generated content/);
    expect(aiLabel({ ai_label: "  " }, "Nova Lumen")).toBe("Nova Lumen is an AI persona, not a real person.");
    expect(aiLabel({ ai_label: "AI-generated" }, "Nova Lumen")).toBe("Nova Lumen is an AI persona, not a real person.");
  });
  it("says how the persona feels", () => {
    expect(feelingText("joy")).toBe("joyful (joy)");
    expect(feelingText("Fear")).toBe("afraid (fear)");
    expect(feelingText("nostalgia")).toBe("nostalgia");
    expect(feelingText("")).toBe("not known yet");
    expect(feelingText(null)).toBe("not known yet");
  });
});

describe("engagement history", () => {
  it("turns daily counts into chart points, oldest first", () => {
    const days = [
      { day: "2026-01-02", views: 40, likes: 3, shares: 1, comments: 2, follows: 1, ratings: 0 },
      { day: "2026-01-01", views: 10, likes: 1 },
    ];
    const s = historyPoints({ days });
    expect(s.points).toEqual([{ t: 1_767_225_600, v: 1 }, { t: 1_767_312_000, v: 7 }]);
    expect(s).toMatchObject({ views: 50, interactions: 8, days: 2 });
    expect(historyPoints(days).points).toEqual(s.points);
    expect(historyPoints({ history: [{ date: 1_767_225_600, likes: 2 }] }).points).toEqual([{ t: 1_767_225_600, v: 2 }]);
    // The service's shape: both the date and the day's start.
    expect(historyPoints({ persona_id: 1, days: [{ day: "2026-01-01", start: 1_767_225_600, views: 5, likes: 1, shares: 0, comments: 1,
                                                   follows: 0, ratings: 1 }] }))
      .toEqual({ points: [{ t: 1_767_225_600, v: 3 }], views: 5, interactions: 3, days: 1 });
  });
  it("shows nothing for an answer it cannot read", () => {
    for (const raw of [null, undefined, {}, { days: "x" }, [{ views: 3 }], "text"]) expect(historyPoints(raw).days).toBe(0);
  });
});
