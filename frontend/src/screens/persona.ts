// A persona's page for fans (#/persona/<id>, one post at #/persona/<id>/post/<post id>): its
// feed from the social service a page at a time, each post with its AI-generated label and
// disclosure manifest, comments with holder badges and the persona's replies; follower count,
// rating, emotional state and the engagement chart; its on-chain reputation and the engagement
// oracle's latest report, read again every few seconds (the fans' reactions reach them with the
// next oracle round); its live events, tickets and attendance badges (persona-events.ts);
// Sign-In with Ethereum, then like, share, comment, follow and rate, each request's state shown
// where it was made.
import type { AppContext, ScreenContext } from "../app-context";
import { avatarUrl } from "../avatar";
import { lineChart } from "../chart";
import { feelingText } from "../emotion";
import { formatAge, formatCount, formatDate, formatSentiment } from "../format";
import { fetchIpfsJson, ipfsUrl } from "../ipfs";
import { credentialsPanel, mediaPlayer } from "../published-content";
import { Reputation } from "../generated/contracts";
import {
  persona as chainPersona, engagement as chainEngagement, ratedOnChain, ratingWeight, reputation as chainReputation,
} from "../reads";
import { sendWrite } from "../tx/send";
import type { Comment, Persona, Post, PostDetail } from "../social-api";
import { SocialApi, SocialError } from "../social-api";
import {
  FeedPager, aiLabel, authorLabel, commentCounter, commentProblem, countText, done, failed, followersAfter, historyPoints,
  parsePersonaRoute, personaHref, ratingText, reconcilePost, sending, starsProblem, unixSeconds, withLike, withShare,
  type RequestState,
} from "../social-model";
import { SocialSession, signInText, type SignInState } from "../social-session";
import { eventsSection } from "./persona-events";
import { clear, field, h } from "../ui/dom";

const PAGE_SIZE = 10;
const REPLY_POLL_MS = 4000;
const REPLY_POLL_FOR_MS = 3 * 60_000;
const CHAIN_POLL_MS = 4000;

const sessions = new Map<string, SocialSession>();
let lastShown = "";

/** One session per social service (the cookie's), kept across screens. */
export function socialSession(ctx: AppContext): SocialSession {
  let s = sessions.get(ctx.config.socialUrl);
  if (!s) sessions.set(ctx.config.socialUrl, (s = new SocialSession(new SocialApi(ctx.config.socialUrl))));
  return s;
}

interface Page {
  ctx: AppContext;
  social: SocialSession;
  api: SocialApi;
  persona: Persona;
  root: HTMLElement;
}

export async function personaScreen(root: HTMLElement, ctx: ScreenContext): Promise<void> {
  const route = parsePersonaRoute(location.hash);
  if (!route) {
    clear(root, h("h2", null, "Persona"), h("p", { class: "error", role: "alert" }, "There is no such page. "),
      h("a", { href: "#/personas" }, "Back to the personas"));
    return;
  }
  const social = socialSession(ctx);
  const api = social.api;
  const id = route.personaId;
  const pager = new FeedPager((before) => api.feed(id, { before, limit: PAGE_SIZE }));
  let persona: Persona, history: unknown, detail: PostDetail | null;
  try {
    [persona, history, detail] = await Promise.all([
      api.persona(id),
      api.engagementHistory(id).catch(() => null),
      route.postId ? api.post(route.postId) : pager.more().then(() => null),
      social.check(),
    ]);
  } catch (err) {
    clear(root, h("p", null, h("a", { href: "#/personas" }, "← Personas")), h("h2", null, `Persona #${id}`),
      h("p", { class: "error", role: "alert", dataset: { testid: "persona-error" } },
        err instanceof SocialError && err.status === 404
          ? `The social service knows no ${route.postId ? `post #${route.postId}` : "persona with this id"} (${err.detail}).`
          : failed(err).text));
    return;
  }
  const page: Page = { ctx, social, api, persona, root };

  const signIn = signInBox(page);
  const engagement = engagementSection(persona, history);
  clear(root,
    h("div", { id: "persona-page", dataset: { testid: "persona-page", personaId: String(id) } },
      h("p", { class: "small" }, h("a", { href: "#/personas" }, "← Personas")),
      headCard(page),
      signIn.box,
      route.postId && detail ? [postDetail(page, detail), engagement]
        : [eventsSection(ctx, social, persona), engagement, feedSection(page, pager)]));
  // A new page of the persona (feed, another post) opens at its top; a refresh keeps the place.
  if (location.hash !== lastShown) {
    lastShown = location.hash;
    setTimeout(() => { if (root.isConnected) window.scrollTo({ top: 0 }); }, 0);
  }

  // The sign-in box follows the session while this screen lives.
  const stop = social.subscribe((state) => { signIn.render(state); gate(root, state); });
  if (ctx.signal.aborted) stop();
  else ctx.signal.addEventListener("abort", stop, { once: true });
  gate(root, social.state);
}

