// The social service (social/README.md), reached through the web app's /social/ proxy: one
// typed client for its HTTP API. Reads are public; writes carry the fan's session cookie
// (same origin, so the browser sends it). Every failure is a SocialError with the service's
// own message ({"detail": ...}), its status and, on 429, when to try again.

export interface Rating { mean: number | null; count: number }

export interface Persona {
  id: number;
  handle: string;
  name: string;
  /** One of ai_worker.emotions.EMOTIONS; null before the runtime set one. */
  emotion: string | null;
  followers: number;
  posts: number;
  rating: Rating;
  following: boolean;
  active?: boolean;
  post_interval_s?: number;
}

/** Unix seconds (or an ISO 8601 string): the service's timestamps. */
export type Timestamp = number | string;

export interface Post {
  id: number;
  persona_id: number;
  body: string;
  image_cid: string | null;
  /** A voice message (audio/mp4) or a video (video/mp4); a video's poster is image_cid. */
  media_cid?: string | null;
  media_type?: string | null;
  subtitles_cid?: string | null;
  manifest_cid: string | null;
  ai_label: string;
  kind: "post" | "reply";
  /** For a reply: the comment it answers. */
  in_reply_to?: number | null;
  created_at: Timestamp;
  likes: number;
  shares: number;
  comments: number;
  liked: boolean;
}

export interface Comment {
  id: number;
  author: string;
  origin: "local" | "federated";
  body: string;
  created_at: Timestamp;
  holder: boolean;
  reply: Post | null;
  /** On the answer to a new comment: `held` while a moderator looks at it. */
  status?: "visible" | "held" | "rejected";
}

/** GET /api/posts/{id}: the post, its `comments` key holding the visible comments (here `thread`,
 * with `comments` kept as their count like a feed post's). */
export interface PostDetail extends Post { thread: Comment[] }

export interface FeedPage { posts: Post[]; next: number | null }

export interface Nonce { nonce: string; expires_at: number }

/** One day of the persona's engagement (GET .../engagement/history). */
export interface EngagementDay {
  /** UTC date, YYYY-MM-DD. */
  day: Timestamp;
  /** Unix seconds at the day's start. */
  start?: number;
  views?: number;
  likes?: number;
  shares?: number;
  comments?: number;
  follows?: number;
  ratings?: number;
}

export class SocialError extends Error {
  constructor(readonly status: number, readonly detail: string, readonly retryAfter: number | null = null) {
    super(detail);
    this.name = "SocialError";
  }
}

/** The `detail` of an error answer: FastAPI's string, or its validation list ({loc, msg}[]). */
export function errorDetail(body: unknown, fallback: string): string {
  const detail = (body as any)?.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d: any) => {
      // FastAPI's loc starts with where the value was (body, query, path): the field follows.
      const loc: unknown[] = Array.isArray(d?.loc) ? d.loc : [];
      const where = (["body", "query", "path", "header", "cookie"].includes(String(loc[0])) ? loc.slice(1) : loc).join(".");
      return where ? `${where}: ${d?.msg ?? d}` : String(d?.msg ?? d);
    }).join("; ");
  }
  return fallback;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class SocialApi {
  /** `base`: the service's root as the browser reaches it, e.g. http://127.0.0.1:8088/social. */
  constructor(readonly base: string, private readonly fetchFn: Fetch = (input, init) => fetch(input, init)) {
    this.base = base.replace(/\/$/, "");
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, "content-type": "application/json" };
    }
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, init);
    } catch (err: any) {
      throw new SocialError(0, `the social service is not reachable (${err?.message ?? err})`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    }
    if (!response.ok) {
      const retry = Number(response.headers.get("retry-after"));
      throw new SocialError(response.status, errorDetail(parsed, `${response.status} ${response.statusText || "error"}`.trim()),
                            Number.isFinite(retry) && retry > 0 ? retry : null);
    }
    return parsed as T;
  }

  // --- sign-in (SIWE)
  nonce(): Promise<Nonce> { return this.request("POST", "/api/auth/nonce"); }
  verify(message: string, signature: `0x${string}`): Promise<{ address: string }> {
    return this.request("POST", "/api/auth/verify", { message, signature });
  }
  async logout(): Promise<void> { await this.request("POST", "/api/auth/logout"); }
  me(): Promise<{ address: string | null }> { return this.request("GET", "/api/auth/me"); }

  // --- personas and feed
  personas(): Promise<Persona[]> { return this.request("GET", "/api/personas"); }
  persona(id: number | bigint): Promise<Persona> { return this.request("GET", `/api/personas/${id}`); }
  feed(id: number | bigint, page: { before?: number | null; limit?: number } = {}): Promise<FeedPage> {
    const query = new URLSearchParams();
    if (page.before != null) query.set("before", String(page.before));
    if (page.limit != null) query.set("limit", String(page.limit));
    const qs = query.toString();
    return this.request("GET", `/api/personas/${id}/feed${qs ? `?${qs}` : ""}`);
  }
  async post(id: number | bigint): Promise<PostDetail> {
    const raw: any = await this.request("GET", `/api/posts/${id}`);
    const thread: Comment[] = Array.isArray(raw?.comments) ? raw.comments : [];
    return { ...raw, comments: Array.isArray(raw?.comments) ? thread.length : Number(raw?.comments ?? 0), thread };
  }
  engagementHistory(id: number | bigint): Promise<unknown> { return this.request("GET", `/api/personas/${id}/engagement/history`); }

  // --- a signed-in fan's writes (the answers' shapes beyond the status are not relied on)
  like(postId: number): Promise<unknown> { return this.request("POST", `/api/posts/${postId}/like`); }
  unlike(postId: number): Promise<unknown> { return this.request("DELETE", `/api/posts/${postId}/like`); }
  share(postId: number): Promise<unknown> { return this.request("POST", `/api/posts/${postId}/share`); }
  comment(postId: number, body: string): Promise<Comment> { return this.request("POST", `/api/posts/${postId}/comments`, { body }); }
  follow(personaId: number | bigint): Promise<unknown> { return this.request("POST", `/api/personas/${personaId}/follow`); }
  unfollow(personaId: number | bigint): Promise<unknown> { return this.request("DELETE", `/api/personas/${personaId}/follow`); }
  rate(personaId: number | bigint, stars: number): Promise<unknown> {
    return this.request("POST", `/api/personas/${personaId}/rating`, { stars });
  }
}
