// Fulfilled content as people see it: the image, voice message, video or text from IPFS, with
// its AI-disclosure manifest (models, emotion, worker, signature) and its checked content
// credentials (C2PA signature, worker, anchor, watermark) beside it.
import { ipfsUrl, fetchIpfsJson } from "./ipfs";
import { h } from "./ui/dom";

export interface MediaRef { mediaCid: string; mediaType: string; subtitlesCid?: string | null; posterCid?: string | null }

/** A player for a voice message or a video, with its subtitles as a default-on track. */
export function mediaPlayer(gatewayUrl: string, media: MediaRef, label: string): HTMLElement {
  const video = media.mediaType.startsWith("video/");
  const player = h(video ? "video" : "audio", {
    controls: "", preload: "metadata", src: ipfsUrl(gatewayUrl, media.mediaCid), "aria-label": label,
    class: video ? "post-video" : "post-audio", dataset: { testid: video ? "video" : "audio" },
    ...(video ? { width: 480, height: 270, playsinline: "" } : {}),
    ...(video && media.posterCid ? { poster: ipfsUrl(gatewayUrl, media.posterCid) } : {}),
  }) as HTMLMediaElement;
  if (media.subtitlesCid) {
    // The gateway names the type from ?filename= (text/vtt): browsers load a track only as WebVTT.
    player.append(h("track", { kind: "subtitles", srclang: "en", label: "Subtitles", default: "",
                               src: ipfsUrl(gatewayUrl, media.subtitlesCid, "subtitles.vtt") }));
  }
  return player;
}

/** The file's content credentials as the web app's checker reads them: a summary line that
 * says verified or which checks failed, each check with its reason when opened. */
export function credentialsPanel(gatewayUrl: string, contentCid: string, worker?: string | null): HTMLElement {
  const summary = h("summary", null, "Content credentials: checking…");
  const list = h("ul", { class: "small" });
  const panel = h("details", { class: "credentials", dataset: { testid: "credentials", state: "checking" } }, summary, list);
  const query = worker && /^0x[0-9a-fA-F]{40}$/.test(worker) ? `?worker=${worker}` : "";
  void fetch(`${gatewayUrl}/api/credentials/${encodeURIComponent(contentCid)}${query}`, { cache: "no-store" })
    .then(async (r) => {
      const report: any = await r.json();
      if (!r.ok) throw new Error(report?.detail ?? `HTTP ${r.status}`);
      const checks: { check: string; status: string; reason: string }[] = report.checks ?? [];
      const failed = checks.filter((c) => c.status === "fail").map((c) => c.check);
      panel.dataset.state = report.ok ? "verified" : "failed";
      summary.textContent = report.ok
        ? `Content credentials verified: C2PA signed by ${report.signer ?? "the worker"}, AI-generated disclosed`
        : `Content credentials FAILED: ${failed.join(", ")}`;
      list.replaceChildren(...checks.map((c) => h("li", { dataset: { check: c.check, status: c.status } },
        h("strong", null, `${c.check}: ${c.status}`), ` ${c.reason}`)));
    })
    .catch((err) => {
      panel.dataset.state = "unavailable";
      summary.textContent = `Content credentials could not be checked: ${err instanceof Error ? err.message : String(err)}`;
    });
  return panel;
}

export function contentView(gatewayUrl: string, contentCid: string, manifestCid: string, compact = false): HTMLElement {
  const box = h("figure", { class: "content", dataset: { contentCid } });
  void fill(box, gatewayUrl, contentCid, manifestCid, compact);
  return box;
}

async function fill(box: HTMLElement, gatewayUrl: string, contentCid: string, manifestCid: string, compact: boolean) {
  const manifest: any = await fetchIpfsJson(gatewayUrl, manifestCid).catch(() => null);
  const media: string = manifest?.content?.mediaType ?? "";
  const files = manifest?.attachments ?? {};
  if (media.startsWith("image/")) {
    box.append(h("img", { src: ipfsUrl(gatewayUrl, contentCid), alt: manifest?.caption ?? `AI-generated ${manifest?.emotion ?? ""} image`,
                          width: compact ? 160 : 256, height: compact ? 160 : 256, loading: "lazy" }));
  } else if (media.startsWith("video/") || media.startsWith("audio/")) {
    box.append(mediaPlayer(gatewayUrl, { mediaCid: contentCid, mediaType: media, subtitlesCid: files.subtitles?.cid,
                                         posterCid: files.poster?.cid }, manifest?.caption ?? "AI-generated media"));
  } else {
    const text = await fetch(ipfsUrl(gatewayUrl, contentCid)).then((r) => r.text()).catch(() => "");
    box.append(h("blockquote", null, text.slice(0, 600)));
  }
  if (manifest?.caption && /^(image|audio|video)\//.test(media)) box.append(h("p", null, manifest.caption));
  const models = (manifest?.models ?? []).map((m: any) => m.name ?? m.id ?? "model").join(", ");
  box.append(h("figcaption", { class: "small", dataset: { testid: "disclosure" } },
    h("strong", null, manifest?.aiGenerated ? "AI-generated. " : ""), manifest?.disclosure ?? "No AI-disclosure manifest found.",
    compact ? null : h("span", null, ` Emotion: ${manifest?.emotion ?? "?"}. Models: ${models || "?"}. Worker: ${manifest?.worker ?? "?"}.` +
      (manifest?.signature ? " Signed." : "")),
    " ", h("a", { href: ipfsUrl(gatewayUrl, manifestCid, "manifest.json") }, "manifest")));
  if (manifest?.credentials?.c2pa) box.append(credentialsPanel(gatewayUrl, contentCid, manifest.worker));
}