/** Writes need a session: their controls are disabled (and say why) until the fan signs in. */
function gate(root: HTMLElement, state: SignInState): void {
  const on = state.status === "signed-in";
  for (const el of root.querySelectorAll<HTMLButtonElement | HTMLTextAreaElement>("[data-needs-session]")) {
    if (el.getAttribute("aria-busy") === "true") continue;
    el.disabled = !on;
    if (!on) el.title = "Sign in with Ethereum first"; else el.removeAttribute("title");
  }
}

function showRequest(el: HTMLElement, state: RequestState): void {
  el.textContent = state.text;
  el.dataset.status = state.status;
  el.className = `request small request-${state.status}`;
}

function requestLine(testid: string): HTMLElement {
  return h("p", { class: "request small", role: "status", "aria-live": "polite", dataset: { testid, status: "idle" } });
}

/** Run one write from `button`: busy while it runs, its outcome in `status` (a 401 ends the session). */
async function run(page: Page, button: HTMLButtonElement, status: HTMLElement, what: string, write: () => Promise<string>): Promise<boolean> {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  showRequest(status, sending(what));
  try {
    showRequest(status, done(await write()));
    return true;
  } catch (err) {
    if (err instanceof SocialError && err.status === 401) page.social.expired();
    showRequest(status, failed(err));
    return false;
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = !page.social.signedIn;
  }
}

// ------------------------------------------------------------------ the persona

