// Pure rules of the persona page (unit-tested in test/social-model.test.ts): the route, the
// feed's paging, what a comment and a rating may be, reactions counted before the service
// answers, request states and their messages, the engagement history as chart points.
import type { Point } from "./chart";
import type { Comment, FeedPage, Post, Timestamp } from "./social-api";
import { SocialError } from "./social-api";
import { formatDuration } from "./format";

// ------------------------------------------------------------------ route

export interface PersonaRoute { personaId: number; postId: number | null }

/** `#/persona/<id>` (the feed) or `#/persona/<id>/post/<post id>` (one post and its comments). */
export function parsePersonaRoute(hash: string): PersonaRoute | null {
  const m = /^#?\/?persona\/(\d+)(?:\/post\/(\d+))?\/?$/.exec(hash.trim());
  if (!m) return null;
  const personaId = Number(m[1]);
  const postId = m[2] === undefined ? null : Number(m[2]);
  if (!Number.isSafeInteger(personaId) || personaId < 1) return null;
  if (postId !== null && (!Number.isSafeInteger(postId) || postId < 1)) return null;
  return { personaId, postId };
}

export function personaHref(personaId: number | bigint, postId?: number | null): string {
  return postId == null ? `#/persona/${personaId}` : `#/persona/${personaId}/post/${postId}`;
}

// ------------------------------------------------------------------ feed paging

export type PagerState = "idle" | "loading" | "failed" | "end";

/** A persona's feed, newest first, a page at a time ("older posts" asks for the page before
 * the oldest post shown). A post already shown is not shown twice (a new post can shift a
 * page between two requests); a load while one is running is the same load. */
export class FeedPager {
  posts: Post[] = [];
  next: number | null = null;
  state: PagerState = "idle";
  error: string | null = null;
  private started = false;
  private running: Promise<Post[]> | null = null;

  constructor(private readonly load: (before: number | null) => Promise<FeedPage>) {}

  /** Whether "older posts" has anything to ask for. */
  get hasMore(): boolean {
    return !this.started || this.next !== null;
  }

  /** The next page (the first one on the first call); resolves to the posts it added. */
  more(): Promise<Post[]> {
    if (this.running) return this.running;
    if (!this.hasMore) return Promise.resolve([]);
    this.state = "loading";
    this.error = null;
    this.running = this.load(this.started ? this.next : null).then((page) => {
      const seen = new Set(this.posts.map((p) => p.id));
      const added = (page.posts ?? []).filter((p) => !seen.has(p.id));
      this.posts = [...this.posts, ...added];
      this.started = true;
      // A cursor that does not move on would ask for the same page forever.
      this.next = page.next != null && page.next !== this.next && added.length > 0 ? page.next : null;
      this.state = this.next === null ? "end" : "idle";
      return added;
    }, (err) => {
      this.state = "failed";
      this.error = requestErrorText(err);
      throw err;
    }).finally(() => { this.running = null; });
    return this.running;
  }

  /** Replace a post by id (after a reaction, with the counts the service or the model gave). */
  update(post: Post): void {
    this.posts = this.posts.map((p) => (p.id === post.id ? post : p));
  }
}

// ------------------------------------------------------------------ what fans write

export const COMMENT_MAX_CHARS = 1000;

/** Why a comment cannot be sent as typed, or null when it can (the service checks again). */
export function commentProblem(body: string, max = COMMENT_MAX_CHARS): string | null {
  const text = body.trim();
  if (!text) return "Write something first: an empty comment is not sent.";
  const length = [...text].length;
  if (length > max) return `Your comment is ${length - max} characters too long (at most ${max}).`;
  return null;
}

/** "12 / 1000" under the comment box. */
export function commentCounter(body: string, max = COMMENT_MAX_CHARS): string {
  return `${[...body.trim()].length} / ${max}`;
}

export function starsProblem(stars: number): string | null {
  return Number.isInteger(stars) && stars >= 1 && stars <= 5 ? null : "A rating is 1 to 5 stars.";
}

// ------------------------------------------------------------------ reactions

/** The post as it is once the fan's like (or unlike) is counted. */
export function withLike(post: Post, liked: boolean): Post {
  if (post.liked === liked) return post;
  return { ...post, liked, likes: Math.max(0, post.likes + (liked ? 1 : -1)) };
}

export function withShare(post: Post): Post {
  return { ...post, shares: post.shares + 1 };
}

/** Counts from the service's answer when it sent a post back, else the model's. */
export function reconcilePost(local: Post, answer: unknown): Post {
  const a = answer as Partial<Post> | null | undefined;
  if (!a || typeof a !== "object") return local;
  if (a.id !== undefined && a.id !== local.id) return local;
  if (a.id === undefined) {
    const counts: Partial<Post> = {};
    for (const k of ["likes", "shares", "comments"] as const) if (typeof (a as any)?.[k] === "number") counts[k] = (a as any)[k];
    if (typeof (a as any)?.liked === "boolean") counts.liked = (a as any).liked;
    return { ...local, ...counts };
  }
  return { ...local, ...a };
}