function headCard(page: Page): HTMLElement {
  const { persona, ctx, api } = page;
  const avatar = h("img", { class: "avatar", src: avatarUrl(ctx.config.gatewayUrl, { name: persona.name }), alt: `${persona.name}'s avatar`,
                            width: 88, height: 88 });
  const tagline = h("p", { class: "tagline" });
  // The on-chain record's spec (avatar, tagline) fills in when IPFS answers; the page does not wait for it.
  void chainPersona(ctx.client, BigInt(persona.id))
    .then((p) => fetchIpfsJson(ctx.config.gatewayUrl, p.specCid))
    .then((spec: any) => {
      avatar.src = avatarUrl(ctx.config.gatewayUrl, spec);
      if (spec?.narrative?.tagline) tagline.textContent = spec.narrative.tagline;
    })
    .catch(() => {});

  const followers = h("span", { dataset: { testid: "followers" } }, countText(persona.followers, "follower"));
  const rating = h("span", { dataset: { testid: "rating" } }, ratingText(persona.rating));
  let following = persona.following;
  const followStatus = requestLine("follow-status");
  const followButton = h("button", { type: "button", id: "follow", dataset: { testid: "follow", needsSession: "" } });
  const renderFollow = () => {
    followButton.textContent = following ? "Following ✓ (unfollow)" : `Follow ${persona.name}`;
    followButton.setAttribute("aria-pressed", String(following));
    followButton.className = following ? "secondary" : "";
  };
  renderFollow();
  followButton.addEventListener("click", () => void run(page, followButton, followStatus, following ? "Unfollowing" : "Following", async () => {
    const next = !following;
    const answer = next ? await api.follow(persona.id) : await api.unfollow(persona.id);
    persona.followers = followersAfter(persona.followers, following, next, answer);
    following = next;
    followers.textContent = countText(persona.followers, "follower");
    renderFollow();
    return next ? `You follow ${persona.name}.` : `You no longer follow ${persona.name}.`;
  }));

  const rateStatus = requestLine("rate-status");
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const b = h("button", { type: "button", class: "secondary star", id: `rate-${n}`, "aria-label": `Rate ${n} of 5 stars`,
                            dataset: { testid: `rate-${n}`, needsSession: "" } }, `${n}★`);
    b.addEventListener("click", () => void run(page, b, rateStatus, `Rating ${n} stars`, async () => {
      const problem = starsProblem(n);
      if (problem) throw new Error(problem);
      let fans: string;
      try {
        const answer: any = await api.rate(persona.id, n);
        const next = answer?.rating ?? (typeof answer?.mean === "number" ? answer : null);
        if (next) { persona.rating = next; rating.textContent = ratingText(next); }
        for (const other of stars) other.setAttribute("aria-pressed", String(other === b));
        fans = `You rated ${persona.name} ${n} star${n === 1 ? "" : "s"} this week.`;
      } catch (err) {
        // The fans' week and the chain's rating epoch are separate clocks: a fan who rated
        // this week may still owe the chain this epoch's rating, so a refusal here stops nothing.
        if (!(err instanceof SocialError) || err.status !== 409) throw err;
        fans = `${err.detail}.`;
      }
      return `${fans} ${await rateOnChain(page, n)}`;
    }));
    return b;
  });

  return h("section", { class: "card persona-page-head", "aria-label": persona.name },
    h("div", { class: "persona-head" }, avatar,
      h("div", null,
        h("h2", { dataset: { testid: "persona-name" } }, persona.name, h("span", { class: "badge ai-badge" }, "AI persona")),
        h("p", { class: "muted small" }, `@${persona.handle} · ${countText(persona.posts, "post")}`),
        tagline)),
    h("p", { class: "ai-notice small", dataset: { testid: "ai-persona-label" } },
      `${persona.name} is an AI persona, not a real person: every post is AI-generated, says so, and links its signed disclosure manifest.`),
    h("dl", { class: "facts" },
      h("dt", null, "Followers"), h("dd", null, followers),
      h("dt", null, "Feeling"), h("dd", { dataset: { testid: "persona-emotion" } }, feelingText(persona.emotion)),
      h("dt", null, "Fans' rating"), h("dd", null, rating),
      chainStanding(page)),
    h("div", { class: "actions" }, followButton,
      h("div", { role: "group", "aria-label": `Rate ${persona.name} (once a week)`, class: "stars" }, stars)),
    followStatus, rateStatus);
}

/** The fan's stars reach the reputation's community feedback through Reputation.rate, sent by
 * the fan's own wallet: on chain a rating weighs by the FMC votes its sender held before the
 * rating epoch began (a sign-in is free, so the service's unweighted ratings never move it).
 * Returns the sentence that says what happened on chain. */