/** The follower count once the fan follows (or unfollows); the service's count when it sent one. */
export function followersAfter(current: number, wasFollowing: boolean, follow: boolean, answer?: unknown): number {
  const sent = (answer as any)?.followers;
  if (typeof sent === "number") return sent;
  if (wasFollowing === follow) return current;
  return Math.max(0, current + (follow ? 1 : -1));
}

// ------------------------------------------------------------------ request states

export type RequestStatus = "idle" | "sending" | "done" | "failed";

export interface RequestState { status: RequestStatus; text: string }

export const idle: RequestState = { status: "idle", text: "" };

export function sending(what: string): RequestState {
  return { status: "sending", text: `${what}…` };
}

export function done(text: string): RequestState {
  return { status: "done", text };
}

export function failed(err: unknown): RequestState {
  return { status: "failed", text: requestErrorText(err) };
}

/** What to tell the fan when a request failed: the service's own words, with what to do. */
export function requestErrorText(err: unknown): string {
  if (err instanceof SocialError) {
    switch (err.status) {
      case 0:
        return err.detail;
      case 401:
        return `Sign in with Ethereum first (${err.detail}).`;
      case 429:
        return err.retryAfter ? `${err.detail} Try again in ${formatDuration(err.retryAfter)}.` : err.detail;
      case 502:
      case 503:
      case 504:
        return `The social service is unavailable: ${err.detail}`;
      default:
        return err.detail;
    }
  }
  const e = err as any;
  if (e?.code === 4001) return "You declined the request in your wallet.";
  return String(e?.shortMessage ?? e?.message ?? err);
}

// ------------------------------------------------------------------ display

/** The service's timestamp as unix seconds (it may send seconds, milliseconds or ISO 8601). */
export function unixSeconds(t: Timestamp): number {
  if (typeof t === "number") return t > 1e12 ? Math.floor(t / 1000) : t;
  const numeric = Number(t);
  if (t.trim() !== "" && Number.isFinite(numeric)) return unixSeconds(numeric);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) || !/T/.test(t) ? t : `${t}Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** A comment's author as a fan reads it: a short address, or user@server for a fediverse account. */
export function authorLabel(comment: Pick<Comment, "author" | "origin">): string {
  const { author } = comment;
  if (/^0x[0-9a-fA-F]{40}$/.test(author)) return `${author.slice(0, 6)}…${author.slice(-4)}`;
  try {
    const url = new URL(author);
    const name = url.pathname.split("/").filter(Boolean).pop()?.replace(/^@/, "");
    if (name) return `${name}@${url.host}`;
  } catch { /* not a URL */ }
  return author;
}

/** "4.3 ★ (12 ratings)" or "no ratings yet". */
export function ratingText(rating: { mean: number | null; count: number } | null | undefined): string {
  if (!rating || !rating.count || rating.mean == null) return "no ratings yet";
  return `${rating.mean.toFixed(1)} ★ (${rating.count} rating${rating.count === 1 ? "" : "s"})`;
}

/** "1 follower" / "1,204 followers". */
export function countText(n: number, one: string, many = `${one}s`): string {
  return `${String(Math.max(0, Math.floor(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} ${n === 1 ? one : many}`;
}

/** The words beside every post's "AI-generated" badge: the service's label when it says more
 * than the badge does, else who made the post. */
export function aiLabel(post: Pick<Post, "ai_label">, personaName: string): string {
  const label = post.ai_label?.trim() ?? "";
  if (!label || /^ai[- ]generated[.!]?$/i.test(label)) return `${personaName} is an AI persona, not a real person.`;
  return label;
}

// ------------------------------------------------------------------ engagement history

export interface HistorySummary { points: Point[]; views: number; interactions: number; days: number }

const COUNTS = ["likes", "shares", "comments", "follows", "ratings"] as const;

/** The service's daily counts as chart points: the day and its interactions (likes, shares,
 * comments, follows, ratings), oldest first. The service sends {"days": [{day, start, ...}]};
 * a bare list works too, and a day is unix seconds (`start`) or a date (`day`). */
export function historyPoints(raw: unknown): HistorySummary {
  const list: any[] = Array.isArray(raw) ? raw
    : Array.isArray((raw as any)?.days) ? (raw as any).days
    : Array.isArray((raw as any)?.history) ? (raw as any).history : [];
  let views = 0;
  let interactions = 0;
  const points: Point[] = [];
  for (const d of list) {
    const day = d?.start ?? d?.day ?? d?.date ?? d?.t;
    if (day === undefined || day === null) continue;
    const t = unixSeconds(day);
    const v = COUNTS.reduce((sum, k) => sum + (Number(d?.[k]) || 0), 0);
    views += Number(d?.views) || 0;
    interactions += v;
    points.push({ t, v });
  }
  points.sort((a, b) => a.t - b.t);
  return { points, views, interactions, days: points.length };
}