async function rateOnChain(page: Page, stars: number): Promise<string> {
  const { ctx, persona } = page;
  const account = ctx.session.account;
  if (!account) return "Connect a wallet holding FMC votes to count it in the reputation on chain too.";
  const id = BigInt(persona.id);
  const [weight, rated] = await Promise.all([ratingWeight(ctx.client, account), ratedOnChain(ctx.client, id, account)]);
  if (rated) return "Your rating of this epoch is already in the reputation on chain.";
  if (weight === 0n) {
    return "On chain, the reputation weighs ratings by FMC votes held before the rating epoch began, and this account had none: delegate FMC to yourself to count from the next epoch.";
  }
  try {
    const receipt = await sendWrite(ctx, `Rate ${persona.name} ${stars}★ in its reputation`,
                                    { ...Reputation, functionName: "rate", args: [id, BigInt(stars)] });
    return `It counts in ${persona.name}'s reputation on chain with weight ${weight} (block ${receipt.blockNumber}).`;
  } catch (err) {
    // The fans' rating above is kept; only the on-chain part failed (the tracker shows why).
    return `It did not reach the reputation on chain: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The persona's reputation on chain (Reputation.components) and the oracle's latest report
 * (EngagementOracle.latest), read now and again every few seconds while the page is shown. */
function chainStanding(page: Page): HTMLElement[] {
  const { ctx, persona } = page;
  const id = BigInt(persona.id);
  const score = h("dd", { dataset: { testid: "persona-reputation" }, "aria-live": "polite" }, "…");
  const report = h("dd", { dataset: { testid: "oracle-report" } }, "…");
  const read = async () => {
    try {
      const [rep, eng] = await Promise.all([chainReputation(ctx.client, id), chainEngagement(ctx.client, id)]);
      if (score.dataset.score !== String(rep.score) || score.dataset.engagement !== String(rep.engagement)) {
        score.dataset.score = String(rep.score);
        score.dataset.engagement = String(rep.engagement);
        score.dataset.feedback = String(rep.feedback);
        clear(score, h("strong", null, formatCount(rep.score)), " / 10,000 ",
          h("span", { class: "muted small" }, `(engagement ${formatCount(rep.engagement)} + holders' ratings on chain ${formatCount(rep.feedback)})`));
      }
      report.dataset.likes = String(eng.likes);
      report.dataset.updatedAt = String(eng.updatedAt);
      report.textContent = eng.updatedAt === 0n
        ? "No oracle report yet."
        // observed_at is the oracle round's wall-clock time (a local chain's clock may run ahead of it)
        : `oracle report: ${countText(Number(eng.views), "view")} · ${countText(Number(eng.likes), "like")} · ` +
          `${countText(Number(eng.shares), "share")} · ${countText(Number(eng.comments), "comment")} · ` +
          `sentiment ${formatSentiment(eng.sentiment)} · observed ${formatAge(eng.observedAt, Math.floor(Date.now() / 1000))}`;
    } catch {
      if (!score.dataset.score) score.textContent = "The chain is not answering.";
    }
  };
  void read();
  // Until the screen is mounted the element is not in the document yet; once it has left (or
  // a newer screen took its place before it was shown), stop.
  const since = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    shown ||= score.isConnected;
    if (score.isConnected) void read();
    else if (shown || Date.now() - since > 30_000) clearInterval(timer);
  }, CHAIN_POLL_MS);
  return [h("dt", null, "Reputation"), score, h("dt", null, "On chain"), report];
}

function engagementSection(persona: Persona, history: unknown): HTMLElement {
  const s = historyPoints(history);
  return h("section", { class: "card", "aria-label": "Engagement", dataset: { testid: "engagement" } },
    h("h3", null, "Engagement"),
    s.days === 0 || s.interactions + s.views === 0
      ? h("p", { class: "muted small", dataset: { testid: "engagement-chart" } }, history === null ? "The engagement history is not available." : "No engagement yet.")
      : h("div", { dataset: { testid: "engagement-chart" } },
          lineChart(s.points, `Daily interactions with ${persona.name} over ${s.days} days: ${s.interactions} in all`,
                    Math.max(1, ...s.points.map((p) => p.v)), 480, 60),
          h("p", { class: "muted small" }, `Likes, shares, comments, follows and ratings per day: ${s.interactions} in ${s.days} days; ${s.views} views.`)));
}

// ------------------------------------------------------------------ sign-in

function signInBox(page: Page): { box: HTMLElement; render: (state: SignInState) => void } {
  const { ctx, social } = page;
  const box = h("section", { class: "card siwe", id: "siwe", "aria-label": "Sign in", dataset: { testid: "siwe" } });
  const render = (state: SignInState) => {
    const busy = ["unknown", "nonce", "signing", "verifying", "signing-out"].includes(state.status);
    const wallet = ctx.session.account;
    const other = state.status === "signed-in" && wallet && state.address?.toLowerCase() !== wallet.toLowerCase();
    const signInButton = h("button", { type: "button", id: "sign-in", dataset: { testid: "sign-in" }, disabled: busy || !wallet,
      onclick: async () => {
        try {
          await social.signIn(ctx.session, { host: location.host, origin: location.origin }, ctx.config.chainId);
          ctx.refresh();
        } catch { /* the box shows why */ }
      } }, other ? "Sign in with this wallet" : "Sign in with Ethereum");
    clear(box,
      h("p", { dataset: { testid: "siwe-status", status: state.status }, role: "status", "aria-live": "polite",
               class: state.status === "failed" ? "error" : state.status === "signed-in" ? "ok" : "" },
        state.status === "signed-in" ? ["Signed in as ", h("span", { class: "mono", dataset: { testid: "signed-in-address" } }, state.address)] : signInText(state)),
      state.error && state.status !== "failed" ? h("p", { class: "error small" }, state.error) : null,
      other ? h("p", { class: "small" }, `Your wallet is now on ${wallet}; sign in again to act as it.`) : null,
      !wallet && state.status !== "signed-in"
        ? h("p", { class: "small" }, h("a", { href: "#/wallet", dataset: { testid: "connect-to-sign-in" } }, "Connect a wallet"),
            " to sign in: the message you sign names this site, the chain and a one-time nonce, and costs no gas.")
        : null,
      h("div", { class: "actions" },
        state.status === "signed-in"
          ? [other ? signInButton : null,
             h("button", { type: "button", class: "secondary", id: "sign-out", dataset: { testid: "sign-out" },
               onclick: async () => { try { await social.signOut(); ctx.refresh(); } catch { /* the box shows why */ } } }, "Sign out")]
          : signInButton));
  };
  render(social.state);
  return { box, render };
}

// ------------------------------------------------------------------ posts

function when(t: Post["created_at"]): HTMLElement {
  const s = unixSeconds(t);
  return h("time", { datetime: new Date(s * 1000).toISOString(), title: formatDate(s), class: "muted small" },
    formatAge(s, Math.floor(Date.now() / 1000)));
}

function disclosure(page: Page, post: Post): HTMLElement {
  return h("p", { class: "disclosure small" },
    h("span", { class: "badge ai-badge" }, "AI-generated"), " ",
    h("span", { class: "ai-label", dataset: { testid: "ai-label" } }, aiLabel(post, page.persona.name)), " ",
    post.manifest_cid
      ? h("a", { href: ipfsUrl(page.ctx.config.gatewayUrl, post.manifest_cid, "manifest.json"), dataset: { testid: "manifest-link" },
                 rel: "noopener", target: "_blank" }, "disclosure manifest")
      : h("span", { class: "muted" }, "(no manifest)"));
}

/** The credentials panel of a post's picture, voice message or video, where its manifest says
 * the file was signed (posts from before signed media have none to check). */
function postCredentials(page: Page, post: Post): HTMLElement | null {
  const cid = post.media_cid ?? post.image_cid;
  if (!cid || !post.manifest_cid) return null;
  const slot = h("div", { class: "credentials-slot" });
  const gateway = page.ctx.config.gatewayUrl;
  void fetchIpfsJson(gateway, post.manifest_cid).then((m: any) => {
    if (m?.credentials?.c2pa) slot.append(credentialsPanel(gateway, cid, m.worker));
  }).catch(() => undefined);
  return slot;
}

function postBody(page: Page, post: Post): HTMLElement[] {
  return [
    h("p", { class: "post-body", dataset: { testid: "post-body" } }, post.body),
    post.media_cid && post.media_type
      ? mediaPlayer(page.ctx.config.gatewayUrl, { mediaCid: post.media_cid, mediaType: post.media_type,
                                                   subtitlesCid: post.subtitles_cid, posterCid: post.image_cid },
                    `AI-generated ${post.media_type.startsWith("video/") ? "video" : "voice message"} by ${page.persona.name}`)
      : post.image_cid
        ? h("img", { class: "post-image", src: ipfsUrl(page.ctx.config.gatewayUrl, post.image_cid), loading: "lazy", width: 320, height: 320,
                     alt: `AI-generated picture posted by ${page.persona.name}` })
        : null,
    disclosure(page, post),
    postCredentials(page, post),
  ].filter(Boolean) as HTMLElement[];
}

/** A post with its reactions; `onChange` learns its new counts. */
function postCard(page: Page, initial: Post, opts: { detail: boolean; onChange?: (p: Post) => void }): HTMLElement {
  let post = initial;
  const { api } = page;
  const status = requestLine("post-status");
  const likes = h("span", { dataset: { testid: "like-count" } });
  const shares = h("span", { dataset: { testid: "share-count" } });
  const likeButton = h("button", { type: "button", class: "secondary", dataset: { testid: "like", needsSession: "" } }, "♥ ", likes);
  const shareButton = h("button", { type: "button", class: "secondary", dataset: { testid: "share", needsSession: "" } }, "↗ ", shares);
  const commentsLink = h("a", { href: personaHref(page.persona.id, post.id), class: "small", dataset: { testid: "open-post" } });
  const render = () => {
    likes.textContent = countText(post.likes, "like");
    shares.textContent = countText(post.shares, "share");
    commentsLink.textContent = opts.detail ? "" : `${countText(post.comments, "comment")} →`;
    likeButton.setAttribute("aria-pressed", String(post.liked));
    likeButton.setAttribute("aria-label", `${post.liked ? "Unlike" : "Like"} (${countText(post.likes, "like")})`);
    likeButton.className = post.liked ? "liked" : "secondary";
    shareButton.setAttribute("aria-label", `Share (${countText(post.shares, "share")})`);
    opts.onChange?.(post);
  };
  render();
  likeButton.addEventListener("click", () => void run(page, likeButton, status, post.liked ? "Unliking" : "Liking", async () => {
    const like = !post.liked;
    const answer = like ? await api.like(post.id) : await api.unlike(post.id);
    post = reconcilePost(withLike(post, like), answer);
    render();
    return like ? "Liked." : "Like taken back.";
  }));
  shareButton.addEventListener("click", () => void run(page, shareButton, status, "Sharing", async () => {
    const answer = await api.share(post.id);
    post = reconcilePost(withShare(post), answer);
    render();
    const link = new URL(personaHref(page.persona.id, post.id), location.href).href;
    const copied = await navigator.clipboard?.writeText(link).then(() => true, () => false);
    return copied ? "Shared; the link is copied." : `Shared: ${link}`;
  }));
  return h(opts.detail ? "article" : "li", { class: "card post", dataset: { testid: opts.detail ? "post-detail-post" : "post", postId: String(post.id) } },
    h("div", { class: "post-head" }, h("strong", null, page.persona.name), " ", when(post.created_at)),
    postBody(page, post),
    h("div", { class: "actions post-actions" }, likeButton, shareButton, opts.detail ? null : commentsLink),
    status);
}

function feedSection(page: Page, pager: FeedPager): HTMLElement {
  const list = h("ol", { class: "feed plain", "aria-label": `${page.persona.name}'s posts`, dataset: { testid: "feed" } });
  const status = requestLine("feed-status");
  const older = h("button", { type: "button", class: "secondary", id: "older-posts", dataset: { testid: "older-posts" } }, "Older posts");
  const add = (posts: Post[]) => list.append(...posts.map((p) => postCard(page, p, { detail: false, onChange: (q) => pager.update(q) })));
  const sync = () => { older.hidden = !pager.hasMore; };
  add(pager.posts);
  sync();
  if (pager.posts.length && !pager.hasMore) showRequest(status, done("That is every post."));
  older.addEventListener("click", async () => {
    older.disabled = true;
    older.setAttribute("aria-busy", "true");
    showRequest(status, sending("Loading older posts"));
    try {
      const added = await pager.more();
      add(added);
      showRequest(status, done(pager.hasMore ? `${countText(added.length, "more post")} loaded.` : "That is every post."));
    } catch (err) {
      showRequest(status, failed(err));
    } finally {
      older.disabled = false;
      older.removeAttribute("aria-busy");
      sync();
    }
  });
  return h("section", { "aria-label": "Feed" },
    h("h3", null, "Posts"),
    pager.posts.length ? list : h("p", { class: "muted", dataset: { testid: "feed-empty" } }, `${page.persona.name} has not posted yet.`),
    h("div", { class: "actions" }, older), status);
}

// ------------------------------------------------------------------ one post, its comments

function commentView(page: Page, c: Comment): HTMLElement {
  return h("li", { class: "comment", dataset: { testid: "comment", commentId: String(c.id) } },
    h("div", { class: "comment-head small" },
      h("span", { class: "mono", title: c.author, dataset: { testid: "comment-author" } }, authorLabel(c)),
      c.holder ? h("span", { class: "badge holder", title: `holds shares of ${page.persona.name}`, dataset: { testid: "holder-badge" } }, "holder") : null,
      c.origin === "federated" ? h("span", { class: "badge" }, "fediverse") : null,
      " ", when(c.created_at)),
    h("p", { class: "comment-body", dataset: { testid: "comment-body-text" } }, c.body),
    c.reply ? replyView(page, c.reply) : null);
}

function replyView(page: Page, reply: Post): HTMLElement {
  return h("div", { class: "persona-reply", dataset: { testid: "persona-reply", postId: String(reply.id) } },
    h("p", { class: "small" }, h("strong", null, `${page.persona.name} replied`), " ", when(reply.created_at)),
    postBody(page, reply));
}

function postDetail(page: Page, detail: PostDetail): HTMLElement {
  const { api, persona } = page;
  const list = h("ol", { class: "comments plain", "aria-label": "Comments", dataset: { testid: "comments" } },
    detail.thread.map((c) => commentView(page, c)));
  const heading = h("h3", { dataset: { testid: "comment-count" } });
  let count = detail.thread.length;
  const renderCount = () => { heading.textContent = count ? `Comments (${count})` : "No comments yet"; };
  renderCount();

  const body = h("textarea", { id: "comment-body", name: "comment", rows: 3, dataset: { testid: "comment-body", needsSession: "" },
                               placeholder: `Say something to ${persona.name}…` });
  const counter = h("small", { dataset: { testid: "comment-counter" }, "aria-live": "off" }, commentCounter(""));
  const submit = h("button", { type: "submit", id: "comment-submit", dataset: { testid: "comment-submit", needsSession: "" } }, "Comment");
  const status = requestLine("comment-status");
  body.addEventListener("input", () => {
    counter.textContent = commentCounter(body.value);
    const over = commentProblem(body.value) !== null && body.value.trim() !== "";
    counter.className = over ? "error" : "";
    if (body.getAttribute("aria-invalid")) body.removeAttribute("aria-invalid");
  });
  const mine = new Set<number>();
  let polling = false;
  const form = h("form", { id: "comment-form", class: "comment-form", dataset: { testid: "comment-form" }, novalidate: true,
    onsubmit: (e: Event) => {
      e.preventDefault();
      const problem = commentProblem(body.value);
      if (problem) {
        body.setAttribute("aria-invalid", "true");
        showRequest(status, { status: "failed", text: problem });
        body.focus();
        return;
      }
      void run(page, submit, status, "Sending your comment", async () => {
        const c = await api.comment(detail.id, body.value.trim());
        body.value = "";
        counter.textContent = commentCounter("");
        if (c.status === "held") return "Thank you: your comment is held for a moderator and shows here once it is let through.";
        mine.add(c.id);
        list.append(commentView(page, c));
        count += 1;
        renderCount();
        if (!polling) {
          polling = true;
          pollReplies(page, detail.id, list, mine, () => { polling = false; });
        }
        return `Comment posted. ${persona.name} may reply.`;
      });
    } },
    field("Your comment", body, "1 to 1000 characters; a holder badge shows next to it if you hold this persona's shares."),
    h("div", { class: "actions" }, submit, counter), status);

  return h("section", { "aria-label": "Post", dataset: { testid: "post-detail", postId: String(detail.id) } },
    h("p", { class: "small" }, h("a", { href: personaHref(persona.id), dataset: { testid: "back-to-feed" } }, `← All of ${persona.name}'s posts`)),
    postCard(page, detail, { detail: true }),
    h("div", { class: "card" }, heading, list, form));
}

/** The persona answers comments a little later: look again until the fan's comments have
 * their replies (or a few minutes pass, or the fan leaves the post). */
function pollReplies(page: Page, postId: number, list: HTMLElement, mine: Set<number>, stopped: () => void): void {
  const hash = location.hash;
  const until = Date.now() + REPLY_POLL_FOR_MS;
  const tick = async () => {
    if (location.hash !== hash || Date.now() > until || !list.isConnected) return stopped();
    try {
      const fresh = await page.api.post(postId);
      for (const c of fresh.thread) {
        if (!mine.has(c.id) || !c.reply) continue;
        const shown = list.querySelector(`[data-comment-id="${c.id}"]`);
        if (shown) shown.replaceWith(commentView(page, c));
        mine.delete(c.id);
      }
    } catch { /* try again on the next tick */ }
    if (mine.size) setTimeout(tick, REPLY_POLL_MS);
    else stopped();
  };
  setTimeout(tick, REPLY_POLL_MS);
}
